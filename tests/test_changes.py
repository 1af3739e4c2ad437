"""Change tracking through site states: exact events and version counts, and the archivists' commands.

One archive follows the local copy through the states of the issue: a first crawl, the same state,
template-only churn, five kinds of change at once, a restoration, server failures, and a re-extraction.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from archive import make_engine, make_sessionmaker
from crawler.reprocessing import current_extractor, reprocess_archive
from tests.conftest import cess, crawl, path_of
from tests.site.content_posts import CLOUD, DRONES, LNG_TERMINALS, SAHEL, SPACE

EDITED, RETITLED, DELETED, RENAMED = SAHEL, SPACE, LNG_TERMINALS, DRONES
NEW_SLUG = "drones-et-infrastructures-critiques-nouvelle-adresse"
ADDED_SLUG = "note-de-conjoncture-hiver-2026"
NEW_TITLE = "Espace : la guerre des satellites est déjà là"


def events(db_url: str, *args: str) -> list[dict]:
    result = cess("changes", "--format", "json", "--db", db_url, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def counts(db_url: str) -> tuple[int, int]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        return (
            connection.execute("SELECT count(*) FROM pages").fetchone()[0],
            connection.execute("SELECT count(*) FROM versions").fetchone()[0],
        )


def run_crawl(site, db_url, *extra, expect=0):
    result = crawl(site, db_url, *extra)
    assert result.exit_code == expect, result.output
    return result


@pytest.fixture(scope="module")
def timeline(site, tmp_path_factory):
    """Runs every state once, in order, and keeps what each step reported."""
    tmp = tmp_path_factory.mktemp("changes")
    db_url = f"sqlite:///{tmp / 'archive.sqlite'}"
    state = site.state
    state.reset()
    steps = {}

    # 1. first crawl
    run_crawl(site, db_url)
    steps["first"] = (events(db_url), counts(db_url))

    # 2. the same state again
    run_crawl(site, db_url)
    steps["same"] = (events(db_url), counts(db_url))

    # 3. template churn on every page, a dateModified bump, markup-only changes on every post
    state.rebuild()
    state.republish(CLOUD.slug)
    for post in state.live_posts():
        state.change_markup(post.slug)
    run_crawl(site, db_url)
    steps["churn"] = (events(db_url), counts(db_url))

    # 4. one edit, one retitling, one deletion, one renamed slug (301), one new post
    state.edit_paragraph(EDITED.slug, 1, "Ce paragraphe a été entièrement réécrit par la rédaction du Centre.")
    state.set_title(RETITLED.slug, NEW_TITLE)
    state.delete_post(DELETED.slug)
    state.rename_post(RENAMED.slug, NEW_SLUG)
    state.add_post(
        ADDED_SLUG,
        "Note de conjoncture : hiver 2026",
        [
            "Le Centre publie sa note de conjoncture sur les menaces de l’hiver 2026.",
            "Trois tendances se dégagent : la pression hybride, la cybercriminalité et les ingérences.",
        ],
    )
    run_crawl(site, db_url)
    steps["five"] = (events(db_url), counts(db_url))

    # 5. the deleted post comes back unchanged
    state.restore_post(DELETED.slug)
    run_crawl(site, db_url)
    steps["restored"] = (events(db_url), counts(db_url))

    # 6. a 503 and a timeout
    state.set_fault(EDITED.path, status=503)
    state.set_fault(RETITLED.path, status=None, delay=4)
    faulty = run_crawl(site, db_url, "--set", "RETRY_TIMES=1", "--set", "DOWNLOAD_TIMEOUT=1.5", expect=1)
    state.clear_faults()
    steps["faults"] = (events(db_url), counts(db_url), faulty)
    yield {"db": db_url, "site": site, "steps": steps, "tmp": tmp}
    state.reset()


def test_first_crawl_every_page_new(timeline):
    found, (pages, versions) = timeline["steps"]["first"]
    assert pages == versions and pages >= 30
    assert Counter(e["kind"] for e in found) == {"new": pages}
    assert {e["version"] for e in found} == {1}


def test_same_state_all_unchanged(timeline):
    found, (pages, versions) = timeline["steps"]["same"]
    assert found == [] and (pages, versions) == timeline["steps"]["first"][1]


def test_template_churn_and_markup_changes_make_nothing(timeline):
    found, sizes = timeline["steps"]["churn"]
    assert found == [] and sizes == timeline["steps"]["first"][1]


def test_exactly_the_five_events(timeline):
    found, (pages, versions) = timeline["steps"]["five"]
    before_pages, before_versions = timeline["steps"]["first"][1]
    by_kind = {e["kind"]: e for e in found}
    assert sorted(e["kind"] for e in found) == ["edited", "moved", "new", "removed", "retitled"]
    assert path_of(by_kind["edited"]["url"]) == EDITED.path
    assert by_kind["edited"]["details"]["words_added"] > 0 and 0 < by_kind["edited"]["details"]["similarity"] < 1
    assert path_of(by_kind["retitled"]["url"]) == RETITLED.path
    assert by_kind["retitled"]["details"]["new_title"] == NEW_TITLE
    assert path_of(by_kind["removed"]["url"]) == DELETED.path and by_kind["removed"]["details"]["http_status"] == 404
    assert path_of(by_kind["moved"]["url"]) == f"/post/{NEW_SLUG}"
    assert path_of(by_kind["moved"]["details"]["from_url"]) == RENAMED.path
    assert path_of(by_kind["new"]["url"]) == f"/post/{ADDED_SLUG}"
    assert (pages, versions) == (before_pages + 1, before_versions + 3)  # the new post, the edit, the title


def test_restored_without_new_version(timeline):
    found, sizes = timeline["steps"]["restored"]
    assert [(e["kind"], path_of(e["url"])) for e in found] == [("restored", DELETED.path)]
    assert sizes == timeline["steps"]["five"][1]


def test_failures_make_no_event_and_are_reported(timeline):
    found, sizes, result = timeline["steps"]["faults"]
    assert found == [] and sizes == timeline["steps"]["five"][1]
    assert "errors 2" in result.stdout
    runs = cess("runs", "--db", timeline["db"])
    assert runs.stdout.strip().splitlines()[-1].split()[-1] == "2"


def test_history_follows_the_moved_page(timeline):
    site, db = timeline["site"], timeline["db"]
    result = cess("history", site.url(RENAMED.path), "--db", db)  # the old URL still finds the page
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == site.url(f"/post/{NEW_SLUG}")
    assert f"also reached as {site.url(RENAMED.path)}" in result.stdout
    assert "moved" in result.stdout and "v1 " in result.stdout and "v2" not in result.stdout


def test_history_shows_removal_and_restoration(timeline):
    result = cess("history", timeline["site"].url(DELETED.path), "--db", timeline["db"])
    assert result.exit_code == 0, result.output
    kinds = [line.split()[1] for line in result.stdout.split("events:")[1].strip().splitlines()]
    assert kinds == ["new", "removed", "restored"]
    assert "live" in result.stdout.splitlines()[1]


def test_diff_of_the_edit(timeline):
    site, db = timeline["site"], timeline["db"]
    result = cess("diff", site.url(EDITED.path), "--db", db)
    assert result.exit_code == 0, result.output
    assert "{+Ce paragraphe a été entièrement réécrit par la rédaction du Centre.+}" in result.stdout
    assert "[-" in result.stdout and "\x1b[" not in result.stdout  # plain when piped
    html_file = timeline["tmp"] / "diff.html"
    result = cess("diff", site.url(RETITLED.path), "--html", str(html_file), "--db", db)
    assert result.exit_code == 0, result.output
    page = html_file.read_text(encoding="utf-8")
    assert f"<ins>{NEW_TITLE}</ins>" in page and "<del>" in page and "<script" not in page


def test_show_text_and_raw(timeline):
    site, db = timeline["site"], timeline["db"]
    text = cess("show", site.url(EDITED.path), "--version", "1", "--db", db)
    assert text.exit_code == 0 and text.stdout.startswith(EDITED.title)
    assert "Ce paragraphe a été entièrement réécrit" not in text.stdout
    raw = cess("show", site.url(EDITED.path), "--raw", "--db", db)
    assert raw.exit_code == 0 and "wix-warmup-data" in raw.stdout and "Ce paragraphe a été" in raw.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["history", "http://127.0.0.1:9/post/nope"], "no archived page at"),
        (["show", "{edited}", "--version", "99"], "has no version 99"),
        (["diff", "{edited}", "--from", "7"], "has no version 7"),
        (["changes", "--run", "999"], "no run 999"),
        (["changes", "--since", "last tuesday"], "not an ISO 8601 date"),
    ],
)
def test_unknown_url_or_version_is_one_line(timeline, args, message):
    args = [a.format(edited=timeline["site"].url(EDITED.path)) for a in args]
    result = cess(*args, "--db", timeline["db"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_changes_formats(timeline):
    db = timeline["db"]
    run_ids = [int(line.split()[0]) for line in cess("runs", "--db", db).stdout.splitlines()[1:]]
    fifth = run_ids[3]
    text = cess("changes", "--run", str(fifth), "--db", db)
    assert text.exit_code == 0 and len(text.stdout.strip().splitlines()) == 5
    atom = cess("changes", "--run", str(fifth), "--format", "atom", "--db", db)
    feed = ET.fromstring(atom.stdout.encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 5
    assert {e.find("a:category", ns).get("term") for e in entries} == {"new", "edited", "retitled", "removed", "moved"}
    since = events(db, "--since", "2000-01-01")
    assert len(since) == len(events(db, "--run", "1")) + 5 + 1


def test_reprocess(timeline):
    db = timeline["db"]
    _, versions_before = counts(db)
    result = cess("reprocess", "--db", db)  # same extractor: nothing changes
    assert result.exit_code == 0, result.output
    assert "0 extractor-change versions" in result.stdout and counts(db)[1] == versions_before

    def tweaked(body, content_type, url):  # an extractor that now writes list bullets differently
        content = current_extractor(body, content_type, url)
        if content is None:
            return None
        return type(content)(**{**content.__dict__, "text": content.text.replace("• ", "- ")})

    with sqlite3.connect(db.removeprefix("sqlite:///")) as connection:
        expected = {
            row[0]
            for row in connection.execute(
                "SELECT p.url FROM pages p JOIN versions v ON v.page_id = p.id WHERE v.number = "
                "(SELECT max(number) FROM versions WHERE page_id = p.id) AND v.text LIKE '%• %'"
            )
        }
    assert expected
    engine = make_engine(db)
    with make_sessionmaker(engine).begin() as session:
        outcome = reprocess_archive(session, extractor=tweaked)
    engine.dispose()
    assert outcome.changed == len(expected)
    found = [e for e in events(db, "--since", "2000-01-01") if e["kind"] == "extractor-change"]
    assert {e["url"] for e in found} == expected
    assert not [e for e in found if e["kind"] == "edited"]
    with sqlite3.connect(db.removeprefix("sqlite:///")) as connection:
        reasons = Counter(r[0] for r in connection.execute("SELECT reason FROM versions"))
    assert reasons["extractor-change"] == len(expected)
