"""Commands for archivists: ``changes``, ``history``, ``show``, ``diff`` and ``reprocess``.

Any URL form finds the page (see ``archive.query.lookup_page``): raw or percent-encoded, with or without
``www``, http or https, a trailing slash, tracking or ``lang`` parameters, a fragment, a path alone, an
alias such as an old slug. Every failure is one line on stderr with exit status 2 (``CliError``), raised
before anything is printed or written.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import iso_utc, make_sessionmaker
from archive.content import parse_instant
from archive.diffing import paragraph_diff, word_diff
from archive.history import (
    MAX_ID,
    archive_identity,
    event_versions,
    events_of_run,
    events_since,
    feed_entry_id,
    feed_id,
    get_version,
    latest_run_id,
    page_aliases,
    page_events,
    page_history_as_dict,
    page_versions,
    version_as_dict,
)
from archive.models import Capture, Page, RawBlob, Run, Version
from archive.query import lookup_page
from archive.store import latest_version, load_raw

from . import render
from .access import DB_HELP, opened_archive
from .errors import CliError
from .filters import check_sources
from .runs_command import check_run


def _open(db: str | None, *, read_only: bool = True):
    return opened_archive(db, must_exist=True, read_only=read_only)


def resolve_page(session: Session, url: str) -> Page:
    """The page ``url`` names in any form; an unknown URL suggests the archived pages with the closest slug."""
    found = lookup_page(session, url)
    if found.page is None:
        raise CliError(found.problem)
    return found.page


def one_source(session: Session, source: str | None) -> str | None:
    return check_sources(session, [source])[0] if source is not None else None


def find_version(session: Session, page: Page, number: int | None) -> Version:
    if number is None:
        version = latest_version(session, page)
    else:
        version = get_version(session, page, number) if number <= MAX_ID else None
    if version is None:
        if number is None:
            raise CliError(f"{page.url} has no version")
        latest = latest_version(session, page)
        known = f"versions are 1 to {latest.number}" if latest else "it has none"
        raise CliError(f"{page.url} has no version {number} ({known})")
    return version


def _http_url(value: str, option: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
        raise CliError(f"{option} must be an http(s) URL, got {value!r}")
    return value.strip()


@click.command()
@click.option("--run", "run_id", type=click.IntRange(min=1), help="Events of this run (default: the latest run).")
@click.option("--since", help="Events since this date (ISO 8601), instead of one run.")
@click.option("--source", help="Only the events of this source's pages (default run: its latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "atom"]), default="text", show_default=True)
@click.option("--feed-url", metavar="URL", help="With --format atom: where the feed is published (rel=self link).")
@click.option("--db", help=DB_HELP)
def changes(run_id, since, source, fmt, feed_url, db):
    """What changed: new, edited, retitled, removed, restored and moved pages.

    Each event is shown under the URL the page had when it happened, and its URL now where it moved since.
    The Atom feed keeps one id per archive and source whatever run or date it is made for, so a feed reader
    can follow it.
    """
    if run_id is not None and since is not None:
        raise CliError("give --run or --since, not both")
    if feed_url is not None:
        if fmt != "atom":
            raise CliError("--feed-url goes with --format atom")
        feed_url = _http_url(feed_url, "--feed-url")
    try:
        when = parse_instant(since, "--since") if since is not None else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    with _open(db) as engine, make_sessionmaker(engine)() as session:
        source = one_source(session, source)
        if when is not None:
            events = events_since(session, when, source=source)
            scope = f"since {iso_utc(when)}"
        else:
            if run_id is None:
                run_id = latest_run_id(session, source)
                if run_id is None:
                    raise CliError(
                        f"the archive has no run of source {source!r} yet" if source else "the archive has no run yet"
                    )
            else:
                check_run(session, run_id)
            events = events_of_run(session, run_id, source=source)
            scope = f"run {run_id}"
        if source:
            scope += f", source {source}"
        feed = _atom(session, events, source, scope, feed_url) if fmt == "atom" else None
    if fmt == "json":
        click.echo(render.as_json(events))
    elif fmt == "atom":
        click.echo(feed, nl=False)
    else:
        for line in render.text_lines(events):
            click.echo(line)
        if not events:
            click.echo(f"no change ({scope})")


def _atom(session: Session, events, source: str | None, scope: str, feed_url: str | None) -> str:
    archive = archive_identity(session)
    if archive is None:
        raise CliError("the archive has no run yet: there is no feed to make")
    entries = [
        render.FeedEntry(
            event, feed_entry_id(archive, event.id), render.entry_html(event, *event_versions(session, event))
        )
        for event in events
    ]
    runs = select(Run).order_by(Run.id.desc()).limit(1)
    last = session.scalar(runs.where(Run.source == source) if source else runs)
    if last is None:
        last = session.scalar(select(Run).order_by(Run.id.desc()).limit(1))
    title = f"cess-archive: changes to {source}" if source else "cess-archive: changes to the archived sites"
    return render.atom_feed(
        entries,
        feed_id=feed_id(archive, source),
        title=title,
        subtitle=f"Events of {scope}",
        updated=last.finished_at or last.started_at,
        self_url=feed_url,
        site_url=(last.base_url if source and last.source == source else None),
    )


@click.command()
@click.argument("url")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="The page, its aliases, translations, versions with provenance and events, as JSON.",
)
@click.option("--db", help=DB_HELP)
def history(url, as_json, db):
    """The timeline of a page: its versions with dates, its events, its other URLs."""
    with _open(db) as engine, make_sessionmaker(engine)() as session:
        page = resolve_page(session, url)
        lines = (
            [json.dumps(page_history_as_dict(session, page), ensure_ascii=False, indent=2)]
            if as_json
            else list(_history_lines(session, page))
        )
    for line in lines:
        click.echo(line)


def _history_lines(session: Session, page: Page):
    t = render.short_time
    yield page.url
    yield (
        f"  kind {page.kind}, {page.status}, source {page.source}, "
        f"first seen {t(page.first_seen)}, last seen {t(page.last_seen)}"
    )
    for alias in page_aliases(session, page):
        yield f"  also reached as {alias}"
    if page.duplicate_of_id:
        yield f"  untranslated copy of {session.get_one(Page, page.duplicate_of_id).url}"
    for language, other in sorted((page.translations or {}).items()):
        yield f"  translation ({language}): {other}"
    yield "versions:"
    for info in page_versions(session, page):
        v, capture = info.version, info.capture
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
    for line in render.text_lines(page_events(session, page)):
        yield f"  {line}"


@click.command()
@click.argument("url")
@click.option("--version", "number", type=click.IntRange(min=1), help="Version number (default: the latest).")
@click.option("--raw", is_flag=True, help="The raw captured HTML of that version, as it was received.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="The version's record as JSON: metadata, text, digest, dates, extractor, capture.",
)
@click.option("--db", help=DB_HELP)
def show(url, number, raw, as_json, db):
    """A version's cleaned text, or its raw captured HTML."""
    if raw and as_json:
        raise CliError("give --raw or --json, not both")
    body = text = None
    with _open(db) as engine, make_sessionmaker(engine)() as session:
        page = resolve_page(session, url)
        version = find_version(session, page, number)
        capture = session.get(Capture, version.capture_id) if version.capture_id else None
        if raw:
            blob = session.get(RawBlob, capture.raw_sha256) if capture and capture.raw_sha256 else None
            if blob is None:
                raise CliError(f"no raw capture is stored for version {version.number} of {page.url}")
            body = load_raw(blob)
        elif as_json:
            text = json.dumps(version_as_dict(version, capture, url=page.url), ensure_ascii=False, indent=2) + "\n"
        else:
            text = f"{version.title or ''}\n\n{version.text}\n"
    if body is not None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("url")
