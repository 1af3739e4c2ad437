"""The change feed: events under the URL the page had at the time, and an Atom feed a reader can follow.

One archive for the module: the session's first crawl of the local copy, then a second crawl after an edit,
a retitling (with markup characters in the new title), a removal and a renamed slug (301).
"""

from __future__ import annotations

import html
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from tests.conftest import archive_digest, cess, crawl, one_line_error
from tests.site.content_posts import DRONES, LNG_TERMINALS, SAHEL, SPACE

A = "{http://www.w3.org/2005/Atom}"
NEW_SLUG = "drones-et-infrastructures-critiques-nouvelle-adresse"
NEW_PARAGRAPH = "Ce paragraphe a été réécrit pour le flux de changements."
NEW_TITLE = "Espace : la <guerre> des satellites & des brouilleurs"


@pytest.fixture(scope="module")
def changed(site, archived, tmp_path_factory):
    path = tmp_path_factory.mktemp("change-feed") / "archive.sqlite"
    shutil.copyfile(archived, path)
    db = f"sqlite:///{path}"
    state = site.state
    state.reset()
    state.clear_faults()
    state.edit_paragraph(SAHEL.slug, 1, NEW_PARAGRAPH)
    state.set_title(SPACE.slug, NEW_TITLE)
    state.delete_post(LNG_TERMINALS.slug)
    state.rename_post(DRONES.slug, NEW_SLUG)
    try:
        result = crawl(site, db)
        assert result.exit_code == 0, result.output
    finally:
        state.reset()
    return {"db": db, "path": path, "site": site, "old": site.url(DRONES.path), "new": site.url(f"/post/{NEW_SLUG}")}


def changes(changed, *args: str):
    result = cess("changes", *args, "--db", changed["db"])
    assert result.exit_code == 0, result.output
    return result.stdout


def feed(changed, *args: str) -> ET.Element:
    return ET.fromstring(changes(changed, "--format", "atom", *args).encode("utf-8"))


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def entry_for(root: ET.Element, kind: str) -> ET.Element:
    (found,) = [e for e in entries(root) if e.find(f"{A}category").get("term") == kind]
    return found


# ------------------------------------------------------------------------------------ URL of the time


def test_text_shows_the_url_at_the_time_and_the_url_now(changed):
    lines = changes(changed, "--run", "1").splitlines()
    (drones,) = [line for line in lines if changed["old"] in line]
    assert f" new              v1   {changed['old']} (now {changed['new']}) «{DRONES.title}»" in drones
    assert [line for line in lines if "(now " in line] == [drones]


def test_text_of_the_move_itself(changed):
    lines = changes(changed, "--run", "2").splitlines()
    (moved,) = [line for line in lines if "  moved  " in line]
    assert f"   {changed['new']} «{DRONES.title}»" in moved and "(now " not in moved
    assert f"(from {changed['old']} to {changed['new']})" in moved
    assert len(lines) == 4


def test_json_keeps_url_now_and_url_at_event(changed):
    events = json.loads(changes(changed, "--run", "1", "--format", "json"))
    (drones,) = [e for e in events if e["url_at_event"] == changed["old"]]
    assert drones["url"] == changed["new"] and drones["kind"] == "new"
    assert all(e["url"] == e["url_at_event"] for e in events if e is not drones)


def test_history_lists_each_event_under_its_url(changed):
    result = cess("history", changed["old"], "--db", changed["db"])
    assert result.exit_code == 0, result.output
    events = result.stdout.split("events:\n")[1].splitlines()
    assert f"{changed['old']} (now {changed['new']})" in events[0] and " new " in events[0]
    assert " moved " in events[1] and "(now " not in events[1]


def test_source_filter(changed):
    everything = json.loads(changes(changed, "--run", "2", "--format", "json"))
    of_cess = json.loads(changes(changed, "--run", "2", "--format", "json", "--source", "cess"))
    assert of_cess == everything and len(everything) == 4
    # without --run, the latest run of that source
    assert json.loads(changes(changed, "--format", "json", "--source", "cess")) == everything


# -------------------------------------------------------------------------------------------- Atom


def test_atom_has_the_required_elements(changed):
    root = feed(changed, "--run", "2")
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert (root.findtext(f"{A}{tag}") or "").strip(), tag
    assert root.findtext(f"{A}id").startswith("urn:uuid:")
    assert root.find(f"{A}author/{A}name").text
    assert datetime.fromisoformat(root.findtext(f"{A}updated").replace("Z", "+00:00")).tzinfo is not None
    found = entries(root)
    assert sorted(e.find(f"{A}category").get("term") for e in found) == ["edited", "moved", "removed", "retitled"]
    for entry in found:
        for tag in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{A}{tag}") or "").strip(), tag
        assert entry.findtext(f"{A}updated").endswith("Z")
        assert entry.find(f"{A}link").get("href").startswith(changed["site"].base_url)
        content = entry.find(f"{A}content")
        assert content.get("type") == "html" and content.text.startswith("<p>")
    assert root.find(f"{A}link[@rel='self']") is None


