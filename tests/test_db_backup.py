"""``db backup`` and ``archive.backup.backup_sqlite``: checked snapshots of real SQLite archives, of a
settled one and of one that a crawl is writing, and every refusal (one line, exit 2, nothing created).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from archive.backup import SourceBusy, TargetUnusable, backup_sqlite
from archive.inventory import table_counts
from tests.conftest import CLI, FAST, archive_digest, cess, one_line_error
from tests.legacy import load_010_archive
from tests.waiting import pages_stored, runs_recorded, wait_until


def backup(db: str, to: Path | str, *extra: str):
    return cess("db", "backup", "--db", db, "--to", str(to), *extra)


def counts_of(path: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as connection:
            return table_counts(connection)
    finally:
        engine.dispose()


def rows(path: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute(sql).fetchall()


def dump(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return list(connection.iterdump())


def reported_counts(stdout: str) -> dict[str, int]:
    table = [line.split() for line in stdout.splitlines() if line.startswith("  ")]
    return {name: int(count.replace(",", "")) for name, count in table}


def files(directory: Path) -> list[str]:
    """The names in ``directory``, but for the ``-wal`` and ``-shm`` that reading a WAL-mode archive leaves."""
    return sorted(path.name for path in directory.iterdir() if not path.name.endswith(("-wal", "-shm")))


def assert_standalone(target: Path) -> None:
    """One file, in rollback-journal mode (header bytes 18-19 are 1, 1): nothing beside it is part of it."""
    assert target.read_bytes()[18:20] == b"\x01\x01"
    assert sorted(path.name for path in target.parent.iterdir()) == [target.name]


# -- a settled archive --------------------------------------------------------------------------------------


def test_backup_of_an_archive_is_a_checked_standalone_copy(archive_copy, tmp_path):
    before = archive_digest(archive_copy)
    target = tmp_path / "backups" / "archive-copy.sqlite"
    target.parent.mkdir()

    result = backup(str(archive_copy), target)

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"backup written to {target}: ")
    assert f"({target.stat().st_size:,} bytes)" in lines[0]
    assert lines[1].startswith("integrity ok")
    assert reported_counts(result.stdout) == counts_of(archive_copy)
    assert counts_of(archive_copy)["pages"] > 10
    assert dump(target) == dump(archive_copy)
    assert_standalone(target)
    assert archive_digest(archive_copy) == before
    assert target.stat().st_mode & 0o777 == archive_copy.stat().st_mode & 0o777

    runs = cess("runs", "--db", str(target))
    assert runs.exit_code == 0 and runs.stdout == cess("runs", "--db", str(archive_copy)).stdout
    assert cess("db", "verify", "--db", str(target)).exit_code == 0
    assert_standalone(target)  # read-only commands leave nothing beside it


def test_backup_sqlite_returns_what_it_checked(archive_copy, tmp_path):
    """The library function that ``db upgrade`` also calls before migrating."""
    target = tmp_path / "archive.before-0002.sqlite"
    result = backup_sqlite(archive_copy, target)
    assert result.path == target and result.size == target.stat().st_size
    assert result.counts == counts_of(archive_copy)
    with pytest.raises(TargetUnusable, match="already exists"):
        backup_sqlite(archive_copy, target)
    assert files(tmp_path) == ["archive.before-0002.sqlite", "archive.sqlite"]


def test_backup_of_an_archive_of_release_010(tmp_path):
    """An archive at revision 0001, unstamped, as ``db upgrade`` finds it before backing it up."""
    old = load_010_archive(tmp_path / "release-0.1.0.sqlite")
    target = tmp_path / "backup.sqlite"
    result = backup(str(old), target)
    assert result.exit_code == 0, result.output
    assert reported_counts(result.stdout) == counts_of(old) and counts_of(old)["raw_blobs"] == 146
    assert dump(target) == dump(old)
    assert cess("db", "verify", "--db", str(target)).exit_code == 0


# -- while a crawl writes -----------------------------------------------------------------------------------


def test_backup_while_a_crawl_writes(fresh_site, tmp_path):
    site = fresh_site
    db_path = tmp_path / "archive.sqlite"
    target = tmp_path / "backups" / "during-the-crawl.sqlite"
    target.parent.mkdir()
    site.state.set_fault("/post/*", status=None, delay=0.5)  # the crawl lasts well beyond the backup
    env = {key: value for key, value in os.environ.items() if key != "CESS_ARCHIVE_DB"}
    crawl = subprocess.Popen(
        [
            CLI,
            "crawl",
            "--base-url",
            site.base_url,
            "--db",
            str(db_path),
            *FAST,
            "--set",
            "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: runs_recorded(db_path) and pages_stored(db_path) >= 3, process=crawl, what="the crawl writing pages"
        )

        result = backup(str(db_path), target)

        assert crawl.poll() is None, "the crawl ended before the backup: nothing was tested"
        assert result.exit_code == 0, result.output
        assert "integrity ok" in result.stdout
        assert reported_counts(result.stdout) == counts_of(target)
        assert_standalone(target)
        assert rows(target, "SELECT status FROM runs") == [("running",)]  # the archive as of one moment
        assert cess("runs", "--db", str(target)).exit_code == 0
        verified = cess("db", "verify", "--db", str(target))
        assert verified.exit_code == 0, verified.output
        assert rows(target, "PRAGMA foreign_key_check") == []
        site.state.clear_faults()
        out, err = crawl.communicate(timeout=300)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.communicate(timeout=30)
    assert crawl.returncode == 0, out + err
    assert counts_of(target)["pages"] < counts_of(db_path)["pages"]
    assert cess("db", "verify", "--db", str(db_path)).exit_code == 0


def test_backup_waits_for_a_locked_source_then_gives_up(archive_copy, tmp_path):
    """A source in rollback-journal mode locked by a writer: the backup waits for it, and gives up, leaving
    nothing, when it stays locked longer than ``busy_timeout``."""
    with contextlib.closing(sqlite3.connect(archive_copy)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    writer = sqlite3.connect(archive_copy, isolation_level=None, check_same_thread=False)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        with pytest.raises(SourceBusy, match="stayed locked"):
            backup_sqlite(archive_copy, tmp_path / "gave-up.sqlite", busy_timeout=0.5)
        assert not (tmp_path / "gave-up.sqlite").exists()

        target = tmp_path / "waited.sqlite"
        done = []
        waiting = threading.Thread(target=lambda: done.append(backup_sqlite(archive_copy, target)))
        waiting.start()
        wait_until(lambda: list(tmp_path.glob(".waited.sqlite.*.partial")), what="the backup started")
        assert not target.exists()  # it cannot read the source while it is locked
        writer.execute("ROLLBACK")
        waiting.join(timeout=120)
    finally:
        writer.close()
    assert done and done[0].counts == counts_of(archive_copy)
    assert files(tmp_path) == ["archive.sqlite", "waited.sqlite"]


# -- refusals -----------------------------------------------------------------------------------------------


def test_an_existing_target_is_never_replaced(archive_copy, tmp_path):
    target = tmp_path / "old-backup.sqlite"
    target.write_bytes(b"an older backup")
    error = one_line_error(backup(str(archive_copy), target))
    assert f"{target} already exists" in error and "remove it" in error
    assert target.read_bytes() == b"an older backup"
    directory = tmp_path / "a-directory"
    directory.mkdir()
    assert "already exists" in one_line_error(backup(str(archive_copy), directory))
    assert files(tmp_path) == ["a-directory", "archive.sqlite", "old-backup.sqlite"]


def test_refusals_leave_nothing_behind(archive_copy, tmp_path):
    before = archive_digest(archive_copy)
    missing_dir = tmp_path / "no-such-dir" / "backup.sqlite"
    assert "no-such-dir does not exist" in one_line_error(backup(str(archive_copy), missing_dir))
    assert "the archive archive.sqlite" in one_line_error(backup(str(archive_copy), f"{archive_copy}.lock"))
    (tmp_path / "new.sqlite-journal").write_bytes(b"left over")
    assert "new.sqlite-journal is left beside" in one_line_error(backup(str(archive_copy), tmp_path / "new.sqlite"))
    assert "--to is empty" in one_line_error(backup(str(archive_copy), ""))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archive.sqlite", "new.sqlite-journal"]
    assert archive_digest(archive_copy) == before  # a refused --to: the archive was not even opened


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://postgres@127.0.0.1:5432/test", "postgres://nobody@127.0.0.1:1/nowhere"]
)
def test_a_postgresql_archive_is_pointed_to_pg_dump(url, tmp_path):
    error = one_line_error(backup(url, tmp_path / "backup.sqlite"))
    assert "pg_dump -Fc" in error and "pg_restore" in error
    assert list(tmp_path.iterdir()) == []


def test_what_is_not_an_archive_is_refused(tmp_path):
    target = tmp_path / "backup.sqlite"
    assert "no archive at" in one_line_error(backup(str(tmp_path / "missing.sqlite"), target))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    assert "is not an SQLite database" in one_line_error(backup(str(notes), target))
    other = tmp_path / "other.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as connection, connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
    assert "is not a cess-archive archive" in one_line_error(backup(str(other), target))
    assert files(tmp_path) == ["notes.txt", "other.sqlite"]
