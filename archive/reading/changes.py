"""What changed: the events of a run or of a period, the versions an event compares, and the stable
identity of the change feed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ..content import iso_utc
from ..models import Event, Page, Run, Version, latest_number
from .pages import NotFound, VersionInfo, versions_where
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
    latest_title = (  # looked up only for the events that made no version (coalesce stops at the first value)
        select(latest.title)
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
            func.coalesce(Version.title, latest_title).label("title"),
            Event.details,
            Event.page_id,
            Event.version_id,
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
