"""Commands for archivists that read one page: ``history``, ``show`` and ``diff``.

Any URL form finds the page (see ``archive.reading.lookup_page``): raw or percent-encoded, with or without
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

import click

from archive.reading import diff_versions, get_version, raw_capture, resolve_page, timeline

from . import render
from .access import DB_HELP, reading
from .errors import CliError


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
    with reading(db) as session:
        story = timeline(session, resolve_page(session, url))
    if as_json:
        click.echo(json.dumps(story.as_dict(), ensure_ascii=False, indent=2))
        return
    for line in render.history_lines(story):
        click.echo(line)


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
    with reading(db) as session:
        page = resolve_page(session, url)
        version = get_version(session, page, number)
        body = raw_capture(session, page, version) if raw else None
    if body is not None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    elif as_json:
        click.echo(json.dumps(version.as_dict(page.url), ensure_ascii=False, indent=2))
    else:
        click.echo(f"{version.title or ''}\n\n{version.text}\n", nl=False)


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
    with reading(db) as session:
        page = resolve_page(session, url)
        new = get_version(session, page, to_number)
        if from_number is None:
            if new.number == 1:
                raise CliError(
                    f"{page.url} has only one version: nothing to compare"
                    if to_number is None
                    else f"--to 1 is the first version of {page.url}: there is nothing older to compare"
                )
            from_number = new.number - 1
        old = get_version(session, page, from_number)
    if old.number >= new.number:
        raise CliError(f"--from {old.number} is not older than v{new.number}, the latest version of {page.url}")
    changes = diff_versions(old, new)
    if html_file is not None:  # before anything is printed: a path that cannot be written is the only output
        write_file(html_file, render.html_diff(changes, url=page.url), "--html")
    for text in render.diff_lines(changes, color=sys.stdout.isatty(), context=context):
        click.echo(text)


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
