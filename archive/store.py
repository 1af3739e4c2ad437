"""Writing to the archive: runs, raw captures, and the append-only versions of pages.

Every function takes the caller's ``session`` and works inside the caller's transaction, so that one fetched
page is stored all at once or not at all. Run counters are updated in the same transaction as the data they
count, so they always agree with it.
"""

from __future__ import annotations

import enum
import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .content import Content, digest_of
from .models import Capture, Page, PageAlias, RawBlob, Run, Version, utcnow

MAX_ERROR_DETAILS = 200


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


def finish_run(session: Session, run_id: int, status: str, reason: str | None = None) -> Run:
    run = session.get_one(Run, run_id)
    run.status = status
    run.finish_reason = reason
    run.finished_at = utcnow()
    return run


def record_error(session: Session, run_id: int, url: str, reason: str) -> None:
    """Counts a page that could not be fetched or stored, with why."""
    run = session.get_one(Run, run_id)
    run.errors += 1
    details = list(run.error_details or [])
    if len(details) < MAX_ERROR_DETAILS:
        details.append({"url": url, "error": reason, "at": utcnow().isoformat()})
        run.error_details = details


def find_page(session: Session, url: str) -> Page | None:
    """The page whose canonical URL, or one of whose aliases, is ``url``."""
    page = session.scalar(select(Page).where(Page.url == url))
    if page is not None:
        return page
    return session.scalar(select(Page).join(PageAlias).where(PageAlias.url == url))


def latest_version(session: Session, page: Page) -> Version | None:
    return session.scalar(
        select(Version).where(Version.page_id == page.id).order_by(Version.number.desc()).limit(1)
    )


def store_raw(session: Session, body: bytes) -> str:
    """Stores ``body`` once under its SHA-256 and returns the digest."""
    sha = hashlib.sha256(body).hexdigest()
    if session.get(RawBlob, sha) is None:
        session.add(RawBlob(sha256=sha, size=len(body), compression="zlib", data=zlib.compress(body, 6)))
    return sha


def load_raw(blob: RawBlob) -> bytes:
    if blob.compression != "zlib":
        raise ValueError(f"unknown raw compression {blob.compression!r}")
    return zlib.decompress(blob.data)


def _add_aliases(session: Session, page: Page, urls: Iterable[str]) -> None:
    for url in set(urls):
        if url == page.url:
            continue
        if session.scalar(select(PageAlias.id).where(PageAlias.url == url)) is None:
            session.add(PageAlias(url=url, page=page, first_seen=utcnow()))


def record_redirect(session: Session, from_url: str, to_url: str) -> bool:
    """Keeps ``from_url`` as an alias of the page at ``to_url``; False while that page is not archived yet.

    A URL that is itself an archived page is left alone here: a page that moved is the change tracker's
    business, not an alias.
    """
    target = find_page(session, to_url)
    if target is None:
        return False
    existing = find_page(session, from_url)
    if existing is None:
        _add_aliases(session, target, [from_url])
    return True


def _new_version(session: Session, page: Page, number: int, content: Content, digest: str,
                 capture: Capture, run_id: int | None, reason: str) -> Version:
    version = Version(
        page=page,
        number=number,
        content_sha256=digest,
        title=content.title,
        author=content.author,
        published=content.published,
        modified=content.modified,
        text=content.text,
        language=content.language,
        language_probability=content.language_probability,
        declared_language=content.declared_language,
        description=content.description,
        image=content.image,
        translations=dict(content.translations),
        template=content.template,
        extractor=content.extractor,
        reason=reason,
        first_seen=capture.fetched_at,
        last_seen=capture.fetched_at,
        run_id=run_id,
        capture_id=capture.id,
    )
    session.add(version)
    session.flush()
    return version


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
    """Stores one fetched page and versions its content.

    ``page_url`` is the page's canonical URL; ``aliases`` are the other URLs it was reached under. With
    ``content`` None (nothing extracted, or extraction failed with ``error``), the raw capture is kept and no
    version is made. The same content as the latest version only moves ``last_seen``.
    """
    run = session.get_one(Run, run_id) if run_id is not None else None
    page = find_page(session, page_url)
    for alias in aliases:
        page = page or find_page(session, alias)

    raw_sha = store_raw(session, fetched.body)
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
        raw_sha256=raw_sha,
        extraction_status="ok" if content is not None else ("failed" if error else "empty"),
        extraction_error=error,
    )
    session.add(capture)
    if run is not None:
        run.fetched += 1

    if content is None:
        session.flush()
        if run is not None and error:
            record_error(session, run.id, fetched.url, f"extraction failed: {error}")
        return Outcome.FAILED

    digest = digest_of(content)
    if page is None:
        page = Page(url=page_url, source=source, kind=kind, status="live",
                    first_seen=fetched.fetched_at, last_seen=fetched.fetched_at,
                    translations=dict(content.translations))
        session.add(page)
        session.flush()
        capture.page_id = page.id
        session.flush()
        version = _new_version(session, page, 1, content, digest, capture, run_id, "crawl")
        capture.version_id = version.id
        _add_aliases(session, page, aliases)
        if run is not None:
            run.new_pages += 1
            run.new_versions += 1
        return Outcome.NEW_PAGE

    session.flush()
    page.last_seen = max(page.last_seen, fetched.fetched_at)
    page.status = "live"
    if page.translations != content.translations:
        page.translations = dict(content.translations)
    _add_aliases(session, page, aliases)
    current = latest_version(session, page)
    if current is not None and current.content_sha256 == digest:
        current.last_seen = max(current.last_seen, fetched.fetched_at)
        capture.version_id = current.id
        if run is not None:
            run.unchanged += 1
        return Outcome.UNCHANGED

    number = current.number + 1 if current is not None else 1
    version = _new_version(session, page, number, content, digest, capture, run_id, "crawl")
    capture.version_id = version.id
    if run is not None:
        run.new_versions += 1
    return Outcome.NEW_VERSION
