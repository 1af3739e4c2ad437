"""The change feeds: Atom 1.0 documents of events, the same for the command line (``changes --format atom``)
and the reading room (``/changes.atom``, ``/page.atom``).

What an entry says (:func:`entry_html`) and the feed itself (:func:`atom_feed`) are pure functions of the
events and versions given; :func:`feed_entries` reads the versions each event compares. The ids come from
:class:`archive.reading.Feed`, so every feed of an archive names an event the same way. Everything from an
archived page is escaped: feed readers render it as text.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..content import iso_utc
from ..diffing import DiffOp, paragraph_diff
from .changes import ChangeEvent, Feed, event_versions
from .pages import VersionInfo

ATOM_NS = "http://www.w3.org/2005/Atom"

KIND_LABELS = {
    "new": "New",
    "edited": "Edited",
    "retitled": "Retitled",
    "removed": "Removed",
    "restored": "Restored",
    "moved": "Moved",
    "extractor-change": "Re-extracted",
}


def describe(event: ChangeEvent) -> str:
    """A short human description of what the event says."""
    d = event.details
    parts = []
    if event.kind == "retitled":
        parts.append(f"title «{d.get('old_title')}» → «{d.get('new_title')}»")
    if "words_added" in d:
        parts.append(f"+{d['words_added']} −{d['words_removed']} words, similarity {d['similarity']:.2f}")
    if d.get("fields"):
        parts.append("changed " + ", ".join(d["fields"]))
    if event.kind == "moved":
        parts.append(f"from {d.get('from_url')} to {d.get('to_url')}")
    if event.kind in ("removed", "restored") and d.get("http_status"):
        parts.append(f"HTTP {d['http_status']}")
    if event.kind == "extractor-change":
        parts.append("extractor changed, not an edit by the organisation")
    return "; ".join(parts)


FEED_PARAGRAPHS = 3  # changed paragraphs shown in an entry
FEED_WORDS = 120  # words of one inserted or deleted run shown in an entry
FEED_CONTEXT = 12  # unchanged words kept on each side of a change


@dataclass(frozen=True)
class FeedEntry:
    """One event of the feed, with its stable Atom id and its HTML content."""

    event: ChangeEvent
    id: str
    content: str
    related: str | None = None  # where else to read about it (the reading room's diff), when given


def _clip(words: list[str], limit: int) -> str:
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + " …"


def _changed_paragraphs(ops: Iterable[DiffOp]) -> list[str]:
    """The diff split into paragraphs (HTML, escaped), each with ``<del>``/``<ins>`` for what changed."""
    paragraphs: list[list[tuple[str, list[str]]]] = [[]]
    for op in ops:
        words: list[str] = []
        for token in op.words:
            if token == "\n":
                if words:
                    paragraphs[-1].append((op.kind, words))
                    words = []
                paragraphs.append([])
            else:
                words.append(token)
        if words:
            paragraphs[-1].append((op.kind, words))
    rendered = []
    for runs in paragraphs:
        if not any(kind != "equal" for kind, _ in runs):
            continue
        parts = []
        for index, (kind, words) in enumerate(runs):
            if kind == "equal":
                if len(words) > 2 * FEED_CONTEXT:  # long unchanged stretches: their ends only
                    head = words[:FEED_CONTEXT] if index > 0 else []
                    tail = words[-FEED_CONTEXT:] if index < len(runs) - 1 else []
                    words = [*head, "…", *tail]
                parts.append(html.escape(" ".join(words)))
            else:
                tag = "del" if kind == "delete" else "ins"
                parts.append(f"<{tag}>{html.escape(_clip(words, FEED_WORDS))}</{tag}>")
        rendered.append(" ".join(parts))
    return rendered


def entry_html(event: ChangeEvent, old: VersionInfo | None, new: VersionInfo | None) -> str:
    """What a feed reader shows for an event: what changed, bounded, every piece of page text escaped."""
    e = html.escape
    d = event.details
    out: list[str] = []
    if event.kind == "retitled":
        out.append(f"<p>Title: <del>{e(d.get('old_title') or '')}</del> → <ins>{e(d.get('new_title') or '')}</ins></p>")
    if "words_added" in d:
        out.append(
            f"<p>{d['words_added']} words added, {d['words_removed']} removed, "
            f"similarity {d['similarity']:.2f}"
            + (f" (version {old.number} → {new.number})" if old is not None and new is not None else "")
            + "</p>"
        )
    if d.get("fields"):
        out.append(f"<p>Changed: {e(', '.join(d['fields']))}</p>")
    if event.kind == "moved":
        source, target = d.get("from_url") or "", d.get("to_url") or event.url
        out.append(
            f'<p>Moved from <a href="{e(source)}">{e(source)}</a> to <a href="{e(target)}">{e(target)}</a>; '
            "the old URL redirects to the new one.</p>"
        )
    if event.kind == "removed":
        status = d.get("http_status")
        out.append(
            f"<p>The page answered HTTP {int(status)}: it was removed from the site. "
            "The response is kept as evidence.</p>"
            if status
            else "<p>The page was removed from the site.</p>"
        )
    if event.kind == "restored":
        status = d.get("http_status")
        out.append("<p>The page answers again" + (f" (HTTP {int(status)})" if status else "") + ".</p>")
    if event.kind == "extractor-change":
        out.append(
            "<p>The archive's extractor read the stored capture differently: not an edit by the organisation.</p>"
        )
    if new is not None and old is not None and old.text != new.text:
        changed = [
            p
            for hunk in paragraph_diff(old.text, new.text)
            if hunk.kind == "change"
            for p in _changed_paragraphs(hunk.ops)
        ]
        out.extend(f"<p>{p}</p>" for p in changed[:FEED_PARAGRAPHS])
        if len(changed) > FEED_PARAGRAPHS:
            more = len(changed) - FEED_PARAGRAPHS
            out.append(f"<p>… and {more} more changed paragraph{'s' if more > 1 else ''}.</p>")
    elif new is not None and old is None:
        first = next((line for line in new.text.splitlines() if line.strip()), "")
        if first:
            out.append(f"<p>{e(_clip(first.split(), FEED_WORDS))}</p>")
    url = event.url
    out.append(
        f'<p><a href="{e(url)}">{e(url)}</a>'
        + (f' (now <a href="{e(event.page_url)}">{e(event.page_url)}</a>)' if event.page_url != url else "")
        + "</p>"
    )
    return "\n".join(out)


def atom_feed(
    entries: list[FeedEntry],
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    subtitle: str | None = None,
    self_url: str | None = None,
    site_url: str | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """An Atom 1.0 feed of the events, newest first, so people can subscribe to edits and removals.

    ``feed_id`` and the entries' ids are stable (see ``archive.reading.Feed``), so a reader polling the
    feed made for each new run sees one feed whose new entries are the new events. ``links``: more
    (rel, href) links of the feed, such as the HTML page it follows or the next page of a paged feed.
    """
    ET.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    if subtitle:
        sub(feed, "subtitle", subtitle)
    sub(feed, "updated", iso_utc(max((entry.event.at for entry in entries), default=updated)))
    if self_url:
        sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    if site_url:
        sub(feed, "link", rel="alternate", href=site_url)
    for rel, href in links:
        sub(feed, "link", rel=rel, href=href)
    author = sub(feed, "author")
    sub(author, "name", "cess-archive")
    sub(feed, "generator", "cess-archive")
    for item in sorted(entries, key=lambda entry: (entry.event.at, entry.event.id), reverse=True):
        event = item.event
        entry = sub(feed, "entry")
        sub(entry, "id", item.id)
        label = KIND_LABELS.get(event.kind, event.kind)
        sub(entry, "title", f"{label}: {event.title or event.url}")
        sub(entry, "updated", iso_utc(event.at))
        sub(entry, "link", href=event.url)
        if item.related:
            sub(entry, "link", rel="related", href=item.related)
        sub(entry, "category", term=event.kind, label=label)
        sub(entry, "summary", describe(event) or label)
        sub(entry, "content", item.content, type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def feed_entries(
    session: Session,
    feed: Feed,
    events: Iterable[ChangeEvent],
    related: Callable[[ChangeEvent], str | None] | None = None,
) -> list[FeedEntry]:
    """The entries of ``events``: each with its stable id and what changed, compared with the version
    before it; ``related`` gives the link to read more about an event, when given."""
    return [
        FeedEntry(
            event,
            feed.entry_id(event.id),
            entry_html(event, *event_versions(session, event)),
            related(event) if related is not None else None,
        )
        for event in events
    ]
