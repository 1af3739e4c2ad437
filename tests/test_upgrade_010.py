"""Upgrading an archive release 0.1.0 made (``tests/fixtures/archive-0.1.0``): nothing it holds changes,
and crawling goes on from it.

The fixture has no ``alembic_version`` table: ``db current`` recognises revision 0001 by its tables and
columns, ``db check`` fails until ``db upgrade`` brings it to head (after an SQLite backup). Every row
of every table, every version's content digest and every raw body are compared before and after, in
SQLite (with and without the write-ahead log 0.1.0 leaves) and in PostgreSQL (``db copy`` then
``db upgrade``). Then the site, served at the fixture's origin in the state the fixture ended in, takes
its next step, and a crawl must record exactly that step's events and no other version.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
import zlib
from collections import Counter
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, inspect, select

from archive.content import content_digest
from tests.conftest import archive_digest, cess, crawl, path_of
from tests.legacy import FIXTURE_DIR, FIXTURE_STEPS, NEXT_STEP, go_next, legacy_site, load_010_archive, replay

pytestmark = pytest.mark.slow  # the 0.1.0 archive is upgraded, copied and crawled on

CONTENTS = json.loads((FIXTURE_DIR / "contents.json").read_text(encoding="utf-8"))
TABLES = tuple(CONTENTS["rows"])
FIRST_REVISION = "0001"
#: Columns a crawl may update in rows it did not create (everything else is written once).
UPDATED_BY_CRAWLS = {
    "pages": {"url", "status", "last_seen", "translations", "duplicate_of_id"},
    "versions": {"last_seen"},
}


# ----------------------------------------------------------------------------------- reading archives


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def read_rows(url: str) -> dict[str, list[dict]]:
    """Every row of the 0.1.0 tables, all columns, ordered by primary key in Python (the databases'
    collations differ), with values as SQLAlchemy reads the reflected column types, so that SQLite and
    PostgreSQL rows compare."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=TABLES)
        with engine.connect() as connection:
            return {name: rows_of(connection, metadata.tables[name]) for name in TABLES}
    finally:
        engine.dispose()


