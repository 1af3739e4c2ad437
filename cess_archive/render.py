"""How the archive looks to a person or a tool: changes as text lines, JSON or an Atom feed; a page's timeline;
terminal and HTML diffs; the runs table. The Atom feed is ``archive.reading.feeds``, shared with the reading
room.

Everything that goes into HTML or XML is escaped here; nothing from an archived page is trusted.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import click

from archive import iso_utc
from archive.diffing import DiffOp, Hunk, join_tokens
from archive.reading import ChangeEvent, RunInfo, Timeline, VersionDiff
from archive.reading.feeds import describe


def text_lines(events: Iterable[ChangeEvent]) -> Iterable[str]:
    """One line per event, under the URL the page had when it happened (and its URL now, after a move)."""
    for event in events:
        version = f"v{event.version}" if event.version else "  "
        now = f" (now {event.page_url})" if event.page_url != event.url else ""
        title = f" «{event.title}»" if event.title else ""
        extra = describe(event)
        yield f"{short_time(event.at)}  {event.kind:<16} {version:<4} {event.url}{now}{title}" + (
            f"  ({extra})" if extra else ""
        )


def as_json(events: Iterable[ChangeEvent]) -> str:
    return json.dumps([e.as_dict() for e in events], ensure_ascii=False, indent=2)


def history_lines(story: Timeline) -> Iterator[str]:
    """The timeline of a page: what it is, its other URLs and translations, its versions with their
    provenance, its events."""
    t = short_time
    page = story.page
    yield page.url
    yield (
        f"  kind {page.kind}, {page.status}, source {page.source}, "
        f"first seen {t(page.first_seen)}, last seen {t(page.last_seen)}"
    )
    for alias in story.aliases:
        yield f"  also reached as {alias}"
    if page.duplicate_of:
        yield f"  untranslated copy of {page.duplicate_of}"
    for language, other in page.translations.items():
        yield f"  translation ({language}): {other}"
    yield "versions:"
    for v in story.versions:
        capture = v.capture
        provenance = ""
        if capture is not None:
            provenance = f", capture HTTP {capture.http_status} of {t(capture.fetched_at)}"
            if capture.etag:
                provenance += f" ETag {capture.etag}"
            provenance += f" raw sha256 {capture.raw_sha256[:12]}…" if capture.raw_sha256 else ""
        reason = " [extractor change]" if v.reason == "extractor-change" else ""
        yield f"  v{v.number}  {t(v.first_seen)} → {t(v.last_seen)}  «{v.title}»{reason}"
        yield f"       content {v.content_sha256[:12]}…{provenance}; extractor {v.extractor}"
    yield "events:"
    for line in text_lines(story.events):
        yield f"  {line}"


def short_time(value: datetime) -> str:
    """ISO 8601 UTC to the second, for people."""
    return iso_utc(value.replace(microsecond=0))


def terminal_diff(ops: Iterable[DiffOp], *, color: bool) -> str:
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


def diff_lines(diff: VersionDiff, *, color: bool, context: int = 1) -> Iterator[str]:
    """The diff as ``diff`` prints it: which versions, the title's words where it changed, the changed
    paragraphs with ``context`` unchanged ones around them."""
    old, new = diff.old, diff.new
    yield f"--- v{old.number} {short_time(old.first_seen)}\n+++ v{new.number} {short_time(new.first_seen)}"
    if diff.retitled:
        yield terminal_diff(diff.title, color=color)
        yield ""
    yield context_diff(diff.paragraphs, color=color, context=context)


def context_diff(hunks: Sequence[Hunk], *, color: bool, context: int = 1) -> str:
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


def _side(ops: Iterable[DiffOp], keep: str, tag: str) -> str:
    parts = []
    for op in ops:
        if op.kind not in ("equal", keep):
            continue
        text = html.escape(join_tokens(op.words)).replace("\n", "<br>\n")
        parts.append(text if op.kind == "equal" else f"<{tag}>{text}</{tag}>")
    return " ".join(parts)


def html_diff(diff: VersionDiff, *, url: str) -> str:
    """A self-contained side-by-side HTML page of the diff; every piece of page text is escaped."""
    e = html.escape
    ops, old_title, new_title = diff.words, diff.old.title, diff.new.title
    old_label = f"version {diff.old.number} ({iso_utc(diff.old.first_seen)})"
    new_label = f"version {diff.new.number} ({iso_utc(diff.new.first_seen)})"
    title_row = ""
    if diff.retitled:
        title_row = f"<tr><td><del>{e(old_title or '')}</del></td><td><ins>{e(new_title or '')}</ins></td></tr>"
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


# ----------------------------------------------------------------------------------------------- runs


def run_table(runs: Iterable[RunInfo]) -> Iterator[str]:
    yield (
        f"{'run':>4}  {'started (UTC)':<20} {'status':<12} {'source':<10} {'fetched':>7} {'new pages':>9} "
        f"{'new versions':>12} {'unchanged':>9} {'not modified':>12} {'errors':>6}"
    )
    for run in runs:
        started = run.started_at.strftime("%Y-%m-%d %H:%M:%S")
        yield (
            f"{run.id:>4}  {started:<20} {run.status:<12} {run.source:<10} {run.fetched:>7} "
            f"{run.new_pages:>9} {run.new_versions:>12} {run.unchanged:>9} {run.not_modified:>12} "
            f"{run.errors:>6}"
        )


def run_error_lines(run: RunInfo) -> Iterator[str]:
    """One line per failed URL with its reason; then how many errors were counted without details."""
    for detail in run.error_details:
        yield f"{detail.get('url') or '-'}  {_one_line(detail.get('error'))}"
    if run.errors > len(run.error_details):
        yield f"… {run.errors - len(run.error_details)} more errors counted in run {run.id}, without details"
    elif not run.error_details:
        yield f"run {run.id}: no error"


def _one_line(text) -> str:
    return " ".join(str(text or "").split())
