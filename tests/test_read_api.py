"""The read API (``archive.reading``), raw bodies (``archive.raw``), word diffs (``archive.diffing``) and the
date parser of ``--since``/``--as-of`` (``archive.content.parse_instant``), on small archives written
straight through ``archive.store`` into a temporary SQLite file (and a PostgreSQL schema): no crawl, no
subprocess, seconds in all.
"""

from __future__ import annotations

import zlib
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta

import pytest

from archive import Content, Fetched, make_engine, make_sessionmaker, record_capture, start_run
from archive.content import parse_instant
from archive.diffing import change_stats, join_tokens, paragraph_diff, tokenize, word_diff
from archive.raw import Damaged, body_sha256, inflated_digest, raw_body, sha256_hex, store_raw
from archive.reading import (
    NotFound,
    Selection,
    change_feed,
    change_list,
    diff_versions,
    event_versions,
    get_run,
    get_version,
    known_pages,
    latest_run_id,
    list_runs,
    lookup_page,
    raw_capture,
    records,
    resolve_page,
    source_names,
    timeline,
)
from archive.store import finish_run, record_error, record_gone, record_redirect

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=7)
ORIGIN = "https://www.cess.example"
SAHEL = f"{ORIGIN}/post/barom%C3%A8tre-du-sahel"  # the crawler's spelling: percent-encoded, upper-case hex
SAHEL_OLD = f"{ORIGIN}/post/barometre-sahel-2025"
ARCTIC = f"{ORIGIN}/post/arctique-nouvelle-frontiere"
DRONES = f"{ORIGIN}/post/drones-et-infrastructures"
SAHEL_TEXT = "Le Sahel reste instable.\nLes coups d'État se succèdent.\nLa France s'est retirée."
SAHEL_EDITED = "Le Sahel reste instable.\nLes coups d'État se sont succédé.\nLa France s'est retirée."


# ------------------------------------------------------------------------- builders of small archives