def rows_of(connection, table) -> list[dict]:
    key = [column.name for column in table.primary_key.columns]
    rows = [dict(row) for row in connection.execute(select(table)).mappings()]
    return sorted(rows, key=lambda row: tuple(row[name] for name in key))


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def restricted(rows: dict[str, list[dict]], like: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """``rows`` with only the columns ``like`` has (a later revision may add columns)."""
    columns = {name: list(table[0]) for name, table in like.items() if table}
    return {
        name: [{c: row[c] for c in columns[name]} for row in table] for name, table in rows.items() if name in columns
    }


def check_integrity(rows: dict[str, list[dict]]) -> None:
    """Every version's digest matches its fields, every raw body its SHA-256 and size."""
    for version in rows["versions"]:
        published = version["published"] and version["published"].replace(tzinfo=UTC)
        assert (
            content_digest(version["title"], version["author"], published, version["text"]) == version["content_sha256"]
        ), version["id"]
    for blob in rows["raw_blobs"]:
        assert blob["compression"] == "zlib"
        body = zlib.decompress(blob["data"])
        assert (hashlib.sha256(body).hexdigest(), len(body)) == (blob["sha256"], blob["size"])


def loaded(tmp_path: Path, *, wal: bool = True) -> Path:
    return load_010_archive(tmp_path / "archive.sqlite", wal=wal)


# --------------------------------------------------------------------------------------- upgrading


def schema_state(url: str) -> dict:
    result = cess("db", "current", "--json", "--db", url)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def upgrade(url: str) -> str:
    result = cess("db", "upgrade", "--db", url)
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_same_archive(url: str, before: dict[str, list[dict]]) -> None:
    after = read_rows(url)
    check_integrity(after)
    for name in TABLES:
        assert restricted(after, before)[name] == before[name], name


def backup_of(path: Path) -> Path:
    return path.with_name(f"{path.stem}.before-{FIRST_REVISION}.sqlite")


# --------------------------------------------------------------------------------- crawling further


def crawl_next_state(url: str) -> None:
    """Serves the site at the fixture's origin in its next state and crawls it into ``url``."""
    with legacy_site() as site:
        replay(site)
        go_next(site)
        result = crawl(site, url)
    assert result.exit_code == 0, result.output


def latest_run_id(rows: dict[str, list[dict]]) -> int:
    return max(run["id"] for run in rows["runs"])


def assert_crawl_went_on(url: str, before: dict[str, list[dict]]) -> None:
    """The next crawl recorded exactly the next step's events, new versions only where the step edited,
    retitled or added a page, and left every row it did not have to touch as it was."""
    after = read_rows(url)
    check_integrity(after)
    run_id = latest_run_id(after)
    assert run_id == latest_run_id(before) + 1
    events = {(e["kind"], path_of(e["url"])) for e in after["events"] if e["run_id"] == run_id}
    assert events == NEXT_STEP.events
    pages = {page["id"]: path_of(page["url"]) for page in after["pages"]}
    versioned = sorted(pages[v["page_id"]] for v in after["versions"] if v["run_id"] == run_id)
    assert versioned == sorted(path for kind, path in NEXT_STEP.events if kind in ("edited", "retitled", "new"))
    assert_old_rows_kept(after, before)


def assert_old_rows_kept(after: dict[str, list[dict]], before: dict[str, list[dict]]) -> None:
    for name in TABLES:
        kept = {key_of(row): row for row in restricted(after, before)[name]}
        for row in before[name]:
            current = kept[key_of(row)]
            changed = {c for c in row if row[c] != current[c]}
            assert changed <= UPDATED_BY_CRAWLS.get(name, set()), (name, key_of(row), changed)


def key_of(row: dict):
    return row.get("id", row.get("sha256"))


# ------------------------------------------------------------------------------------------- tests


def test_fixture_holds_what_its_readme_says(tmp_path):
    path = loaded(tmp_path)
    rows = read_rows(sqlite_url(path))
    assert {name: len(table) for name, table in rows.items()} == CONTENTS["rows"]
    assert Counter(e["kind"] for e in rows["events"]) == CONTENTS["events"]
    assert len(rows["runs"]) == len(FIXTURE_STEPS)
    assert "alembic_version" not in table_names(sqlite_url(path))
    check_integrity(rows)


def test_replayed_site_serves_the_pages_the_fixture_saw(tmp_path):
    """The replay rebuilds the fixture's last state exactly: every live page has the ETag of its last
    capture, so a crawl after it sees no change the steps did not make."""
    rows = read_rows(sqlite_url(loaded(tmp_path)))
    last_etag = {c["page_id"]: c["etag"] for c in rows["captures"] if c["http_status"] == 200}
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with legacy_site() as site:
        replay(site)
        for page in rows["pages"]:
            if page["status"] == "live":
                with direct.open(page["url"], timeout=30) as response:
                    assert response.headers["ETag"] == last_etag[page["id"]], page["url"]


def test_current_names_release_010_and_check_fails_before_upgrading(tmp_path):
    path = loaded(tmp_path)
    untouched = archive_digest(path)
    current = cess("db", "current", "--db", str(path))
    assert current.exit_code == 0, current.output
    assert f"revision {FIRST_REVISION} (release 0.1.0)" in current.stdout and "upgrade due" in current.stdout
    state = schema_state(str(path))
    assert (state["revision"], state["release"], state["stamped"], state["at_head"]) == (
        FIRST_REVISION,
        "0.1.0",
        False,
        False,
    )
    check = cess("db", "check", "--db", str(path))
    assert check.exit_code == 1, check.output
    assert archive_digest(path) == untouched


@pytest.mark.parametrize("wal", [True, False], ids=["wal", "rollback-journal"])
def test_sqlite_upgrade_keeps_every_row(tmp_path, wal):
    path = loaded(tmp_path, wal=wal)
    before = read_rows(sqlite_url(path))
    output = upgrade(str(path))
    backup = backup_of(path)
    assert str(backup) in output and backup.is_file()
    assert read_rows(sqlite_url(backup)) == before
    assert_same_archive(sqlite_url(path), before)
    assert "alembic_version" in table_names(sqlite_url(path)) and schema_state(str(path))["at_head"] is True
    check = cess("db", "check", "--db", str(path))
    assert check.exit_code == 0, check.output


def test_sqlite_crawl_goes_on_after_upgrading(tmp_path):
    path = loaded(tmp_path)
    before = read_rows(sqlite_url(path))
    upgrade(str(path))
    crawl_next_state(sqlite_url(path))
    assert_crawl_went_on(sqlite_url(path), before)


@pytest.fixture
def copied_to_postgresql(tmp_path, pg_url):
    """The fixture copied into a PostgreSQL schema of its own, at its own revision (not upgraded)."""
    path = loaded(tmp_path)
    result = cess("db", "copy", "--from", str(path), "--to", pg_url)
    assert result.exit_code == 0, result.output
    return pg_url, read_rows(sqlite_url(path))


def test_postgresql_copy_upgrades_keeping_every_row(copied_to_postgresql):
    pg_url, before = copied_to_postgresql
    assert_same_archive(pg_url, before)
    state = schema_state(pg_url)
    assert (state["revision"], state["release"], state["at_head"]) == (FIRST_REVISION, "0.1.0", False)
    assert cess("db", "check", "--db", pg_url).exit_code == 1
    upgrade(pg_url)
    assert_same_archive(pg_url, before)
    assert schema_state(pg_url)["at_head"] is True
    check = cess("db", "check", "--db", pg_url)
    assert check.exit_code == 0, check.output


def test_postgresql_crawl_goes_on_after_upgrading(copied_to_postgresql):
    pg_url, before = copied_to_postgresql
    upgrade(pg_url)
    crawl_next_state(pg_url)
    assert_crawl_went_on(pg_url, before)
