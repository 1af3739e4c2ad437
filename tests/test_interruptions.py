"""Crawls stopped in the middle: kill -9, SIGTERM, and readers of the archive while a crawl writes to it.

A test that interrupts a crawl never sleeps a fixed time hoping the crawl got somewhere: it waits, with
``tests.waiting.wait_until``, for what it needs to see: the run recorded in ``runs``, so many pages stored
(the archive is in WAL mode: readers never block the crawl), the lock file held.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI, FAST, cess, crawl, export_records
from tests.waiting import (
    LINUX,
    alive,
    assert_lock_free,
    children,
    db_count,
    db_path_of,
    lock_holders,
    pages_stored,
    runs_recorded,
    wait_until,
)

pytestmark = pytest.mark.slow  # every test here interrupts a real crawl

SLOW_POSTS = dict(status=None, delay=0.25)


# -- crawls -------------------------------------------------------------------------------------------------


def start_crawl(site, db_url: str, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    return subprocess.Popen(
        [
            CLI,
            "crawl",
            "--base-url",
            site.base_url,
            "--db",
            db_url,
            *FAST,
            "--set",
            "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def wait_for_writes(process: subprocess.Popen, db_path: Path, *, run: int, pages: int) -> None:
    """Until the crawl has recorded its run (the ``run``-th) and the archive holds ``pages`` pages."""
    wait_until(
        lambda: runs_recorded(db_path) >= run and pages_stored(db_path) >= pages,
        process=process,
        what=f"run {run} recorded with {pages} pages stored",
    )


def check_consistent(db_path: str) -> tuple[int, int]:
    """The archive file is sound and holds no half-written page or version; returns (pages, versions)."""
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = connection.execute("""
            SELECT count(*) FROM versions v LEFT JOIN captures c ON c.id = v.capture_id
            LEFT JOIN raw_blobs b ON b.sha256 = c.raw_sha256 WHERE b.sha256 IS NULL""").fetchone()[0]
        assert orphans == 0, "a version without its raw capture"
        empty_pages = connection.execute(
            "SELECT count(*) FROM pages p WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.page_id = p.id)"
        ).fetchone()[0]
        assert empty_pages == 0, "a page without a version"
        duplicates = connection.execute(
            "SELECT count(*) FROM (SELECT url FROM pages GROUP BY url HAVING count(*) > 1)"
        ).fetchone()[0]
        assert duplicates == 0
        return (
            connection.execute("SELECT count(*) FROM pages").fetchone()[0],
            connection.execute("SELECT count(*) FROM versions").fetchone()[0],
        )


# -- tests --------------------------------------------------------------------------------------------------


def test_kill_9_during_writes_never_corrupts(archived, fresh_site, tmp_path):
    site = fresh_site
    expected_pages = db_count(archived, "SELECT count(*) FROM pages")  # a full crawl of the same site

    db_path = tmp_path / "killed.sqlite"
    db_url = f"sqlite:///{db_path}"
    site.state.set_fault("/post/*", **SLOW_POSTS)
    rng = random.Random(20261122)
    previous = None
    for attempt in range(1, 7):
        target = pages_stored(db_path) + rng.randint(1, 4)  # killed after 1 to 4 more pages, mid-writes
        process = start_crawl(site, db_url)  # at once, while the previous crawl's workers may still be exiting
        if previous is not None:
            previous.communicate(timeout=30)  # its output: closed by its last process, the workers included
        wait_for_writes(process, db_path, run=attempt, pages=target)
        process.send_signal(signal.SIGKILL)  # the crawl's process only, not its process group
        process.wait(timeout=60)
        assert_lock_free(db_url)
        check_consistent(str(db_path))
        previous = process
    previous.communicate(timeout=30)
    site.state.clear_faults()

    result = crawl(site, db_url)  # the next run finishes the work
    assert result.exit_code == 0, result.output
    pages, versions = check_consistent(str(db_path))
    assert pages == expected_pages and versions == expected_pages  # no duplicate page, no extra version
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        statuses = [status for (status,) in connection.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["aborted"] * 6 + ["finished"]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_gracefully_and_the_next_run_completes(fresh_site, db_url, tmp_path, stop):
    site = fresh_site
    site.state.set_fault("/post/*", **SLOW_POSTS)
    process = start_crawl(site, db_url)
    wait_for_writes(process, db_path_of(db_url), run=1, pages=2)  # running, its signal handlers installed
    process.send_signal(stop)
    out, err = process.communicate(timeout=60)
    with contextlib.closing(sqlite3.connect(db_path_of(db_url))) as connection:
        status, reason, stored = connection.execute("SELECT status, finish_reason, new_pages FROM runs").fetchone()
    assert (status, reason) == ("interrupted", "shutdown"), out + err
    assert process.returncode == 5, out + err
    assert "interrupted" in out
    assert stored >= 2
    check_consistent(str(db_path_of(db_url)))
    site.state.clear_faults()

    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    assert f"new pages {len(export_records(db_url, tmp_path, '--include-duplicates')) - stored}" in result.stdout


def test_readers_during_a_crawl_are_never_locked_out(fresh_site, db_url, tmp_path):
    site = fresh_site
    assert crawl(site, db_url).exit_code == 0  # something to read
    page = export_records(db_url, tmp_path)[0]["url"]
    site.state.rebuild()  # every page is downloaded and written again
    site.state.set_fault("/post/*", status=None, delay=0.1)
    process = start_crawl(site, db_url)
    failures, reads = [], 0
    while process.poll() is None:
        for args in (("export", "--format", "jsonl", "--output", str(tmp_path / "during.jsonl")), ("history", page)):
            result = cess(*args, "--db", db_url)
            reads += 1
            if result.exit_code != 0:
                failures.append(result.output)
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert reads >= 4 and failures == []


def test_a_second_run_on_the_same_archive_exits_at_once(fresh_site, db_url):
    site = fresh_site
    site.state.set_fault("/post/*", status=None, delay=1.0)  # the first crawl lasts well beyond the second
    first = start_crawl(site, db_url)
    wait_for_writes(first, db_path_of(db_url), run=1, pages=1)
    if LINUX:
        assert lock_holders(db_path_of(db_url)) == [first.pid]
    second = cess("crawl", "--base-url", site.base_url, "--db", db_url, *FAST)
    assert first.poll() is None, "the first crawl ended before the second gave up: nothing was tested"
    assert second.exit_code == 4, second.output  # it did not wait for the lock: the first is still running
    assert "another crawl is running" in second.stderr and len(second.stderr.strip().splitlines()) == 1
    site.state.clear_faults()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out + err
    with contextlib.closing(sqlite3.connect(db_path_of(db_url))) as connection:
        assert connection.execute("SELECT count(*), min(status) FROM runs").fetchone() == (1, "finished")


def test_runs_left_by_a_killed_crawl_are_marked_aborted(fresh_site, db_url):
    """kill -9 of the crawl's process alone, in the middle of a crawl: its extraction workers do not keep
    the lock, and the next crawl, started at once, runs (not exit 4) and marks the killed run aborted."""
    site = fresh_site
    db_path = db_path_of(db_url)
    site.state.set_fault("/post/*", status=None, delay=0.3)
    process = start_crawl(site, db_url)
    wait_for_writes(process, db_path, run=1, pages=2)
    workers = children(process.pid) if LINUX else []
    if LINUX:
        assert workers, "the crawl runs its extraction workers"
        assert lock_holders(db_path) == [process.pid]
    process.send_signal(signal.SIGKILL)  # not the process group: the workers are left to themselves
    process.wait(timeout=30)
    if LINUX:
        assert lock_holders(db_path) == [], "the lock outlived the crawl's process"
    site.state.clear_faults()
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    following = subprocess.Popen(
        [CLI, "crawl", "--base-url", site.base_url, "--db", db_url, *FAST, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    if LINUX:  # the killed crawl's workers died with it: no orphan goes on cleaning pages
        wait_until(
            lambda: not any(alive(pid) for pid in workers),
            timeout=10,
            what=f"the killed crawl's workers {workers} have exited",
        )
    out, err = following.communicate(timeout=300)
    process.communicate(timeout=30)
    assert following.returncode == 0, out + err
    summary = json.loads(out)
    assert summary["run"] == 2 and summary["status"] == "finished" and summary["exit_status"] == 0
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("SELECT status FROM runs ORDER BY id").fetchall() == [("aborted",), ("finished",)]


def test_log_file_and_level(fresh_site, db_url, tmp_path):
    log = tmp_path / "crawl.log"
    result = cess(
        "crawl",
        "--base-url",
        fresh_site.base_url,
        "--db",
        db_url,
        "--set",
        "DOWNLOAD_DELAY=0",
        "--set",
        "AUTOTHROTTLE_ENABLED=False",
        "--log-file",
        str(log),
        "--log-level",
        "INFO",
    )
    assert result.exit_code == 0, result.output
    assert "crawl run 1 started" in log.read_text() and "Spider closed (finished)" in log.read_text()
    assert "[scrapy" not in result.stderr  # the log went to the file
