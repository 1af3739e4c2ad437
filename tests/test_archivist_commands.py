"""The archivists' commands for tools and their bad values: ``runs --json``, ``runs --errors``,
``history --json``, ``show --json``; source filters; versions, ranges and output files that cannot be used.

One archive for the module: the session's first crawl of the local copy, then a second crawl after an edit
while one post answers 503 (a run with an error).
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from tests.conftest import archive_digest, cess, crawl, one_line_error
from tests.site.content import OLD_SLUG_PATH
from tests.site.content_pages import ARCTIC_EN
from tests.site.content_posts import ARCTIC, BALTIC, PORTS, SAHEL

NEW_PARAGRAPH = "Ce paragraphe a été réécrit pour les commandes des archivistes."
RUN_FIELDS = {
    "run",
    "status",
    "finish_reason",
    "message",
    "source",
    "base_url",
    "started_at",
    "finished_at",
    "fetched",
    "new_pages",
    "new_versions",
    "unchanged",
    "not_modified",
    "errors",
    "error_details",
    "exit_status",
}
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture(scope="module")
def two_runs(site, archived, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("archivist")
    path = tmp / "archive.sqlite"
    shutil.copyfile(archived, path)
    db = f"sqlite:///{path}"
    state = site.state
    state.reset()
    state.clear_faults()
    state.edit_paragraph(SAHEL.slug, 1, NEW_PARAGRAPH)
    state.set_fault(PORTS.path, status=503)
    try:
        result = crawl(site, db, "--set", "RETRY_TIMES=0", "--json")
        assert result.exit_code == 1, result.output
    finally:
        state.clear_faults()
        state.reset()
    return {"db": db, "path": path, "site": site, "tmp": tmp, "crawl_json": json.loads(result.stdout)}


def ok_json(*args: str):
    result = cess(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------------------- runs


def test_runs_json_has_the_fields_of_crawl_json(two_runs):
    runs = ok_json("runs", "--json", "--db", two_runs["db"])
    assert [r["run"] for r in runs] == [1, 2]
    assert all(set(r) == RUN_FIELDS for r in runs)
    first, second = runs
    assert (first["status"], first["exit_status"], first["errors"], first["error_details"]) == ("finished", 0, 0, [])
    assert first["new_pages"] == first["fetched"] > 30 and first["base_url"] == two_runs["site"].base_url
    assert second["exit_status"] == 1 and second["errors"] == 1 and second["new_versions"] == 1
    assert all(ISO_Z.match(r[k]) for r in runs for k in ("started_at", "finished_at"))
    (error,) = second["error_details"]
    assert error["url"] == two_runs["site"].url(PORTS.path) and ISO_Z.match(error["at"])
    printed = two_runs["crawl_json"]  # what `crawl --json` printed for the second run
    assert set(printed) == RUN_FIELDS
    assert {k: v for k, v in printed.items() if k != "error_details"} == {
        k: v for k, v in second.items() if k != "error_details"
    }


def test_runs_table_unchanged(two_runs):
    result = cess("runs", "--db", two_runs["db"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["run", "started"] and len(lines) == 3
    assert lines[2].split()[-1] == "1"


def test_runs_errors_one_line_per_url(two_runs):
    result = cess("runs", "--errors", "2", "--db", two_runs["db"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    url = two_runs["site"].url(PORTS.path)
    assert line.startswith(f"{url}  ") and "503" in line
    details = ok_json("runs", "--errors", "2", "--json", "--db", two_runs["db"])
    assert details == ok_json("runs", "--json", "--db", two_runs["db"])[1]["error_details"]
    assert details[0]["url"] == url and "503" in details[0]["error"]


def test_runs_errors_of_a_run_without_errors(two_runs):
    result = cess("runs", "--errors", "1", "--db", two_runs["db"])
    assert result.exit_code == 0 and result.stdout == "run 1: no error\n"
    assert ok_json("runs", "--errors", "1", "--json", "--db", two_runs["db"]) == []


# ---------------------------------------------------------------------------------- history, show


def test_history_json(two_runs):
    site = two_runs["site"]
    record = ok_json("history", SAHEL.path, "--json", "--db", two_runs["db"])
    assert record["url"] == site.url(SAHEL.path)
    assert (record["source"], record["kind"], record["status"]) == ("cess", "article", "live")
    assert record["aliases"] == [] and record["duplicate_of"] is None
    assert [v["version"] for v in record["versions"]] == [1, 2]
    for version in record["versions"]:
        assert "text" not in version and re.fullmatch(r"[0-9a-f]{64}", version["content_sha256"])
        capture = version["capture"]
        assert capture["http_status"] == 200 and re.fullmatch(r"[0-9a-f]{64}", capture["raw_sha256"])
        assert ISO_Z.match(capture["fetched_at"]) and capture["etag"]
        assert version["extractor"].startswith("cess-clean/") and version["reason"] == "crawl"
    assert record["versions"][1]["run"] == 2
    assert [(e["kind"], e["version"], e["run"]) for e in record["events"]] == [("new", 1, 1), ("edited", 2, 2)]
    assert all(e["url"] == e["url_at_event"] == record["url"] for e in record["events"])


def test_history_json_aliases_and_translations(two_runs):
    site = two_runs["site"]
    baltic = ok_json("history", site.url(OLD_SLUG_PATH), "--json", "--db", two_runs["db"])
    assert baltic["url"] == site.url(BALTIC.path) and site.url(OLD_SLUG_PATH) in baltic["aliases"]
    arctic = ok_json("history", ARCTIC.path, "--json", "--db", two_runs["db"])
    assert arctic["translations"] == {"en": site.url(ARCTIC_EN.path)}


def test_show_json(two_runs):
    site = two_runs["site"]
    latest = ok_json("show", SAHEL.path, "--json", "--db", two_runs["db"])
    first = ok_json("show", SAHEL.path, "--json", "--version", "1", "--db", two_runs["db"])
    for record in (latest, first):
        for field in (
            "url",
            "version",
            "title",
            "author",
            "published",
            "modified",
            "language",
            "text",
            "content_sha256",
            "first_seen",
            "last_seen",
            "extractor",
            "capture",
        ):
            assert field in record, field
        assert record["url"] == site.url(SAHEL.path) and record["title"] == SAHEL.title
        assert record["language"] == "fr" and ISO_Z.match(record["first_seen"]) and ISO_Z.match(record["published"])
        assert record["capture"]["http_status"] == 200
    assert (latest["version"], first["version"]) == (2, 1)
    assert NEW_PARAGRAPH in latest["text"] and NEW_PARAGRAPH not in first["text"]
    assert latest["content_sha256"] != first["content_sha256"]
    text = cess("show", SAHEL.path, "--db", two_runs["db"])
    assert text.stdout == f"{latest['title']}\n\n{latest['text']}\n"


def test_diff_html_written_before_the_diff_is_printed(two_runs):
    target = two_runs["tmp"] / "diff.html"
    result = cess("diff", SAHEL.path, "--html", str(target), "--db", two_runs["db"])
    assert result.exit_code == 0, result.output
    assert "{+Ce paragraphe a été réécrit" in result.stdout
    assert "<ins>" in target.read_text(encoding="utf-8")
    assert not [p for p in two_runs["tmp"].iterdir() if p.name.startswith(".diff.html")]  # no temporary left


# ------------------------------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", SAHEL.path, "--version", "0"], "Invalid value for '--version': 0 is not in the range x>=1"),
        (["show", SAHEL.path, "--version", "-2"], "Invalid value for '--version': -2 is not in the range x>=1"),
        (["show", SAHEL.path, "--version", "9"], "has no version 9 (versions are 1 to 2)"),
        (["show", SAHEL.path, "--json", "--raw"], "give --raw or --json, not both"),
        (["diff", SAHEL.path, "--from", "0"], "Invalid value for '--from': 0 is not in the range x>=1"),
        (["diff", SAHEL.path, "--to", "-1"], "Invalid value for '--to': -1 is not in the range x>=1"),
        (["diff", SAHEL.path, "--from", "2", "--to", "1"], "--from 2 must be older than --to 1"),
        (["diff", SAHEL.path, "--from", "2", "--to", "2"], "--from 2 must be older than --to 2"),
        (["diff", SAHEL.path, "--from", "2"], "--from 2 is not older than v2, the latest version of"),
        (["diff", SAHEL.path, "--from", "3"], "has no version 3 (versions are 1 to 2)"),
        (["diff", SAHEL.path, "--to", "1"], "--to 1 is the first version of"),
        (["diff", SAHEL.path, "--context", "-1"], "Invalid value for '--context': -1 is not in the range x>=0"),
        (["diff", ARCTIC.path], "has only one version: nothing to compare"),
        (["runs", "--errors", "99"], "no run 99 in the archive (runs are 1 to 2)"),
        (["runs", "--errors", "0", "--json"], "Invalid value for '--errors': 0 is not in the range x>=1"),
        (["runs", "--errors", str(2**64)], f"no run {2**64} in the archive (runs are 1 to 2)"),
        (
            ["reprocess", "--source", "nope"],
            "unknown source 'nope' for --source: known sources are anne-genetet, cess, mediapart-valette",
        ),
        (["changes", "--source", "Nope"], "unknown source 'Nope' for --source: known sources are "),
        (["changes", "--since", "2999-12-31T23:00:00+01:00"], "--since 2999-12-31T22:00:00Z is in the future"),
        (["changes", "--run", "-1"], "Invalid value for '--run': -1 is not in the range x>=1"),
        (["show", SAHEL.path, "--version", str(2**64)], f"has no version {2**64} (versions are 1 to 2)"),
    ],
)
def test_bad_values_are_one_line(two_runs, args, message):
    before = archive_digest(two_runs["path"])
    line = one_line_error(cess(*args, "--db", two_runs["db"]))
    assert line.startswith("cess-archive: error: ") and message in line
    assert archive_digest(two_runs["path"]) == before


@pytest.mark.parametrize(
    "target, message",
    [
        ("{tmp}/missing/diff.html", "directory {tmp}/missing does not exist"),
        ("{tmp}", "it is a directory"),
        ("{tmp}/fifo", "it is not a regular file"),
        ("/dev/null", "it is not a regular file"),
        ("/proc/cess-archive-diff.html", "no file can be created in /proc"),
    ],
)
def test_unwritable_diff_html_prints_nothing(two_runs, tmp_path, target, message):
    if not os.path.exists(tmp_path / "fifo"):
        os.mkfifo(tmp_path / "fifo")
    target, message = target.format(tmp=tmp_path), message.format(tmp=tmp_path)
    before = archive_digest(two_runs["path"])
    line = one_line_error(cess("diff", SAHEL.path, "--html", target, "--db", two_runs["db"], timeout=60))
    assert message in line and f"cannot write {target} (--html)" in line
    assert archive_digest(two_runs["path"]) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]  # no file, no temporary left


def test_reprocess_of_a_source(archive_copy):
    db = f"sqlite:///{archive_copy}"
    result = cess("reprocess", "--source", "cess", "--db", db)
    assert result.exit_code == 0, result.output
    pages = ok_json("runs", "--json", "--db", db)[0]["new_pages"]
    assert result.stdout.startswith(f"reprocessed {pages} pages: 0 extractor-change versions")
    other = cess("reprocess", "--source", "anne-genetet", "--db", db)  # a known source with no page here
    assert other.exit_code == 0 and other.stdout.startswith("reprocessed 0 pages")
