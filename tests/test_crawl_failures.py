"""Bad inputs and bad days of ``cess-archive crawl``: every failure is one clear line.

Bad inputs (``--set``, ``--log-file``, ``--base-url``, ``--source``, ``--sources``, ``--max-runtime``) are
refused before anything starts: one line on stderr, exit 2, the archive byte-identical. Bad days (nothing
listening, DNS, timeouts, every page 5xx) are runs recorded as ``failed``, told in one line per failed
request and no traceback; a crawl that runs too long is stopped and recorded as ``interrupted``.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import FAST, archive_digest, cess, crawl

pytestmark = pytest.mark.slow  # every test here starts a crawl

ROOT = Path(__file__).resolve().parent.parent
QUICK_FAILURES = ["--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_TIMEOUT=2", "--set", "DNS_TIMEOUT=3"]


def free_port() -> int:
    """A port nothing listens on: bound, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nothing_listening() -> str:
    return f"http://127.0.0.1:{free_port()}"


def runs_of(db_url: str) -> list[dict]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("SELECT * FROM runs ORDER BY id")]


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line_per_failure(result, kind: str, run: int = 1) -> None:
    """Only one-line warnings naming the failure, then the final error line: no traceback, no ERROR."""
    lines = stderr_lines(result)
    assert "Traceback" not in result.stderr, result.stderr
    *warnings, last = lines
    assert warnings, result.stderr
    assert all(" WARNING: cannot fetch http" in line and line.endswith(f": {kind}") for line in warnings), lines
    assert last.startswith(f"cess-archive: error: run {run} failed: nothing could be fetched ("), last
    assert len(warnings) == len({line.split(" WARNING: ")[1] for line in warnings})  # each URL told once


# -- bad days -----------------------------------------------------------------------------------------------


def test_nothing_listening_is_a_failed_run(db_url):
    base_url = nothing_listening()
    result = cess("crawl", "--base-url", base_url, "--db", db_url, *FAST, *QUICK_FAILURES)
    assert result.exit_code == 3, result.output
    assert result.stdout.splitlines() == [
        "run 1 failed: nothing could be fetched (5 requests failed: connection refused)"
    ]
    assert_one_line_per_failure(result, "connection refused")
    assert stderr_lines(result)[-1].endswith(f"is {base_url} reachable?")
    [run] = runs_of(db_url)
    assert (run["status"], run["finish_reason"]) == ("failed", "nothing_fetched")
    assert run["finished_at"] is not None and run["fetched"] == 0 and run["errors"] == 2
    details = json.loads(run["error_details"])
    assert {d["url"].removeprefix(base_url) for d in details} == {"/", "/blog"}
    assert {d["kind"] for d in details} == {"connection refused"}
    listed = cess("runs", "--db", db_url)
    assert listed.exit_code == 0, listed.output
    assert " failed " in listed.stdout.splitlines()[1]


def test_failed_run_as_json(db_url):
    result = cess("crawl", "--base-url", nothing_listening(), "--db", db_url, *FAST, *QUICK_FAILURES, "--json")
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "failed" and summary["exit_status"] == 3
    assert summary["finish_reason"] == "nothing_fetched"
    assert summary["message"] == "nothing could be fetched (5 requests failed: connection refused)"
    assert [d["kind"] for d in summary["error_details"]] == ["connection refused"] * 2


def test_unknown_host_is_a_failed_run(db_url):
    result = cess("crawl", "--base-url", "http://cess-archive-test.invalid", "--db", db_url, *FAST, *QUICK_FAILURES)
    assert result.exit_code == 3, result.output
    assert_one_line_per_failure(result, "DNS lookup failed")
    assert runs_of(db_url)[0]["status"] == "failed"