@click.option("--from", "from_number", type=click.IntRange(min=1), help="Older version (default: the one before --to).")
@click.option("--to", "to_number", type=click.IntRange(min=1), help="Newer version (default: the latest).")
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path),
    help="Also write a self-contained side-by-side HTML page (written before the diff is printed).",
)
@click.option(
    "--context",
    default=1,
    show_default=True,
    type=click.IntRange(0),
    help="Unchanged paragraphs shown around each change.",
)
@click.option("--db", help=DB_HELP)
def diff(url, from_number, to_number, html_file, context, db):
    """A word-level diff between two versions of a page (default: the last two)."""
    if from_number is not None and to_number is not None and from_number >= to_number:
        raise CliError(f"--from {from_number} must be older than --to {to_number}")
    if html_file is not None:
        check_output_file(html_file, "--html")
    with _open(db) as engine, make_sessionmaker(engine)() as session:
        page = resolve_page(session, url)
        new = find_version(session, page, to_number)
        if from_number is None:
            if new.number == 1:
                raise CliError(
                    f"{page.url} has only one version: nothing to compare"
                    if to_number is None
                    else f"--to 1 is the first version of {page.url}: there is nothing older to compare"
                )
            from_number = new.number - 1
        old = find_version(session, page, from_number)
        if old.number >= new.number:
            raise CliError(f"--from {old.number} is not older than v{new.number}, the latest version of {page.url}")
        ops = word_diff(old.text, new.text)
        hunks = paragraph_diff(old.text, new.text)
        header = (
            f"--- v{old.number} {render.short_time(old.first_seen)}\n"
            f"+++ v{new.number} {render.short_time(new.first_seen)}"
        )
        titles = (old.title, new.title)
        labels = (
            f"version {old.number} ({iso_utc(old.first_seen)})",
            f"version {new.number} ({iso_utc(new.first_seen)})",
        )
    if html_file is not None:  # before anything is printed: a path that cannot be written is the only output
        write_file(
            html_file,
            render.html_diff(
                ops, url=page.url, old_label=labels[0], new_label=labels[1], old_title=titles[0], new_title=titles[1]
            ),
            "--html",
        )
    color = sys.stdout.isatty()
    click.echo(header)
    if (titles[0] or "") != (titles[1] or ""):
        click.echo(render.terminal_diff(word_diff(titles[0] or "", titles[1] or ""), color=color))
        click.echo()
    click.echo(render.context_diff(hunks, color=color, context=context))