class Archive:
    """A small archive in a temporary SQLite file, written through ``archive.store``'s write functions."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.Session = make_sessionmaker(engine=self.engine)

    def run(self, source: str = "cess") -> int:
        with self.Session.begin() as session:
            return start_run(session, source, ORIGIN).id

    def finish(self, run_id: int, status: str = "finished") -> None:
        with self.Session.begin() as session:
            finish_run(session, run_id, status)

    def page(self, run_id, url, text, *, title="Titre", at=T0, body=None, aliases=(), translations=None, **extra):
        body = body if body is not None else f"<html><h1>{title}</h1><p>{text}</p></html>".encode()
        content = Content(
            title=title,
            author="Rédaction CESS",
            published=T0 - timedelta(days=30),
            modified=at,
            text=text,
            language="fr",
            declared_language="fr",
            translations=translations or {},
            extractor="test/1",
        )
        with self.Session.begin() as session:
            return record_capture(
                session,
                run_id=run_id,
                source="cess",
                kind="article",
                page_url=url,
                fetched=fetched(url, body, at),
                content=content,
                aliases=aliases,
            )

    def gone(self, run_id, url, at) -> None:
        with self.Session.begin() as session:
            record_gone(session, run_id=run_id, url=url, fetched=fetched(url, b"Not Found", at, status=404))

    def moved(self, run_id, old_url, new_url, at) -> None:
        with self.Session.begin() as session:
            record_redirect(session, old_url, new_url, run_id=run_id, status=301, at=at)

    def error(self, run_id, url, reason) -> None:
        with self.Session.begin() as session:
            record_error(session, run_id, url, reason, kind="HTTP 503")


def fetched(url: str, body: bytes, at: datetime, status: int = 200) -> Fetched:
    return Fetched(
        requested_url=url,
        url=url,
        status=status,
        body=body,
        fetched_at=at,
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": f'W/"{sha256_hex(body)[:8]}"'},
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request, tmp_path):
    """An empty archive in a temporary SQLite file, and in a schema of its own on the PostgreSQL server."""
    sqlite = request.param == "sqlite"
    archive = Archive(f"sqlite:///{tmp_path / 'archive.sqlite'}" if sqlite else request.getfixturevalue("pg_url"))
    yield archive
    archive.engine.dispose()


@pytest.fixture
def two_runs(empty):
    """Run 1 finds the Sahel barometer (reached once under an old slug) and the Arctic note; run 2 finds the
    barometer edited, the Arctic note gone (404), a new post on drones, and one error."""
    archive = empty
    first = archive.run()
    archive.page(first, SAHEL, SAHEL_TEXT, title="Baromètre du Sahel", aliases=[SAHEL_OLD])
    archive.page(first, ARCTIC, "L'Arctique devient une frontière.", title="Arctique", translations={"en": ARCTIC})
    archive.finish(first)
    second = archive.run()
    archive.page(second, SAHEL, SAHEL_EDITED, title="Baromètre du Sahel, édition 2026", at=T1)
    archive.gone(second, ARCTIC, T1 + timedelta(minutes=1))
    archive.page(
        second, DRONES, "Les drones menacent les sites sensibles.", title="Drones", at=T1 + timedelta(minutes=2)
    )
    archive.error(second, f"{ORIGIN}/post/indisponible", "HTTP 503 after 3 retries")
    archive.finish(second)
    return archive


# ------------------------------------------------------------------------------------- finding a page


@pytest.mark.parametrize(
    "form",
    [
        SAHEL,
        SAHEL + "/",
        SAHEL.replace("%C3%A8", "%c3%a8"),  # lower-case escapes
        f"{ORIGIN}/post/baromètre-du-sahel",  # raw Unicode
        SAHEL.replace("https://www.", "http://"),  # http, without www
        SAHEL + "?utm_source=newsletter&fbclid=x&lang=fr#commentaires",
        SAHEL.removeprefix("https://"),  # no scheme
        "/post/baromètre-du-sahel",  # the path alone
        "post/barom%C3%A8tre-du-sahel/",  # the path without its slash, encoded, trailing slash
        SAHEL_OLD,  # an old slug (an alias)
        "  " + SAHEL + "  ",
    ],
)
def test_any_url_form_finds_the_page(two_runs, form):
    with two_runs.Session() as session:
        assert resolve_page(session, form).url == SAHEL


def test_an_unknown_url_suggests_the_closest_pages(two_runs):
    with two_runs.Session() as session:
        found = lookup_page(session, f"{ORIGIN}/post/barometre-du-sahe")
        assert found.page is None and found.suggestions[0] == SAHEL
        assert found.problem == f"no archived page at {ORIGIN}/post/barometre-du-sahe; closest: " + ", ".join(
            found.suggestions
        )
        with pytest.raises(NotFound, match=r"^no URL given"):
            resolve_page(session, " ")


def test_a_path_two_origins_have_is_ambiguous(two_runs):
    run = two_runs.run()
    other = "https://autre.example/post/arctique-nouvelle-frontiere"
    two_runs.page(run, other, "Ailleurs.", at=T1)
    with two_runs.Session() as session:
        found = lookup_page(session, "/post/arctique-nouvelle-frontiere")
        assert found.page is None and found.ambiguous == tuple(sorted([ARCTIC, other]))
        assert "is ambiguous: it matches 2 archived pages" in found.problem
        assert resolve_page(session, other).url == other  # a full URL is not


# ------------------------------------------------------------------------------------------- timeline


def test_timeline_of_a_page(two_runs):
    with two_runs.Session() as session:
        story = timeline(session, resolve_page(session, SAHEL))
    page = story.page
    assert (page.url, page.kind, page.status, page.source) == (SAHEL, "article", "live", "cess")
    assert (page.first_seen, page.last_seen) == (T0, T1)
    assert story.aliases == (SAHEL_OLD,)
    assert [v.number for v in story.versions] == [1, 2]
    assert [v.title for v in story.versions] == ["Baromètre du Sahel", "Baromètre du Sahel, édition 2026"]
    assert [(e.kind, e.version) for e in story.events] == [("new", 1), ("retitled", 2)]
    assert [(c.http_status, c.version_id) for c in story.captures] == [(200, v.id) for v in story.versions]
    record = story.as_dict()
    assert list(record) == [
        *("url", "source", "kind", "status", "first_seen", "last_seen", "aliases", "duplicate_of"),
        *("translations", "versions", "events"),
    ]
    assert record["first_seen"] == "2026-01-05T08:00:00Z" and "text" not in record["versions"][0]
    assert record["events"][1]["details"]["from_version"] == 1
    with pytest.raises(FrozenInstanceError):
        story.page.url = "elsewhere"  # type: ignore[misc]


def test_timeline_of_a_removed_page_keeps_its_404_and_translations(two_runs):
    with two_runs.Session() as session:
        story = timeline(session, resolve_page(session, ARCTIC))
    assert story.page.status == "removed" and story.page.translations == {"en": ARCTIC}
    assert [(c.http_status, c.version_id is None) for c in story.captures] == [(200, False), (404, True)]
    assert [e.kind for e in story.events] == ["new", "removed"]
    removed = story.events[1]
    assert removed.version is None and removed.title == "Arctique"  # the page's latest title
    assert removed.details["http_status"] == 404


def test_a_move_keeps_the_history_under_the_new_url(two_runs):
    run = two_runs.run()
    new_url = f"{ORIGIN}/post/drones-infrastructures-critiques"
    two_runs.page(run, new_url, "Les drones menacent les sites sensibles.", title="Drones", at=T1 + timedelta(days=1))
    two_runs.moved(run, DRONES, new_url, T1 + timedelta(days=1))
    with two_runs.Session() as session:
        page = resolve_page(session, DRONES)
        assert page.url == new_url
        moved = change_list(session, run_id=run).events
    assert [(e.kind, e.page_url, e.details["from_url"]) for e in moved] == [("moved", new_url, DRONES)]


# ------------------------------------------------------------------------- versions, raw bytes, diffs


def test_a_version_with_its_provenance(two_runs):
    with two_runs.Session() as session:
        page = resolve_page(session, SAHEL)
        latest, first = get_version(session, page), get_version(session, page, 1)
        assert latest.number == 2 and latest.text == SAHEL_EDITED and latest.first_seen == T1
        assert first.reason == "crawl" and first.extractor == "test/1" and first.run_id == 1
        capture = first.capture
        assert capture is not None and (capture.http_status, capture.fetched_at, capture.run_id) == (200, T0, 1)
        assert capture.etag and capture.content_type == "text/html; charset=utf-8"
        assert (
            raw_capture(session, page, first) == f"<html><h1>Baromètre du Sahel</h1><p>{SAHEL_TEXT}</p></html>".encode()
        )
        assert sha256_hex(raw_capture(session, page, latest)) == latest.capture.raw_sha256
        for number in (3, 2**64):
            with pytest.raises(NotFound, match=rf"has no version {number} \(versions are 1 to 2\)$"):
                get_version(session, page, number)
    record = first.as_dict(page.url)
    assert record["version"] == 1 and record["text"] == SAHEL_TEXT and record["capture"]["run"] == 1
    assert list(record)[-1] == "capture" and "text" not in first.as_dict(page.url, text=False)


def test_a_version_without_raw_capture(two_runs):
    from archive.models import Capture

    with two_runs.Session.begin() as session:  # a capture kept without its body (as a 304 is)
        page = resolve_page(session, DRONES)
        session.get_one(Capture, get_version(session, page).capture.id).raw_sha256 = None
    with two_runs.Session() as session:
        version = get_version(session, page)
        with pytest.raises(NotFound, match=f"^no raw capture is stored for version 1 of {DRONES}$"):
            raw_capture(session, page, version)


def test_diff_between_two_versions(two_runs):
    with two_runs.Session() as session:
        page = resolve_page(session, SAHEL)
        changes = diff_versions(get_version(session, page, 1), get_version(session, page, 2))
    assert changes.retitled
    assert [(op.kind, op.words) for op in changes.words if op.kind != "equal"] == [
        ("delete", ("succèdent.",)),
        ("insert", ("sont", "succédé.")),
    ]
    assert [h.kind for h in changes.paragraphs] == ["equal", "change", "equal"]
    assert [op.words for op in changes.title if op.kind == "insert"] == [("Sahel,", "édition", "2026")]


# ------------------------------------------------------------------------------------ changes and runs


def test_changes_of_a_run_and_since_a_date(two_runs):
    with two_runs.Session() as session:
        latest = change_list(session)
        assert latest.run_id == 2 and latest.since is None
        assert [(e.kind, e.url) for e in latest.events] == [("retitled", SAHEL), ("removed", ARCTIC), ("new", DRONES)]
        assert [e.kind for e in change_list(session, run_id=1).events] == ["new", "new"]
        since = change_list(session, since=T1 + timedelta(seconds=30))
        assert since.run_id is None and [e.kind for e in since.events] == ["removed", "new"]
        assert change_list(session, source="cess").source == "cess"
        assert change_list(session, since=T1 + timedelta(days=1)).events == ()
        with pytest.raises(NotFound, match=r"^no run 9 in the archive \(runs are 1 to 2\)$"):
            change_list(session, run_id=9)
        with pytest.raises(NotFound, match=r"^the archive has no run of source 'mediapart' yet$"):
            change_list(session, source="mediapart")
        assert latest.events[0].as_dict()["url_at_event"] == SAHEL


def test_the_versions_an_event_compares(two_runs):
    with two_runs.Session() as session:
        retitled, removed, new = change_list(session).events
        old, made = event_versions(session, retitled)
        assert (old.number, made.number) == (1, 2) and old.text == SAHEL_TEXT
        assert event_versions(session, removed) == (None, None)
        first, made = event_versions(session, new)
        assert first is None and made.title == "Drones"


def test_the_feed_is_the_same_whatever_the_run(two_runs):
    with two_runs.Session() as session:
        feed = change_feed(session)
        assert feed.updated >= T0 and feed.site_url is None
        assert change_feed(session, "cess").site_url == ORIGIN
        assert change_feed(session, "cess").id != feed.id
    run = two_runs.run()
    two_runs.finish(run)
    with two_runs.Session() as session:
        again = change_feed(session)
    assert (again.id, again.entry_id(7)) == (feed.id, feed.entry_id(7)) and again.updated >= feed.updated


def test_an_archive_without_runs(empty):
    with empty.Session() as session:
        assert list_runs(session) == [] and latest_run_id(session) is None
        with pytest.raises(NotFound, match=r"^the archive has no run yet$"):
            change_list(session)
        with pytest.raises(NotFound, match=r"^the archive has no run yet: there is no feed to make$"):
            change_feed(session)
        with pytest.raises(NotFound, match=r"^no run 1 in the archive \(the archive has no run\)$"):
            get_run(session, 1)
        assert source_names(session) == set()


def test_runs_and_their_errors(two_runs):
    with two_runs.Session() as session:
        runs = list_runs(session)
        second = get_run(session, 2)
        with pytest.raises(NotFound, match=r"^no run 18446744073709551616 in the archive \(runs are 1 to 2\)$"):
            get_run(session, 2**64)
        assert source_names(session) == {"cess"}
    assert [(r.id, r.status, r.message) for r in runs] == [(1, "finished", None), (2, "finished", None)]
    assert (second.fetched, second.new_pages, second.new_versions, second.errors) == (2, 1, 2, 1)  # a 404 is no fetch
    (error,) = second.error_details
    assert error["url"] == f"{ORIGIN}/post/indisponible" and error["kind"] == "HTTP 503" and error["at"].endswith("Z")
    record = second.as_dict(exit_status=1)
    assert record["run"] == 2 and record["exit_status"] == 1 and record["error_details"] == [error]
    assert list(record)[:4] == ["run", "status", "finish_reason", "message"]


def test_known_pages_for_the_next_crawl(two_runs):
    with two_runs.Session() as session:
        pages = known_pages(session, "cess")
        assert [(p.url, p.status) for p in pages] == [(SAHEL, "live"), (ARCTIC, "removed"), (DRONES, "live")]
        assert pages[0].etag == get_version(session, resolve_page(session, SAHEL)).capture.etag  # the latest's
        assert known_pages(session, "mediapart") == []


def test_export_selection_takes_the_latest_version(two_runs):
    with two_runs.Session() as session:
        latest = [(r["url"], r["version"]) for r in records(session, Selection())]
        everything = [
            (r["url"], r["version"]) for r in records(session, Selection(all_versions=True, include_removed=True))
        ]
        then = [(r["url"], r["version"]) for r in records(session, Selection(as_of=T0 + timedelta(days=1)))]
    assert latest == [(SAHEL, 2), (DRONES, 1)]  # by URL; the removed page is left out
    assert everything == [(ARCTIC, 1), (SAHEL, 1), (SAHEL, 2), (DRONES, 1)]
    assert then == [(ARCTIC, 1), (SAHEL, 1)]


# ------------------------------------------------------------------------------------------ raw bodies


def test_raw_bodies_are_stored_once_and_read_back(empty):
    body = ("<html>" + "é" * 3000 + "</html>").encode()
    with empty.Session.begin() as session:
        sha = store_raw(session, body)
        assert store_raw(session, body) == sha == sha256_hex(body)
    with empty.Session() as session:
        assert raw_body(session, sha) == body
        assert raw_body(session, "0" * 64) is None
    data = zlib.compress(body)
    assert inflated_digest(data) == (sha, len(body))
    assert body_sha256("zlib", data) == sha
    assert body_sha256("zlib", b"not zlib") == "stored:" + sha256_hex(b"not zlib")


@pytest.mark.parametrize(
    "data, expected",
    [
        (zlib.compress(b"x" * 100)[:-4], "a complete zlib stream"),
        (zlib.compress(b"x" * 100) + b"tail", "a zlib stream alone"),
        (b"garbage", "a zlib stream"),
    ],
)
def test_a_damaged_raw_body_is_named(data, expected):
    with pytest.raises(Damaged) as caught:
        inflated_digest(data)
    assert caught.value.expected == expected


# -------------------------------------------------------------------------------------------- diffing


def test_word_diff_keeps_line_breaks_and_replacements():
    assert tokenize("un  deux\r\ntrois") == ["un", "deux", "\n", "trois"]
    ops = word_diff("un deux\ntrois", "un quatre\ntrois")
    assert [(op.kind, op.words) for op in ops] == [
        ("equal", ("un",)),
        ("delete", ("deux",)),
        ("insert", ("quatre",)),
        ("equal", ("\n", "trois")),
    ]
    assert join_tokens(("un", "deux", "\n", "trois")) == "un deux\ntrois"
    assert word_diff("", "") == []


def test_change_stats_tell_a_typo_from_a_rewrite():
    text = " ".join(f"mot{i}" for i in range(100))
    typo = change_stats(text, text.replace("mot50", "mot5O"))
    assert (typo.words_added, typo.words_removed) == (1, 1) and typo.similarity == 0.99
    rewrite = change_stats(text, " ".join(f"autre{i}" for i in range(100)))
    assert rewrite.similarity == 0.0 and rewrite.as_dict()["words_added"] == 100
    assert change_stats("", "").similarity == 1.0


def test_paragraph_diff_diffs_only_changed_paragraphs():
    hunks = paragraph_diff("A a.\nB b.\nC c.", "A a.\nB x.\nC c.\nD d.")
    assert [h.kind for h in hunks] == ["equal", "change", "equal", "change"]
    assert hunks[0].lines == ("A a.",) and hunks[1].ops[1].words == ("b.",)
    assert [op.kind for op in hunks[3].ops] == ["insert"]


# --------------------------------------------------------------------------- --since, --as-of: one parser


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01T12:00:00Z", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        ("2026-03-01t12:00:00z", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        ("2026-03-01T14:00:00+02:00", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        ("2026-03-01T12:00", datetime(2026, 3, 1, 12, tzinfo=UTC)),
        (" 20260301T120000Z ", datetime(2026, 3, 1, 12, tzinfo=UTC)),
    ],
)
def test_dates_in_any_iso_8601_form(text, expected):
    assert parse_instant(text) == parse_instant(text, "--since") == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("yesterday", "--since expects an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T12:00:00Z), "),
        ("2026-02-30", "got '2026-02-30': not an ISO 8601 date or date-time"),
        ("0001-01-01T00:00:00+01:00", "got '0001-01-01T00:00:00+01:00': out of range once converted to UTC"),
        ("2999-12-31T23:00:00+01:00", "--since 2999-12-31T22:00:00Z is in the future (it is now "),
    ],
)
def test_bad_dates_are_one_line(text, message):
    with pytest.raises(ValueError, match=r"^--since ") as caught:
        parse_instant(text, "--since")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_future_date_is_refused_only_for_an_option():
    assert parse_instant("2999-01-01").year == 2999
    with pytest.raises(ValueError, match=r"\): leave --as-of out$"):
        parse_instant("2999-01-01", "--as-of", hint="leave --as-of out")
