"""The archive at a glance and its pages as a list: counts, recent runs and changes, and pages filtered,
sorted and cut into pages of results, with their latest title and language and how often they changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..content import iso_utc
from ..models import Event, Page, Run, Version
from .changes import ChangeEvent, events_where
from .runs import RunInfo

SORTS = ("title", "first_seen", "last_change", "versions", "url")
CHANGE_KINDS = ("edited", "retitled", "removed", "restored", "moved", "extractor-change")
#: Up to this many pages (offset + limit), the default list is found by reading the newest changes first
#: (:func:`_newest_changes`), unless at most ``FEW`` pages pass the filters: each of those is looked at.
NEWEST_FIRST_WALK = 2000
FEW = 2000


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


def _latest(column, page_id):
    """SQL: ``column`` of the latest version of page ``page_id`` (NULL when it has none).

    The same version as ``latest_number``; written as "the highest number first, one row" so that the
    database finds it in an index on ``versions (page_id, number, …)`` for each page, instead of
    aggregating every version of the archive."""
    return select(column).where(Version.page_id == page_id).order_by(Version.number.desc()).limit(1).scalar_subquery()


def _has_version(page_id):
    """SQL: page ``page_id`` has a version."""
    return select(Version.id).where(Version.page_id == page_id).exists()


def summary(session: Session) -> Summary:
    by_kind = session.execute(
        select(
            Page.kind,
            func.count(),
            func.coalesce(func.sum(case((Page.status == "removed", 1), else_=0)), 0),
            func.min(Page.first_seen),
            func.max(Page.last_seen),
        )
        .group_by(Page.kind)
        .order_by(Page.kind)
    ).all()
    seen = [row[3] for row in by_kind], [row[4] for row in by_kind]
    return Summary(
        pages=sum(row[1] for row in by_kind),
        removed=sum(int(row[2] or 0) for row in by_kind),
        versions=session.scalar(select(func.count()).select_from(Version)) or 0,
        languages=_languages(session),
        kinds={kind: count for kind, count, *_ in by_kind},
        runs=session.scalar(select(func.count()).select_from(Run)) or 0,
        first_seen=min(seen[0], default=None),
        last_seen=max(seen[1], default=None),
    )


def _languages(session: Session) -> dict[str, int]:
    """Pages by the language of their latest version ("?" when it has none), most frequent first."""
    latest = (
        select(_latest(Version.language, Page.id).label("language"))
        .select_from(Page)
        .where(_has_version(Page.id))
        .offset(0)  # looked up once per page: without it, SQLite would look again for each use of the column
        .subquery("latest")
    )
    counted = session.execute(
        select(func.coalesce(latest.c.language, ""), func.count())
        .group_by(latest.c.language)
        .order_by(func.count().desc(), latest.c.language)
    ).all()
    return {language or "?": count for language, count in counted}


def recent_runs(session: Session, limit: int = 5) -> list[RunInfo]:
    """The newest ``limit`` runs, newest first."""
    return [RunInfo.of(run) for run in session.scalars(select(Run).order_by(Run.id.desc()).limit(limit))]


def recent_changes(session: Session, limit: int = 10) -> list[ChangeEvent]:
    """The newest ``limit`` events that are changes (not first sightings), newest first."""
    ids = select(Event.id).where(_is_change()).order_by(Event.at.desc(), Event.id.desc()).limit(limit)
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


def _is_change(event=Event):
    """SQL: the event is a change, not a first sighting.

    Nearly every event is a change: ``kind`` is compared as an expression, not as the bare column, so that
    the database does not gather them all through the index on ``kind`` (SQLite would, then sort them)
    where reading the events newest first through the index on ``at`` soon finds what is asked."""
    return (event.kind + "").in_(CHANGE_KINDS)


def _changed(page_id):
    """SQL: page ``page_id`` has changed since it was first seen."""
    other = aliased(Event)
    return select(other.id).where(other.page_id == page_id, _is_change(other)).exists()


def _last_change(page_id):
    """SQL: when page ``page_id`` last changed (its newest event that is not a first sighting), or NULL."""
    other = aliased(Event)
    return select(func.max(other.at)).where(other.page_id == page_id, _is_change(other)).scalar_subquery()


def _changes():
    """(page_id, last_change) of every page that changed: one pass over the events, to sort every page by
    it (cheaper than looking for each page's newest change)."""
    return (
        select(Event.page_id, func.max(Event.at).label("last_change"))
        .where(_is_change())
        .group_by(Event.page_id)
        .subquery("changes")
    )


def _conditions(filters: PageFilter) -> list:
    """What a page must be to pass ``filters``, but whether it changed (see :func:`page_list`)."""
    conditions = []
    if filters.kind:
        conditions.append(Page.kind == filters.kind)
    if filters.status:
        conditions.append(Page.status == filters.status)
    if filters.language:
        conditions.append(func.lower(_latest(Version.language, Page.id)) == filters.language.lower())
    return conditions


def _newest_changes(session: Session, conditions: list, changed: bool | None, limit: int, offset: int) -> list[int]:
    """The ids of the pages passing ``conditions`` (and ``changed``, see :class:`PageFilter`) from ``offset``
    in the order of the default list (newest change first, then the pages that never changed, each by URL),
    found by reading the change events newest first until ``offset + limit`` pages (and those that changed
    at the same instant as the last of them) are known, instead of finding every page's newest change."""
    unchanged = select(Page.id).where(*conditions, ~_changed(Page.id)).order_by(Page.url)
    if changed is False:
        return list(session.scalars(unchanged.limit(limit).offset(offset)))
    wanted = offset + limit
    seen: list[int] = []
    known: set[int] = set()
    boundary = None  # when the last wanted page changed; every page still unseen changed at or before it
    after = None  # (at, id) of the last event read
    chunk = max(2 * wanted, 100)
    exhausted = False
    while True:
        query = (
            select(Event.page_id, Event.at, Event.id)
            .join(Page, Page.id == Event.page_id)
            .where(_is_change(), *conditions)
            .order_by(Event.at.desc(), Event.id.desc())
            .limit(chunk)
        )
        if after is not None:
            query = query.where(or_(Event.at < after[0], and_(Event.at == after[0], Event.id < after[1])))
        rows = session.execute(query).all()
        for page_id, at, _ in rows:
            if boundary is not None and at < boundary:
                break  # every page that comes next changed before the last one wanted
            if page_id not in known:
                known.add(page_id)
                seen.append(page_id)
                if len(seen) == wanted:
                    boundary = at
        else:  # all read: more may come after them
            if len(rows) == chunk:
                after = rows[-1].at, rows[-1].id
                continue
            exhausted = True
        break
    found: list[int] = []
    if offset < len(seen):  # the database orders the pages found (ties by URL as it compares them)
        newest_first = _last_change(Page.id).desc().nulls_last()
        ordered = select(Page.id).where(Page.id.in_(seen)).order_by(newest_first, Page.url)
        found = list(session.scalars(ordered.limit(limit).offset(offset)))
    if exhausted and changed is None and len(found) < limit:
        found += session.scalars(unchanged.limit(limit - len(found)).offset(max(0, offset - len(seen))))
    return found


def _ordered_ids(
    session: Session, filters: PageFilter, sort: str, descending: bool, limit: int, offset: int
) -> tuple[list[int], int]:
    """(the ids of the pages of one page of results, in order; how many pages pass ``filters``).

    Only what the filters and the sort need is computed for every page; the columns shown are read for the
    pages of this page of results alone (:func:`_rows`)."""
    conditions = _conditions(filters)
    changed = [] if filters.changed is None else [_changed(Page.id) if filters.changed else ~_changed(Page.id)]
    total = session.scalar(select(func.count()).select_from(Page).where(*conditions, *changed)) or 0
    if sort == "last_change" and filters.changed is False:  # none changed: by URL alone
        sort, descending = "url", False
    if sort == "last_change" and descending and offset + limit <= NEWEST_FIRST_WALK and total > FEW:
        return _newest_changes(session, conditions, filters.changed, limit, offset), total
    query = select(Page.id).where(*conditions, *changed)
    if sort == "last_change" and total <= FEW:
        key = _last_change(Page.id)
    elif sort == "last_change":
        changes = _changes()
        query = query.outerjoin(changes, changes.c.page_id == Page.id)
        key = changes.c.last_change
    elif sort == "title":
        key = func.lower(_latest(Version.title, Page.id))
    elif sort == "versions":
        key = select(func.count()).where(Version.page_id == Page.id).scalar_subquery()
    else:
        key = getattr(Page, sort)
    ordered = key.desc() if descending else key.asc()
    return list(session.scalars(query.order_by(ordered.nulls_last(), Page.url).limit(limit).offset(offset))), total


def _rows(session: Session, ids: list[int]) -> list[PageRow]:
    """The rows of the pages ``ids``, in that order."""
    if not ids:
        return []
    query = select(
        Page.id,
        Page.url,
        _latest(Version.title, Page.id).label("title"),
        Page.kind,
        Page.status,
        _latest(Version.language, Page.id).label("language"),
        select(func.count()).where(Version.page_id == Page.id).scalar_subquery().label("versions"),
        Page.first_seen,
        Page.last_seen,
        _last_change(Page.id).label("last_change"),
    ).where(Page.id.in_(ids))
    found = {row.id: PageRow(**row._mapping) for row in session.execute(query)}
    return [found[page_id] for page_id in ids]


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
    if descending is None:
        descending = sort not in ("title", "url")
    ids, total = _ordered_ids(session, filters, sort, descending, limit, offset)
    return PageList(total=total, pages=tuple(_rows(session, ids)), offset=offset, limit=limit)


def languages(session: Session) -> list[str]:
    """The languages of the pages' latest versions, for a filter's choices."""
    return [language for language in _languages(session) if language != "?"]


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
