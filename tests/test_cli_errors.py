"""A hostile user at the command line: every bad input is one line, a documented status, nothing touched.

Each case runs a command on a private copy of a real archive and checks the same invariants: the exit
status is one of the README's, a failure prints exactly one line on stderr (``cess-archive: error: …``) and
no traceback, and the archive file is byte-identical afterwards. The read commands run in this process
(as click's own test runner does); ``crawl`` runs as a real process, since it starts Scrapy's reactor.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from cess_archive.cli import main
from cess_archive.errors import EXIT_CANNOT_RUN, EXIT_USAGE
from tests.conftest import FAST, archive_digest, cess

README = Path(__file__).resolve().parent.parent / "README.md"
DOCUMENTED = {0, 1, 2, 3, 4, 5, 130}


@pytest.fixture
def run(capfd):
    """``run(*argv)`` → (status, stdout, stderr) of the console script's entry point, in this process."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        capfd.readouterr()
        status = main(list(argv))
        out, err = capfd.readouterr()
        return status, out, err

    return invoke


def assert_one_line_failure(status: int, err: str, *expected: int) -> None:
    assert "Traceback" not in err, err
    assert status in (expected or {EXIT_USAGE, EXIT_CANNOT_RUN}), (status, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cess-archive: error: "), err


@pytest.fixture
def env(archive_copy, tmp_path):
    """A private archive, one of its page URLs, and the archive's digest before the test."""
    db = f"sqlite:///{archive_copy}"
    with __import__("sqlite3").connect(archive_copy) as connection:
        url = connection.execute("SELECT url FROM pages WHERE kind = 'article' ORDER BY id LIMIT 1").fetchone()[0]
    connection.close()
    return {"db": db, "path": archive_copy, "url": url, "tmp": tmp_path, "digest": archive_digest(archive_copy)}


def expand(args: tuple[str, ...], env: dict) -> list[str]:
    return [a.format(db=env["db"], url=env["url"], tmp=env["tmp"]) for a in args]


READ_COMMANDS = {
    "export": ("export", "--format", "jsonl", "--output", "{tmp}/out.jsonl"),
    "runs": ("runs",),
    "changes": ("changes",),
    "history": ("history", "{url}"),
    "show": ("show", "{url}"),
    "diff": ("diff", "{url}", "--from", "1", "--to", "1"),
    "db current": ("db", "current"),
    "db check": ("db", "check"),
    "db history": ("db", "history"),
    "db verify": ("db", "verify"),
    "db upgrade": ("db", "upgrade"),
    "db backup": ("db", "backup", "--to", "{tmp}/backup.sqlite"),
}

BAD_DB = [
    "nope://x",
    "mysql://user@127.0.0.1/archive",
    "postgresql+psycopg2://user@127.0.0.1/archive",
    "sqlite:////no/such/dir/archive.sqlite",
    "/no/such/dir/archive.sqlite",
    "{tmp}",
    "{tmp}/notes.txt",
    "/dev/null",
    "sqlite://",
    "sqlite:///:memory:",
    "",
]


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
@pytest.mark.parametrize("db", BAD_DB)
def test_bad_archive_locations(run, env, command, db):
    (env["tmp"] / "notes.txt").write_text("not a database\n")
    before = sorted(p.name for p in env["tmp"].iterdir())
    status, _, err = run(*expand(READ_COMMANDS[command], env), "--db", db.format(tmp=env["tmp"]))
    assert_one_line_failure(status, err)
    assert sorted(p.name for p in env["tmp"].iterdir()) == before  # nothing created beside them
    assert not Path("/no/such/dir").exists()
    assert (env["tmp"] / "notes.txt").read_text() == "not a database\n"


HOSTILE = [
    # dates
    ("changes", "--since", "yesterday"),
    ("changes", "--since", "2026-02-30"),
    ("changes", "--since", ""),
    ("changes", "--since", "2999-01-01"),
    ("changes", "--since", "0001-01-01T00:00:00+01:00"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--as-of", "9999-12-31T23:59:59-01:00"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--as-of", "2026-13-01"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--since", "9999-99-99"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--since", "2999-01-01"),
    # numbers
    ("changes", "--run", "abc"),
    ("changes", "--run", "-1"),
    ("changes", "--run", "99999999999999999999999"),
    ("show", "{url}", "--version", "0"),
    ("show", "{url}", "--version", "-3"),
    ("show", "{url}", "--version", "99999999999999999999999"),
    ("diff", "{url}", "--from", "2", "--to", "1"),
    ("diff", "{url}", "--context", "-1"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--since-run", "99999999999999999999999"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--since-run", "0"),
    # URLs
    ("history", ""),
    ("history", "not a url"),
    ("history", "http://[::1"),
    ("history", "%zz"),
    ("show", "javascript:alert(1)"),
    ("diff", "http://127.0.0.1:9/post/" + "x" * 5000),
    ("history", "/post/no-such-slug"),
    ("history", "http://127.0.0.1/post/\udcff\udcfe"),
    ("show", "ftp://example.org/post/x"),
    # names and choices
    ("export", "--format", "XML", "--output", "{tmp}/o.xml"),
    ("export", "--format", "jsonl"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--source", "nope"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--source", ""),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--kind", "Article"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--language", "français"),
    ("export", "--format", "jsonl", "--output", "{tmp}/o.jsonl", "--language", ""),
    ("reprocess", "--source", "nope"),
    ("changes", "--source", "nope"),
    ("changes", "--format", "rss"),
    ("runs", "--errors", "424242"),
    ("nonsense",),
    ("export", "--no-such-option"),
    # outputs
    ("export", "--format", "jsonl", "--output", "/dev/full"),
    ("export", "--format", "csv", "--output", "{tmp}"),
    ("export", "--format", "jsonl", "--output", "{tmp}/missing/o.jsonl"),
    ("export", "--format", "jsonl", "--output", "/proc/o.jsonl"),
    ("export", "--dataset", "/dev/null"),
    ("export", "--dataset", "{tmp}/notes.txt"),
    ("diff", "{url}", "--from", "1", "--to", "1", "--html", "{tmp}/missing/d.html"),
    ("diff", "{url}", "--from", "1", "--to", "1", "--html", "/dev/full"),
    ("changes", "--format", "atom", "--feed-url", "not a url"),
]


