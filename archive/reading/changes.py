"""What changed: the events of a run or of a period (all of them, or filtered and cut into pages), the
versions an event or a diff compares, and the stable identity of the change feeds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..content import iso_utc
from ..models import Event, Page, Run, Version, latest_number
from .pages import NotFound, PageInfo, VersionInfo, get_version, versions_where
from .runs import get_run, last_run, latest_run_id


@dataclass(frozen=True)
class ChangeEvent:
    """An event with what a reader needs to understand it without another query.

    ``url`` is the page's URL when the event happened; ``page_url`` its URL now (they differ after a move);
    ``title`` that of the version the event made, else the page's latest title.
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
    language: str | None = None  # of the version the event made, else of the page's latest version

    def as_dict(self) -> dict:
        """The event as ``changes --format json`` prints it: ``url`` is the page's URL now, ``url_at_event``
        the one it had when the event happened."""
        return {
            "id": self.id,
            "run": self.run_id,
            "at": iso_utc(self.at),
            "kind": self.kind,
            "url": self.page_url,
            "url_at_event": self.url,
            "title": self.title,
            "version": self.version,
            "details": self.details,
        }


def events_where(session: Session, *conditions, source: str | None = None) -> list[ChangeEvent]:
    """The events that meet ``conditions`` (on ``Event``), of the pages of ``source`` only when given, oldest
    first."""
    latest = aliased(Version)

    def of_latest(column):
        """``column`` of the page's latest version: looked up only for the events that made no version (a
        coalesce stops at its first value)."""
        return (
            select(column)
            .where(latest.page_id == Event.page_id, latest.number == latest_number(latest.page_id))
            .scalar_subquery()
        )

    query = (
        select(
            Event.id,
            Event.run_id,
            Event.at,
            Event.kind,
            Event.url,
            Page.url.label("page_url"),
            Version.number,
            func.coalesce(Version.title, of_latest(latest.title)).label("title"),
            Event.details,
            Event.page_id,
            Event.version_id,
            func.coalesce(Version.language, of_latest(latest.language)).label("language"),
        )
        .join(Page, Event.page_id == Page.id)
        .outerjoin(Version, Event.version_id == Version.id)
        .where(*conditions)
        .order_by(Event.at, Event.id)
    )
    if source:
        query = query.where(Page.source == source)
    return [
        ChangeEvent(
            id=row.id,
            run_id=row.run_id,
            at=row.at,
            kind=row.kind,
            url=row.url,
            page_url=row.page_url,
            title=row.title,
            version=row.number,
            details=dict(row.details or {}),
            page_id=row.page_id,
            version_id=row.version_id,
            language=row.language,
        )
        for row in session.execute(query)
    ]


@dataclass(frozen=True)
class ChangeList:
    """The events of run ``run_id``, or those since ``since``, of the pages of ``source`` (all when None)."""

    events: tuple[ChangeEvent, ...]
    run_id: int | None = None
    since: datetime | None = None
    source: str | None = None


def change_list(
    session: Session, *, run_id: int | None = None, since: datetime | None = None, source: str | None = None
) -> ChangeList:
    """The events at or after ``since``, or else those of run ``run_id`` (default: the latest run, of
    ``source`` when given); :class:`NotFound` for a run the archive does not have."""
    if since is not None:
        return ChangeList(tuple(events_where(session, Event.at >= since, source=source)), since=since, source=source)
    if run_id is None:
        run_id = latest_run_id(session, source)
        if run_id is None:
            raise NotFound(
                f"the archive has no run of source {source!r} yet" if source else "the archive has no run yet"
            )
    else:
        get_run(session, run_id)
    return ChangeList(tuple(events_where(session, Event.run_id == run_id, source=source)), run_id=run_id, source=source)


@dataclass(frozen=True)
class ChangeQuery:
    """Which events to list: those of run ``run_id``, at or after ``since`` and before ``until``, of page
    ``page_id`` (each when given), of the event ``kinds`` (all when empty), whose version or page is in
    ``language``, of pages of kind ``page_kind`` and of source ``source``."""

    run_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    page_id: int | None = None
    kinds: tuple[str, ...] = ()
    language: str | None = None
    page_kind: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ChangePage:
    """One page of results of a :class:`ChangeQuery`: ``events``, newest first, ``offset`` of them skipped,
    at most ``limit``, out of ``total``."""

    query: ChangeQuery
    events: tuple[ChangeEvent, ...]
    total: int
    limit: int
    offset: int


