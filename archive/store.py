"""Writing to the archive: runs, raw captures, and the append-only versions of pages.

Every function takes the caller's ``session`` and works inside the caller's transaction, so that one fetched
page is stored all at once or not at all. Run counters are updated in the same transaction as the data they
count, so they always agree with it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .content import Content, content_from, content_values, digest_of
from .events import add_event, describe_change
from .models import RUN_STATUSES, Capture, Event, Page, PageAlias, RawBlob, Run, Version, latest_number, utcnow  # noqa: F401
from .raw import store_raw

MAX_ERROR_DETAILS = 200

NOTHING_FETCHED = "nothing_fetched"
MAX_RUNTIME = "max_runtime"


class Outcome(str, enum.Enum):
    """What storing one capture did to the archive."""

    NEW_PAGE = "new_page"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Fetched:
    """An HTTP response as the crawler got it."""

    requested_url: str
    url: str
    status: int
    body: bytes
    fetched_at: datetime
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


def start_run(session: Session, source: str, base_url: str | None = None) -> Run:
    run = Run(source=source, base_url=base_url, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run


def abandon_stale_runs(session: Session) -> int:
    """Marks runs still "running" as "aborted": called by a crawl that holds the archive's lock, so any
    such run belongs to a process that died (killed, or the machine went down)."""
    stale = session.scalars(select(Run).where(Run.status == "running")).all()
    for run in stale:
        run.status = "aborted"
        run.finish_reason = "the crawl process died"
    return len(stale)


def finish_run(session: Session, run_id: int, status: str, reason: str | None = None, stats: dict | None = None) -> Run:
    run = session.get_one(Run, run_id)
    run.status = status
    run.finish_reason = reason
    if stats is not None:
        run.stats = stats
    run.finished_at = utcnow()
    return run


def record_error(session: Session, run_id: int, url: str, reason: str, kind: str | None = None) -> None:
    """Counts a page that could not be fetched or stored, with why (``reason``: the full error; ``kind``:
    the same in a few words, such as "connection refused" or "HTTP 503")."""
    run = session.get_one(Run, run_id)
    run.errors += 1
    details = list(run.error_details or [])
    if len(details) < MAX_ERROR_DETAILS:
        detail = {"url": url, "error": reason, "at": utcnow().isoformat()}
        if kind:
            detail["kind"] = kind
        details.append(detail)
        run.error_details = details


def fetched_nothing(run: Run) -> bool:
    """True when the run stored no capture and confirmed no page (no 200, no 304)."""
    return not run.fetched and not run.not_modified


def error_kinds(run: Run) -> list[str]:
    """Why the run's requests failed, most frequent first ("connection refused", "HTTP 503", …): from the
    crawler's counters kept with the run, else from its ``error_details``."""
    counts: dict[str, int] = {}
    for key, value in (run.stats or {}).items():
        if key.startswith("archive/fetch_errors/") and isinstance(value, int):
            counts[key.removeprefix("archive/fetch_errors/")] = value
    if not counts:
        for detail in run.error_details or []:
            kind = detail.get("kind") or str(detail.get("error", "")).split(":", 1)[0] or "unknown"
            counts[kind] = counts.get(kind, 0) + 1
    return sorted(counts, key=lambda kind: (-counts[kind], kind))


def format_duration(seconds: float) -> str:
    """``21600`` → ``6h``, ``5400`` → ``1h30m``, ``2`` → ``2s``."""
    whole = int(seconds)
    if whole != seconds or whole <= 0:
        return f"{seconds:g}s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if n)


def describe_outcome(run: Run) -> str | None:
    """Why a run did not simply finish, in words (None for a finished or running run)."""
    stats = run.stats or {}
    if run.status == "failed":
        failed = sum(v for k, v in stats.items() if k.startswith("archive/fetch_errors/") and isinstance(v, int))
        failed = failed or run.errors
        kinds = error_kinds(run)
        if failed:
            noun = "request failed" if failed == 1 else "requests failed"
            return f"nothing could be fetched ({failed} {noun}: {', '.join(kinds[:3]) or 'unknown errors'})"
        forbidden = stats.get("robotstxt/forbidden")
        if forbidden:
            return f"nothing could be fetched ({forbidden} requests forbidden by robots.txt)"
        return "nothing could be fetched (no page found to fetch)"
    if run.status == "interrupted":
        if run.finish_reason == MAX_RUNTIME:
            limit = stats.get("archive/max_runtime")
            of = f" of {format_duration(limit)}" if isinstance(limit, (int, float)) and limit > 0 else ""
            return f"maximum run time{of} reached"
        if run.finish_reason == "shutdown":
            return "stopped by a signal"
        return f"stopped ({run.finish_reason})" if run.finish_reason else "stopped"
    if run.status == "aborted":
        return run.finish_reason or "the crawl process died"
    return None