def test_every_request_timing_out_is_a_failed_run(fresh_site, db_url):
    site = fresh_site
    site.state.set_fault("/*", status=None, delay=5)
    result = crawl(site, db_url, "--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_TIMEOUT=1")
    assert result.exit_code == 3, result.output
    assert_one_line_per_failure(result, "timed out")
    [run] = runs_of(db_url)
    assert run["status"] == "failed" and "timed out" in result.stdout
    assert all("TimeoutError" in d["error"] for d in json.loads(run["error_details"]))  # the full error is kept


def test_every_page_failing_with_5xx_on_an_archive_is_a_failed_run(fresh_site, archive_copy, tmp_path):
    db_url = f"sqlite:///{archive_copy}"
    with sqlite3.connect(archive_copy) as connection:
        before = connection.execute("SELECT url, status FROM pages ORDER BY url").fetchall()
        versions = connection.execute("SELECT count(*) FROM versions").fetchone()[0]
    site = fresh_site
    site.state.set_fault("/*", status=503)
    result = crawl(site, db_url, "--set", "RETRY_TIMES=0")
    assert result.exit_code == 3, result.output
    assert_one_line_per_failure(result, "HTTP 503", run=2)
    assert "HTTP 503" in result.stdout and "finished" not in result.stdout
    last = runs_of(db_url)[-1]
    assert (last["status"], last["finish_reason"]) == ("failed", "nothing_fetched")
    assert last["errors"] == len(before) + 2  # every archived page was revisited, and the two start pages
    with sqlite3.connect(archive_copy) as connection:  # nothing archived was lost or marked removed
        assert connection.execute("SELECT url, status FROM pages ORDER BY url").fetchall() == before
        assert connection.execute("SELECT count(*) FROM versions").fetchone()[0] == versions


class BuggyDownloaderMiddleware:
    """A bug in the download path (not a network failure): it must keep its traceback in the log."""

    def process_request(self, request, spider=None):
        raise ZeroDivisionError("a bug in a downloader middleware")


