"""``cess-archive db copy``: a whole archive between SQLite and PostgreSQL, every row and byte kept, checked.

The archive copied is a real crawl of the local site, crawled again after edits (new versions, a retitling,
a removal, a move), and release 0.1.0's archive (tests/fixtures/archive-0.1.0). Copies are compared row by
row with the original as SQLite stores them (timestamps and JSON as their stored text, raw bodies as bytes),
and through every export format. PostgreSQL tests use the ``pg_url`` fixture (a schema of their own).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive.db import make_engine
from archive.locking import crawl_lock
from archive.schema import head
from tests.conftest import CLI, FAST, PG_SERVER, archive_digest, cess, crawl, one_line_error, path_of
from tests.waiting import pages_stored, wait_until

EXPORT_FORMATS = ("jsonl", "json", "csv", "parquet", "warc")
EVERYTHING = ("--all-versions", "--include-removed", "--include-duplicates", "--quiet")
#: Fields of a WARC record that say when and under which file name the export was written, not what it holds.
WARC_EXPORT_FIELDS = ("WARC-Record-ID", "WARC-Date", "WARC-Filename", "WARC-Warcinfo-ID")
#: The PostgreSQL application name of the copies a test watches (each test's schema is its own).
COPY_APPLICATION = f"cess-archive-copy-{uuid.uuid4().hex[:8]}"


def db_copy(source: str | Path, target: str | Path):
    return cess("db", "copy", "--from", str(source), "--to", str(target))


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory) -> Path:
    """An archive of the local site crawled twice, the second time after edits, a retitling, a removal and a
    move. Tests only read it (a copy only reads its source)."""
    path = tmp_path_factory.mktemp("crawled") / "archive.sqlite"
    site.state.reset()
    site.state.clear_faults()
    try:
        first = crawl(site, str(path))
        assert first.exit_code == 0, first.output
        edited, retitled, removed, moved = (post.slug for post in site.state.live_posts()[:4])
        site.state.edit_paragraph(edited, 0, "Premier paragraphe réécrit avant la copie de l’archive.")
        site.state.set_title(retitled, "Un titre changé avant la copie")
        site.state.delete_post(removed)
        site.state.rename_post(moved, f"{moved}-nouvelle-adresse")
        second = crawl(site, str(path))
        assert second.exit_code == 0, second.output
    finally:
        site.state.reset()
    rows = sqlite_rows(path)
    assert len(rows["runs"]) == 2 and {row[4] for row in rows["events"]} >= {"new", "edited", "removed", "moved"}
    assert any(row[8] is not None for row in rows["pages"])  # duplicate_of_id: a reference within pages
    assert any(row[-1] is not None for row in rows["versions"])  # capture_id: the cycle with captures
    return path


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the revision stamp, by primary key, as SQLite stores it."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version' ORDER BY name"
            )
        ]
        rows = {}
        for table in tables:
            keys = [column[1] for column in connection.execute(f"PRAGMA table_info({table})") if column[5]]
            rows[table] = connection.execute(f"SELECT * FROM {table} ORDER BY {', '.join(keys)}").fetchall()
        return rows
    finally:
        connection.close()


def stamped_revision(path: Path) -> str | None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            return None
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def pg_tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()


def round_trip(source: Path, pg_url: str, back: Path) -> tuple[str, str]:
    """SQLite → PostgreSQL → SQLite; the two commands' outputs."""
    there = db_copy(source, pg_url)
    assert there.exit_code == 0, there.output
    again = db_copy(pg_url, back)
    assert again.exit_code == 0, again.output
    return there.stdout, again.stdout


def verified_line(stdout: str) -> str:
    (line,) = [line for line in stdout.splitlines() if line.startswith("verified: ")]
    return line


# -- round trips --------------------------------------------------------------------------------------------


