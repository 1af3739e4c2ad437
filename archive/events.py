"""Change events: recording them, and telling an edit from a retitling.

An event says what a run found about a page compared with the archive's state before it: ``new``,
``edited``, ``retitled``, ``removed``, ``restored``, ``moved`` or ``extractor-change``. "Unchanged" is
not stored as an event (it is counted on the run), so the events table only grows with real changes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .content import DIGEST_FIELDS, Content
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


def describe_change(previous: Version, content: Content) -> tuple[str, dict]:
    """("retitled" or "edited", details) for a new version of ``content`` following ``previous``: the text's
    change, the other digest fields that changed (author, published), old and new titles."""
    details: dict = {"from_version": previous.number}
    if content.text != previous.text:
        details.update(change_stats(previous.text, content.text).as_dict())
    changed = [
        name
        for name in DIGEST_FIELDS
        if name not in ("title", "text") and getattr(previous, name) != getattr(content, name)
    ]
    if changed:
        details["fields"] = changed
    if (content.title or "") != (previous.title or ""):
        details["old_title"] = previous.title
        details["new_title"] = content.title
        return "retitled", details
    return "edited", details
