"""Reading what changed: the events of a run or a period, the timeline of one page, and the plain-data
(JSON-ready) forms of runs, versions, captures and events that the CLI and a web interface share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .content import iso_utc
from .models import Capture, Event, Page, PageAlias, Run, Version, latest_number


@dataclass(frozen=True)
class ChangeEvent:
    """An event with what a reader needs to understand it without another query.

    ``url`` is the page's URL when the event happened; ``page_url`` its URL now (they differ after a move).
    """

    id: int
    run_id: int | None
    at: datetime
    kind: str
    url: str
    page_url: str
    title: str | None
    version: int | None
    details: dict
    page_id: int | None = None
    version_id: int | None = None


def latest_run_id(session: Session, source: str | None = None) -> int | None:
    """The newest run of the archive (of ``source`` only, when given)."""
    query = select(func.max(Run.id))
    if source:
        query = query.where(Run.source == source)
    return session.scalar(query)


def run_range(session: Session) -> tuple[int, int] | None:
    """The lowest and highest run ids, or None when the archive has no run."""
    low, high = session.execute(select(func.min(Run.id), func.max(Run.id))).one()
    return None if low is None else (low, high)


MAX_ID = 2**63 - 1  # larger numbers name no row (and no database can even compare them)


class UnknownRun(LookupError):
    """A run id that names no run of the archive; the message gives the range of those there are."""


def get_run(session: Session, run_id: int) -> Run:
    """The run ``run_id``; :class:`UnknownRun` when the archive has none of that id."""
    run = session.get(Run, run_id) if abs(run_id) <= MAX_ID else None
    if run is None:
        known = run_range(session)
        scope = f"runs are {known[0]} to {known[1]}" if known else "the archive has no run"
        raise UnknownRun(f"no run {run_id} in the archive ({scope})")
    return run


def _change_events(session: Session, query, source: str | None = None) -> list[ChangeEvent]:
    query = (
        query.join(Page, Event.page_id == Page.id)
        .outerjoin(Version, Event.version_id == Version.id)
        .add_columns(Page.url, Version.number, Version.title)
        .order_by(Event.at, Event.id)
    )
    if source:
        query = query.where(Page.source == source)
    events = []
    for event, page_url, number, title in session.execute(query):
        if title is None:
            title = session.scalar(
                select(Version.title).where(
                    Version.page_id == event.page_id, Version.number == latest_number(event.page_id)
                )
            )
        events.append(
            ChangeEvent(
                id=event.id,
                run_id=event.run_id,
                at=event.at,
                kind=event.kind,
                url=event.url,
                page_url=page_url,
                title=title,
                version=number,
                details=dict(event.details or {}),
                page_id=event.page_id,
                version_id=event.version_id,
            )
        )
    return events


def events_of_run(session: Session, run_id: int, *, source: str | None = None) -> list[ChangeEvent]:
    """The events of one run (of the pages of ``source`` only, when given), oldest first."""
    return _change_events(session, select(Event).where(Event.run_id == run_id), source)


def events_since(session: Session, since: datetime, *, source: str | None = None) -> list[ChangeEvent]:
    """The events at or after ``since`` (of the pages of ``source`` only, when given), oldest first."""
    return _change_events(session, select(Event).where(Event.at >= since), source)


def page_events(session: Session, page: Page) -> list[ChangeEvent]:
    return _change_events(session, select(Event).where(Event.page_id == page.id))


def event_versions(session: Session, event: ChangeEvent) -> tuple[Version | None, Version | None]:
    """(the version before the event, the version it made) — either may be None (a removal, a move, a
    first version)."""
    if event.version_id is None or event.page_id is None:
        return None, None
    new = session.get(Version, event.version_id)
    if new is None:
        return None, None
    before = event.details.get("from_version")
    number = before if isinstance(before, int) else new.number - 1
    old = get_version_number(session, event.page_id, number) if number and number > 0 else None
    return old, new


@dataclass(frozen=True)
class VersionInfo:
    version: Version
    capture: Capture | None


def page_versions(session: Session, page: Page) -> list[VersionInfo]:
    versions = session.scalars(select(Version).where(Version.page_id == page.id).order_by(Version.number))
    return [VersionInfo(v, session.get(Capture, v.capture_id) if v.capture_id else None) for v in versions]


def page_aliases(session: Session, page: Page) -> list[str]:
    return list(session.scalars(select(PageAlias.url).where(PageAlias.page_id == page.id).order_by(PageAlias.id)))


def get_version(session: Session, page: Page, number: int) -> Version | None:
    return get_version_number(session, page.id, number)


def get_version_number(session: Session, page_id: int, number: int) -> Version | None:
    return session.scalar(select(Version).where(Version.page_id == page_id, Version.number == number))


def latest_capture(session: Session, page: Page) -> Capture | None:
    """The most recent capture of ``page`` that has a body to re-extract (not a 404 kept as evidence)."""
    return session.scalar(
        select(Capture)
        .where(Capture.page_id == page.id, Capture.raw_sha256.is_not(None), Capture.extraction_status != "gone")
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
    )


# ---------------------------------------------------------------------------- plain-data forms (JSON)


def _iso_text(value) -> str | None:
    """A stored ISO 8601 string (``+00:00`` or naive, both UTC) in the archive's ``Z`` form."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return iso_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def run_errors(run: Run) -> list[dict]:
    """The run's error details (URL, reason, when), as recorded: at most ``MAX_ERROR_DETAILS`` of them."""
    return [
        {**detail, "at": _iso_text(detail.get("at"))} if isinstance(detail, dict) else {"error": str(detail)}
        for detail in (run.error_details or [])
    ]