@pytest.mark.parametrize("args", HOSTILE, ids=lambda a: " ".join(a)[:60])
def test_hostile_values_are_one_line(run, env, args):
    (env["tmp"] / "notes.txt").write_text("a file\n")
    status, _, err = run(*expand(args, env), "--db", env["db"])
    assert_one_line_failure(status, err, EXIT_USAGE)
    assert archive_digest(env["path"]) == env["digest"]
    assert Path("/dev/full").is_char_device() and Path("/dev/null").is_char_device()
    assert not (env["tmp"] / "missing").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CRAWL_BAD = [
    ("--set", "DOWNLOAD_DELAY=abc"),
    ("--set", "CONCURRENT_REQUESTS=0"),
    ("--set", "novalue"),
    ("--set", "=1"),
    ("--set", "ARCHIVE_EXTRACT_WORKERS=two"),
    ("--base-url", "ftp://example.org"),
    ("--base-url", "http://"),
    ("--base-url", "example.org"),
    ("--source", "nope"),
    ("--sources", "/no/such/sources.toml"),
    ("--sources", "{tmp}/notes.txt"),
    ("--log-file", "/no/such/dir/crawl.log"),
    ("--log-file", "{tmp}"),
    ("--max-runtime", "soon"),
    ("--max-runtime", "-5"),
    ("--db", "{tmp}/notes.txt"),
    ("--db", "sqlite:////no/such/dir/a.sqlite"),
    ("--db", ""),
    ("--db", "mysql://user@127.0.0.1/x"),
    ("--log-level", "LOUD"),
]


@pytest.mark.parametrize("args", CRAWL_BAD, ids=lambda a: " ".join(a)[:60])
def test_crawl_refuses_bad_input_before_starting(env, args):
    (env["tmp"] / "notes.txt").write_text("[[source]\nname = 'broken'\n")
    base = ("--base-url", f"http://127.0.0.1:{free_port()}") if "--base-url" not in args else ()
    db = ("--db", env["db"]) if "--db" not in args else ()
    result = cess("crawl", *base, *db, *FAST, *expand(args, env), timeout=60)
    assert_one_line_failure(result.exit_code, result.stderr, EXIT_USAGE)
    assert result.stdout == ""
    assert archive_digest(env["path"]) == env["digest"]
    assert not Path("/no/such/dir").exists()


def test_unreachable_site_keeps_output_and_errors_apart(env):
    """The README's scheduled line: JSON on stdout for every run (also a failed one), one error line."""
    result = cess(
        "crawl",
        "--base-url",
        f"http://127.0.0.1:{free_port()}",
        "--db",
        env["db"],
        *FAST,
        "--set",
        "RETRY_TIMES=0",
        "--json",
        "--log-file",
        str(env["tmp"] / "crawl.log"),
        timeout=120,
    )
    assert result.exit_code == EXIT_CANNOT_RUN, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "failed" and summary["exit_status"] == EXIT_CANNOT_RUN
    assert_one_line_failure(result.exit_code, result.stderr, EXIT_CANNOT_RUN)
    runs = cess("runs", "--json", "--db", env["db"])
    assert runs.exit_code == 0, runs.output
    assert json.loads(runs.stdout)[-1]["status"] == "failed"


def test_readme_lists_every_exit_status():
    """The README's table of exit statuses names exactly the statuses the code uses."""
    from cess_archive import errors

    section = README.read_text(encoding="utf-8").split("### Exit statuses", 1)[1].split("\n#", 1)[0]
    table = {int(status) for status in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert table == {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert table <= DOCUMENTED
