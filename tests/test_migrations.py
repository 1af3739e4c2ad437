"""Schema migrations (archive/migrations, archive.schema) and the ``db`` commands that apply them.

The migrations and the models must describe the same schema on both backends; an upgrade keeps every row;
an archive is never changed behind the operator's back; a killed upgrade leaves the old revision or the new
one, never a mixture. The release-0.1.0 fixture archive is upgraded in test_upgrade_010.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from archive import schema
from archive.locking import crawl_lock
from archive.models import Base
from tests.conftest import CLI, archive_digest, cess, crawl, one_line_error
from tests.waiting import wait_until


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every archive table, ordered by primary key (what an upgrade must keep)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            rows = {}
            for table in Base.metadata.sorted_tables:
                key = ", ".join(inspector.get_pk_constraint(table.name)["constrained_columns"])
                columns = ", ".join(sorted(column.name for column in table.columns))
                rows[table.name] = [
                    tuple(row) for row in connection.execute(text(f"SELECT {columns} FROM {table.name} ORDER BY {key}"))
                ]
            return rows
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return schema.archive_revision(connection)
    finally:
        engine.dispose()


def constraint_names(url: str) -> dict[str, set[str]]:
    """Named CHECK and UNIQUE constraints and indexes per table, as the database reports them."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            return {
                table: {
                    item["name"]
                    for item in (
                        *inspector.get_check_constraints(table),
                        *inspector.get_unique_constraints(table),
                        *inspector.get_indexes(table),
                    )
                }
                for table in Base.metadata.tables
            }
    finally:
        engine.dispose()


