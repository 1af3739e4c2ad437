"""``cess-archive db copy``: a whole archive into an empty database (SQLite or PostgreSQL, either way), checked.

The source is only read, in one read transaction. The target must be empty: a new SQLite file (in a directory
that exists), an empty SQLite file, or an empty PostgreSQL database or schema; anything holding a table is
refused before it is touched. The target's crawl lock is held for the whole copy, so no crawl writes into it
meanwhile. The copy (:func:`archive.transfer.copy_archive`) is compared with the source before it is
committed; when anything fails, the target is left as it was and a new SQLite file is removed.

Exit statuses: 2 for what the user can fix (a bad location, a non-empty target, the same database twice, a
source that is not an archive of a known revision), 3 when the copy cannot be made or does not match, 4 when
a crawl holds the target.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from archive import make_engine
from archive.db import (
    SQLITE_MAGIC,
    URL_EXAMPLES,
    ArchiveLocationError,
    ArchiveUnreadable,
    BadDatabaseURL,
    database_url,
    is_in_memory,
    shown,
    sqlite_path,
)
from archive.locking import ArchiveLocked, crawl_lock
from archive.transfer import (
    Copied,
    SameDatabase,
    TargetNotEmpty,
    TransferError,
    UnusableSource,
    VerificationFailed,
    copy_archive,
    reason_of,
    removed_on_failure,
    request_stop,
    sqlite_refusal,
)

from .errors import EXIT_CANNOT_RUN, EXIT_LOCKED, EXIT_USAGE, CliError

FROM_HELP = "The archive to copy: an SQLite file path or a database URL (as --db takes it). Only read."
TO_HELP = (
    "Where to copy it: a new SQLite file (in a directory that exists), an empty SQLite file, or an empty "
    "PostgreSQL database or schema (postgresql+psycopg://user@host/db)."
)


@click.command("copy")
@click.option("--from", "source", required=True, metavar="DB", help=FROM_HELP)
@click.option("--to", "target", required=True, metavar="DB", help=TO_HELP)
def copy_command(source: str, target: str):
    """Copy a whole archive into an empty database, and check the copy.

    Every run, page, alias, raw body, capture, version and event is copied with its id, timestamps and bytes,
    at the archive's own schema revision (the copy is stamped with it: 'db upgrade' carries it further). Before
    the copy is committed, its rows per table and a checksum over every version's content digest and every
    raw body are compared with the source's; if anything fails, the target is left as it was.
    """
    source_url, target_url = _location(source, "--from"), _location(target, "--to")
    source_name, target_name = _named(source, source_url), _named(target, target_url)
    with _terminated_like_interrupted():
        source_engine = _open_source(source_url, source_name)
        try:
            _refuse_sqlite_target(source_url, target_url, source_name, target_name)
            copied = _copy(source_engine, target_url, source_name, target_name)
        finally:
            source_engine.dispose()
    _report(copied, source_name, target_name)


@contextlib.contextmanager
def _terminated_like_interrupted() -> Iterator[None]:
    """SIGTERM stops the copy as Ctrl-C does: rolled back, the target left as it was (exit 130)."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _stopped_between_batches() -> Iterator[None]:
    """While rows are copied, Ctrl-C and SIGTERM stop the copy before its next batch, never inside the
    database driver (where psycopg would report a broken pipeline instead of the interruption)."""

    def stop(signum, frame):
        request_stop()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _location(value: str, option: str) -> URL:
    try:
        url = database_url(value)
    except BadDatabaseURL:
        raise CliError(
            f"{option} expects a file path or a database URL such as {URL_EXAMPLES}, got {value!r}", EXIT_USAGE
        ) from None
    except ArchiveLocationError as exc:
        raise CliError(f"{option}: {exc}", EXIT_USAGE) from None
    if is_in_memory(url):
        raise CliError(f"{option}: an in-memory SQLite database cannot hold an archive; pass a file path", EXIT_USAGE)
    return url


def _named(value: str, url: URL) -> str:
    """The database as the user named it, without a password."""
    return url.render_as_string(hide_password=True) if "://" in value else value


def _open_source(url: URL, name: str) -> Engine:
    try:
        return make_engine(url, read_only=True, check_schema=False)
    except ArchiveLocationError as exc:
        raise CliError(f"--from: {exc}", EXIT_USAGE) from None
    except ArchiveUnreadable as exc:
        raise CliError(f"--from: {exc}", EXIT_CANNOT_RUN) from None
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(f"cannot open --from {name}: {reason_of(exc)}", EXIT_CANNOT_RUN) from None


