"""How changes and diffs look to a person or a tool: text lines, JSON, an Atom feed, terminal and HTML diffs.

Everything that goes into HTML or XML is escaped here; nothing from an archived page is trusted.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime, timezone

import click

from archive import iso_utc
from archive.diffing import DiffOp, Hunk, join_tokens
from archive.history import ChangeEvent

ATOM_NS = "http://www.w3.org/2005/Atom"

KIND_LABELS = {
    "new": "New", "edited": "Edited", "retitled": "Retitled", "removed": "Removed", "restored": "Restored",
    "moved": "Moved", "extractor-change": "Re-extracted",
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


def text_lines(events: Iterable[ChangeEvent]) -> Iterable[str]:
    for event in events:
        version = f"v{event.version}" if event.version else "  "
        title = f" «{event.title}»" if event.title else ""
        extra = describe(event)
        yield f"{short_time(event.at)}  {event.kind:<16} {version:<4} {event.page_url}{title}" + \
              (f"  ({extra})" if extra else "")


def as_json(events: Iterable[ChangeEvent]) -> str:
    return json.dumps([
        {"id": e.id, "run": e.run_id, "at": iso_utc(e.at), "kind": e.kind, "url": e.page_url,
         "url_at_event": e.url, "title": e.title, "version": e.version, "details": e.details}
        for e in events
    ], ensure_ascii=False, indent=2)


def atom_feed(events: list[ChangeEvent], *, feed_id: str, title: str) -> str:
    """An Atom 1.0 feed of the events, newest first, so people can subscribe to edits and removals."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = title
    updated = max((e.at for e in events), default=datetime.now(timezone.utc))
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = iso_utc(updated)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = "cess-archive"
    ET.SubElement(feed, f"{{{ATOM_NS}}}generator").text = "cess-archive"
    for event in sorted(events, key=lambda e: (e.at, e.id), reverse=True):
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = f"{feed_id.rsplit(':', 1)[0]}:event:{event.id}"
        label = KIND_LABELS.get(event.kind, event.kind)
        ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = f"{label}: {event.title or event.page_url}"
        ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = iso_utc(event.at)
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=event.page_url)
        ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=event.kind)
        summary = describe(event) or label
        ET.SubElement(entry, f"{{{ATOM_NS}}}summary").text = summary
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def short_time(value: datetime) -> str:
    """ISO 8601 UTC to the second, for people."""
    return iso_utc(value.replace(microsecond=0))


def terminal_diff(ops: list[DiffOp] | tuple[DiffOp, ...], *, color: bool) -> str:
    """Word diff as text: coloured (red removed, green added) on a terminal, ``[-…-]``/``{+…+}`` otherwise."""
    out: list[str] = []
    for op in ops:
        text = join_tokens(op.words)
        if op.kind == "equal":
            out.append(text)
        elif op.kind == "delete":
            out.append(click.style(text, fg="red", strikethrough=True) if color else f"[-{text}-]")
        else:
            out.append(click.style(text, fg="green", underline=True) if color else f"{{+{text}+}}")
    joined = ""
    for piece in out:
        if joined and not joined.endswith("\n") and not piece.startswith("\n"):
            joined += " "
        joined += piece
    return joined


def context_diff(hunks: list[Hunk], *, color: bool, context: int = 1) -> str:
    """Changed paragraphs with ``context`` unchanged paragraphs around them; longer runs are collapsed."""
    out: list[str] = []
    for index, hunk in enumerate(hunks):
        if hunk.kind == "change":
            out.append(terminal_diff(hunk.ops, color=color))
            continue
        lines = list(hunk.lines)
        before = lines[:context] if index > 0 else []
        after = lines[-context:] if index < len(hunks) - 1 and context else []
        skipped = len(lines) - len(before) - len(after)
        if skipped <= 0:
            out.extend(lines)
            continue
        out.extend(before)
        out.append(f"⋯ {skipped} unchanged paragraph{'s' if skipped > 1 else ''}")
        out.extend(after)
    return "\n".join(out)


def _side(ops: list[DiffOp], keep: str, tag: str) -> str:
    parts = []
    for op in ops:
        if op.kind not in ("equal", keep):
            continue
        text = html.escape(join_tokens(op.words)).replace("\n", "<br>\n")
        parts.append(text if op.kind == "equal" else f"<{tag}>{text}</{tag}>")
    return " ".join(parts)


def html_diff(ops: list[DiffOp], *, url: str, old_label: str, new_label: str,
              old_title: str | None, new_title: str | None) -> str:
    """A self-contained side-by-side HTML page of the diff; every piece of page text is escaped."""
    e = html.escape
    title_row = ""
    if (old_title or "") != (new_title or ""):
        title_row = (f"<tr><td><del>{e(old_title or '')}</del></td>"
                     f"<td><ins>{e(new_title or '')}</ins></td></tr>")
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Diff: {e(url)}</title>
<style>
body {{ font-family: Georgia, serif; margin: 2em; color: #222; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ vertical-align: top; padding: .6em 1em; border: 1px solid #ccc; line-height: 1.5; }}
th {{ background: #f3f3f3; text-align: left; font-family: sans-serif; }}
del {{ background: #fdd; color: #900; }}
ins {{ background: #dfd; color: #060; text-decoration: none; }}
</style></head>
<body>
<h1>Changes to <a href="{e(url)}">{e(new_title or url)}</a></h1>
<table>
<tr><th>{e(old_label)}</th><th>{e(new_label)}</th></tr>
{title_row}
<tr><td>{_side(ops, "delete", "del")}</td><td>{_side(ops, "insert", "ins")}</td></tr>
</table>
</body></html>
"""