def find_page(session: Session, url: str) -> Page | None:
    """The page whose canonical URL, or one of whose aliases, is ``url``."""
    page = session.scalar(select(Page).where(Page.url == url))
    if page is not None:
        return page
    return session.scalar(select(Page).join(PageAlias).where(PageAlias.url == url))


def latest_version(session: Session, page: Page) -> Version | None:
    return session.scalar(select(Version).where(Version.page_id == page.id, Version.number == latest_number(page.id)))


def latest_capture(session: Session, page: Page) -> Capture | None:
    """The most recent capture of ``page`` that has a body to re-extract (not a 404 kept as evidence)."""
    return session.scalar(
        select(Capture)
        .where(Capture.page_id == page.id, Capture.raw_sha256.is_not(None), Capture.extraction_status != "gone")
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
    )


def _add_aliases(session: Session, page: Page, urls: Iterable[str]) -> None:
    for url in set(urls):
        if url == page.url:
            continue
        if session.scalar(select(PageAlias.id).where(PageAlias.url == url)) is None:
            session.add(PageAlias(url=url, page=page, first_seen=utcnow()))


def _new_version(
    session: Session,
    page: Page,
    number: int,
    content: Content,
    digest: str,
    *,
    capture: Capture | None,
    run_id: int | None,
    reason: str,
    at: datetime,
) -> Version:
    version = Version(
        page=page,
        number=number,
        content_sha256=digest,
        **content_values(content),
        reason=reason,
        first_seen=at,
        last_seen=at,
        run_id=run_id,
        capture_id=capture.id if capture is not None else None,
    )
    session.add(version)
    session.flush()
    return version


def _capture_row(
    session: Session,
    run_id: int | None,
    page: Page | None,
    fetched: Fetched,
    extraction_status: str,
    error: str | None,
    *,
    store_body: bool = True,
) -> Capture:
    capture = Capture(
        run_id=run_id,
        page_id=page.id if page else None,
        requested_url=fetched.requested_url,
        url=fetched.url,
        fetched_at=fetched.fetched_at,
        http_status=fetched.status,
        headers=dict(fetched.headers),
        etag=fetched.header("ETag"),
        last_modified=fetched.header("Last-Modified"),
        content_type=fetched.header("Content-Type"),
        raw_sha256=store_raw(session, fetched.body) if store_body else None,
        extraction_status=extraction_status,
        extraction_error=error,
    )
    session.add(capture)
    return capture


def _move(
    session: Session, page: Page, new_url: str, at: datetime, run_id: int | None, status: int | None = None
) -> None:
    """Gives ``page`` a new canonical URL, keeping the old one as an alias, and records the move."""
    old_url = page.url
    alias = session.scalar(select(PageAlias).where(PageAlias.url == new_url))
    if alias is not None:
        session.delete(alias)
        session.flush()
    page.url = new_url
    session.flush()
    _add_aliases(session, page, [old_url])
    details: dict[str, str | int] = {"from_url": old_url, "to_url": new_url}
    if status is not None:
        details["http_status"] = status
    add_event(session, page=page, kind="moved", at=at, run_id=run_id, details=details)


