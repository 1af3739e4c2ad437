"""The archive at a glance and its pages as a list: counts, recent runs and changes, and pages filtered,
sorted and cut into pages of results, with their latest title and language and how often they changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from ..content import iso_utc
from ..models import Event, Page, Run, Version
from .changes import ChangeEvent, events_where
from .runs import RunInfo

SORTS = ("title", "first_seen", "last_change", "versions", "url")
CHANGE_KINDS = ("edited", "retitled", "removed", "restored", "moved", "extractor-change")


@dataclass(frozen=True)
class Summary:
    """How much the archive holds: pages (live and removed), versions, pages by language, runs."""

    pages: int
    removed: int
    versions: int
    languages: dict[str, int]  # language of the latest version → pages
    kinds: dict[str, int]
    runs: int
    first_seen: datetime | None
    last_seen: datetime | None

    def as_dict(self) -> dict:
        return {
            "pages": self.pages,
            "live": self.pages - self.removed,
            "removed": self.removed,
            "versions": self.versions,
            "languages": dict(self.languages),
            "kinds": dict(self.kinds),
            "runs": self.runs,
            "first_seen": iso_utc(self.first_seen),
            "last_seen": iso_utc(self.last_seen),
        }


def _latest_versions():
    """(page_id, number of versions, latest number) per page."""
    return (
        select(Version.page_id, func.count().label("versions"), func.max(Version.number).label("latest"))
        .group_by(Version.page_id)
        .subquery("counted")
    )


def summary(session: Session) -> Summary:
    pages, removed, first, last = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Page.status == "removed", 1), else_=0)), 0),
            func.min(Page.first_seen),
            func.max(Page.last_seen),
        ).select_from(Page)
    ).one()
    versions = session.scalar(select(func.count()).select_from(Version)) or 0
    counted = _latest_versions()
    languages = session.execute(
        select(func.coalesce(Version.language, ""), func.count())
        .join(counted, and_(Version.page_id == counted.c.page_id, Version.number == counted.c.latest))
        .group_by(Version.language)
        .order_by(func.count().desc(), Version.language)
    ).all()
    kinds = session.execute(select(Page.kind, func.count()).group_by(Page.kind).order_by(Page.kind)).all()
    runs = session.scalar(select(func.count()).select_from(Run)) or 0
    return Summary(
        pages=pages,
        removed=int(removed or 0),
        versions=versions,
        languages={language or "?": count for language, count in languages},
        kinds=dict(kinds),
        runs=runs,
        first_seen=first,
        last_seen=last,
    )


def recent_runs(session: Session, limit: int = 5) -> list[RunInfo]:
    """The newest ``limit`` runs, newest first."""
    return [RunInfo.of(run) for run in session.scalars(select(Run).order_by(Run.id.desc()).limit(limit))]


def recent_changes(session: Session, limit: int = 10) -> list[ChangeEvent]:
    """The newest ``limit`` events that are changes (not first sightings), newest first."""
    ids = select(Event.id).where(Event.kind.in_(CHANGE_KINDS)).order_by(Event.at.desc(), Event.id.desc()).limit(limit)
    return sorted(events_where(session, Event.id.in_(ids)), key=lambda event: (event.at, event.id), reverse=True)


@dataclass(frozen=True)
class PageRow:
    """One page in a list: its URL now, latest title and language, how many versions, when it was first and
    last seen, and when it last changed (its newest event other than its first sighting; None if never)."""

    id: int
    url: str
    title: str | None
    kind: str
    status: str
    language: str | None
    versions: int
    first_seen: datetime
    last_seen: datetime
    last_change: datetime | None

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "language": self.language,
            "versions": self.versions,
            "first_seen": iso_utc(self.first_seen),
            "last_seen": iso_utc(self.last_seen),
            "last_change": iso_utc(self.last_change),
        }


@dataclass(frozen=True)
class PageFilter:
    kind: str | None = None
    language: str | None = None
    status: str | None = None
    changed: bool | None = None  # True: pages that changed since first seen; False: those that never did


@dataclass(frozen=True)
class PageList:
    total: int
    pages: tuple[PageRow, ...]
    offset: int
    limit: int

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "pages": [page.as_dict() for page in self.pages],
        }


def _page_query(filters: PageFilter) -> tuple[Select, dict]:
    counted = _latest_versions()
    changes = (
        select(Event.page_id, func.max(Event.at).label("last_change"))
        .where(Event.kind.in_(CHANGE_KINDS))
        .group_by(Event.page_id)
        .subquery("changes")
    )
    columns = {
        "id": Page.id,
        "url": Page.url,
        "title": Version.title,
        "kind": Page.kind,
        "status": Page.status,
        "language": Version.language,
        "versions": func.coalesce(counted.c.versions, 0),
        "first_seen": Page.first_seen,
        "last_seen": Page.last_seen,
        "last_change": changes.c.last_change,
    }
    query: Select = (
        select(*(column.label(name) for name, column in columns.items()))
        .select_from(Page)
        .outerjoin(counted, counted.c.page_id == Page.id)
        .outerjoin(Version, and_(Version.page_id == Page.id, Version.number == counted.c.latest))
        .outerjoin(changes, changes.c.page_id == Page.id)
    )
    if filters.kind:
        query = query.where(Page.kind == filters.kind)
    if filters.status:
        query = query.where(Page.status == filters.status)
    if filters.language:
        query = query.where(func.lower(Version.language) == filters.language.lower())
    if filters.changed is True:
        query = query.where(changes.c.last_change.is_not(None))
    elif filters.changed is False:
        query = query.where(changes.c.last_change.is_(None))
    return query, columns


def page_list(
    session: Session,
    filters: PageFilter = PageFilter(),
    *,
    sort: str = "last_change",
    descending: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> PageList:
    """The pages that pass ``filters``, sorted by ``sort`` (one of :data:`SORTS`; dates and counts newest or
    largest first unless ``descending`` says otherwise), ``limit`` of them from ``offset``."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    query, columns = _page_query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if descending is None:
        descending = sort not in ("title", "url")
    key = func.lower(columns["title"]) if sort == "title" else columns[sort]
    ordered = key.desc() if descending else key.asc()
    rows = session.execute(query.order_by(ordered.nulls_last(), Page.url).limit(limit).offset(offset)).all()
    return PageList(
        total=total,
        pages=tuple(PageRow(**row._mapping) for row in rows),
        offset=offset,
        limit=limit,
    )


def languages(session: Session) -> list[str]:
    """The languages of the pages' latest versions, for a filter's choices."""
    return [language for language in summary(session).languages if language != "?"]


@dataclass(frozen=True)
class RunPage:
    total: int
    runs: tuple[RunInfo, ...]
    offset: int
    limit: int


def run_page(session: Session, *, limit: int = 50, offset: int = 0) -> RunPage:
    """``limit`` runs from ``offset``, newest first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(Run)) or 0
    found = session.scalars(select(Run).order_by(Run.id.desc()).limit(limit).offset(offset))
    return RunPage(total=total, runs=tuple(RunInfo.of(run) for run in found), offset=offset, limit=limit)
