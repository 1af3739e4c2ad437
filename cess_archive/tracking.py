"""Commands for archivists: ``changes``, ``history``, ``show``, ``diff`` and ``reprocess``.

Any URL form the identity rules accept (raw or percent-encoded, with or without ``www``, an alias such as
an old slug) finds the page; an unknown URL or version is a one-line error with exit status 2.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from sqlalchemy.orm import Session

from archive import find_page, iso_utc, make_sessionmaker
from archive.diffing import paragraph_diff, word_diff
from archive.history import (events_of_run, events_since, get_version, latest_run_id, page_aliases,
                             page_events, page_versions)
from archive.models import Capture, Page, RawBlob, Run, Version
from archive.store import latest_version, load_raw

from . import render
from .access import DB_HELP, open_archive
from .errors import CliError

def _open(db: str | None, *, read_only: bool = True):
    return open_archive(db, must_exist=True, read_only=read_only)


def parse_when(value: str) -> datetime:
    """An ISO 8601 date or date-time; naive values are UTC."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"not an ISO 8601 date: {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def resolve_page(session: Session, url: str) -> Page:
    from crawler.urls import url_variants

    for candidate in url_variants(url) or [url]:
        page = find_page(session, candidate)
        if page is not None:
            return page
    raise CliError(f"no archived page at {url}")


def _version(session: Session, page: Page, number: int | None) -> Version:
    version = get_version(session, page, number) if number is not None else latest_version(session, page)
    if version is None:
        raise CliError(f"{page.url} has no version {number}" if number is not None else f"{page.url} has no version")
    return version


@click.command()
@click.option("--run", "run_id", type=int, help="Events of this run (default: the latest run).")
@click.option("--since", help="Events since this date (ISO 8601), instead of one run.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "atom"]), default="text", show_default=True)
@click.option("--db", help=DB_HELP)
def changes(run_id, since, fmt, db):
    """What changed: new, edited, retitled, removed, restored and moved pages."""
    if run_id is not None and since:
        raise CliError("give --run or --since, not both")
    engine = _open(db)
    with make_sessionmaker(engine)() as session:
        if since:
            when = parse_when(since)
            events = events_since(session, when)
            scope, feed_id = f"since {iso_utc(when)}", f"urn:cess-archive:changes:since:{iso_utc(when)}"
        else:
            run_id = run_id if run_id is not None else latest_run_id(session)
            if run_id is None or session.get(Run, run_id) is None:
                raise CliError(f"no run {run_id}" if run_id is not None else "the archive has no run yet")
            events = events_of_run(session, run_id)
            scope, feed_id = f"run {run_id}", f"urn:cess-archive:changes:run:{run_id}"
    engine.dispose()
    if fmt == "json":
        click.echo(render.as_json(events))
    elif fmt == "atom":
        click.echo(render.atom_feed(events, feed_id=feed_id, title=f"cess-archive: changes, {scope}"), nl=False)
    else:
        for line in render.text_lines(events):
            click.echo(line)
        if not events:
            click.echo(f"no change ({scope})")


@click.command()
@click.argument("url")
@click.option("--db", help=DB_HELP)
def history(url, db):
    """The timeline of a page: its versions with dates, its events, its other URLs."""
    engine = _open(db)
    with make_sessionmaker(engine)() as session:
        page = resolve_page(session, url)
        click.echo(f"{page.url}")
        click.echo(f"  kind {page.kind}, {page.status}, source {page.source}, "
                   f"first seen {render.short_time(page.first_seen)}, last seen {render.short_time(page.last_seen)}")
        for alias in page_aliases(session, page):
            click.echo(f"  also reached as {alias}")
        if page.duplicate_of_id:
            click.echo(f"  untranslated copy of {session.get_one(Page, page.duplicate_of_id).url}")
        for language, other in sorted((page.translations or {}).items()):
            click.echo(f"  translation ({language}): {other}")
        click.echo("versions:")
        for info in page_versions(session, page):
            v, capture = info.version, info.capture
            provenance = ""
            if capture is not None:
                provenance = f", capture HTTP {capture.http_status} of {render.short_time(capture.fetched_at)}"
                if capture.etag:
                    provenance += f" ETag {capture.etag}"
                provenance += f" raw sha256 {capture.raw_sha256[:12]}…" if capture.raw_sha256 else ""
            reason = " [extractor change]" if v.reason == "extractor-change" else ""
            click.echo(f"  v{v.number}  {render.short_time(v.first_seen)} → {render.short_time(v.last_seen)}"
                       f"  «{v.title}»{reason}")
            click.echo(f"       content {v.content_sha256[:12]}…{provenance}; extractor {v.extractor}")
        click.echo("events:")
        for line in render.text_lines(page_events(session, page)):
            click.echo(f"  {line}")
    engine.dispose()


@click.command()
@click.argument("url")
@click.option("--version", "number", type=int, help="Version number (default: the latest).")
@click.option("--raw", is_flag=True, help="The raw captured HTML of that version, as it was received.")
@click.option("--db", help=DB_HELP)
def show(url, number, raw, db):
    """A version's cleaned text, or its raw captured HTML."""
    engine = _open(db)
    with make_sessionmaker(engine)() as session:
        page = resolve_page(session, url)
        version = _version(session, page, number)
        if raw:
            capture = session.get(Capture, version.capture_id) if version.capture_id else None
            blob = session.get(RawBlob, capture.raw_sha256) if capture and capture.raw_sha256 else None
            if blob is None:
                raise CliError(f"no raw capture is stored for version {version.number} of {page.url}")
            body = load_raw(blob)
        else:
            body = None
            text = f"{version.title or ''}\n\n{version.text}\n"
    engine.dispose()
    if body is not None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("url")
@click.option("--from", "from_number", type=int, help="Older version (default: the one before --to).")
@click.option("--to", "to_number", type=int, help="Newer version (default: the latest).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a self-contained side-by-side HTML page.")
@click.option("--context", default=1, show_default=True, type=click.IntRange(0),
              help="Unchanged paragraphs shown around each change.")
@click.option("--db", help=DB_HELP)
def diff(url, from_number, to_number, html_file, context, db):
    """A word-level diff between two versions of a page (default: the last two)."""
    engine = _open(db)
    with make_sessionmaker(engine)() as session:
        page = resolve_page(session, url)
        new = _version(session, page, to_number)
        if from_number is None:
            if new.number == 1:
                raise CliError(f"{page.url} has only one version: nothing to compare")
            from_number = new.number - 1
        old = _version(session, page, from_number)
        ops = word_diff(old.text, new.text)
        hunks = paragraph_diff(old.text, new.text)
        header = (f"--- v{old.number} {render.short_time(old.first_seen)}\n"
                  f"+++ v{new.number} {render.short_time(new.first_seen)}")
        titles = (old.title, new.title)
        labels = (f"version {old.number} ({iso_utc(old.first_seen)})",
                  f"version {new.number} ({iso_utc(new.first_seen)})")
    engine.dispose()
    color = sys.stdout.isatty()
    click.echo(header)
    if (titles[0] or "") != (titles[1] or ""):
        click.echo(render.terminal_diff(word_diff(titles[0] or "", titles[1] or ""), color=color))
        click.echo()
    click.echo(render.context_diff(hunks, color=color, context=context))
    if html_file is not None:
        if not html_file.parent.is_dir():
            raise CliError(f"cannot write {html_file}: directory {html_file.parent} does not exist")
        html_file.write_text(render.html_diff(ops, url=page.url, old_label=labels[0], new_label=labels[1],
                                              old_title=titles[0], new_title=titles[1]), encoding="utf-8")


@click.command()
@click.option("--source", help="Only the pages of this source.")
@click.option("--db", help=DB_HELP)
def reprocess(source, db):
    """Re-extract every page's latest raw capture with the current extractor.

    Where the cleaned content changes, a version marked as an extractor change is added (never reported as
    an edit by the organisation); where nothing changes, nothing is created. Raw captures are not modified.
    """
    from .reprocessing import reprocess_archive

    engine = _open(db, read_only=False)
    with make_sessionmaker(engine).begin() as session:
        counts = reprocess_archive(session, source=source)
    engine.dispose()
    click.echo(f"reprocessed {counts.pages} pages: {counts.changed} extractor-change versions, "
               f"{counts.unchanged} unchanged, {counts.failed} without text")


COMMANDS = (changes, history, show, diff, reprocess)
