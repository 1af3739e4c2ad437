"""``cess-archive db backup`` and ``db verify``: a checked snapshot of an SQLite archive, and a fixity check.

``db backup --to FILE`` copies an SQLite archive with SQLite's online backup API (a crawl may write to it
meanwhile), checks the copy and says what it holds; it never replaces a file. A PostgreSQL archive is
backed up with ``pg_dump``. ``db verify`` re-hashes every raw body and recomputes every version's content
digest (``archive.fixity``): each mismatch is one line on stdout, and the exit status is 1 when there is any.
Both read columns that every schema revision has, so they work on an archive of any revision.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from archive import default_db_url
from archive.backup import BackupError, BackupResult, TargetUnusable, backup_sqlite, check_target
from archive.db import ArchiveLocationError, database_url, sqlite_path
from archive.fixity import Checked, verify

from .access import DB_HELP, open_archive
from .errors import EXIT_CANNOT_RUN, EXIT_OK, EXIT_PAGE_ERRORS, EXIT_USAGE, CliError

logger = logging.getLogger(__name__)

PG_BACKUP_HINT = (
    "db backup copies SQLite archives; back up a PostgreSQL archive with pg_dump -Fc "
    "(and restore it with pg_restore), as the README shows"
)


# -- backup -------------------------------------------------------------------------------------------------


@click.command("backup")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="FILE",
    help="The new SQLite file to write, in an existing directory; an existing file is never replaced.",
)
@click.option("--db", help=DB_HELP)
def backup_command(target, db):
    """Write a consistent, checked snapshot of an SQLite archive (safe while a crawl writes to it).

    The snapshot is one standalone SQLite file, an archive like the original: every command takes it
    with --db. A PostgreSQL archive is backed up with pg_dump -Fc instead.
    """
    if not target.strip():
        raise CliError("--to is empty: name the new backup file", EXIT_USAGE)
    url = _archive_url(db)
    if url is not None and url.get_backend_name() == "postgresql":
        raise CliError(PG_BACKUP_HINT, EXIT_USAGE)
    source = sqlite_path(url) if url is not None else None
    try:
        check_target(Path(target), source)  # before the archive is even opened
    except TargetUnusable as exc:
        raise CliError(f"--to: {exc}", EXIT_USAGE) from None
    open_archive(db, must_exist=True, read_only=True, check_schema=False).dispose()  # there, an archive
    if source is None:
        raise CliError("db backup needs the archive as a file path or sqlite:///PATH", EXIT_USAGE)
    try:
        result = backup_sqlite(source, Path(target))
    except TargetUnusable as exc:
        raise CliError(f"--to: {exc}", EXIT_USAGE) from None
    except BackupError as exc:
        raise CliError(f"backup of {source} failed: {exc}", EXIT_CANNOT_RUN) from None
    except (sqlite3.Error, OSError) as exc:
        raise CliError(f"cannot back up {source} to {target}: {exc}", EXIT_CANNOT_RUN) from None
    for line in backup_report(result):
        click.echo(line)


def _archive_url(db: str | None) -> URL | None:
    """The URL ``--db`` names; None when it names none (``open_archive`` then says why)."""
    try:
        return database_url(default_db_url() if db is None else db)
    except ArchiveLocationError:
        return None


def backup_report(result: BackupResult) -> list[str]:
    """What ``db backup`` says about a checked snapshot: the file, its size, its checks, rows per table."""
    lines = [
        f"backup written to {result.path}: {_size(result.size)} in {result.seconds:.1f} s",
        "integrity ok (PRAGMA integrity_check: ok; PRAGMA foreign_key_check: no violation)",
    ]
    width = max((len(table) for table in result.counts), default=0)
    lines += [f"  {table:<{width}}  {count:>12,}" for table, count in result.counts.items()]
    return lines


def _size(size: int) -> str:
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit} ({size:,} bytes)"
    return f"{size:,} bytes"


# -- verify -------------------------------------------------------------------------------------------------


@click.command("verify")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: what was checked, and every mismatch.")
@click.option("--db", help=DB_HELP)
def verify_command(as_json, db):
    """Fixity check: re-hash every raw body and recompute every version's content digest.

    Each mismatch is one line (table, row, what was expected, what was found). Exit status 0 when
    everything matches, 1 when something does not. Nothing is changed: the archive is opened read-only.
    """
    engine = open_archive(db, must_exist=True, read_only=True, check_schema=False)
    checked, found, listed = Checked(), 0, []
    try:
        with engine.connect() as connection:
            for mismatch in verify(connection, checked):
                found += 1
                if as_json:
                    listed.append(mismatch.as_dict())
                else:
                    click.echo(str(mismatch))
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        raise CliError(f"cannot read the archive to verify it: {reason}", EXIT_CANNOT_RUN) from None
    finally:
        engine.dispose()
    if as_json:
        click.echo(
            json.dumps({"ok": not found, "checked": vars(checked), "mismatches": listed}, ensure_ascii=False, indent=2)
        )
    else:
        click.echo(_summary(checked, found))
    return EXIT_PAGE_ERRORS if found else EXIT_OK


def _summary(checked: Checked, mismatches: int) -> str:
    counted = (
        f"checked {checked.raw_blobs:,} raw bodies ({checked.raw_bytes:,} bytes), "
        f"{checked.versions:,} versions, {checked.captures:,} captures with a raw body"
    )
    if not mismatches:
        return f"{counted}: all match"
    return f"{counted}: {mismatches:,} {'mismatch' if mismatches == 1 else 'mismatches'}"