def _refuse_sqlite_target(source_url: URL, target_url: URL, source_name: str, target_name: str) -> None:
    """An SQLite target is checked before anything opens it for writing (which would set its journal mode)."""
    path = sqlite_path(target_url)
    if path is None:
        return
    if not path.parent.is_dir():
        raise CliError(
            f"--to: directory {shown(path.parent)} does not exist: create it first, or check the path", EXIT_USAGE
        )
    if not path.exists():
        return
    source_path = sqlite_path(source_url)
    if source_path is not None and path.is_file() and path.samefile(source_path):
        raise CliError(f"--from and --to are the same database ({source_name})", EXIT_USAGE)
    if _is_sqlite_database(path):
        try:
            refusal = sqlite_refusal(path, target_name)
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error or OSError: not a database we can look into
            raise CliError(f"--to: cannot read {target_name}: {reason_of(exc)}", EXIT_USAGE) from None
        if refusal is not None:
            raise CliError(f"--to: {refusal}", EXIT_USAGE)


def _is_sqlite_database(path: Path) -> bool:
    """A regular file with an SQLite header (anything else at the target's path is refused when it is opened)."""
    if not path.is_file():
        return False
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


class _PipelineEndNoise(logging.Filter):
    """When a row fails to insert into PostgreSQL, psycopg also warns that ending its pipeline failed: that
    is the same error, already reported in one line, and would make a second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("error ignored terminating")


@contextlib.contextmanager
def _one_error_line() -> Iterator[None]:
    psycopg_logger, noise = logging.getLogger("psycopg"), _PipelineEndNoise()
    psycopg_logger.addFilter(noise)
    try:
        yield
    finally:
        psycopg_logger.removeFilter(noise)


def _copy(source_engine: Engine, target_url: URL, source_name: str, target_name: str) -> Copied:
    with _one_error_line(), removed_on_failure(sqlite_path(target_url)):
        target_engine = _open_target(target_url, target_name)
        try:
            with crawl_lock(target_engine), _stopped_between_batches():
                return copy_archive(source_engine, target_engine, source_name=source_name, target_name=target_name)
        except ArchiveLocked as exc:
            raise CliError(f"--to: {exc}: not copying into it", EXIT_LOCKED) from None
        except (SameDatabase, TargetNotEmpty) as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        except VerificationFailed as exc:
            raise CliError(f"verification failed: {exc}", EXIT_CANNOT_RUN) from None
        except UnusableSource as exc:
            raise CliError(f"--from: {exc}", EXIT_USAGE) from None
        except TransferError as exc:
            raise CliError(str(exc), EXIT_CANNOT_RUN) from None
        except (SQLAlchemyError, OSError) as exc:
            raise CliError(
                f"the copy into {target_name} failed, and the target was left as it was: {reason_of(exc)}",
                EXIT_CANNOT_RUN,
            ) from None
        finally:
            target_engine.dispose()


def _open_target(url: URL, name: str) -> Engine:
    try:
        engine = make_engine(url, create=False)
    except ArchiveLocationError as exc:
        raise CliError(f"--to: {exc}", EXIT_USAGE) from None
    postgresql = url.get_backend_name() == "postgresql"
    try:
        with engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()")) if postgresql else "main"
    except SQLAlchemyError as exc:
        engine.dispose()
        raise CliError(f"cannot open --to {name}: {reason_of(exc)}", EXIT_CANNOT_RUN) from None
    if schema is None:
        engine.dispose()
        raise CliError(
            f"--to {name}: no schema of its search_path exists to create the archive in: create it first", EXIT_USAGE
        )
    return engine


def _report(copied: Copied, source_name: str, target_name: str) -> None:
    click.echo(f"copied the archive {source_name} (schema revision {copied.revision}) to {target_name}")
    width = max(len(name) for name in copied.counts)
    click.echo(f"  {'table'.ljust(width)}  {'rows':>9}")
    for name, rows in copied.counts.items():
        click.echo(f"  {name.ljust(width)}  {rows:>9}")
    checksum = copied.checksum
    click.echo(
        f"verified: {checksum.versions} versions, {checksum.raw_bodies} raw bodies, checksum sha256:{checksum.sha256}"
    )
    if copied.left_out:
        tables = ", ".join(copied.left_out)
        click.echo(
            f"cess-archive: note: not copied: {tables} (not the archive's tables; copy them yourself if they matter)",
            err=True,
        )
