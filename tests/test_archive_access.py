"""Where the archive is (``--db``) and reading it without writing: every failure is one line.

``--db`` takes a plain file path (SQLite) or a URL. A bad one is status 2 with one line on stderr and nothing
created or changed; a database that cannot be reached or read is status 3. Read commands open the archive
read-only: they work on a file, a directory or a file system they cannot write, and they never change the
archive file (an SQLite reader may leave an empty ``-wal`` and its ``-shm`` beside it, as SQLite's own
read-only readers do). Each test runs the real console script.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from archive import make_engine
from tests.conftest import CLI, FAST, Result, cess

READ_COMMANDS = {
    "export": ("export", "--format", "jsonl", "--output", "{out}/export.jsonl"),
    "runs": ("runs",),
    "changes": ("changes",),
    "history": ("history", "{url}"),
    "show": ("show", "{url}"),
    "diff": ("diff", "{url}"),
}
ACCEPTED = (
    "--db expects a file path or a database URL such as sqlite:///data/archive.sqlite or "
    "postgresql+psycopg://user@host/db, got "
)
NOBODY = 65534


# --- helpers -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def article_url(archived) -> str:
    """A page of the session's archive, read without writing beside it."""
    with sqlite3.connect(f"file:{archived}?mode=ro&immutable=1", uri=True) as connection:
        url = connection.execute("SELECT url FROM pages WHERE kind = 'article' ORDER BY id LIMIT 1").fetchone()[0]
    connection.close()
    return url


def read_args(command: str, url: str, out: Path) -> list[str]:
    return [a.format(url=url, out=out) for a in READ_COMMANDS[command]]


def assert_read(result: Result, command: str) -> None:
    """The command read the archive: its output, or (``diff``: the session's pages have one version each)
    the line that says so, which comes from reading the page."""
    if command == "diff":
        assert one_line_error(result, 2).endswith(" has only one version: nothing to compare")
        return
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert result.stdout.strip()


def one_line_error(result: Result, status: int) -> str:
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cess-archive: error: "), result.stderr
    return lines[0].removeprefix("cess-archive: error: ")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def assert_read_left_alone(path: Path, digest: str, before: list[str]) -> None:
    """The archive file is byte-identical; at most an empty ``-wal`` and a ``-shm`` appeared beside it."""
    assert file_digest(path) == digest
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    added = set(listing(path.parent)) - set(before)
    assert added <= {wal.name, path.name + "-shm"}, added


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- plain paths -----------------------------------------------------------------------------------------

PLAIN_PATHS = [(command, form) for command in sorted(READ_COMMANDS) for form in ("relative", "absolute")]


@pytest.mark.parametrize(("command", "form"), [*PLAIN_PATHS, ("runs", "home")])
def test_a_plain_path_is_an_sqlite_archive(archive_copy, article_url, tmp_path, command, form):
    db = {"relative": os.path.relpath(archive_copy), "absolute": str(archive_copy), "home": "~/archive.sqlite"}[form]
    digest, before = file_digest(archive_copy), listing(tmp_path)
    result = cess(*read_args(command, article_url, tmp_path), "--db", db, env={"HOME": str(tmp_path)})
    assert_read(result, command)
    assert_read_left_alone(archive_copy, digest, [*before, "export.jsonl"])


def test_a_crawl_into_a_plain_relative_path(fresh_site, tmp_path):
    db = os.path.relpath(tmp_path / "new.sqlite")
    result = cess("crawl", "--base-url", fresh_site.base_url, "--db", db, *FAST)
    assert result.exit_code == 0, result.output
    runs = cess("runs", "--db", str(tmp_path / "new.sqlite"))
    assert runs.exit_code == 0 and " finished " in runs.stdout, runs.output


# --- bad --db values ---------------------------------------------------------------------------------------

