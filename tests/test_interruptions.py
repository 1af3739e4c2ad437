"""Crawls stopped in the middle: kill -9, SIGTERM, and readers of the archive while a crawl writes to it."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.conftest import CLI, FAST, cess, crawl, export_records

SLOW_POSTS = dict(status=None, delay=0.25)


def start_crawl(site, db_url: str, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    return subprocess.Popen([CLI, "crawl", "--base-url", site.base_url, "--db", db_url, *FAST,
                             "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            stdin=subprocess.DEVNULL)


def check_consistent(db_path: str) -> tuple[int, int]:
    """The archive file is sound and holds no half-written page or version; returns (pages, versions)."""
    with sqlite3.connect(db_path) as connection:
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
            "SELECT count(*) FROM (SELECT url FROM pages GROUP BY url HAVING count(*) > 1)").fetchone()[0]
        assert duplicates == 0
        return (connection.execute("SELECT count(*) FROM pages").fetchone()[0],
                connection.execute("SELECT count(*) FROM versions").fetchone()[0])


def test_kill_9_during_writes_never_corrupts(fresh_site, tmp_path):
    site = fresh_site
    reference = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    assert crawl(site, reference).exit_code == 0
    expected_pages, _ = check_consistent(str(tmp_path / "reference.sqlite"))

    db_path = tmp_path / "killed.sqlite"
    db_url = f"sqlite:///{db_path}"
    site.state.set_fault("/post/*", **SLOW_POSTS)
    rng = random.Random(20261122)
    kills = 0
    for _ in range(6):
        process = start_crawl(site, db_url)
        time.sleep(rng.uniform(1.5, 4.0))  # start-up takes ~1.5 s; then pages are being written
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        if db_path.exists():
            check_consistent(str(db_path))
    assert kills >= 4
    site.state.clear_faults()

    result = crawl(site, db_url)  # the next run finishes the work
    assert result.exit_code == 0, result.output
    pages, versions = check_consistent(str(db_path))
    assert pages == expected_pages and versions == expected_pages  # no duplicate page, no extra version


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_gracefully_and_the_next_run_completes(fresh_site, db_url, tmp_path, stop):
    site = fresh_site
    site.state.set_fault("/post/*", **SLOW_POSTS)
    process = start_crawl(site, db_url)
    time.sleep(3.0)
    process.send_signal(stop)
    out, err = process.communicate(timeout=60)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        status, reason, stored = connection.execute(
            "SELECT status, finish_reason, new_pages FROM runs").fetchone()
    assert (status, reason) == ("interrupted", "shutdown"), out + err
    assert process.returncode == 5, out + err
    assert "interrupted" in out
    check_consistent(db_url.removeprefix("sqlite:///"))
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
        for args in (("export", "--format", "jsonl", "--output", str(tmp_path / "during.jsonl")),
                     ("history", page)):
            result = cess(*args, "--db", db_url)
            reads += 1
            if result.exit_code != 0:
                failures.append(result.output)
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert reads >= 4 and failures == []


def test_a_second_run_on_the_same_archive_exits_at_once(fresh_site, db_url):
    site = fresh_site
    site.state.set_fault("/post/*", status=None, delay=0.3)
    first = start_crawl(site, db_url)
    time.sleep(2.5)
    started = time.monotonic()
    second = cess("crawl", "--base-url", site.base_url, "--db", db_url, *FAST)
    assert time.monotonic() - started < 10
    assert second.exit_code == 4, second.output
    assert "another crawl is running" in second.stderr and len(second.stderr.strip().splitlines()) == 1
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out + err
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("SELECT count(*), min(status) FROM runs").fetchone() == (1, "finished")


def test_runs_left_by_a_killed_crawl_are_marked_aborted(fresh_site, db_url):
    site = fresh_site
    site.state.set_fault("/post/*", status=None, delay=0.3)
    process = start_crawl(site, db_url)
    time.sleep(3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    site.state.clear_faults()
    result = cess("crawl", "--base-url", site.base_url, "--db", db_url, *FAST, "--json")
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(result.stdout)
    assert summary["run"] == 2 and summary["status"] == "finished" and summary["exit_status"] == 0
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("SELECT status FROM runs ORDER BY id").fetchall() == [("aborted",), ("finished",)]


def test_log_file_and_level(fresh_site, db_url, tmp_path):
    log = tmp_path / "crawl.log"
    result = cess("crawl", "--base-url", fresh_site.base_url, "--db", db_url, "--set", "DOWNLOAD_DELAY=0",
                  "--set", "AUTOTHROTTLE_ENABLED=False", "--log-file", str(log), "--log-level", "INFO")
    assert result.exit_code == 0, result.output
    assert "crawl run 1 started" in log.read_text() and "Spider closed (finished)" in log.read_text()
    assert "[scrapy" not in result.stderr  # the log went to the file