def test_round_trip_through_postgresql_keeps_every_row(crawled, pg_url, tmp_path):
    before = archive_digest(crawled)
    back = tmp_path / "back.sqlite"
    there, again = round_trip(crawled, pg_url, back)

    original, copied = sqlite_rows(crawled), sqlite_rows(back)
    assert (
        set(copied) == set(original) == {"runs", "pages", "page_aliases", "raw_blobs", "captures", "versions", "events"}
    )
    for table, rows in original.items():
        assert copied[table] == rows, table
    assert stamped_revision(back) == stamped_revision(crawled) == head()
    assert archive_digest(crawled) == before  # the source is only read

    assert verified_line(there) == verified_line(again)
    assert verified_line(there).startswith(
        f"verified: {len(original['versions'])} versions, {len(original['raw_blobs'])} raw bodies, checksum sha256:"
    )
    for table, rows in original.items():
        assert any(line.split() == [table, str(len(rows))] for line in there.splitlines()), (table, there)


def test_round_trip_gives_the_same_exports(crawled, pg_url, tmp_path):
    back = tmp_path / "back.sqlite"
    round_trip(crawled, pg_url, back)
    for fmt in EXPORT_FORMATS:
        original, copied = (export(db, tmp_path / name, fmt) for db, name in ((crawled, "original"), (back, "copy")))
        if fmt == "warc":  # its warcinfo record says when the file was written, under a random id
            assert warc_records(copied) == warc_records(original)
        else:
            assert copied.read_bytes() == original.read_bytes(), fmt
    original, copied = (dataset(db, tmp_path / name) for db, name in ((crawled, "original"), (back, "copy")))
    assert dataset_contents(copied) == dataset_contents(original)


def export(db: Path, directory: Path, fmt: str) -> Path:
    directory.mkdir(exist_ok=True)
    output = directory / f"export.{fmt}"
    result = cess("export", "--db", str(db), "--format", fmt, "--output", str(output), *EVERYTHING)
    assert result.exit_code == 0, result.output
    return output


def warc_records(path: Path) -> list[tuple]:
    from warcio.archiveiterator import ArchiveIterator

    records = []
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            headers = [(name, value) for name, value in record.rec_headers.headers if name not in WARC_EXPORT_FIELDS]
            records.append((record.rec_type, headers, record.content_stream().read()))
    assert len(records) > 100
    return records


