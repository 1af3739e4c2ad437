"""Reading what changed: the events of a run or a period, and the timeline of one page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Capture, Event, Page, PageAlias, Run, Version


@dataclass(frozen=True)
class ChangeEvent:
    """An event with what a reader needs to understand it without another query."""

    id: int
    run_id: int | None
    at: datetime
    kind: str
    url: str
    page_url: str
    title: str | None
    version: int | None
    details: dict


def latest_run_id(session: Session) -> int | None:
    return session.scalar(select(func.max(Run.id)))


def _change_events(session: Session, query) -> list[ChangeEvent]:
    rows = session.execute(
        query.join(Page, Event.page_id == Page.id)
        .outerjoin(Version, Event.version_id == Version.id)
        .add_columns(Page.url, Version.number, Version.title)
        .order_by(Event.at, Event.id)
    )
    events = []
    for event, page_url, number, title in rows:
        if title is None:
            latest = session.scalar(select(Version.title).where(Version.page_id == event.page_id)
                                    .order_by(Version.number.desc()).limit(1))
            title = latest
        events.append(ChangeEvent(id=event.id, run_id=event.run_id, at=event.at, kind=event.kind, url=event.url,
                                  page_url=page_url, title=title, version=number, details=dict(event.details or {})))
    return events


def events_of_run(session: Session, run_id: int) -> list[ChangeEvent]:
    return _change_events(session, select(Event).where(Event.run_id == run_id))


def events_since(session: Session, since: datetime) -> list[ChangeEvent]:
    return _change_events(session, select(Event).where(Event.at >= since))


def page_events(session: Session, page: Page) -> list[ChangeEvent]:
    return _change_events(session, select(Event).where(Event.page_id == page.id))


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
    return session.scalar(select(Version).where(Version.page_id == page.id, Version.number == number))


def latest_capture(session: Session, page: Page) -> Capture | None:
    """The most recent capture of ``page`` that has a body to re-extract (not a 404 kept as evidence)."""
    return session.scalar(select(Capture).where(Capture.page_id == page.id, Capture.raw_sha256.is_not(None),
                                                Capture.extraction_status != "gone")
                          .order_by(Capture.fetched_at.desc(), Capture.id.desc()).limit(1))