BAD_DB = {
    "x://": ACCEPTED + "'x://'",
    "nope://host/db": ACCEPTED + "'nope://host/db'",
    "http://[::1": ACCEPTED + "'http://[::1'",
    "": ACCEPTED + "''",
    "mysql://user@127.0.0.1/archive": "MySQL is not supported (mysql://): the archive is kept in SQLite or "
    "PostgreSQL, e.g. sqlite:///data/archive.sqlite or "
    "postgresql+psycopg://user@host/db",
    "oracle://user@127.0.0.1/archive": "Oracle is not supported (oracle://): the archive is kept in SQLite or "
    "PostgreSQL, e.g. sqlite:///data/archive.sqlite or "
    "postgresql+psycopg://user@host/db",
    "postgresql+psycopg2://user@127.0.0.1/archive": "the PostgreSQL driver psycopg2 is not installed: use "
    "postgresql+psycopg:// (psycopg 3; pip install "
    "'cess-archive[postgresql]')",
    "postgresql+asyncpg://user@127.0.0.1/archive": "the PostgreSQL driver asyncpg is not supported: use "
    "postgresql+psycopg:// (psycopg 3; pip install "
    "'cess-archive[postgresql]')",
    "sqlite://": "--db: an in-memory SQLite database cannot hold an archive; pass a file path",
    "sqlite:///:memory:": "--db: an in-memory SQLite database cannot hold an archive; pass a file path",
    "sqlite:////no/such/dir/archive.sqlite": "no archive at /no/such/dir/archive.sqlite: run 'cess-archive "
    "crawl' first, or pass --db",
    "/no/such/dir/archive.sqlite": "no archive at /no/such/dir/archive.sqlite: run 'cess-archive crawl' first, "
    "or pass --db",
    "/dev/null": "/dev/null is not a regular file, so not an SQLite archive",
}


def skip_unless_psycopg_alone(db: str) -> None:
    """The driver cases assume the driver the ``postgresql`` extra installs, and only that one."""
    pytest.importorskip("psycopg")
    if "psycopg2" in db and importlib.util.find_spec("psycopg2") is not None:
        pytest.skip("psycopg2 is installed here")


@pytest.mark.parametrize("db", sorted(BAD_DB))
def test_a_bad_db_is_one_line(tmp_path, db):
    skip_unless_psycopg_alone(db)
    result = cess(*read_args("runs", "", tmp_path), "--db", db)
    assert one_line_error(result, 2) == BAD_DB[db]
    assert listing(tmp_path) == [] and not Path("/no/such/dir").exists()


@pytest.fixture
def not_archives(tmp_path) -> Path:
    """A text file, an empty file, a directory and an SQLite database of another application."""
    (tmp_path / "notes.txt").write_text("not a database\n")
    (tmp_path / "empty.sqlite").touch()
    (tmp_path / "folder").mkdir()
    with sqlite3.connect(tmp_path / "foreign.sqlite") as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('mine')")
    connection.close()
    return tmp_path


NOT_ARCHIVES = {
    "notes.txt": "{path} is not an SQLite database",
    "empty.sqlite": "{path} is an empty file, not a cess-archive archive",
    "folder": "{path} is a directory, not an SQLite archive file",
    "foreign.sqlite": "{path} is not a cess-archive archive (no pages table)",
}


def snapshot(directory: Path) -> dict[str, str | None]:
    return {p.name: (file_digest(p) if p.is_file() else None) for p in directory.iterdir()}


@pytest.mark.parametrize(
    ("name", "command"),
    [("notes.txt", command) for command in sorted(READ_COMMANDS)]
    + [
        (name, command)
        for name in sorted(NOT_ARCHIVES)
        if name != "notes.txt"
        for command in ("export", "runs", "show")
    ],
)
def test_what_is_not_an_archive_is_left_alone(not_archives, article_url, command, name):
    out = not_archives / "folder"
    before = snapshot(not_archives)
    result = cess(*read_args(command, article_url, out), "--db", str(not_archives / name))
    assert one_line_error(result, 2) == NOT_ARCHIVES[name].format(path=not_archives / name)
    assert snapshot(not_archives) == before and listing(out) == []


