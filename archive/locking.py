"""One crawl at a time per archive: an exclusive lock held for the whole run.

For an SQLite archive the lock is an ``flock`` on ``<database>.lock`` beside the file; for PostgreSQL it
is a session-level advisory lock. Both are released by the operating system or the server when the
process dies, even by ``kill -9``, so a crashed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url


class ArchiveLocked(RuntimeError):
    """Another crawl holds the archive."""


@contextlib.contextmanager
def _sqlite_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    handle = open(lock_path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise ArchiveLocked(f"another crawl is running on {path} ({holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "since": datetime.now(timezone.utc).isoformat()}))
        handle.flush()
        yield
    finally:
        handle.close()


def _advisory_key(url: str) -> int:
    return int.from_bytes(hashlib.sha256(f"cess-archive:{url}".encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def crawl_lock(engine: Engine) -> Iterator[None]:
    """Holds the archive's crawl lock for the duration of the block; raises ``ArchiveLocked`` if taken."""
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
        with engine.connect() as connection:
            if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
                raise ArchiveLocked(f"another crawl is running on {url.render_as_string(hide_password=True)}")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        return
    yield