def run_as_dict(run: Run, exit_status: int | None, message: str | None = None) -> dict:
    """A run as ``crawl --json`` and ``runs --json`` print it. ``exit_status`` is what ``crawl`` exits
    (or exited) with for it, None while it runs or when its process died; ``message`` says in words why
    it did not simply finish (``archive.store.describe_outcome``)."""
    return {
        "run": run.id,
        "status": run.status,
        "finish_reason": run.finish_reason,
        "message": message,
        "source": run.source,
        "base_url": run.base_url,
        "started_at": iso_utc(run.started_at),
        "finished_at": iso_utc(run.finished_at),
        "fetched": run.fetched,
        "new_pages": run.new_pages,
        "new_versions": run.new_versions,
        "unchanged": run.unchanged,
        "not_modified": run.not_modified,
        "errors": run.errors,
        "error_details": run_errors(run),
        "exit_status": exit_status,
    }


def capture_as_dict(capture: Capture | None) -> dict | None:
    """Where a version came from: the HTTP fetch, its validators and the SHA-256 of the raw body kept."""
    if capture is None:
        return None
    return {
        "id": capture.id,
        "run": capture.run_id,
        "url": capture.url,
        "requested_url": capture.requested_url,
        "fetched_at": iso_utc(capture.fetched_at),
        "http_status": capture.http_status,
        "etag": capture.etag,
        "last_modified": capture.last_modified,
        "content_type": capture.content_type,
        "raw_sha256": capture.raw_sha256,
        "extraction_status": capture.extraction_status,
    }


def version_as_dict(version: Version, capture: Capture | None, *, url: str, text: bool = True) -> dict:
    """A version's record with its provenance; ``text=False`` leaves the text out (timelines)."""
    record = {
        "url": url,
        "version": version.number,
        "title": version.title,
        "author": version.author,
        "published": iso_utc(version.published),
        "modified": iso_utc(version.modified),
        "language": version.language,
        "declared_language": version.declared_language,
        "description": version.description,
    }
    if text:
        record["text"] = version.text
    record.update(
        {
            "content_sha256": version.content_sha256,
            "first_seen": iso_utc(version.first_seen),
            "last_seen": iso_utc(version.last_seen),
            "extractor": version.extractor,
            "reason": version.reason,
            "run": version.run_id,
            "capture": capture_as_dict(capture),
        }
    )
    return record


def event_as_dict(event: ChangeEvent) -> dict:
    """An event as ``changes --format json`` prints it: ``url`` is the page's URL now, ``url_at_event``
    the one it had when the event happened."""
    return {
        "id": event.id,
        "run": event.run_id,
        "at": iso_utc(event.at),
        "kind": event.kind,
        "url": event.page_url,
        "url_at_event": event.url,
        "title": event.title,
        "version": event.version,
        "details": event.details,
    }


def page_history_as_dict(session: Session, page: Page) -> dict:
    """The timeline of a page: its identity, other URLs, translations, versions with provenance, events."""
    duplicate_of = session.get_one(Page, page.duplicate_of_id).url if page.duplicate_of_id else None
    return {
        "url": page.url,
        "source": page.source,
        "kind": page.kind,
        "status": page.status,
        "first_seen": iso_utc(page.first_seen),
        "last_seen": iso_utc(page.last_seen),
        "aliases": page_aliases(session, page),
        "duplicate_of": duplicate_of,
        "translations": dict(sorted((page.translations or {}).items())),
        "versions": [
            version_as_dict(info.version, info.capture, url=page.url, text=False)
            for info in page_versions(session, page)
        ],
        "events": [event_as_dict(e) for e in page_events(session, page)],
    }


# ------------------------------------------------------------------------------- stable feed identity


def archive_identity(session: Session) -> uuid.UUID | None:
    """A UUID that names this archive for good, derived from its first run (source, origin, start time),
    which never changes; None while the archive has no run. Copies of the archive keep it."""
    first = session.scalar(select(Run).order_by(Run.id).limit(1))
    if first is None:
        return None
    anchor = f"cess-archive:{first.source}:{first.base_url or ''}:{iso_utc(first.started_at)}"
    return uuid.uuid5(uuid.NAMESPACE_URL, anchor)


def feed_id(archive: uuid.UUID, source: str | None) -> str:
    """The Atom id of the change feed of an archive (of one source, or of all): the same whatever run or
    date the feed is made for."""
    return uuid.uuid5(archive, f"changes:{source}" if source else "changes").urn


def feed_entry_id(archive: uuid.UUID, event_id: int) -> str:
    """The Atom id of one event: the same in every feed of the archive that lists it."""
    return uuid.uuid5(archive, f"event:{event_id}").urn