def test_a_relative_path_says_where_it_looked(tmp_path):
    db = os.path.relpath(tmp_path / "missing.sqlite")
    result = cess("runs", "--db", db)
    assert one_line_error(result, 2) == (
        f"no archive at {db} (that is {tmp_path / 'missing.sqlite'}): run 'cess-archive crawl' first, or pass --db"
    )
    assert listing(tmp_path) == []


# --- crawl: no silent new archive -------------------------------------------------------------------------


def crawl_nowhere(db: str) -> Result:
    """A crawl that must stop at ``--db``, before fetching anything (the site would not answer anyway)."""
    return cess("crawl", "--base-url", f"http://127.0.0.1:{free_port()}", "--db", db, *FAST, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("db", ["sqlite:////tmp/x/no/such/a.sqlite", "/tmp/x/no/such/a.sqlite"])
def test_a_crawl_into_a_missing_directory_creates_nothing(db):
    assert not Path("/tmp/x/no/such").exists()
    result = crawl_nowhere(db)
    assert one_line_error(result, 2) == "directory /tmp/x/no/such does not exist: create it first, or check the path"
    assert result.stdout == "" and not Path("/tmp/x/no/such").exists()


def test_a_crawl_into_a_missing_relative_directory_says_where(tmp_path):
    db = os.path.relpath(tmp_path / "no" / "such" / "a.sqlite")
    result = crawl_nowhere(db)
    parent = os.path.dirname(db)
    assert one_line_error(result, 2) == (
        f"directory {parent} (that is {tmp_path / 'no' / 'such'}) does not exist: create it first, or check the path"
    )
    assert listing(tmp_path) == []


CRAWL_REFUSALS = {
    "notes.txt": "{path} is not an SQLite database",
    "folder": "{path} is a directory, not an SQLite archive file",
    "foreign.sqlite": "{path} is not a cess-archive archive: it holds other tables (notes), and the archive's "
    "tables are not added to them",
}


@pytest.mark.parametrize("name", sorted(CRAWL_REFUSALS))
def test_a_crawl_does_not_take_over_what_is_not_an_archive(not_archives, name):
    before = snapshot(not_archives)
    result = crawl_nowhere(str(not_archives / name))
    assert one_line_error(result, 2) == CRAWL_REFUSALS[name].format(path=not_archives / name)
    assert snapshot(not_archives) == before and listing(not_archives / "folder") == []


def test_a_schema_left_half_made_by_a_killed_first_crawl_is_completed(tmp_path):
    """SQLite creates the tables one by one: a first crawl killed in between leaves some of them."""
    from sqlalchemy import create_engine, inspect

    from archive.models import Base

    path = tmp_path / "half.sqlite"
    half = create_engine(f"sqlite:///{path}")
    Base.metadata.tables["runs"].create(half)
    half.dispose()
    engine = make_engine(str(path))
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    engine.dispose()

    with sqlite3.connect(path) as connection:  # but tables of another application are never joined
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        connection.execute("DROP TABLE pages")
    connection.close()
    result = crawl_nowhere(str(path))
    assert "holds other tables (notes)" in one_line_error(result, 2)


@pytest.mark.parametrize(
    "db",
    [
        "mysql://user@127.0.0.1/archive",
        "postgresql+psycopg2://user@127.0.0.1/archive",
        "oracle://user@127.0.0.1/archive",
        "x://",
        "sqlite://",
        "/dev/null",
    ],
)
def test_a_crawl_refuses_an_unusable_db(db):
    skip_unless_psycopg_alone(db)
    result = crawl_nowhere(db)
    assert one_line_error(result, 2) == BAD_DB[db]
    assert result.stdout == ""


def test_the_reprocess_command_needs_an_archive(not_archives):
    before = snapshot(not_archives)
    for name, message in NOT_ARCHIVES.items():
        result = cess("reprocess", "--db", str(not_archives / name))
        assert one_line_error(result, 2) == message.format(path=not_archives / name)
    missing = not_archives / "missing.sqlite"
    result = cess("reprocess", "--db", str(missing))
    assert one_line_error(result, 2) == f"no archive at {missing}: run 'cess-archive crawl' first, or pass --db"
    assert snapshot(not_archives) == before


# --- reading without writing ---------------------------------------------------------------------------------


def test_the_read_only_engine_cannot_write(archive_copy):
    digest, before = file_digest(archive_copy), listing(archive_copy.parent)
    engine = make_engine(str(archive_copy), read_only=True)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM pages")).scalar() > 0
            with pytest.raises(OperationalError, match=r"readonly|read-only|query_only"):
                connection.execute(text("DELETE FROM events"))
    finally:
        engine.dispose()
    assert_read_left_alone(archive_copy, digest, before)


def test_a_write_ahead_log_is_read_and_never_checkpointed(archive_copy, tmp_path):
    """Committed changes a crawl left in the -wal (kill -9) are read; the reader does not move them."""
    writer = sqlite3.connect(archive_copy)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE runs SET source = 'from-the-wal' WHERE id = 1")
    writer.commit()
    wal = archive_copy.with_name(archive_copy.name + "-wal")
    saved = tmp_path / "saved"
    saved.mkdir()
    shutil.copyfile(archive_copy, saved / "archive.sqlite")
    shutil.copyfile(wal, saved / "archive.sqlite-wal")  # as a crash leaves them: no live -shm
    writer.close()
    path = saved / "archive.sqlite"
    digest, wal_digest = file_digest(path), file_digest(saved / "archive.sqlite-wal")
    result = cess("runs", "--db", str(path))
    assert result.exit_code == 0 and "from-the-wal" in result.stdout, result.output
    assert file_digest(path) == digest and file_digest(saved / "archive.sqlite-wal") == wal_digest


# as another user: chmod means nothing to root


def _as_nobody() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    return None


def cess_as_nobody(*args: str, home: Path) -> Result:
    """The console script run by an unprivileged user (``nobody``; ourselves when we are not root)."""
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root and neither setpriv nor runuser is installed: cannot drop privileges")
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    env.update(PYTHONUNBUFFERED="1", HOME=str(home))
    proc = subprocess.run(
        [*prefix, CLI, *args], capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL, cwd=home
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def shared_tree(archived):
    """A directory tree an unprivileged user can reach (pytest's own is private to us), with an
    ``out`` directory that user can write."""
    top = Path(tempfile.mkdtemp(prefix="cess-access-"))
    top.chmod(0o755)
    out = top / "out"
    out.mkdir()
    out.chmod(0o777)
    yield top
    for path in top.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(top)


def place_archive(archived: Path, directory: Path, *, file_mode: int, dir_mode: int) -> Path:
    directory.mkdir()
    path = directory / "archive.sqlite"
    shutil.copyfile(archived, path)
    path.chmod(file_mode)
    directory.chmod(dir_mode)
    return path


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_reading_a_file_it_cannot_write(archived, shared_tree, article_url, command):
    path = place_archive(archived, shared_tree / "archive", file_mode=0o444, dir_mode=0o777)
    digest, before = file_digest(path), listing(path.parent)
    result = cess_as_nobody(
        *read_args(command, article_url, shared_tree / "out"), "--db", str(path), home=shared_tree / "out"
    )
    assert_read(result, command)
    assert_read_left_alone(path, digest, before)


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_reading_in_a_directory_it_cannot_write(archived, shared_tree, article_url, command):
    path = place_archive(archived, shared_tree / "archive", file_mode=0o644, dir_mode=0o555)
    digest, before = file_digest(path), listing(path.parent)
    result = cess_as_nobody(
        *read_args(command, article_url, shared_tree / "out"), "--db", str(path), home=shared_tree / "out"
    )
    assert_read(result, command)
    assert file_digest(path) == digest and listing(path.parent) == before


def test_an_unreadable_write_ahead_log_is_one_line(archived, shared_tree):
    """Changes left in a -wal, no -shm, and a directory the reader cannot write: SQLite cannot read it."""
    path = place_archive(archived, shared_tree / "archive", file_mode=0o644, dir_mode=0o755)
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE runs SET source = 'from-the-wal' WHERE id = 1")
    writer.commit()
    crashed = shared_tree / "crashed"
    crashed.mkdir()
    for name in ("archive.sqlite", "archive.sqlite-wal"):
        shutil.copyfile(path.parent / name, crashed / name)
        (crashed / name).chmod(0o644)
    writer.close()
    crashed.chmod(0o555)
    before = snapshot(crashed)
    result = cess_as_nobody("runs", "--db", str(crashed / "archive.sqlite"), home=shared_tree / "out")
    assert one_line_error(result, 3) == (
        f"cannot read {crashed / 'archive.sqlite'} read-only: its write-ahead log archive.sqlite-wal holds "
        f"changes, and archive.sqlite-shm cannot be created beside it (the directory is not writable)"
    )
    assert snapshot(crashed) == before


@pytest.fixture
def read_only_fs(archived, tmp_path):
    """A copy of the archive on a read-only file system (a tmpfs remounted read-only)."""
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only file system needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        shutil.copyfile(archived, mount_point / "archive.sqlite")
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], capture_output=True, text=True)
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount a tmpfs read-only here: {remounted.stderr.strip()}")
        yield mount_point / "archive.sqlite"
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_reading_on_a_read_only_file_system(read_only_fs, article_url, tmp_path, command):
    path = read_only_fs
    digest, before = file_digest(path), listing(path.parent)
    result = cess(*read_args(command, article_url, tmp_path), "--db", str(path))
    assert_read(result, command)
    assert file_digest(path) == digest and listing(path.parent) == before