def dataset(db: Path, directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    result = cess("export", "--db", str(db), "--dataset", str(directory / "dataset"), *EVERYTHING)
    assert result.exit_code == 0, result.output
    return directory / "dataset"


def dataset_contents(path: Path) -> dict[str, object]:
    """Every file of a dataset; those that say when it was made (datapackage.json, the README, and the
    SHA256SUMS that lists their digests) without that date."""
    contents = {}
    for file in sorted(path.rglob("*")):
        name = file.relative_to(path).as_posix()
        if file.is_dir():
            continue
        if name == "datapackage.json":
            package = json.loads(file.read_text(encoding="utf-8"))
            contents[name] = {key: value for key, value in package.items() if key not in ("created", "version")}
        elif name in ("README.md", "SHA256SUMS"):
            contents[name] = [
                line
                for line in file.read_text(encoding="utf-8").splitlines()
                if "Created" not in line
                and "README.md" not in line
                and "datapackage.json" not in line
                and "dataset created" not in line
            ]
        else:
            contents[name] = file.read_bytes()
    assert any(name.endswith(".parquet") for name in contents) and any(name.endswith(".jsonl") for name in contents)
    return contents


def test_sqlite_to_sqlite(crawled, tmp_path):
    target = tmp_path / "copy.sqlite"
    result = db_copy(f"sqlite:///{crawled}", target)
    assert result.exit_code == 0, result.output
    assert sqlite_rows(target) == sqlite_rows(crawled)
    assert stamped_revision(target) is not None


@pytest.fixture
def other_pg_url(pg_url):
    """A second schema of its own, on the server of ``pg_url``."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_postgresql_to_postgresql(crawled, pg_url, other_pg_url, tmp_path):
    assert db_copy(crawled, pg_url).exit_code == 0
    between = db_copy(pg_url, other_pg_url)
    assert between.exit_code == 0, between.output
    back = tmp_path / "back.sqlite"
    assert db_copy(other_pg_url, back).exit_code == 0
    assert sqlite_rows(back) == sqlite_rows(crawled)


def test_json_nulls_and_references_to_later_rows_survive(crawled, pg_url, tmp_path):
    """A JSON column may hold the JSON text ``null`` or no value at all (SQL NULL): both are kept as they are.
    A page may be the copy of a page stored after it (a row pointing at a later row of its own table)."""
    source = tmp_path / "source.sqlite"
    shutil.copyfile(crawled, source)
    with sqlite3.connect(source) as connection:
        connection.execute("UPDATE runs SET error_details = 'null', stats = NULL WHERE id = 1")
        connection.execute("UPDATE pages SET duplicate_of_id = (SELECT max(id) FROM pages) WHERE id = 1")
    back = tmp_path / "back.sqlite"
    round_trip(source, pg_url, back)
    with sqlite3.connect(back) as connection:
        row = connection.execute("SELECT error_details, stats IS NULL FROM runs WHERE id = 1").fetchone()
        later = connection.execute("SELECT duplicate_of_id > id FROM pages WHERE id = 1").fetchone()
    assert row == ("null", 1) and later == (1,)
    assert sqlite_rows(back) == sqlite_rows(source)


def test_a_table_that_is_not_the_archives_is_left_out_and_named(crawled, tmp_path):
    """An operator's own table beside the archive's: the archive is copied, the table named as not copied."""
    source = tmp_path / "source.sqlite"
    shutil.copyfile(crawled, source)
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE operator_notes (page_id INTEGER, note TEXT)")
        connection.execute("INSERT INTO operator_notes VALUES (1, 'à relire')")
    target = tmp_path / "copy.sqlite"
    result = db_copy(source, target)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "cess-archive: note: not copied: operator_notes (not the archive's tables; copy them yourself if they matter)"
    )
    copied = sqlite_rows(target)
    assert "operator_notes" not in copied and copied == sqlite_rows(crawled)


@pytest.mark.slow
def test_release_010_archive_is_copied_at_its_revision(pg_url, tmp_path):
    from tests.legacy import load_010_archive

    source = load_010_archive(tmp_path / "archive-0.1.0.sqlite")
    before = archive_digest(source)
    back = tmp_path / "back.sqlite"
    there, _ = round_trip(source, pg_url, back)
    assert "schema revision 0001" in there
    assert stamped_revision(source) is None and stamped_revision(back) == "0001"
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
    engine.dispose()
    assert sqlite_rows(back) == sqlite_rows(source)
    assert archive_digest(source) == before


# -- the copy is usable -------------------------------------------------------------------------------------


def test_crawl_continues_on_the_postgresql_copy(crawled, fresh_site, pg_url):
    assert db_copy(crawled, pg_url).exit_code == 0
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        copied_max = dict(
            connection.execute(
                text(
                    "SELECT 'versions', max(id) FROM versions UNION ALL SELECT 'captures', max(id) FROM captures "
                    "UNION ALL SELECT 'runs', max(id) FROM runs UNION ALL SELECT 'events', max(id) FROM events"
                )
            ).all()
        )
    slug = fresh_site.state.live_posts()[5].slug
    fresh_site.state.edit_paragraph(slug, 0, "Un paragraphe écrit après la copie vers PostgreSQL.")

    result = crawl(fresh_site, pg_url)
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        run = connection.execute(text("SELECT id, status FROM runs ORDER BY id DESC LIMIT 1")).one()
        new_versions = connection.execute(
            text("SELECT v.id, v.number, p.url FROM versions v JOIN pages p ON p.id = v.page_id WHERE v.run_id = :run"),
            {"run": run.id},
        ).all()
        new_captures = connection.execute(
            text("SELECT min(id) FROM captures WHERE run_id = :run"), {"run": run.id}
        ).scalar_one()
    engine.dispose()
    assert run.id == copied_max["runs"] + 1 and run.status == "finished"
    edited = [version for version in new_versions if path_of(version.url) == fresh_site.state.post_path(slug)]
    assert len(edited) == 1, (new_versions, fresh_site.state.post_path(slug))
    assert edited[0].number >= 2 and edited[0].id > copied_max["versions"]
    assert new_captures == copied_max["captures"] + 1


def test_a_copy_reads_the_source_at_one_moment_while_a_crawl_writes(fresh_site, tmp_path):
    """Copies made while a crawl writes to the source: each is the source at one moment (its rows and its
    checksum are compared, before the commit, with what the same read transaction saw), and they differ."""
    source = tmp_path / "live.sqlite"
    slow = ["--set", "DOWNLOAD_DELAY=0.25", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    crawling = subprocess.Popen(
        [CLI, "crawl", "--base-url", fresh_site.base_url, "--db", str(source), *FAST, *slow],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    copies = []
    try:
        wait_until(lambda: pages_stored(source) >= 3, what="the crawl stores pages", process=crawling)
        while crawling.poll() is None and len(copies) < 3:
            target = tmp_path / f"copy-{len(copies)}.sqlite"
            result = db_copy(source, target)
            assert result.exit_code == 0, result.output
            copies.append(target)
            copied = len(sqlite_rows(target)["pages"])  # the next copy waits for the crawl to store more
            wait_until(
                lambda copied=copied: pages_stored(source) > copied or crawling.poll() is not None,
                what="the crawl stores another page",
            )
    finally:
        out, err = crawling.communicate(timeout=300)
    assert crawling.returncode == 0, out + err
    captured = [len(sqlite_rows(copy)["captures"]) for copy in copies]
    assert len(copies) >= 2 and captured == sorted(captured) and captured[0] < captured[-1], captured


# -- refusals and failures ----------------------------------------------------------------------------------


def test_refuses_a_target_that_is_not_empty(crawled, archive_copy, tmp_path):
    before = archive_digest(archive_copy)
    line = one_line_error(db_copy(crawled, archive_copy))
    assert "is not empty (it holds an archive)" in line
    assert archive_digest(archive_copy) == before
    assert not Path(f"{archive_copy}.lock").exists()

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    other_bytes = other.read_bytes()
    assert "is not empty (it holds 1 table: notes)" in one_line_error(db_copy(crawled, other))
    assert other.read_bytes() == other_bytes  # not even its journal mode changed


def test_refuses_a_postgresql_target_that_is_not_empty(crawled, pg_url):
    assert db_copy(crawled, pg_url).exit_code == 0
    tables = pg_tables(pg_url)
    assert "is not empty" in one_line_error(db_copy(crawled, pg_url))
    assert "same database" in one_line_error(db_copy(pg_url, pg_url))
    assert pg_tables(pg_url) == tables
    assert "no schema of its search_path exists" in one_line_error(db_copy(crawled, f"{pg_url}_missing"))


def test_refuses_the_source_as_target(archive_copy, tmp_path):
    before = archive_digest(archive_copy)
    link = tmp_path / "link.sqlite"
    link.symlink_to(archive_copy)
    for target in (archive_copy, f"sqlite:///{archive_copy}", link):
        assert "same database" in one_line_error(db_copy(archive_copy, target))
    assert archive_digest(archive_copy) == before


def test_a_failed_copy_leaves_the_target_as_it_was(crawled, pg_url, tmp_path):
    """A capture pointing at a page that is not there (possible in SQLite with foreign keys off) makes the
    copy fail half-way: the new file is removed, an empty file is emptied again, PostgreSQL keeps no table."""
    source = tmp_path / "broken.sqlite"
    shutil.copyfile(crawled, source)
    with sqlite3.connect(source) as connection:
        connection.execute("UPDATE captures SET page_id = 999999 WHERE id = (SELECT max(id) FROM captures)")

    new = tmp_path / "new.sqlite"
    line = one_line_error(db_copy(source, new), 3)
    assert "left as it was" in line and "FOREIGN KEY" in line
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith("new.sqlite")]

    empty = tmp_path / "empty.sqlite"
    empty.touch()
    one_line_error(db_copy(source, empty), 3)
    assert empty.stat().st_size == 0 and not Path(f"{empty}.lock").exists()

    tableless = tmp_path / "tableless.sqlite"
    with sqlite3.connect(tableless) as connection:
        connection.execute("PRAGMA user_version = 7")
    one_line_error(db_copy(source, tableless), 3)
    with sqlite3.connect(tableless) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)

    line = one_line_error(db_copy(source, pg_url), 3)
    assert "foreign key" in line.lower()
    assert pg_tables(pg_url) == []


def test_a_copy_that_does_not_match_is_rolled_back(crawled, pg_url):
    """A target database that changes what it is given (here a trigger, armed on the versions table as the
    copy creates it, upper-cases every content digest): the checksum read back before the commit differs, so
    nothing is committed and the tables are dropped (exit 3)."""
    schema = pg_url.rsplit("%3D", 1)[1]
    admin = create_engine(PG_SERVER)
    with admin.begin() as connection:
        connection.execute(
            text(f"""
            CREATE FUNCTION "{schema}".corrupt() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.content_sha256 := upper(NEW.content_sha256); RETURN NEW; END $$;
            CREATE FUNCTION "{schema}".arm() RETURNS event_trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands()
                         WHERE object_identity = '{schema}.versions') THEN
                CREATE TRIGGER corrupt BEFORE INSERT ON "{schema}".versions
                  FOR EACH ROW EXECUTE FUNCTION "{schema}".corrupt();
              END IF;
            END $$;
            CREATE EVENT TRIGGER "arm_{schema}" ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
              EXECUTE FUNCTION "{schema}".arm();
        """)
        )
    try:
        line = one_line_error(db_copy(crawled, pg_url), 3)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP EVENT TRIGGER "arm_{schema}"'))
        admin.dispose()
    assert "verification failed" in line and "does not hold the source's content" in line and "rolled back" in line
    assert pg_tables(pg_url) == []


def test_a_value_postgresql_cannot_hold_fails_the_copy_cleanly(crawled, pg_url, tmp_path):
    """SQLite keeps a URL longer than the schema's 2000 characters; PostgreSQL refuses it: the copy fails in
    one line and leaves the schema empty."""
    source = tmp_path / "long.sqlite"
    shutil.copyfile(crawled, source)
    with sqlite3.connect(source) as connection:
        connection.execute("UPDATE pages SET url = url || '?' || printf('%.2000c', 'x') WHERE id = 1")
    line = one_line_error(db_copy(source, pg_url), 3)
    assert "too long" in line
    assert pg_tables(pg_url) == []


def test_a_target_held_by_a_crawl_is_refused(crawled, pg_url, tmp_path):
    target = tmp_path / "new.sqlite"
    with crawl_lock(make_engine(str(target), create=False)):
        assert "another crawl is running" in one_line_error(db_copy(crawled, target), 4)
    assert not target.exists()
    engine = make_engine(pg_url, create=False)
    with crawl_lock(engine):
        assert "another crawl is running" in one_line_error(db_copy(crawled, pg_url), 4)
    engine.dispose()
    assert pg_tables(pg_url) == []


def test_bad_arguments_are_one_line(crawled, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n")
    empty_db = tmp_path / "empty.sqlite"
    sqlite3.connect(empty_db).close()
    empty_db.write_bytes(b"")
    with sqlite3.connect(tmp_path / "tableless.sqlite") as connection:
        connection.execute("PRAGMA user_version = 1")
    cases = [
        (["--to", str(tmp_path / "a.sqlite")], 2, "Missing option '--from'"),
        (["--from", str(crawled)], 2, "Missing option '--to'"),
        (["--from", "ftp://example.org/archive", "--to", str(tmp_path / "a.sqlite")], 2, "--from expects"),
        (["--from", "mysql://user@host/db", "--to", str(tmp_path / "a.sqlite")], 2, "MySQL is not supported"),
        (["--from", str(tmp_path / "missing.sqlite"), "--to", str(tmp_path / "a.sqlite")], 2, "no archive at"),
        (["--from", str(text_file), "--to", str(tmp_path / "a.sqlite")], 2, "not an SQLite database"),
        (["--from", str(empty_db), "--to", str(tmp_path / "a.sqlite")], 2, "is an empty file"),
        (["--from", str(tmp_path / "tableless.sqlite"), "--to", str(tmp_path / "a.sqlite")], 2, "not a cess-archive"),
        (["--from", str(crawled), "--to", "sqlite://"], 2, "in-memory"),
        (["--from", str(crawled), "--to", ":memory:"], 2, "in-memory"),
        (["--from", str(crawled), "--to", str(tmp_path / "nowhere" / "a.sqlite")], 2, "does not exist"),
        (["--from", str(crawled), "--to", str(tmp_path)], 2, "is a directory"),
        (["--from", str(crawled), "--to", str(text_file)], 2, "not an SQLite database"),
        (["--from", str(crawled), "--to", "postgresql+asyncpg://postgres@127.0.0.1/test"], 2, "not supported"),
        (["--from", str(crawled), "--to", "postgresql://postgres@127.0.0.1:1/test"], 3, "cannot open --to"),
    ]
    for arguments, status, expected in cases:
        line = one_line_error(cess("db", "copy", *arguments), status)
        assert line.startswith("cess-archive: error: ") and expected in line, (arguments, line)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty.sqlite", "notes.txt", "tableless.sqlite"]
    assert text_file.read_text() == "not a database\n"


def test_a_copy_stopped_midway_leaves_the_target_as_it_was(crawled, pg_url, tmp_path):
    """SIGTERM while rows are being inserted into PostgreSQL (uncommitted): the copy rolls back and drops the
    tables it created."""
    process, out, err = copy_stopped_while_inserting(crawled, pg_url, tmp_path, signal.SIGTERM)
    assert process.returncode == 130, out + err
    assert out == "" and err.strip() == "cess-archive: aborted"
    assert pg_tables(pg_url) == []


def test_a_copy_killed_midway_leaves_an_empty_archive_named_as_such(crawled, pg_url, tmp_path):
    """kill -9 while rows are being inserted: PostgreSQL rolls the rows back, but the schema, made in a
    transaction of its own before them, stays, without a row; copying again says so and what to do."""
    process, out, err = copy_stopped_while_inserting(crawled, pg_url, tmp_path, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL, out + err
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        wait_until(lambda: not sessions_of(connection, COPY_APPLICATION), what="the killed copy's sessions end")
        rows = {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in pg_tables(pg_url)
            if name != "alembic_version"
        }
    engine.dispose()
    assert "pages" in rows and set(rows.values()) == {0}
    line = one_line_error(db_copy(crawled, pg_url))
    assert "holds an archive without a single row, as a copy killed before its end leaves one" in line


def copy_stopped_while_inserting(source_archive: Path, pg_url: str, tmp_path: Path, signal_number: int):
    """A copy into ``pg_url`` sent ``signal_number`` once it is seen inserting events, from a source with over
    25,000 of them (the same events again under new ids), so that it lands while rows are still going in; the
    process and its output."""
    source = tmp_path / "many-events.sqlite"
    shutil.copyfile(source_archive, source)
    with sqlite3.connect(source) as connection:
        while connection.execute("SELECT count(*) FROM events").fetchone()[0] < 25_000:
            connection.execute(
                "INSERT INTO events (run_id, page_id, version_id, kind, at, url, details) "
                "SELECT run_id, page_id, version_id, kind, at, url, details FROM events"
            )
    arguments = ["db", "copy", "--from", str(source), "--to", f"{pg_url}&application_name={COPY_APPLICATION}"]
    process = subprocess.Popen([CLI, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watcher = create_engine(pg_url)
    try:
        with watcher.connect() as connection:
            wait_until(
                lambda: "INSERT INTO events" in sessions_of(connection, COPY_APPLICATION),
                what="the copy inserts events",
                process=process,
            )
        process.send_signal(signal_number)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        watcher.dispose()
    return process, out, err


def sessions_of(connection, application_name: str) -> str:
    """The last statement of each PostgreSQL session of ``application_name``, one a line."""
    connection.rollback()  # a new snapshot of pg_stat_activity
    return "\n".join(
        connection.execute(
            text("SELECT query FROM pg_stat_activity WHERE application_name = :name"), {"name": application_name}
        ).scalars()
    )
