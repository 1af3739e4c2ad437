"""One crawl at a time per archive: an exclusive lock held for the whole run.

For an SQLite archive the lock is an ``flock`` on ``<database>.lock`` beside the file; for PostgreSQL it
is a session-level advisory lock. Both are released by the operating system or the server when the
process dies, even by ``kill -9``, so a crashed run never leaves a stale lock behind.

That holds only if no other process shares what carries the lock: an ``flock`` belongs to the open file,
and an advisory lock to the server session, so a child that inherited the lock file's descriptor or the
session's socket would keep the lock until it exits too (measured: a forked extraction worker busy on a
slow page kept it 70 s after ``kill -9`` of the crawl, and the next scheduled crawl exited 4). So the lock's
descriptors never reach a child: they are not inherited across ``exec`` (PEP 446; libpq sets
``FD_CLOEXEC`` on its socket), and in every child forked while the lock is held they are replaced by
``/dev/null`` before the child runs any other code (:func:`os.register_at_fork`). The lock is then the
crawl process's alone, whatever its children do.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from .db import url_shown


class ArchiveLocked(RuntimeError):
    """Another crawl holds the archive."""


# Descriptors that carry a crawl lock held by this process: detached in forked children.
_lock_fds: set[int] = set()


def _detach_lock_fds_in_child() -> None:
    """Runs in a freshly forked child (one thread, before anything else): points every descriptor that
    carries a lock of the parent at ``/dev/null``. The parent's descriptors, and so its lock, are
    untouched; the child's copies no longer keep the lock file open or the session's socket alive. The
    descriptor numbers stay valid, so whatever the child inherited that refers to them (the lock file's
    Python object, a libpq connection) can neither close nor write to a reused number."""
    if not _lock_fds:
        return
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in tuple(_lock_fds):
            with contextlib.suppress(OSError):
                os.dup2(devnull, fd, inheritable=False)
    finally:
        os.close(devnull)
    _lock_fds.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_detach_lock_fds_in_child)


@contextlib.contextmanager
def _held_by_this_process(fd: int | None) -> Iterator[None]:
    """Marks ``fd`` as carrying the lock (before the lock is taken, until just before it is closed), so that
    a fork at any moment in between, from any thread, detaches it in the child."""
    if fd is None:
        yield
        return
    _lock_fds.add(fd)
    try:
        yield
    finally:
        _lock_fds.discard(fd)


def lock_path(database: Path) -> Path:
    """The lock file of an SQLite archive: ``<database>.lock`` beside it."""
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def _sqlite_lock(path: Path) -> Iterator[None]:
    handle = open(lock_path(path), "a+", encoding="utf-8")  # noqa: SIM115 - closed below, after the lock
    try:
        with _held_by_this_process(handle.fileno()):
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise ArchiveLocked(f"another crawl is running on {path} ({holder})") from None
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "since": datetime.now(UTC).isoformat()}))
            handle.flush()
            yield
    finally:
        handle.close()


def _advisory_key(url: str) -> int:
    return int.from_bytes(hashlib.sha256(f"cess-archive:{url}".encode()).digest()[:8], "big", signed=True)


def _socket_of(connection: Connection) -> int | None:
    """The descriptor of the socket under a PostgreSQL connection (psycopg 3 and psycopg2 both have
    ``fileno()``), or None when the driver does not tell."""
    dbapi_connection = connection.connection.dbapi_connection
    fileno = getattr(dbapi_connection, "fileno", None)
    try:
        return int(fileno()) if fileno is not None else None
    except Exception:  # noqa: BLE001 - a driver without a usable socket: nothing to detach
        return None


@contextlib.contextmanager
def crawl_lock(engine: Engine) -> Iterator[None]:
    """Holds the archive's crawl lock for the duration of the block; raises ``ArchiveLocked`` if taken.

    The lock is this process's alone: child processes (forked or spawned) never share it, so it is
    released the moment this process dies, whatever its children do.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        database = url.database
        if not database or database == ":memory:":
            yield
            return
        with _sqlite_lock(Path(database).resolve()):
            yield
        return
    if url.get_backend_name() == "postgresql":
        key = _advisory_key(make_url(str(url)).render_as_string(hide_password=True))
        with engine.connect() as connection, _held_by_this_process(_socket_of(connection)):
            if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
                raise ArchiveLocked(f"another crawl is running on {url_shown(url)}")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        return
    yield