def test_feed_id_is_the_same_whatever_the_run_or_date(changed):
    ids = {
        feed(changed, *args).findtext(f"{A}id")
        for args in (("--run", "1"), ("--run", "2"), ("--since", "2000-01-01"), ())
    }
    assert len(ids) == 1
    of_cess = {feed(changed, "--source", "cess", *args).findtext(f"{A}id") for args in (("--run", "1"), ())}
    assert len(of_cess) == 1 and of_cess != ids  # one feed per source, another for all sources


def test_entry_ids_are_unique_and_stable(changed):
    everything = feed(changed, "--since", "2000-01-01")
    ids = [e.findtext(f"{A}id") for e in entries(everything)]
    assert len(ids) == len(set(ids)) == 37 + 4
    assert all(i.startswith("urn:uuid:") for i in ids)
    by_run = [e.findtext(f"{A}id") for e in entries(feed(changed, "--run", "2"))]
    by_source = [e.findtext(f"{A}id") for e in entries(feed(changed, "--run", "2", "--source", "cess"))]
    assert by_run == by_source == ids[:4]  # newest first: run 2's events head the full feed
    assert changes(changed, "--format", "atom", "--run", "2") == changes(changed, "--format", "atom", "--run", "2")


def test_entries_link_to_the_url_of_the_time(changed):
    run1 = [e for e in entries(feed(changed, "--run", "1")) if e.find(f"{A}link").get("href") == changed["old"]]
    assert len(run1) == 1
    content = run1[0].findtext(f"{A}content")
    assert f'(now <a href="{changed["new"]}">' in content
    moved = entry_for(feed(changed, "--run", "2"), "moved")
    assert moved.find(f"{A}link").get("href") == changed["new"]
    assert changed["old"] in moved.findtext(f"{A}content") and changed["new"] in moved.findtext(f"{A}content")


def test_entry_content_says_what_changed(changed):
    root = feed(changed, "--run", "2")
    edited = entry_for(root, "edited").findtext(f"{A}content")
    assert "<ins>Ce paragraphe a été réécrit pour le flux</ins>" in edited and "<del>Les groupes armés" in edited
    assert "words added" in edited and "similarity" in edited
    assert edited.count("<p>") <= 3 + 3  # the numbers, at most three paragraphs, a note, the link
    retitled = entry_for(root, "retitled")
    content = retitled.findtext(f"{A}content")
    assert f"<ins>{html.escape(NEW_TITLE)}</ins>" in content and f"<del>{html.escape(SPACE.title)}</del>" in content
    assert "<guerre>" not in content  # page text is escaped: a reader renders it as text
    assert retitled.findtext(f"{A}title") == f"Retitled: {NEW_TITLE}"
    removed = entry_for(root, "removed").findtext(f"{A}content")
    assert "HTTP 404" in removed


def test_feed_url_is_the_self_link(changed):
    root = feed(changed, "--feed-url", "https://archive.example.org/changes.atom")
    link = root.find(f"{A}link[@rel='self']")
    assert link is not None and link.get("href") == "https://archive.example.org/changes.atom"


# ---------------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "atom", "--feed-url", "ftp://example.org/feed"], "--feed-url must be an http(s) URL, got "),
        (["--format", "atom", "--feed-url", "changes.atom"], "--feed-url must be an http(s) URL"),
        (["--feed-url", "https://example.org/feed"], "--feed-url goes with --format atom"),
        (["--since", "2999-01-01"], "--since 2999-01-01T00:00:00Z is in the future"),
        (
            ["--since", "yesterday"],
            "--since expects an ISO 8601 date or date-time (e.g. 2026-03-01 or "
            "2026-03-01T12:00:00Z), got 'yesterday': not an ISO 8601 date or date-time",
        ),
        (
            ["--since", "0001-01-01T00:00:00+01:00"],
            "got '0001-01-01T00:00:00+01:00': out of range once converted to UTC",
        ),
        (["--run", "99"], "no run 99 in the archive (runs are 1 to 2)"),
        (["--run", "0", "--format", "atom"], "Invalid value for '--run': 0 is not in the range x>=1"),
        (
            ["--since", ""],
            "--since expects an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T12:00:00Z), got ''",
        ),
        (["--run", "1", "--since", "2026-01-01"], "give --run or --since, not both"),
        (["--source", "nope"], "unknown source 'nope' for --source: known sources are "),
        (["--source", "mediapart-valette"], "the archive has no run of source 'mediapart-valette' yet"),
    ],
)
def test_bad_values_are_one_line(changed, args, message):
    before = archive_digest(changed["path"])
    line = one_line_error(cess("changes", *args, "--db", changed["db"]))
    assert message in line
    assert archive_digest(changed["path"]) == before
