"""Reading the archive: versions with their pages, and runs, streamed in a stable order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .models import Capture, Page, Run, Version

STREAM_BATCH = 500


def versions_query(*, all_versions: bool = False, include_duplicates: bool = True) -> Select[tuple[Version, Page]]:
    """Versions joined with their page, ordered by URL then version number; by default only the latest."""
    query = select(Version, Page).join(Page, Version.page_id == Page.id)
    if not include_duplicates:
        query = query.where(Page.duplicate_of_id.is_(None))
    if not all_versions:
        latest = (
            select(Version.page_id, func.max(Version.number).label("number"))
            .group_by(Version.page_id)
            .subquery()
        )
        query = query.join(
            latest, (latest.c.page_id == Version.page_id) & (latest.c.number == Version.number)
        )
    return query.order_by(Page.url, Version.number)


def iter_versions(session: Session, *, all_versions: bool = False,
                  include_duplicates: bool = True) -> Iterator[tuple[Version, Page]]:
    """Streams (version, page) pairs without loading the whole archive in memory."""
    query = versions_query(all_versions=all_versions, include_duplicates=include_duplicates)
    result = session.execute(query.execution_options(yield_per=STREAM_BATCH))
    for version, page in result:
        yield version, page


def duplicate_targets(session: Session) -> dict[int, str]:
    """For every page that copies another: page id -> the original's URL."""
    original = select(Page.id, Page.duplicate_of_id).where(Page.duplicate_of_id.is_not(None)).subquery()
    rows = session.execute(select(original.c.id, Page.url).join(Page, Page.id == original.c.duplicate_of_id))
    return {page_id: url for page_id, url in rows}


@dataclass(frozen=True)
class KnownPage:
    """An archived page as the next crawl needs it: where it is, and the validators of its last capture."""

    url: str
    status: str
    etag: str | None
    last_modified: str | None


def known_pages(session: Session, source: str) -> list[KnownPage]:
    """The archived pages of ``source``, live or removed, oldest first, with the ETag and Last-Modified
    of the capture their latest version came from (for conditional requests)."""
    latest = (select(Version.page_id, func.max(Version.number).label("number"))
              .group_by(Version.page_id).subquery())
    query = (
        select(Page.url, Page.status, Capture.etag, Capture.last_modified)
        .outerjoin(latest, latest.c.page_id == Page.id)
        .outerjoin(Version, (Version.page_id == Page.id) & (Version.number == latest.c.number))
        .outerjoin(Capture, Capture.id == Version.capture_id)
        .where(Page.source == source)
        .order_by(Page.id)
    )
    return [KnownPage(*row) for row in session.execute(query)]


def list_runs(session: Session) -> list[Run]:
    return list(session.scalars(select(Run).order_by(Run.id)))


def count_pages(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Page)) or 0


def count_versions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Version)) or 0
