"""The crawl runs: their list, one run with its counts and errors, the sources the archive names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from ..content import iso_utc
from ..exit_statuses import EXIT_CANNOT_RUN, EXIT_INTERRUPTED, EXIT_OK, EXIT_PAGE_ERRORS
from ..models import Page, Run
from ..store import describe_outcome
from .pages import MAX_ID, NotFound, from_row


@dataclass(frozen=True)
class RunInfo:
    """One crawl run: what it crawled, when, how it ended (``message`` says in words why it did not simply
    finish), its counts, and its errors as recorded (at most ``archive.store.MAX_ERROR_DETAILS``)."""

    id: int
    source: str
    base_url: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    finish_reason: str | None
    message: str | None
    fetched: int
    new_pages: int
    new_versions: int
    unchanged: int
    not_modified: int
    errors: int
    error_details: tuple[dict, ...]

    @classmethod
    def of(cls, run: Run) -> RunInfo:
        details = tuple(
            {**detail, "at": _iso_text(detail.get("at"))} if isinstance(detail, dict) else {"error": str(detail)}
            for detail in (run.error_details or [])
        )
        return from_row(cls, run, message=describe_outcome(run), error_details=details)

    @property
    def exit_status(self) -> int | None:
        """The status ``crawl`` exits (or exited) with for this run; None while it runs or when its process
        died (then the crawl itself reported nothing)."""
        if self.status in ("running", "aborted"):
            return None
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        if self.status == "failed":
            return EXIT_CANNOT_RUN
        if self.errors and self.fetched == 0 and self.not_modified == 0:  # recorded before runs could be "failed"
            return EXIT_CANNOT_RUN
        return EXIT_PAGE_ERRORS if self.errors else EXIT_OK

    def as_dict(self, exit_status: int | None) -> dict:
        """The run as ``crawl --json`` and ``runs --json`` print it; ``exit_status`` is what ``crawl`` exits
        (or exited) with for it, None while it runs or when its process died."""
        return {
            "run": self.id,
            "status": self.status,
            "finish_reason": self.finish_reason,
            "message": self.message,
            "source": self.source,
            "base_url": self.base_url,
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self.finished_at),
            "fetched": self.fetched,
            "new_pages": self.new_pages,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "errors": self.errors,
            "error_details": list(self.error_details),
            "exit_status": exit_status,
        }


def _iso_text(value) -> str | None:
    """A stored ISO 8601 string (``+00:00`` or naive, both UTC) in the archive's ``Z`` form."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return iso_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def list_runs(session: Session) -> list[RunInfo]:
    """Every run, oldest first."""
    return [RunInfo.of(run) for run in session.scalars(select(Run).order_by(Run.id))]


def get_run(session: Session, run_id: int) -> RunInfo:
    """The run ``run_id``; :class:`NotFound` giving the range of the runs there are."""
    run = session.get(Run, run_id) if abs(run_id) <= MAX_ID else None
    if run is None:
        low, high = session.execute(select(func.min(Run.id), func.max(Run.id))).one()
        scope = f"runs are {low} to {high}" if low is not None else "the archive has no run"
        raise NotFound(f"no run {run_id} in the archive ({scope})")
    return RunInfo.of(run)


def latest_run_id(session: Session, source: str | None = None) -> int | None:
    """The newest run of the archive (of ``source`` only, when given)."""
    query = select(func.max(Run.id))
    if source:
        query = query.where(Run.source == source)
    return session.scalar(query)


def last_run(session: Session, source: str | None = None) -> RunInfo | None:
    """The newest run of ``source``, else the newest run of the archive; None when it has none."""
    run_id = (latest_run_id(session, source) if source else None) or latest_run_id(session)
    return get_run(session, run_id) if run_id is not None else None


def source_names(session: Session) -> set[str]:
    """The sources the archive names: of its pages and of its runs."""
    return {name for name in session.scalars(union(select(Page.source), select(Run.source))) if name}