def test_a_bug_keeps_its_traceback(db_url):
    middlewares = json.dumps({f"{__name__}.BuggyDownloaderMiddleware": 543})
    result = cess(
        "crawl",
        "--base-url",
        nothing_listening(),
        "--db",
        db_url,
        *FAST,
        *QUICK_FAILURES,
        "--set",
        f"DOWNLOADER_MIDDLEWARES={middlewares}",
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.exit_code == 3, result.output
    assert "Traceback" in result.stderr and "ZeroDivisionError: a bug in a downloader middleware" in result.stderr
    assert " ERROR: cannot fetch http" in result.stderr
    assert runs_of(db_url)[0]["status"] == "failed"


def test_log_file_takes_the_warnings(db_url, tmp_path):
    log = tmp_path / "crawl.log"
    result = cess(
        "crawl",
        "--base-url",
        nothing_listening(),
        "--db",
        db_url,
        *FAST,
        *QUICK_FAILURES,
        "--log-file",
        str(log),
        "--log-level",
        "INFO",
    )
    assert result.exit_code == 3, result.output
    assert len(stderr_lines(result)) == 1 and stderr_lines(result)[0].startswith("cess-archive: error: run 1 failed")
    text = log.read_text(encoding="utf-8")
    assert "cannot fetch" in text and "connection refused" in text and "Traceback" not in text
    assert "crawl run 1 failed (nothing could be fetched" in text


def test_unknown_setting_warns_with_the_closest_name_and_goes_on(db_url):
    result = cess(
        "crawl", "--base-url", nothing_listening(), "--db", db_url, *FAST, *QUICK_FAILURES, "--set", "DOWNLOAD_DELAYS=0"
    )
    assert (
        stderr_lines(result)[0]
        == "cess-archive: warning: --set DOWNLOAD_DELAYS=0: unknown setting (did you mean DOWNLOAD_DELAY?)"
    )
    assert result.exit_code == 3, result.output  # the crawl ran (and found nothing listening)
    assert runs_of(db_url)[0]["status"] == "failed"


# -- a crawl never runs forever ----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [["--max-runtime", "2"], ["--set", "ARCHIVE_MAX_RUNTIME=2"]])
def test_max_runtime_stops_the_crawl_and_keeps_what_was_stored(fresh_site, db_url, limit):
    site = fresh_site
    site.state.set_fault("/post/*", status=None, delay=1.0)  # far more than 2 s of posts at 2 at a time
    result = crawl(site, db_url, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", *limit)
    assert result.exit_code == 5, result.output
    [run] = runs_of(db_url)
    assert (run["status"], run["finish_reason"]) == ("interrupted", "max_runtime")
    assert json.loads(run["stats"])["archive/max_runtime"] == 2
    assert result.stdout.startswith("run 1 interrupted: maximum run time of 2s reached; fetched ")
    assert "Traceback" not in result.stderr
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        pages = connection.execute("SELECT count(*) FROM pages").fetchone()[0]
        without_version = connection.execute(
            "SELECT count(*) FROM pages p WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.page_id = p.id)"
        ).fetchone()[0]
    assert pages == run["new_pages"] and without_version == 0  # what was committed is whole and kept


# -- bad inputs: one line, exit 2, the archive untouched -------------------------------------------------------


def _sources(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "sources.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


GOOD_SOURCE = '[[source]]\nname = "mine"\nbase_url = "https://mine.example"\n'

BAD_INPUTS = {
    "malformed number": (["--set", "DOWNLOAD_DELAY=abc"], "--set DOWNLOAD_DELAY=abc: expected a number"),
    "negative delay": (["--set", "DOWNLOAD_DELAY=-1"], "--set DOWNLOAD_DELAY=-1: expected a number of at least 0"),
    "no concurrency": (
        ["--set", "CONCURRENT_REQUESTS=0"],
        "--set CONCURRENT_REQUESTS=0: expected an integer of at least 1",
    ),
    "per-domain concurrency": (["--set", "CONCURRENT_REQUESTS_PER_DOMAIN=0"], "expected an integer of at least 1"),
    "zero timeout": (["--set", "DOWNLOAD_TIMEOUT=0"], "--set DOWNLOAD_TIMEOUT=0: expected a number greater than 0"),
    "integer expected": (["--set", "RETRY_TIMES=1.5"], "--set RETRY_TIMES=1.5: expected an integer"),
    "boolean expected": (
        ["--set", "AUTOTHROTTLE_ENABLED=maybe"],
        "--set AUTOTHROTTLE_ENABLED=maybe: expected a boolean",
    ),
    "dict expected": (["--set", "ITEM_PIPELINES={oops"], "--set ITEM_PIPELINES={oops: expected a JSON object"),
    "status codes": (["--set", "RETRY_HTTP_CODES=500,oops"], "expected a comma-separated list of HTTP status codes"),
    "workers": (
        ["--set", "ARCHIVE_EXTRACT_WORKERS=-1"],
        "--set ARCHIVE_EXTRACT_WORKERS=-1: expected an integer of at least 0",
    ),
    "extract timeout": (
        ["--set", "ARCHIVE_EXTRACT_TIMEOUT=0"],
        "--set ARCHIVE_EXTRACT_TIMEOUT=0: expected a number greater than 0",
    ),
    "max runtime setting": (
        ["--set", "ARCHIVE_MAX_RUNTIME=0"],
        "--set ARCHIVE_MAX_RUNTIME=0: expected a number greater than 0",
    ),
    "infinite max runtime": (["--set", "ARCHIVE_MAX_RUNTIME=inf"], "expected a number greater than 0"),
    "log level": (["--set", "LOG_LEVEL=loud"], "--set LOG_LEVEL=loud: expected one of DEBUG, INFO, WARNING"),
    "db url": (["--set", "ARCHIVE_DB_URL=sqlite:///other.sqlite"], "choose the archive with --db URL"),
    "not name=value": (["--set", "DOWNLOAD_DELAY"], "--set expects NAME=VALUE"),
    "max runtime word": (["--max-runtime", "soon"], "'soon' is not a duration"),
    "max runtime zero": (["--max-runtime", "0"], "'0': expected a finite duration greater than 0"),
    "max runtime junk": (["--max-runtime", "1h30x"], "'1h30x' is not a duration"),
    "empty base url": (["--base-url", "http://"], "--base-url must be an http(s) URL"),
    "ftp base url": (["--base-url", "ftp://x"], "--base-url must be an http(s) URL"),
    "space in host": (["--base-url", "http://exa mple"], "'exa mple' is not a host name"),
    "bad port": (["--base-url", "http://127.0.0.1:99999"], "the port is not a number"),
    "path and query": (
        ["--base-url", "http://127.0.0.1:8000/blog?page=2"],
        "give an origin without path, query or fragment, such as http://127.0.0.1:8000",
    ),
    "unknown source": (["--source", "nope"], "unknown source 'nope' (known: anne-genetet, cess, mediapart-valette)"),
}


@pytest.mark.parametrize("args, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_one_line_and_touches_nothing(archive_copy, args, message):
    before = archive_digest(archive_copy)
    base = [] if "--base-url" in args else ["--base-url", nothing_listening()]
    result = cess("crawl", "--db", f"sqlite:///{archive_copy}", *base, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = stderr_lines(result)
    assert line.startswith("cess-archive: error: ") and message in line, line
    assert archive_digest(archive_copy) == before


def _log_file_cases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    (tmp_path / "a-directory").mkdir()
    return {
        "missing directory": (str(tmp_path / "missing" / "crawl.log"), f"no directory {tmp_path / 'missing'}"),
        "unwritable place": ("/proc/cess-archive.log", "cannot append to it"),
        "a directory": (str(tmp_path / "a-directory"), "is a directory"),
    }


@pytest.mark.parametrize("case", ["missing directory", "unwritable place", "a directory"])
@pytest.mark.parametrize("option", ["--log-file", "--set"])
def test_unusable_log_file_is_one_line(archive_copy, tmp_path, case, option):
    path, message = _log_file_cases(tmp_path)[case]
    before = archive_digest(archive_copy)
    args = ["--log-file", path] if option == "--log-file" else ["--set", f"LOG_FILE={path}"]
    result = cess("crawl", "--db", f"sqlite:///{archive_copy}", "--base-url", nothing_listening(), *args)
    assert result.exit_code == 2, result.output
    [line] = stderr_lines(result)
    assert line.startswith("cess-archive: error: ") and path in line and message in line, line
    assert archive_digest(archive_copy) == before


SOURCES_FILES = {
    "missing": (None, "cannot read sources file"),
    "malformed TOML": ('[[source]\nname = "x"\n', "is not valid TOML"),
    "bad regex": (GOOD_SOURCE + "article_paths = ['^/post/(']\n", "bad regular expression in article_paths"),
    "not UTF-8": (GOOD_SOURCE.encode() + b'title = "\xe9t\xe9"\n', "is not UTF-8 text"),
    "no such source": (GOOD_SOURCE, "unknown source 'cess' (known: mine)"),
}


@pytest.mark.parametrize("content, message", SOURCES_FILES.values(), ids=SOURCES_FILES.keys())
def test_bad_sources_file_is_one_line(archive_copy, tmp_path, content, message):
    path = _sources(tmp_path, content) if content is not None else str(tmp_path / "nowhere.toml")
    before = archive_digest(archive_copy)
    result = cess("crawl", "--db", f"sqlite:///{archive_copy}", "--sources", path)
    assert result.exit_code == 2, result.output
    [line] = stderr_lines(result)
    assert line.startswith("cess-archive: error: ") and message in line, line
    assert archive_digest(archive_copy) == before