def check_output_file(path: Path, option: str) -> None:
    """A file we may create or replace: its directory exists, and it is a regular file if it exists (never a
    directory, a FIFO, a device or a socket)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise CliError(f"cannot write {path} ({option}): {exc.strerror or exc}") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise CliError(f"cannot write {path} ({option}): it is a directory")
        if not stat.S_ISREG(mode):
            raise CliError(f"cannot write {path} ({option}): it is not a regular file")
        return
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CliError(f"cannot write {path} ({option}): directory {parent} does not exist")


def write_file(path: Path, text: str, option: str) -> None:
    """Writes ``text`` to ``path`` under a temporary name in the same directory, then renames it: an
    interrupted or failed write never leaves a partial file."""
    check_output_file(path, option)
    target = path.resolve() if path.is_symlink() else path
    temporary = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise CliError(
            f"cannot write {path} ({option}): no file can be created in {target.parent} ({exc.strerror or exc})"
        ) from None
    try:
        temporary = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise CliError(f"cannot write {path} ({option}): {exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


@click.command()
@click.option("--source", help="Only the pages of this source.")
@click.option("--db", help=DB_HELP)
def reprocess(source, db):
    """Re-extract every page's latest raw capture with the current extractor.

    Where the cleaned content changes, a version marked as an extractor change is added (never reported as
    an edit by the organisation); where nothing changes, nothing is created. Raw captures are not modified.
    """
    from .reprocessing import reprocess_archive

    if source is not None:  # checked on a read-only archive: a bad name changes nothing
        with _open(db) as engine, make_sessionmaker(engine)() as session:
            source = one_source(session, source)
    with _open(db, read_only=False) as engine, make_sessionmaker(engine).begin() as session:
        counts = reprocess_archive(session, source=source)
    click.echo(
        f"reprocessed {counts.pages} pages: {counts.changed} extractor-change versions, "
        f"{counts.unchanged} unchanged, {counts.failed} without text"
    )


COMMANDS = (changes, history, show, diff, reprocess)