def record_capture(
    session: Session,
    *,
    run_id: int | None,
    source: str,
    kind: str,
    page_url: str,
    fetched: Fetched,
    content: Content | None,
    error: str | None = None,
    aliases: Iterable[str] = (),
) -> Outcome:
    """Stores one fetched page, versions its content and records what changed.

    ``page_url`` is the page's canonical URL; ``aliases`` are the other URLs it was reached under (a page
    found only through one of them has moved to ``page_url``). With ``content`` None (nothing extracted,
    or extraction failed with ``error``), the raw capture is kept and no version is made. The same content
    as the latest version only moves ``last_seen``.
    """
    run = session.get_one(Run, run_id) if run_id is not None else None
    at = fetched.fetched_at
    page = find_page(session, page_url)
    moved_from = None
    if page is None:
        for alias in aliases:
            page = find_page(session, alias)
            if page is not None:
                moved_from = page
                break

    status = "ok" if content is not None else ("failed" if error else "empty")
    capture = _capture_row(session, run_id, page, fetched, status, error)
    if run is not None:
        run.fetched += 1

    if content is None:
        session.flush()
        if run is not None and error:
            record_error(session, run.id, fetched.url, f"extraction failed: {error}")
        return Outcome.FAILED

    digest = digest_of(content)
    if page is None:
        page = Page(
            url=page_url,
            source=source,
            kind=kind,
            status="live",
            first_seen=at,
            last_seen=at,
            translations=dict(content.translations),
        )
        session.add(page)
        session.flush()
        capture.page_id = page.id
        session.flush()
        version = _add_version(
            session, page, None, content, digest, capture=capture, run_id=run_id, reason="crawl", at=at
        )
        capture.version_id = version.id
        _add_aliases(session, page, aliases)
        if run is not None:
            run.new_pages += 1
            run.new_versions += 1
        return Outcome.NEW_PAGE

    if moved_from is not None and page.url != page_url:
        _move(session, page, page_url, at, run_id, fetched.status)
    session.flush()
    page.last_seen = max(page.last_seen, at)
    if page.status == "removed":
        page.status = "live"
        add_event(session, page=page, kind="restored", at=at, run_id=run_id, details={"http_status": fetched.status})
    if page.translations != content.translations:
        page.translations = dict(content.translations)
    _add_aliases(session, page, aliases)
    current = latest_version(session, page)
    if current is not None and current.content_sha256 == digest:
        current.last_seen = max(current.last_seen, at)
        capture.version_id = current.id
        if run is not None:
            run.unchanged += 1
        return Outcome.UNCHANGED

    version = _add_version(
        session, page, current, content, digest, capture=capture, run_id=run_id, reason="crawl", at=at
    )
    capture.version_id = version.id
    if run is not None:
        run.new_versions += 1
    return Outcome.NEW_VERSION


def _add_version(
    session: Session,
    page: Page,
    current: Version | None,
    content: Content,
    digest: str,
    *,
    capture: Capture | None,
    run_id: int | None,
    reason: str,
    at: datetime,
) -> Version:
    """Appends a version after ``current`` and records the event that describes the change."""
    number = current.number + 1 if current is not None else 1
    version = _new_version(session, page, number, content, digest, capture=capture, run_id=run_id, reason=reason, at=at)
    details: dict
    if reason == "extractor-change":
        kind, details = "extractor-change", {"from_version": current.number if current else None}
    elif current is None:
        kind, details = "new", {"title": content.title}
    else:
        kind, details = describe_change(current, content)
    add_event(session, page=page, kind=kind, at=at, run_id=run_id, version=version, details=details)
    return version


def record_reextraction(session: Session, page: Page, capture: Capture, content: Content) -> Version | None:
    """A new extractor read ``capture`` of ``page`` as ``content``: a version marked as an extractor change
    when the content differs from the latest version, else nothing. The capture itself is not modified.
    """
    digest = digest_of(content)
    current = latest_version(session, page)
    if current is not None and current.content_sha256 == digest:
        return None
    return _add_version(
        session, page, current, content, digest, capture=capture, run_id=None, reason="extractor-change", at=utcnow()
    )


def record_not_modified(session: Session, *, run_id: int | None, url: str, fetched: Fetched) -> bool:
    """A conditional request answered 304: the latest version is confirmed, nothing is downloaded.

    Returns False when no archived page (with a version) has that URL.
    """
    page = find_page(session, url)
    current = latest_version(session, page) if page is not None else None
    if page is None or current is None:
        return False
    capture = _capture_row(session, run_id, page, fetched, "not-modified", None, store_body=False)
    capture.version_id = current.id
    current.last_seen = max(current.last_seen, fetched.fetched_at)
    page.last_seen = max(page.last_seen, fetched.fetched_at)
    run = session.get(Run, run_id) if run_id is not None else None
    if run is not None:
        run.not_modified += 1
    return True


