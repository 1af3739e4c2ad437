"""``/changes``: the events of the latest run, of a run (``?run=ID``) or of a period (``?since=&until=``),
filtered by kind of event, language, kind of page and source, newest first, a page of results at a time, each
linked to its diff; JSON at ``/api/changes``; the same as an Atom feed at ``/changes.atom``, and one page's
changes at ``/page.atom?url=``.

The JSON is ``{"run", "since", "until", "filters", "total", "limit", "offset", "events"}``: ``events`` holds
the same objects as ``cess-archive changes --format json`` prints (``ChangeEvent.as_dict``), newest first.
The feeds are those of ``changes --format atom``: the same feed id for all changes (of a source), whatever
the run or period, and the same entry ids; a feed of some kinds, languages or kinds of page only has an id
of its own.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.content import iso_utc
from archive.models import EVENT_KINDS
from archive.reading import (
    ChangeEvent,
    ChangePage,
    ChangeQuery,
    RunInfo,
    change_feed,
    change_page,
    get_run,
    latest_run_id,
    source_names,
)
from archive.reading.feeds import atom_feed, feed_entries
from archive.reading.listing import summary

from .. import params
from ..finding import find_page
from ..rendering import api, href, matches_etag, reading, render

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
FEED_LIMIT = 50
MAX_OFFSET = 10_000_000
DIFFABLE = ("edited", "retitled", "extractor-change", "restored")
ATOM = "application/atom+xml; charset=utf-8"
CHOICES_TTL = 60.0  # seconds


@dataclass(frozen=True)
class Changes:
    """One answer of ``/changes``: the events found, the run they belong to (when one was asked for, or the
    latest), and the filters as they go back into links."""

    found: ChangePage
    run: RunInfo | None
    latest_run: int | None
    chosen: dict[str, Any]

    @property
    def query(self) -> ChangeQuery:
        return self.found.query


def _kinds(request: Request) -> tuple[str, ...]:
    """The ``kind`` parameters, repeated or separated by commas, each an event kind."""
    kinds: list[str] = []
    for value in request.query_params.getlist("kind")[:20]:
        for kind in value.split(","):
            kind = kind.strip()
            if not kind:
                continue
            if kind not in EVENT_KINDS:
                raise params.BadParameter(f"kind: expected one of {', '.join(EVENT_KINDS)}, got {kind[:40]!r}")
            if kind not in kinds:
                kinds.append(kind)
    return tuple(kind for kind in EVENT_KINDS if kind in kinds)


def _short(request: Request, name: str) -> str | None:
    value = params.text(request, name)
    if value is not None and len(value) > 100:
        raise params.BadParameter(f"{name}: at most 100 characters")
    return value


def _until(request: Request) -> datetime | None:
    """``until``: an instant (excluded), or a date, which includes that whole day."""
    value = params.instant(request, "until")
    text = params.text(request, "until") or ""
    if value is not None and "T" not in text.upper() and len(text) <= 10:
        value += timedelta(days=1)
    return value


def _changes(request: Request, *, limit_default: int = DEFAULT_LIMIT) -> Changes:
    run_id = params.integer(request, "run", minimum=1)
    since = params.instant(request, "since")
    until = _until(request)
    if run_id is not None and (since is not None or until is not None):
        raise params.BadParameter("run: give a run, or a period (since, until), not both")
    if since is not None and until is not None and since >= until:
        raise params.BadParameter(f"until: {iso_utc(until)} is not after since ({iso_utc(since)})")
    kinds = _kinds(request)
    language = _short(request, "language")
    page_kind = _short(request, "page_kind")
    source = _short(request, "source")
    limit = params.integer(request, "limit", default=limit_default, minimum=1, maximum=MAX_LIMIT)
    offset = params.integer(request, "offset", default=0, maximum=MAX_OFFSET)
    assert limit is not None and offset is not None
    with reading(request) as session:
        if source is not None and source not in source_names(session):
            known = ", ".join(sorted(source_names(session))) or "none"
            raise params.BadParameter(f"source: unknown source {source[:40]!r} (known sources: {known})")
        latest = latest_run_id(session, source)
        period = since is not None or until is not None
        shown_run = run_id if run_id is not None else (None if period else latest)
        run = get_run(session, shown_run) if shown_run is not None else None
        query = ChangeQuery(
            run_id=shown_run,
            since=since,
            until=until,
            kinds=kinds,
            language=language,
            page_kind=page_kind,
            source=source,
        )
        if shown_run is None and not period:  # no run yet: nothing has changed
            found = ChangePage(query=query, events=(), total=0, limit=limit, offset=offset)
        else:
            found = change_page(session, query, limit=limit, offset=offset)
    chosen = {
        "run": run_id,
        "since": params.text(request, "since"),
        "until": params.text(request, "until"),
        "kind": list(kinds) or None,
        "language": language,
        "page_kind": page_kind,
        "source": source,
        "limit": limit if limit != limit_default else None,
    }
    return Changes(found=found, run=run, latest_run=latest, chosen=chosen)


def diff_href(request: Request, event: ChangeEvent) -> str | None:
    """The diff an event links to: the version it made against the one before; None for other events."""
    if not event.version or event.version < 2 or event.kind not in DIFFABLE:
        return None
    before = event.details.get("from_version")
    old = before if isinstance(before, int) and 0 < before < event.version else event.version - 1
    return href(request, "/diff", url=event.page_url, **{"from": old, "to": event.version})


def filter_choices(request: Request) -> dict[str, Any]:
    """The languages, kinds of page and sources to offer in the filters. Finding the languages reads every
    version, so the choices are kept for a while (they change only when a crawl finds a new language)."""
    kept = getattr(request.app.state, "change_choices", None)
    now = time.monotonic()
    if kept is not None and now - kept[0] < CHOICES_TTL:
        return kept[1]
    with reading(request) as session:
        counts = summary(session)
        sources = sorted(source_names(session))
    choices = {
        "kinds": EVENT_KINDS,
        "languages": [x for x in counts.languages if x != "?"],
        "page_kinds": sorted(counts.kinds),
        "sources": sources,
    }
    request.app.state.change_choices = (now, choices)
    return choices


def changes(request: Request) -> Response:
    answer = _changes(request)
    choices = filter_choices(request)
    return render(
        request,
        "changes.html",
        {
            "answer": answer,
            "found": answer.found,
            "choices": choices,
            "diff_href": lambda event: diff_href(request, event),
        },
    )


def changes_api(request: Request) -> Response:
    answer = _changes(request)
    query, found = answer.query, answer.found
    return api(
        request,
        {
            "run": query.run_id,
            "since": iso_utc(query.since),
            "until": iso_utc(query.until),
            "filters": {
                "kind": list(query.kinds),
                "language": query.language,
                "page_kind": query.page_kind,
                "source": query.source,
            },
            "total": found.total,
            "limit": found.limit,
            "offset": found.offset,
            "events": [event.as_dict() for event in found.events],
        },
    )


def absolute(request: Request, path: str, **query: Any) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{href(request, path, **query)}"


def _related(request: Request, event: ChangeEvent) -> str:
    """Where the reading room shows an event: its diff, else the page's timeline."""
    link = diff_href(request, event) or href(request, "/page", url=event.page_url)
    return f"{request.url.scheme}://{request.url.netloc}{link}"


