"""Change events: recording them, and telling an edit from a retitling.

An event says what a run found about a page compared with the archive's state before it: ``new``,
``edited``, ``retitled``, ``removed``, ``restored``, ``moved`` or ``extractor-change``. "Unchanged" is
not stored as an event (it is counted on the run), so the events table only grows with real changes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .diffing import change_stats
from .models import Event, Page, Version


def add_event(
    session: Session,
    *,
    page: Page,
    kind: str,
    at: datetime,
    run_id: int | None,
    version: Version | None = None,
    details: dict | None = None,
) -> Event:
    event = Event(
        page=page,
        kind=kind,
        at=at,
        run_id=run_id,
        url=page.url,
        version_id=version.id if version is not None else None,
        details=details or {},
    )
    session.add(event)
    return event


def describe_change(previous: Version, title: str | None, author: str | None, published, text: str) -> tuple[str, dict]:
    """("retitled" or "edited", details) for a new version following ``previous``."""
    details: dict = {"from_version": previous.number}
    if text != previous.text:
        details.update(change_stats(previous.text, text).as_dict())
    changed = [
        name
        for name, old, new in (("author", previous.author, author), ("published", previous.published, published))
        if old != new
    ]
    if changed:
        details["fields"] = changed
    if (title or "") != (previous.title or ""):
        details["old_title"] = previous.title
        details["new_title"] = title
        return "retitled", details
    return "edited", details