def test_a_crawl_on_a_read_only_file_system_cannot_run(read_only_fs):
    result = crawl_nowhere(str(read_only_fs))
    assert one_line_error(result, 3).startswith(f"cannot open the archive {read_only_fs}: ")
    assert listing(read_only_fs.parent) == ["archive.sqlite"]


# --- PostgreSQL ------------------------------------------------------------------------------------------------


def pg_tables(pg_url: str) -> list[str]:
    engine = make_engine(pg_url, create=False)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                        "ORDER BY table_name"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_reading_an_empty_postgresql_schema_creates_nothing(pg_url, tmp_path, command):
    result = cess(*read_args(command, "http://example.org/post/x", tmp_path), "--db", pg_url)
    message = one_line_error(result, 2)
    assert message.endswith(" is not a cess-archive archive (no pages table)"), message
    assert pg_tables(pg_url) == [] and listing(tmp_path) == []


def test_postgresql_reading_is_a_read_only_session(pg_url):
    make_engine(pg_url).dispose()  # an empty archive
    tables = pg_tables(pg_url)
    assert "pages" in tables
    engine = make_engine(pg_url, read_only=True)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            with pytest.raises(DBAPIError, match="read-only transaction"):
                connection.execute(text("CREATE TABLE intruder (x int)"))
    finally:
        engine.dispose()
    assert pg_tables(pg_url) == tables
    result = cess("runs", "--db", pg_url)
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_a_crawl_does_not_add_tables_to_a_foreign_postgresql_schema(pg_url):
    engine = make_engine(pg_url, create=False)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body text)"))
    engine.dispose()
    result = crawl_nowhere(pg_url)
    message = one_line_error(result, 2)
    assert message.endswith(
        "is not a cess-archive archive: it holds other tables (notes), and the archive's tables are not added to them"
    ), message
    assert pg_tables(pg_url) == ["notes"]


@pytest.mark.parametrize("scheme", ["postgresql+psycopg", "postgresql", "postgres"])
def test_an_unreachable_postgresql_server_is_one_line_and_quick(scheme):
    """``postgresql://`` and ``postgres://`` mean psycopg 3; no server on the port: status 3, at once."""
    pytest.importorskip("psycopg")
    port = free_port()
    started = time.monotonic()
    result = cess("runs", "--db", f"{scheme}://someone:secret@127.0.0.1:{port}/archive")
    message = one_line_error(result, 3)
    assert time.monotonic() - started < 15
    assert message.startswith(f"cannot open the archive postgresql+psycopg://someone:***@127.0.0.1:{port}/archive: ")
    assert "secret" not in result.output