def _feed_response(request: Request, body: str) -> Response:
    """A feed, with a validator so that a reader polling it gets ``304 Not Modified`` until it changes."""
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"etag": etag, "cache-control": "no-cache"}
    if matches_etag(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=ATOM, headers=headers)


def _scope(query: ChangeQuery) -> str:
    """The events a feed holds, in words (as ``changes --format atom`` says it, then the filters)."""
    if query.run_id is not None:
        scope = f"run {query.run_id}"
    else:
        scope = " ".join(
            part
            for part in (
                f"since {iso_utc(query.since)}" if query.since else "",
                f"until {iso_utc(query.until)}" if query.until else "",
            )
            if part
        )
    if query.source:
        scope += f", source {query.source}"
    if query.kinds:
        scope += f"; kind of event: {', '.join(query.kinds)}"
    if query.language:
        scope += f"; language: {query.language}"
    if query.page_kind:
        scope += f"; kind of page: {query.page_kind}"
    return scope


def _selection(query: ChangeQuery) -> str | None:
    """The filters that make a feed a selection of the changes (with an id of its own), the same way each
    time; None for all the changes."""
    selected = [
        ("kind", ",".join(query.kinds)),
        ("language", query.language or ""),
        ("page_kind", query.page_kind or ""),
    ]
    selected = [(name, value) for name, value in selected if value]
    return urlencode(selected) if selected else None


def _next_page(request: Request, found: ChangePage) -> list[tuple[str, str]]:
    """A paged feed (RFC 5005): the link to the next, older, entries when there are more."""
    if found.offset + found.limit >= found.total:
        return []
    query = dict(request.query_params)
    query["offset"] = str(found.offset + found.limit)
    root = request.scope.get("root_path", "")
    path = request.url.path[len(root) :]
    return [("next", absolute(request, path, **query))]


def changes_atom(request: Request) -> Response:
    answer = _changes(request, limit_default=FEED_LIMIT)
    query, found = answer.query, answer.found
    with reading(request) as session:
        feed = change_feed(session, query.source)
        entries = feed_entries(session, feed, found.events, lambda event: _related(request, event))
    selection = _selection(query)
    source = query.source
    body = atom_feed(
        entries,
        feed_id=feed.selection_id(selection) if selection else feed.id,
        title=f"cess-archive: changes to {source}" if source else "cess-archive: changes to the archived sites",
        subtitle=f"Events of {_scope(query)}" if query.run_id is not None or query.since or query.until else None,
        updated=feed.updated,
        self_url=str(request.url),
        site_url=feed.site_url,
        links=[("alternate", absolute(request, "/changes", **answer.chosen)), *_next_page(request, found)],
    )
    return _feed_response(request, body)


def page_atom(request: Request) -> Response:
    url = params.text(request, "url", required=True)
    limit = params.integer(request, "limit", default=FEED_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = params.integer(request, "offset", default=0, maximum=MAX_OFFSET)
    assert url is not None and limit is not None and offset is not None
    with reading(request) as session:
        page = find_page(session, url)
        found = change_page(session, ChangeQuery(page_id=page.id), limit=limit, offset=offset)
        feed = change_feed(session, page.source)
        entries = feed_entries(session, feed, found.events, lambda event: _related(request, event))
    title = next((event.title for event in found.events if event.title), None) or page.url
    body = atom_feed(
        entries,
        feed_id=feed.page_feed_id(page.id),
        title=f"cess-archive: changes to {title}",
        subtitle=f"Every change to {page.url}",
        updated=max((event.at for event in found.events), default=feed.updated),
        self_url=str(request.url),
        site_url=page.url,
        links=[("related", absolute(request, "/page", url=page.url)), *_next_page(request, found)],
    )
    return _feed_response(request, body)


routes = [
    Route("/changes", changes, name="changes"),
    Route("/api/changes", changes_api, name="changes_api"),
    Route("/changes.atom", changes_atom, name="changes_atom"),
    Route("/page.atom", page_atom, name="page_atom"),
]
