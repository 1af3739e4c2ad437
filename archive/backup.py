"""Consistent copies of an SQLite archive, made with SQLite's online backup API (safe while a crawl writes).

The source is read through a read-only connection; the copy is written into a hidden temporary file beside
the target, checked (``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``, rows per table), and only
then given the target's name, which never replaces an existing file. The copy is a standalone file in
rollback-journal mode (``DELETE``): nothing beside it (no ``-wal``, no ``-shm``) is part of it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from .inventory import table_counts

logger = logging.getLogger(__name__)

#: How long a backup waits, in all, for a source it cannot read because another connection locks it.
SOURCE_BUSY_TIMEOUT_S = 60.0
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED: the backup step is retried after a short sleep
#: Files SQLite keeps beside a database. Beside a new copy, a leftover ``-journal`` would be rolled back
#: into it and a leftover ``-wal`` read as part of it; beside the source, they belong to the source.
_LEFTOVERS = ("-journal", "-wal")
_SIDECARS = (*_LEFTOVERS, "-shm")


class BackupError(Exception):
    """A backup could not be made; no file was left at the target."""


class TargetUnusable(BackupError):
    """The target cannot receive a new backup (it exists, its directory does not, …): nothing was done."""


class SourceBusy(BackupError):
    """Another connection kept the source locked for longer than the backup waits."""


class SnapshotDamaged(BackupError):
    """The copy failed its checks (the source itself is damaged): it was removed."""


@dataclass(frozen=True)
class BackupResult:
    """A checked backup: where it is, its size in bytes, its rows per table and how long it took."""

    path: Path
    size: int
    counts: dict[str, int]
    seconds: float


def check_target(target: Path, source: Path | None = None) -> None:
    """Raises :class:`TargetUnusable` (saying why) unless a new backup can be written at ``target``."""
    if target.exists() or target.is_symlink():
        raise _exists(target)
    parent = target.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise TargetUnusable(f"directory {parent} {what}: create it first, or check the path")
    for suffix in _LEFTOVERS:
        leftover = target.with_name(target.name + suffix)
        if leftover.exists():
            raise TargetUnusable(
                f"{leftover} is left beside {target.name}: SQLite would take it as part of the backup; remove it first"
            )
    if source is not None and _is_sidecar_of(target, source):
        raise TargetUnusable(f"{target} is where SQLite keeps a file of the archive {source.name}: choose another name")


def _exists(target: Path) -> TargetUnusable:
    return TargetUnusable(f"{target} already exists: a backup never replaces a file; remove it or choose another name")


def _is_sidecar_of(target: Path, source: Path) -> bool:
    names = {source.name + suffix for suffix in (*_SIDECARS, ".lock")}
    return target.name in names and target.parent.resolve() == source.parent.resolve()


def backup_sqlite(source: Path, target: Path, *, busy_timeout: float = SOURCE_BUSY_TIMEOUT_S) -> BackupResult:
    """Copies the SQLite database ``source`` into the new file ``target``, consistently, and checks the copy.

    ``source`` is only read, and may be written by a crawl meanwhile: the copy is the database as of one
    moment. Raises :class:`TargetUnusable` before anything is written, :class:`SourceBusy` or
    :class:`SnapshotDamaged` (the copy is removed), ``sqlite3.Error`` when the source cannot be read and
    ``OSError`` when the copy cannot be written; only a checked copy ever appears at ``target``.
    """
    source, target = Path(source), Path(target)
    check_target(target, source)
    started = time.monotonic()
    partial = _new_partial_file(target)
    try:
        _copy(source, partial, busy_timeout)
        counts = check_snapshot(partial)
        os.chmod(partial, stat.S_IMODE(source.stat().st_mode))
        _place(partial, target)
    except BaseException:
        _remove(partial)
        raise
    result = BackupResult(target, target.stat().st_size, counts, time.monotonic() - started)
    logger.info("backed up %s to %s: %d bytes in %.1f s", source, target, result.size, result.seconds)
    return result


def _read_only_uri(path: Path) -> str:
    return f"{path.absolute().as_uri()}?mode=ro"


def _new_partial_file(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    return Path(name)


def _copy(source: Path, partial: Path, busy_timeout: float) -> None:
    """The whole database in one backup step, then the copy switched to a rollback journal.

    One step reads the source in one read transaction. Copying a few pages per step would let the crawl
    commit between steps, and each commit by another connection restarts the backup from the first page:
    a busy crawl could keep it from ever ending. A reader never blocks a writer in WAL mode, so the crawl
    goes on meanwhile (with a rollback journal, its commits wait for the step, up to their busy timeout).
    """
    reader = sqlite3.connect(_read_only_uri(source), uri=True, timeout=min(busy_timeout, 5.0))
    try:
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer, pages=-1, progress=_waiting_at_most(busy_timeout, source))
            # The copy has the source's header, WAL mode included: a rollback journal makes it one file.
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()


def _waiting_at_most(seconds: float, source: Path) -> Callable[[int, int, int], None]:
    """A progress callback for ``sqlite3.Connection.backup`` that gives up once ``seconds`` of a locked
    source have passed (the backup API itself retries forever)."""
    deadline = time.monotonic() + seconds

    def progress(status: int, remaining: int, total: int) -> None:
        if status in _BUSY_CODES and time.monotonic() > deadline:
            raise SourceBusy(f"{source} stayed locked by another connection for over {seconds:g} s")

    return progress


def check_snapshot(path: Path) -> dict[str, int]:
    """Rows per table of the SQLite file ``path``, after checking it: :class:`SnapshotDamaged` unless
    ``PRAGMA integrity_check`` says ok and ``PRAGMA foreign_key_check`` finds nothing."""
    uri = _read_only_uri(path)
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            problems = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise SnapshotDamaged(f"the copy fails PRAGMA integrity_check: {'; '.join(problems[:3])}")
            violations = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if violations:
                table, rowid, parent, _ = violations[0]
                raise SnapshotDamaged(
                    f"the copy fails PRAGMA foreign_key_check: {len(violations)} rows point "
                    f"at missing rows (first: {table} row {rowid}, missing in {parent})"
                )
            return table_counts(connection)
    finally:
        engine.dispose()


def _place(partial: Path, target: Path) -> None:
    """Gives ``partial`` the name ``target``, durably, without ever replacing a file created meanwhile."""
    _fsync(partial)
    try:
        os.link(partial, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError:  # a file system without hard links
        if target.exists() or target.is_symlink():
            raise _exists(target) from None
        os.replace(partial, target)
    else:
        os.unlink(partial)
    _fsync(target.parent)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _remove(partial: Path) -> None:
    for path in (partial, *(partial.with_name(partial.name + suffix) for suffix in _SIDECARS)):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove %s: %s", path, exc)
