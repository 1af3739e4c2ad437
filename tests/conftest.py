"""Shared fixtures: the local copy of the site (one server for the session) and the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

CLI = str(Path(sys.executable).with_name("cess-archive"))

# Test crawls: no politeness delay against our own loopback server, quiet logs.
FAST = [
    "--set",
    "DOWNLOAD_DELAY=0",
    "--set",
    "AUTOTHROTTLE_ENABLED=False",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--log-level",
    "WARNING",
]


def path_of(url: str) -> str:
    """The decoded path of an archived URL (the test server's port changes from session to session)."""
    return unquote(urlsplit(url).path)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


# Commands run in a process of their own: a crawl starts Scrapy's reactor, which runs once per process.
OWN_PROCESS = frozenset({"crawl"})


def cess(*args: str, timeout: float = 300, env: dict | None = None) -> Result:
    """Runs ``cess-archive`` with ``args``, as an operator would, and returns its status and output.

    A crawl runs in a process of its own, forked from a process that has imported the crawler already
    (``tests.launcher``). Every other command runs in this process through click's ``CliRunner`` and the
    same entry point (``cess_archive.cli.main``) that the console script calls. ``CESS_TEST_OWN_PROCESS=1``
    in the environment runs every command through the installed console script instead, as a shell would.
    """
    if os.environ.get("CESS_TEST_OWN_PROCESS"):
        return run_console_script(*args, timeout=timeout, env=env)
    if args and args[0] in OWN_PROCESS:
        return run_forked(*args, timeout=timeout, env=env)
    return run_in_process(*args, env=env)


def _command_env(env: dict | None) -> dict[str, str]:
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("CESS_ARCHIVE_DB", None)
    return full_env


def run_console_script(*args: str, timeout: float = 300, env: dict | None = None) -> Result:
    """The installed ``cess-archive`` console script in a process of its own."""
    proc = subprocess.run(
        [CLI, *args], capture_output=True, text=True, timeout=timeout, env=_command_env(env), stdin=subprocess.DEVNULL
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_forked(*args: str, timeout: float = 300, env: dict | None = None) -> Result:
    """The CLI's entry point in a process of its own, forked by this test process's launcher."""
    return _launcher().run(list(args), _command_env(env), timeout)


_LAUNCHER = None


def _launcher():
    global _LAUNCHER  # one launcher per test process, started by the first crawl
    if _LAUNCHER is None:
        import atexit

        from tests.launcher_client import Launcher

        _LAUNCHER = Launcher(Path(__file__).resolve().parent.parent)
        atexit.register(_LAUNCHER.close)
    return _LAUNCHER


def run_in_process(*args: str, env: dict | None = None) -> Result:
    """The CLI's entry point in this process, with its own stdin (empty), stdout, stderr and environment.

    As in a process of its own, log records of WARNING and above that no handler takes are written to
    stderr as their bare message (what Python's last-resort handler does).
    """
    import logging

    from click.testing import CliRunner

    from cess_archive.cli import main

    environment = {**(env or {}), "CESS_ARCHIVE_DB": None}
    with CliRunner().isolation(input=b"", env=environment) as (out, err, _):
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        root = logging.getLogger()
        root.addHandler(handler)
        try:
            status = main(list(args))
        except SystemExit as exc:  # pragma: no cover - main() turns every exit into a status
            status = exc.code if isinstance(exc.code, int) else 0
        finally:
            root.removeHandler(handler)
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(status, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"))


def crawl(site, db_url: str, *extra: str) -> Result:
    return cess("crawl", "--base-url", site.base_url, "--db", db_url, *FAST, *extra)


def export_records(db_url: str, tmp_path: Path, *extra: str) -> list[dict]:
    out = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}.jsonl"
    result = cess("export", "--format", "jsonl", "--output", str(out), "--db", db_url, *extra)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def site():
    from tests.site.server import LocalSite

    with LocalSite() as local_site:
        yield local_site


@pytest.fixture
def fresh_site(site):
    """The local copy in its initial state, with an empty request log; reset again afterwards."""
    site.state.reset()
    site.state.clear_faults()
    site.clear_requests()
    yield site
    site.state.reset()
    site.state.clear_faults()


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_url():
    """A schema of its own on the PostgreSQL server at 127.0.0.1:5432 (database ``test``, trust auth).

    Skipped with a reason when no server answers, except under CI (``CI=true``), where that is a failure.
    """
    import uuid

    from sqlalchemy import create_engine, text

    admin = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server here"
        admin.dispose()
        problem = str(exc).splitlines()[0]
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be available under CI: {problem}")
        pytest.skip(f"no PostgreSQL server at 127.0.0.1:5432: {problem}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def archived(site, tmp_path_factory) -> Path:
    """An archive of the local copy in its initial state, crawled once per session.

    Tests never write to it: they read it, or work on a copy (``archive_copy``).
    """
    path = tmp_path_factory.mktemp("archived") / "archive.sqlite"
    site.state.reset()
    site.state.clear_faults()
    result = crawl(site, f"sqlite:///{path}")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def archive_copy(archived, tmp_path) -> Path:
    """A private copy of the session's archive, to check that a command leaves it byte-identical."""
    import shutil

    target = tmp_path / "archive.sqlite"
    shutil.copyfile(archived, target)
    return target


@pytest.fixture(scope="session")
def site_archive(site, tmp_path_factory):
    """The local copy crawled through several states (``tests.builders.build_site_archive``), once per session.

    Tests never write to it.
    """
    from tests.builders import build_site_archive

    return build_site_archive(site, tmp_path_factory.mktemp("site-archive"))


@pytest.fixture(scope="session")
def client(site_archive):
    """The reading room, in this process, on ``site_archive`` (opened read-only, as ``serve`` opens it)."""
    from tests.web import web_client

    with web_client(site_archive.db_url) as test_client:
        yield test_client


def archive_digest(path: Path) -> str:
    """SHA-256 over an SQLite archive's file and its write-ahead log.

    Readers may touch only ``-shm`` and may leave an empty ``-wal`` (SQLite opens one to read a WAL-mode
    file): an empty log holds no data, so it counts as no log.
    """
    import hashlib

    digest = hashlib.sha256()
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists() and (part == path or part.stat().st_size > 0):
            digest.update(part.name.encode())
            digest.update(part.read_bytes())
    return digest.hexdigest()


def one_line_error(result: Result, status: int = 2) -> str:
    """The one stderr line of a command that failed with ``status`` and printed nothing on stdout."""
    assert result.exit_code == status, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# What makes a test slow: it crawls (through the real Scrapy engine, in a process of its own) or reads what
# a crawl of the local copy of the site wrote.
SLOW_FIXTURES = frozenset({"site", "fresh_site", "archived", "archive_copy"})


def pytest_collection_modifyitems(config, items):
    """Marks ``slow`` every test that uses the local site or a crawled archive (``make test-fast`` skips them)."""
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