def model_constraint_names() -> dict[str, set[str]]:
    from sqlalchemy import CheckConstraint, UniqueConstraint

    return {
        name: {
            constraint.name
            for constraint in table.constraints
            if isinstance(constraint, (CheckConstraint, UniqueConstraint))
        }
        | {index.name for index in table.indexes}
        for name, table in Base.metadata.tables.items()
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite'}"
    return request.getfixturevalue("pg_url")


def test_the_migrations_build_what_the_models_describe(empty_database):
    """Alembic's autogenerate comparison finds no difference at head, and the constraints it does not
    compare (CHECK) carry the names the models give them."""
    engine = create_engine(empty_database)
    schema.create_schema(engine, schema.head())  # by running every migration
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
        assert schema.archive_revision(connection) == schema.head()
    engine.dispose()
    assert differences == []
    found = constraint_names(empty_database)
    for table, names in model_constraint_names().items():
        assert names <= found[table], table


def test_a_new_archive_is_made_at_head_with_the_objects_the_migrations_make(tmp_path):
    by_models, by_migrations = tmp_path / "models.sqlite", tmp_path / "migrations.sqlite"
    assert cess("db", "current", "--db", str(by_models)).exit_code == 2  # read commands never create one
    from archive import make_engine

    make_engine(str(by_models)).dispose()
    engine = create_engine(f"sqlite:///{by_migrations}")
    schema.create_schema(engine, schema.head())
    engine.dispose()

    def objects(path: Path) -> set[tuple[str, str]]:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            return set(connection.execute("SELECT type, name FROM sqlite_master"))

    assert objects(by_models) == objects(by_migrations)
    assert revision_of(f"sqlite:///{by_models}") == schema.head()
    result = cess("db", "check", "--db", str(by_models))
    assert result.exit_code == 0, result.output


def downgrade_to_first(url: str) -> None:
    """``db downgrade`` (one revision at a time) until the archive at ``url`` is at revision 0001."""
    while revision_of(url if "://" in url else f"sqlite:///{url}") != schema.FIRST_REVISION:
        result = cess("db", "downgrade", "--db", url)
        assert result.exit_code == 0, result.output


def make_release_010_archive(archive: Path) -> None:
    """Turns a crawled archive into what release 0.1.0 would have left: revision 0001, unstamped."""
    downgrade_to_first(str(archive))
    for backup in archive.parent.glob("*.before-*.sqlite"):
        backup.unlink()
    with contextlib.closing(sqlite3.connect(archive)) as connection, connection:
        connection.execute("DROP TABLE alembic_version")


@pytest.fixture
def old_archive(archive_copy) -> Path:
    make_release_010_archive(archive_copy)
    return archive_copy


def test_upgrade_keeps_every_row_and_writes_a_backup_first(old_archive):
    url = f"sqlite:///{old_archive}"
    before = table_rows(url)
    assert revision_of(url) == "0001"
    result = cess("db", "check", "--db", str(old_archive))
    assert result.exit_code == 1, result.output

    result = cess("db", "upgrade", "--db", str(old_archive))
    assert result.exit_code == 0, result.output
    backup = old_archive.with_name("archive.before-0001.sqlite")
    assert f"{backup}" in result.stdout
    assert f"upgraded from 0001 (release 0.1.0) to {schema.describe(schema.head())}" in result.stdout
    assert table_rows(url) == before
    assert table_rows(f"sqlite:///{backup}") == before
    assert revision_of(f"sqlite:///{backup}") == "0001"  # the backup is the archive as it was
    assert revision_of(url) == schema.head()
    assert cess("db", "check", "--db", str(old_archive)).exit_code == 0
    assert model_constraint_names()["runs"] <= constraint_names(url)["runs"]
    with contextlib.closing(sqlite3.connect(old_archive)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            connection.execute("UPDATE runs SET status = 'done'")

    again = cess("db", "upgrade", "--db", str(old_archive))
    assert again.exit_code == 0 and "already at head" in again.stdout, again.output
    assert not old_archive.with_name(f"archive.before-{schema.head()}.sqlite").exists()


def test_downgrade_goes_back_one_step_and_upgrade_returns(archive_copy):
    url = f"sqlite:///{archive_copy}"
    before = table_rows(url)
    known = [revision.id for revision in schema.revisions()]
    for revision in reversed(known[:-1]):
        result = cess("db", "downgrade", "--db", str(archive_copy))
        assert result.exit_code == 0, result.output
        assert revision_of(url) == revision and table_rows(url) == before
    assert "ck_runs_status" not in constraint_names(url)["runs"]
    assert "uq_versions_page_id" in constraint_names(url)["versions"]
    assert one_line_error(cess("db", "downgrade", "--db", str(archive_copy)), 2).endswith(
        "revision 0001 (release 0.1.0) is the first: there is nothing to downgrade to"
    )
    result = cess("db", "upgrade", "--db", str(archive_copy))
    assert result.exit_code == 0, result.output
    assert revision_of(url) == schema.head() and table_rows(url) == before
    backups = sorted(path.name for path in archive_copy.parent.glob("*.before-*.sqlite"))
    assert backups == [f"archive.before-{revision}.sqlite" for revision in known]


def test_postgresql_upgrade_from_the_first_revision_and_back_down_one_step(site, pg_url):
    site.state.reset()
    assert crawl(site, pg_url).exit_code == 0
    before = table_rows(pg_url)
    result = cess("db", "downgrade", "--db", pg_url)
    assert result.exit_code == 0, result.output
    assert "one transaction" in result.stdout
    downgrade_to_first(pg_url)
    assert revision_of(pg_url) == "0001" and table_rows(pg_url) == before
    assert "ck_events_kind" not in constraint_names(pg_url)["events"]
    assert cess("db", "check", "--db", pg_url).exit_code == 1
    current = json.loads(cess("db", "current", "--json", "--db", pg_url).stdout)
    assert current["archive"] == pg_url  # as the operator gave it, not with the options cess-archive adds
    result = cess("db", "upgrade", "--db", pg_url)
    assert result.exit_code == 0, result.output
    assert revision_of(pg_url) == schema.head() and table_rows(pg_url) == before
    assert model_constraint_names()["events"] <= constraint_names(pg_url)["events"]
    assert crawl(site, pg_url).exit_code == 0  # and the archive goes on


def test_nothing_changes_the_schema_behind_the_operators_back(old_archive, site):
    """crawl refuses an older schema with the command to run; read commands read it and leave it as it is."""
    digest = archive_digest(old_archive)
    message = one_line_error(crawl(site, str(old_archive)), 3)
    assert message.endswith(
        f"is at schema revision 0001 (release 0.1.0) and this cess-archive needs "
        f"{schema.describe(schema.head())}; upgrade it first (an SQLite archive is backed up before it "
        f"changes): cess-archive db upgrade --db {old_archive}"
    )
    for command in (
        ["runs"],
        ["changes"],
        ["export", "--format", "jsonl", "-o", "-"],
        ["db", "current"],
        ["db", "history"],
        ["db", "check"],
    ):
        result = cess(*command, "--db", str(old_archive))
        assert result.exit_code in (0, 1), (command, result.output)  # db check: 1, an upgrade is due
        assert result.stdout, command
    assert archive_digest(old_archive) == digest
    assert "0001 (release 0.1.0), recognised by its tables" in cess("db", "current", "--db", str(old_archive)).stdout


def test_an_unrecognised_database_is_refused_untouched(tmp_path, archive_copy):
    foreign = tmp_path / "foreign.sqlite"
    with contextlib.closing(sqlite3.connect(foreign)) as connection, connection:
        connection.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, title TEXT)")
    digest = archive_digest(foreign)
    message = one_line_error(cess("db", "upgrade", "--db", str(foreign)), 2)
    assert "has a pages table but is not an archive of a known schema" in message and "left untouched" in message
    assert archive_digest(foreign) == digest and not list(tmp_path.glob("*.before-*"))

    with contextlib.closing(sqlite3.connect(archive_copy)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    digest = archive_digest(archive_copy)
    for command in (["db", "upgrade"], ["db", "check"], ["runs"], ["export", "--format", "jsonl", "-o", "-"]):
        message = one_line_error(cess(*command, "--db", str(archive_copy)), 3)
        assert "schema revision 9999, which this cess-archive does not know" in message, command
    assert archive_digest(archive_copy) == digest


def test_values_outside_the_vocabularies_stop_the_upgrade_before_anything_changes(old_archive):
    with contextlib.closing(sqlite3.connect(old_archive)) as connection, connection:
        connection.execute("UPDATE runs SET status = 'done' WHERE id = 1")
    url = f"sqlite:///{old_archive}"
    before = table_rows(url)
    result = cess("db", "upgrade", "--db", str(old_archive))
    assert result.exit_code == 3 and result.stdout.startswith("backup of"), result.output
    [message] = result.stderr.splitlines()
    assert "runs.status holds values outside" in message and "'done' (1 rows)" in message, message
    assert "the backup made before is" in message
    assert table_rows(url) == before and revision_of(url) == "0001"
    assert "alembic_version" not in inspect(create_engine(url)).get_table_names()  # not even stamped


def test_an_upgrade_waits_for_no_crawl(old_archive):
    """A crawl holding the archive means exit 4 and nothing done: no backup, no change."""
    digest = archive_digest(old_archive)
    engine = create_engine(f"sqlite:///{old_archive}")
    with crawl_lock(engine):
        message = one_line_error(cess("db", "upgrade", "--db", str(old_archive)), 4)
    engine.dispose()
    assert "another crawl is running" in message and "nothing was done" in message
    assert archive_digest(old_archive) == digest
    assert not list(old_archive.parent.glob("*.before-*"))


def big_release_010_archive(path: Path, pages: int) -> None:
    """An archive at revision 0001 large enough for its upgrade to take a while (tables rebuilt)."""
    engine = create_engine(f"sqlite:///{path}")
    schema.create_schema(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO runs (id, source, started_at, status, fetched, new_pages, new_versions, unchanged, "
            "not_modified, errors) VALUES (1, 'cess', '2026-11-01 00:00:00', 'finished', 0, 0, 0, 0, 0, 0)"
        )
        connection.exec_driver_sql(
            f"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {pages}) "
            "INSERT INTO pages (id, url, source, kind, status, first_seen, last_seen, translations) "
            "SELECT i, 'http://127.0.0.1/post/' || i, 'cess', 'post', 'live', '2026-11-01 00:00:00', "
            "'2026-11-01 00:00:00', '{}' FROM k"
        )
        connection.exec_driver_sql(
            "INSERT INTO versions (page_id, number, content_sha256, text, translations, extractor, reason, "
            "first_seen, last_seen, run_id) SELECT id, 1, hex(randomblob(32)), hex(randomblob(1500)), '{}', "
            "'cess-clean/3', 'crawl', '2026-11-01 00:00:00', '2026-11-01 00:00:00', 1 FROM pages"
        )
        connection.exec_driver_sql(
            "INSERT INTO events (run_id, page_id, kind, at, url, details) "
            "SELECT 1, id, 'new', '2026-11-01 00:00:00', url, '{}' FROM pages"
        )
        connection.exec_driver_sql("DROP TABLE alembic_version")
    engine.dispose()


@pytest.mark.slow
def test_kill_9_in_the_middle_of_an_sqlite_upgrade_leaves_the_old_revision_or_the_new(tmp_path):
    """The upgrade is killed while its transaction writes (its write-ahead log grows): the archive is
    then whole at 0001 or at head, with every row, and the backup written before is intact."""
    original = tmp_path / "original.sqlite"
    big_release_010_archive(original, 6000)
    rows = table_rows(f"sqlite:///{original}")
    killed_midway = 0
    for attempt in range(4):
        archive = tmp_path / f"archive-{attempt}.sqlite"
        archive.write_bytes(original.read_bytes())
        wal = archive.with_name(archive.name + "-wal")
        process = subprocess.Popen(
            [CLI, "db", "upgrade", "--db", str(archive)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        first = process.stdout.readline()
        assert first.startswith(f"backup of {archive}"), first + process.stderr.read()
        written = wait_until(
            lambda wal=wal, process=process: (wal.exists() and wal.stat().st_size > 0) or process.poll() is not None,
            what="the upgrade writing",
            interval=0.002,
        )
        assert written
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        revision = revision_of(f"sqlite:///{archive}")
        assert revision in ("0001", schema.head())
        killed_midway += revision == "0001"
        with contextlib.closing(sqlite3.connect(archive)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert not any(name.startswith("_alembic_tmp") for name in tables)
        assert table_rows(f"sqlite:///{archive}") == rows
        backup = archive.with_name(f"{archive.stem}.before-0001.sqlite")
        assert table_rows(f"sqlite:///{backup}") == rows
        if revision == "0001":  # and the upgrade can be run again
            result = cess("db", "upgrade", "--db", str(archive))
            assert result.exit_code == 0, result.output
            assert table_rows(f"sqlite:///{archive}") == rows
        if killed_midway >= 2:
            break
    assert killed_midway, "every kill came after the commit: the test never interrupted an upgrade"


@pytest.mark.slow
def test_kill_9_while_a_postgresql_upgrade_waits_midway_rolls_it_all_back(site, pg_url):
    """A reader holds the versions table, so the upgrade stops at its last step, after changing runs, pages
    and events in its transaction; killed there, the server rolls every change back."""
    site.state.reset()
    assert crawl(site, pg_url).exit_code == 0
    downgrade_to_first(pg_url)
    rows = table_rows(pg_url)
    reader = create_engine(pg_url)
    watcher = create_engine(pg_url)
    with reader.connect() as holding:
        holding.execute(text("SELECT count(*) FROM versions"))  # ACCESS SHARE until the transaction ends
        process = subprocess.Popen(
            [CLI, "db", "upgrade", "--db", pg_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

        def upgrade_waiting() -> bool:
            with watcher.connect() as connection:
                return bool(
                    connection.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND query ILIKE '%versions%' AND pid <> pg_backend_pid()"
                        )
                    ).scalar()
                )

        wait_until(upgrade_waiting, what="the upgrade waiting for the versions table", process=process)
        with watcher.connect() as connection:  # runs was changed already, inside the upgrade's transaction
            assert (
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = "
                        "l.relation WHERE c.relname = 'runs' AND l.mode = "
                        "'AccessExclusiveLock'"
                    )
                ).scalar()
                >= 1
            )
        process.kill()
        process.communicate(timeout=60)
        holding.rollback()

    def upgrade_gone() -> bool:
        with watcher.connect() as connection:
            return not connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE "
                    "'%ALTER TABLE%' AND pid <> pg_backend_pid()"
                )
            ).scalar()

    wait_until(upgrade_gone, what="the killed upgrade's session ended")
    watcher.dispose()
    reader.dispose()
    assert revision_of(pg_url) == "0001"
    assert "ck_runs_status" not in constraint_names(pg_url)["runs"]
    assert table_rows(pg_url) == rows
    result = cess("db", "upgrade", "--db", pg_url)
    assert result.exit_code == 0, result.output
    assert table_rows(pg_url) == rows


def test_db_current_and_history_say_where_an_archive_stands(old_archive):
    current = json.loads(cess("db", "current", "--json", "--db", str(old_archive)).stdout)
    assert current == {
        "archive": str(old_archive),
        "revision": "0001",
        "release": "0.1.0",
        "stamped": False,
        "head": schema.head(),
        "at_head": False,
        "upgrades_due": [revision.id for revision in schema.revisions()][1:],
    }
    lines = cess("db", "history", "--db", str(old_archive)).stdout.splitlines()
    known = [revision.id for revision in schema.revisions()]
    assert [line.split()[0] for line in lines] == known
    assert lines[0].endswith("(current)") and lines[-1].endswith("(head)")
    listed = json.loads(cess("db", "history", "--json").stdout)
    assert [entry["revision"] for entry in listed] == known
    assert listed[1]["can_downgrade"] and not listed[0]["can_downgrade"]


def test_a_table_an_operator_added_is_kept_and_a_missing_column_refused(old_archive, tmp_path):
    with contextlib.closing(sqlite3.connect(old_archive)) as connection, connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT)")
        connection.execute("INSERT INTO notes (note) VALUES ('checked by hand')")
    result = cess("db", "upgrade", "--db", str(old_archive))
    assert result.exit_code == 0, result.output
    with contextlib.closing(sqlite3.connect(old_archive)) as connection:
        assert connection.execute("SELECT note FROM notes").fetchall() == [("checked by hand",)]

    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(old_archive.with_name("archive.before-0001.sqlite").read_bytes())
    with contextlib.closing(sqlite3.connect(damaged)) as connection, connection:
        connection.execute("ALTER TABLE versions DROP COLUMN template")
    digest = archive_digest(damaged)
    message = one_line_error(cess("db", "upgrade", "--db", str(damaged)), 2)
    assert "the columns of versions differ (template)" in message, message
    assert archive_digest(damaged) == digest
