"""``/page?url=``: one page, found from any form of its URL: its identity (current URL, old URLs,
translations, duplicates) and its timeline of versions and events with their provenance; JSON at
``/api/page``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.reading import ChangeEvent, Timeline, VersionInfo, timeline

from ..finding import page_named
from ..rendering import api, reading, render


@dataclass(frozen=True)
class Step:
    """One mark of the strip across the top of the timeline: a version (with how much it changed from the one
    before) or a removal; ``size`` from 1 to 5 grows with the words changed."""

    at: datetime
    label: str
    kind: str
    version: int | None
    changed_words: int | None
    size: int


@dataclass(frozen=True)
class Entry:
    """One line of the timeline, in time order: a version and the events at its making, or an event alone."""

    at: datetime
    version: VersionInfo | None
    events: tuple[ChangeEvent, ...]


def _entries(story: Timeline) -> list[Entry]:
    by_version: dict[int, list[ChangeEvent]] = {}
    alone: list[ChangeEvent] = []
    for event in story.events:
        if event.version_id is not None and any(v.id == event.version_id for v in story.versions):
            by_version.setdefault(event.version_id, []).append(event)
        else:
            alone.append(event)
    entries = [Entry(v.first_seen, v, tuple(by_version.get(v.id, ()))) for v in story.versions]
    entries += [Entry(event.at, None, (event,)) for event in alone]
    return sorted(entries, key=lambda entry: (entry.at, entry.version.number if entry.version else 0))


def _size(words: int | None) -> int:
    if not words:
        return 1
    return max(1, min(5, 1 + round(math.log10(words + 1) * 1.5)))


def _strip(entries: list[Entry]) -> list[Step]:
    steps = []
    for entry in entries:
        kinds = [event.kind for event in entry.events]
        if entry.version is None:
            kind = kinds[0] if kinds else "event"
            if kind in ("removed", "restored", "moved"):
                steps.append(Step(entry.at, kind, kind, None, None, 1))
            continue
        words = None
        for event in entry.events:
            if "words_added" in event.details:
                words = int(event.details.get("words_added") or 0) + int(event.details.get("words_removed") or 0)
        main = next((k for k in ("edited", "retitled", "extractor-change", "restored", "new") if k in kinds), "version")
        steps.append(Step(entry.at, f"v{entry.version.number}", main, entry.version.number, words, _size(words)))
    return steps


def page(request: Request) -> Response:
    with reading(request) as session:
        found = page_named(session, request)
        story = timeline(session, found)
    entries = _entries(story)
    latest = story.versions[-1] if story.versions else None
    return render(
        request,
        "page.html",
        {"story": story, "page": story.page, "entries": entries, "strip": _strip(entries), "latest": latest},
    )


def page_api(request: Request) -> Response:
    with reading(request) as session:
        found = page_named(session, request)
        story = timeline(session, found)
    data = story.as_dict()
    data["title"] = story.versions[-1].title if story.versions else None
    data["language"] = story.versions[-1].language if story.versions else None
    data["copies"] = list(story.copies)
    return api(request, data)


routes = [Route("/page", page, name="page"), Route("/api/page", page_api, name="page_api")]
