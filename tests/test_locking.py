"""The crawl lock belongs to the crawl's process alone: released the moment it dies, whatever its children do.

``kill -9`` of a crawl's process used to leave the lock to its forked extraction workers, which inherited
the lock file's descriptor (or the PostgreSQL session's socket): the lock outlived the crawl by as long as
a worker took to notice, 70 s for one busy on a slow page, and the next scheduled crawl exited 4.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from archive.locking import ArchiveLocked, _advisory_key, crawl_lock, lock_path
from tests.conftest import CLI, FAST
from tests.other_sites import StaticSite
from tests.waiting import alive, children, lock_holders, wait_until

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# A process that takes the crawl lock, forks a child that lives on (as a worker would), says "locked" with
# the child's pid, and waits to be killed.
HOLDER = textwrap.dedent("""
    import os, sys, time
    from sqlalchemy import create_engine
    from archive.locking import crawl_lock

    engine = create_engine(sys.argv[1])
    with crawl_lock(engine):
        child = os.fork()
        if child == 0:
            time.sleep(60)
            os._exit(0)
        print("locked", child, flush=True)
        time.sleep(120)
""")


@contextlib.contextmanager
def holder_with_a_child(db_url: str):
    """Yields (holder process, its forked child's pid) while the holder has the lock; kills both after."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent
    )
    child = None
    try:
        word, child_pid = process.stdout.readline().split()
        assert word == "locked"
        child = int(child_pid)
        yield process, child
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def test_the_lock_is_exclusive_and_released_at_the_end_of_the_block(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    with crawl_lock(engine):
        with pytest.raises(ArchiveLocked, match="another crawl is running"), crawl_lock(engine):
            pass
        assert f'"pid": {os.getpid()}' in lock_path(tmp_path / "archive.sqlite").read_text()
    with crawl_lock(engine):  # released
        pass
    engine.dispose()


def _open_files() -> set[str]:
    targets = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            targets.add(os.readlink(f"/proc/self/fd/{fd}"))
    return targets


@linux_only
def test_a_forked_child_does_not_hold_the_lock_file(tmp_path):
    """In a child forked while the lock is held, the lock file's descriptor points at /dev/null."""
    engine = create_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    with crawl_lock(engine):
        lock_file = str(lock_path(tmp_path / "archive.sqlite"))
        assert lock_file in _open_files()
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            os.write(write, b"inherited" if lock_file in _open_files() else b"detached")
            os._exit(0)
        os.close(write)
        answer = os.read(read, 100)
        os.close(read)
        os.waitpid(child, 0)
    engine.dispose()
    assert answer == b"detached"


def test_sqlite_lock_is_released_when_its_process_is_killed_though_a_child_lives_on(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    with holder_with_a_child(db_url) as (holder, child):
        engine = create_engine(db_url)
        with pytest.raises(ArchiveLocked), crawl_lock(engine):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        os.kill(child, 0)  # the child is still there
        with crawl_lock(engine):  # at once: no waiting for the child
            pass
        engine.dispose()


@pytest.mark.slow
def test_postgresql_lock_is_released_when_its_process_is_killed_though_a_child_lives_on(pg_url):
    """The advisory lock's session socket is not kept open by a forked child: the server ends the session,
    and releases the lock, as soon as the crawl's process is gone."""
    key = _advisory_key(make_url(pg_url).render_as_string(hide_password=True))
    engine = create_engine(pg_url)

    def try_lock() -> bool:
        with engine.connect() as connection:
            if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                return True
            return False

    try:
        with holder_with_a_child(pg_url) as (holder, child):
            assert not try_lock()
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
            # the server notices the closed connection within milliseconds; the child lives 60 s
            wait_until(try_lock, timeout=10, interval=0.02, what="the advisory lock released by the server")
            os.kill(child, 0)  # the child is still there
    finally:
        engine.dispose()


def _html(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@linux_only
@pytest.mark.slow
def test_killing_a_crawl_whose_worker_is_busy_frees_the_lock_and_the_worker_dies(db_url, tmp_path):
    """kill -9 of the crawl's process alone while a worker cleans a page that takes long: the lock is free
    at once, the worker dies with the crawl (no orphan cleaning for nobody), the next crawl runs."""
    slow = "".join(
        f"<div><p>Paragraphe {i} sur la sécurité européenne et la défense commune.</p>"
        f"<a href='/x{i}'>lien {i}</a></div>"
        for i in range(40000)
    )
    pages = {
        "/slow": (200, "text/html; charset=utf-8", _html("Page lente", slow)),
        "/normal": (
            200,
            "text/html; charset=utf-8",
            _html("Note courte", "<p>Le Centre publie une note courte sur les câbles.</p>"),
        ),
    }
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "faults"\nbase_url = "https://faults.example"\n'
        "sitemaps_from_robots = false\nfollow_links = false\n"
        'start_urls = ["/slow", "/normal"]\n',
        encoding="utf-8",
    )
    db_path = Path(db_url.removeprefix("sqlite:///"))
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    with StaticSite(pages) as site:
        args = [
            CLI,
            "crawl",
            "--sources",
            str(sources),
            "--source",
            "faults",
            "--base-url",
            site.base_url,
            "--db",
            db_url,
            *FAST,
        ]
        crawl = subprocess.Popen(
            [*args, "--set", "ARCHIVE_EXTRACT_TIMEOUT=120"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        busy = wait_until(
            lambda: [pid for pid in children(crawl.pid) if _cpu_seconds(pid) >= 0.5],
            process=crawl,
            what="a worker busy on the slow page",
        )
        assert lock_holders(db_path) == [crawl.pid]
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=30)
        assert lock_holders(db_path) == [], "the lock outlived the crawl's process"
        following = subprocess.run(
            [*args, "--set", "ARCHIVE_EXTRACT_TIMEOUT=1"],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        assert not any(alive(pid) for pid in busy), "the busy worker outlived the crawl"
        crawl.communicate(timeout=30)
    assert following.returncode == 1, following.stdout + following.stderr  # completed; the slow page failed
    assert "run 2 " in following.stdout
