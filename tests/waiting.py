"""Waiting for what a running crawl does, as seen from outside: polling for a state, the archive's counts
read without locking it, who holds the crawl lock, and which processes are alive (Linux ``/proc``).

A test that interrupts a crawl never sleeps a fixed time hoping the crawl got somewhere: on a busy machine a
crawl's start-up alone took from 2 s to over 20 s. It polls for what it needs to see.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine

from archive.locking import ArchiveLocked, crawl_lock, lock_path

LINUX = sys.platform.startswith("linux")  # /proc: who holds a lock, which processes are alive

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    *,
    what: str,
    timeout: float = 120.0,
    interval: float = 0.05,
    process: subprocess.Popen | None = None,
) -> T:
    """Polls ``predicate`` every ``interval`` seconds until it returns something truthy, and returns that.

    Fails with ``what`` (the state awaited) after ``timeout`` seconds, or at once when ``process`` (the crawl
    that should reach that state) has exited, with its output.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            out, err = process.communicate(timeout=30)
            pytest.fail(f"the crawl exited with status {process.returncode} before {what}:\n{out}{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"still not {what} after {timeout:g}s")
        time.sleep(interval)


def db_path_of(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def db_count(db_path: Path, sql: str) -> int:
    """``sql`` (a ``SELECT count(*)``) on the archive, read-only; 0 while the file or its tables do not exist."""
    if not db_path.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True, timeout=5)) as connection:
            return connection.execute(sql).fetchone()[0]
    except sqlite3.Error:  # the crawl is still creating the schema
        return 0


def pages_stored(db_path: Path) -> int:
    return db_count(db_path, "SELECT count(*) FROM pages")


def runs_recorded(db_path: Path) -> int:
    return db_count(db_path, "SELECT count(*) FROM runs")


def lock_holders(db_path: Path) -> list[int]:
    """The processes recorded as holding the ``flock`` on ``<db>.lock`` (from ``/proc/locks``: looking never
    takes the lock, so a crawl starting at that moment is not turned away)."""
    try:
        stat = os.stat(lock_path(db_path))
    except FileNotFoundError:
        return []
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    holders = []
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:  # "->" lines (waiters) skip
            holders.append(int(fields[4]))
    return holders


def assert_lock_free(db_url: str) -> None:
    """The archive's crawl lock can be taken now: what the next crawl does first."""
    engine = create_engine(db_url)
    try:
        with crawl_lock(engine):
            pass
    except ArchiveLocked as exc:
        holders = lock_holders(db_path_of(db_url)) if LINUX else "?"
        pytest.fail(f"the crawl lock is still held ({exc}; held by {holders}): the next crawl would exit 4")
    finally:
        engine.dispose()


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
                if int(ppid) == pid and state != "Z":
                    found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie (a dead orphan may stay one: its new parent need not reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
