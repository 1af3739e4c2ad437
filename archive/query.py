"""Reading the archive for the crawler and the CLI: latest versions, known pages with their validators, runs.

(Dataset exports have their own selections in ``archive.selection``.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .models import Capture, Page, Run, Version


def versions_query(*, all_versions: bool = False) -> Select[tuple[Version, Page]]:
    """Versions joined with their page, ordered by URL then version number; by default only the latest."""
    query = select(Version, Page).join(Page, Version.page_id == Page.id)
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
