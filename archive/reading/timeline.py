"""The timeline of a page: its other URLs, its versions with their provenance, its events, its captures."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import iso_utc
from ..models import Capture, Event, Page, PageAlias, Version
from .changes import ChangeEvent, events_where
from .pages import CaptureInfo, PageInfo, VersionInfo, capture_info, versions_where


@dataclass(frozen=True)
class Timeline:
    """``page`` with the other URLs it was reached under (``aliases``), its ``versions`` (oldest first, each
    with the capture it was extracted from), its ``events``, every fetch of it (``captures``) and the URLs of
    the pages that are untranslated copies of it (``copies``)."""

    page: PageInfo
    aliases: tuple[str, ...]
    versions: tuple[VersionInfo, ...]
    events: tuple[ChangeEvent, ...]
    captures: tuple[CaptureInfo, ...]
    copies: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """As ``history --json`` prints it (versions without their text, and no captures)."""
        page = self.page
        return {
            "url": page.url,
            "source": page.source,
            "kind": page.kind,
            "status": page.status,
            "first_seen": iso_utc(page.first_seen),
            "last_seen": iso_utc(page.last_seen),
            "aliases": list(self.aliases),
            "duplicate_of": page.duplicate_of,
            "translations": dict(page.translations),
            "versions": [version.as_dict(page.url, text=False) for version in self.versions],
            "events": [event.as_dict() for event in self.events],
        }


def timeline(session: Session, page: PageInfo) -> Timeline:
    aliases = session.scalars(select(PageAlias.url).where(PageAlias.page_id == page.id).order_by(PageAlias.id))
    captures = session.scalars(
        select(Capture).where(Capture.page_id == page.id).order_by(Capture.fetched_at, Capture.id)
    )
    return Timeline(
        page=page,
        aliases=tuple(aliases),
        versions=tuple(versions_where(session, Version.page_id == page.id)),
        events=tuple(events_where(session, Event.page_id == page.id)),
        captures=tuple(capture_info(capture) for capture in captures),
        copies=tuple(session.scalars(select(Page.url).where(Page.duplicate_of_id == page.id).order_by(Page.url))),
    )
