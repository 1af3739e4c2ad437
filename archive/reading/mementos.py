"""A page's versions in time, as web archives name them (Memento, RFC 7089): each version is a *memento*
dated when its content was first captured, and the version current at an instant is the latest one first
seen by then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Version
from .pages import NotFound, PageInfo, VersionInfo, versions_where


@dataclass(frozen=True)
class Memento:
    """Version ``number`` of a page, dated ``at`` (its ``first_seen``: when this content was first captured)."""

    number: int
    at: datetime


def mementos(session: Session, page: PageInfo) -> tuple[Memento, ...]:
    """Every version of ``page`` as a memento, oldest first."""
    query = select(Version.number, Version.first_seen).where(Version.page_id == page.id).order_by(Version.number)
    return tuple(Memento(number, at) for number, at in session.execute(query))


def version_at(session: Session, page: PageInfo, instant: datetime) -> VersionInfo:
    """The version of ``page`` current at ``instant`` (aware): the latest first seen at or before it; before the
    first version, the first (the closest there is). :class:`NotFound` when the page has no version."""
    if instant.tzinfo is None:
        raise ValueError(f"instant must be an aware datetime, got {instant!r}")
    current = (
        select(Version.number)
        .where(Version.page_id == page.id, Version.first_seen <= instant)
        .order_by(Version.first_seen.desc(), Version.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    first = select(Version.number).where(Version.page_id == page.id).order_by(Version.number).limit(1)
    number = session.scalar(select(current)) or session.scalar(first)
    if number is None:
        raise NotFound(f"{page.url} has no version")
    return versions_where(session, Version.page_id == page.id, Version.number == number)[0]