def change_page(session: Session, query: ChangeQuery, *, limit: int, offset: int = 0) -> ChangePage:
    """The events ``query`` asks for, newest first, cut to ``limit`` from ``offset``, with how many there are
    in all; :class:`NotFound` for a run the archive does not have."""
    if query.run_id is not None:
        get_run(session, query.run_id)
    conditions = []
    if query.run_id is not None:
        conditions.append(Event.run_id == query.run_id)
    if query.since is not None:
        conditions.append(Event.at >= query.since)
    if query.until is not None:
        conditions.append(Event.at < query.until)
    if query.page_id is not None:
        conditions.append(Event.page_id == query.page_id)
    if query.kinds:
        conditions.append(Event.kind.in_(query.kinds))
    ids = select(Event.id).where(*conditions)
    if query.page_kind or query.source:
        ids = ids.join(Page, Event.page_id == Page.id)
        if query.page_kind:
            ids = ids.where(Page.kind == query.page_kind)
        if query.source:
            ids = ids.where(Page.source == query.source)
    if query.language:
        # The language of the version the event made; for an event without one (a removal, a move), that of
        # the page's latest version, looked up for those events only.
        wanted = query.language.lower()
        latest = aliased(Version)
        of_latest = (
            select(latest.id)
            .where(latest.page_id == Event.page_id, latest.number == latest_number(latest.page_id))
            .where(func.lower(latest.language) == wanted)
            .exists()
        )
        ids = ids.outerjoin(Version, Event.version_id == Version.id).where(
            or_(func.lower(Version.language) == wanted, and_(Event.version_id.is_(None), of_latest))
        )
    total = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    chosen = ids.order_by(Event.at.desc(), Event.id.desc()).limit(limit).offset(offset)
    events = sorted(events_where(session, Event.id.in_(chosen)), key=lambda e: (e.at, e.id), reverse=True)
    return ChangePage(query=query, events=tuple(events), total=total, limit=limit, offset=offset)


@dataclass(frozen=True)
class VersionPair:
    """Two versions of ``page`` to compare, ``old`` before ``new``, and the number of the page's latest
    version (``latest``), so that a reader can step on to the next pair."""

    page: PageInfo
    old: VersionInfo
    new: VersionInfo
    latest: int


def version_pair(
    session: Session, page: PageInfo, from_number: int | None = None, to_number: int | None = None
) -> VersionPair:
    """Versions ``from_number`` and ``to_number`` of ``page``; by default ``to_number`` is the latest and
    ``from_number`` the one before ``to_number``. :class:`NotFound` when a version is missing or there is
    nothing to compare; ``ValueError`` when ``from_number`` is not older than ``to_number``."""
    if from_number is not None and to_number is not None and from_number >= to_number:
        raise ValueError(f"version {from_number} is not older than version {to_number}")
    latest = session.scalar(select(latest_number(page.id)))
    if not latest:
        raise NotFound(f"{page.url} has no version")
    if latest == 1:
        raise NotFound(f"{page.url} has only one version: there is nothing to compare")
    if to_number is None and from_number is not None and from_number >= latest:
        raise NotFound(f"version {from_number} of {page.url} is its latest (or more): there is nothing newer")
    new = get_version(session, page, to_number if to_number is not None else latest)
    if new.number == 1:
        raise NotFound(f"version 1 is the first of {page.url}: there is nothing older to compare")
    old = get_version(session, page, from_number if from_number is not None else new.number - 1)
    return VersionPair(page=page, old=old, new=new, latest=latest)


def event_versions(session: Session, event: ChangeEvent) -> tuple[VersionInfo | None, VersionInfo | None]:
    """(the version before the event, the version it made): either may be None (a removal, a move, a first
    version)."""
    if event.version_id is None or event.page_id is None:
        return None, None
    found = versions_where(session, Version.id == event.version_id)
    if not found:
        return None, None
    new = found[0]
    before = event.details.get("from_version")
    number = before if isinstance(before, int) else new.number - 1
    if not number or number < 1:
        return None, new
    old = versions_where(session, Version.page_id == event.page_id, Version.number == number)
    return (old[0] if old else None), new


@dataclass(frozen=True)
class Feed:
    """What stays the same in every change feed of an archive (of one source, or of all): its Atom ``id``,
    and the ids of its entries (:meth:`entry_id`); and what the latest run says: when the feed was
    ``updated``, the ``site_url`` of the source."""

    archive: uuid.UUID
    id: str
    updated: datetime
    site_url: str | None

    def entry_id(self, event_id: int) -> str:
        """The Atom id of one event: the same in every feed of the archive that lists it."""
        return uuid.uuid5(self.archive, f"event:{event_id}").urn

    def page_feed_id(self, page_id: int) -> str:
        """The Atom id of the feed of one page's changes."""
        return uuid.uuid5(self.archive, f"page:{page_id}").urn

    def selection_id(self, selection: str) -> str:
        """The Atom id of a feed of some of the changes only (``selection`` names which, the same way each
        time, such as ``kind=edited&language=fr``); the feed of all changes is :attr:`id`."""
        return uuid.uuid5(uuid.UUID(self.id.removeprefix("urn:uuid:")), selection).urn


def change_feed(session: Session, source: str | None = None) -> Feed:
    """The feed of the archive's changes (of ``source``'s pages only, when given); :class:`NotFound` while the
    archive has no run."""
    first = session.scalar(select(Run).order_by(Run.id).limit(1))
    last = last_run(session, source)
    if first is None or last is None:
        raise NotFound("the archive has no run yet: there is no feed to make")
    # A UUID that names this archive for good, derived from its first run, which never changes (copies of
    # the archive keep it).
    anchor = f"cess-archive:{first.source}:{first.base_url or ''}:{iso_utc(first.started_at)}"
    archive = uuid.uuid5(uuid.NAMESPACE_URL, anchor)
    return Feed(
        archive=archive,
        id=uuid.uuid5(archive, f"changes:{source}" if source else "changes").urn,
        updated=last.finished_at or last.started_at,
        site_url=last.base_url if source and last.source == source else None,
    )