def record_gone(session: Session, *, run_id: int | None, url: str, fetched: Fetched) -> bool:
    """A URL answered 404/410: marks its page removed (keeping the response as evidence).

    Returns False when no archived page has that URL. A page already removed stays as it is, and its
    later 404s are not stored again.
    """
    page = find_page(session, url)
    if page is None:
        return False
    if page.status != "removed":
        capture = _capture_row(session, run_id, page, fetched, "gone", None)
        page.status = "removed"
        session.flush()
        add_event(
            session,
            page=page,
            kind="removed",
            at=fetched.fetched_at,
            run_id=run_id,
            details={"http_status": fetched.status, "capture_id": capture.id},
        )
    return True


def record_redirect(
    session: Session,
    from_url: str,
    to_url: str,
    *,
    run_id: int | None = None,
    status: int | None = None,
    at: datetime | None = None,
) -> bool:
    """``from_url`` redirects to ``to_url``: an alias of the target, or a move of the page at ``from_url``.

    Returns False while the target is not archived yet (the caller retries once it may be). When both
    URLs are archived pages, the target (usually just created from the sitemap) is merged into the page
    that moved, which keeps its identity and history under the new URL.
    """
    at = at or utcnow()
    target = find_page(session, to_url)
    moved = find_page(session, from_url)
    if target is None:
        return False
    if moved is None:
        _add_aliases(session, target, [from_url])
        return True
    if moved.id == target.id:
        return True
    new_url = target.url
    _merge_into(session, keep=moved, absorbed=target, run_id=run_id)
    _move(session, moved, new_url, at, run_id, status)
    return True


def _merge_into(session: Session, *, keep: Page, absorbed: Page, run_id: int | None) -> None:
    """Folds ``absorbed`` (the same page under its new URL) into ``keep``, then deletes it.

    The absorbed page's latest content becomes a new version of ``keep`` when it differs; its captures and
    aliases move over; its own events (a "new" that was not) and versions go.
    """
    run = session.get(Run, run_id) if run_id is not None else None
    kept_latest = latest_version(session, keep)
    absorbed_latest = latest_version(session, absorbed)
    target_version = kept_latest
    if absorbed_latest is not None and (
        kept_latest is None or absorbed_latest.content_sha256 != kept_latest.content_sha256
    ):
        capture = session.get(Capture, absorbed_latest.capture_id) if absorbed_latest.capture_id else None
        # the translations are the absorbed page's, as last captured
        content = content_from(absorbed_latest, translations=dict(absorbed.translations or {}))
        target_version = _add_version(
            session,
            keep,
            kept_latest,
            content,
            absorbed_latest.content_sha256,
            capture=capture,
            run_id=run_id,
            reason="crawl",
            at=absorbed_latest.first_seen,
        )
        target_version.last_seen = absorbed_latest.last_seen
    elif kept_latest is not None and absorbed_latest is not None:
        kept_latest.last_seen = max(kept_latest.last_seen, absorbed_latest.last_seen)
    absorbed_versions = [v.id for v in absorbed.versions]
    for capture in session.scalars(select(Capture).where(Capture.page_id == absorbed.id)):
        capture.page_id = keep.id
        if capture.version_id in absorbed_versions:
            capture.version_id = target_version.id if target_version is not None else None
    for alias in list(absorbed.aliases):
        alias.page = keep
    for event in session.scalars(select(Event).where(Event.page_id == absorbed.id)):
        session.delete(event)
    for other in session.scalars(select(Page).where(Page.duplicate_of_id == absorbed.id)):
        other.duplicate_of_id = None
    keep.last_seen = max(keep.last_seen, absorbed.last_seen)
    keep.translations = dict(absorbed.translations or keep.translations or {})
    if run is not None and absorbed.first_seen >= run.started_at:
        run.new_pages -= 1  # the absorbed page was counted as new by this run: it was not
        run.new_versions -= len(absorbed_versions)
        if target_version is not kept_latest:
            run.new_versions += 1
        else:
            run.unchanged += 1  # the capture of the absorbed page confirmed the moved page's content
    session.flush()
    session.delete(absorbed)
    session.flush()
