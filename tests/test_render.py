"""``cess_archive.render`` and ``archive.reading.feeds``: how changes and diffs look (text lines, JSON, Atom,
terminal and HTML diffs), on events and versions built in memory (no database, no command)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import pytest

from archive.diffing import paragraph_diff, word_diff
from archive.models import Version
from archive.reading import ChangeEvent, VersionInfo, diff_versions
from archive.reading.feeds import (
    ATOM_NS,
    FEED_CONTEXT,
    FEED_PARAGRAPHS,
    FEED_WORDS,
    FeedEntry,
    atom_feed,
    describe,
    entry_html,
)
from cess_archive.render import as_json, context_diff, html_diff, short_time, terminal_diff, text_lines

AT = datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)
POST = "https://www.example.org/post/sahel"
A = f"{{{ATOM_NS}}}"


def event(kind: str, *, url: str = POST, page_url: str | None = None, at: datetime = AT, **fields) -> ChangeEvent:
    values = {"id": 1, "run_id": 2, "title": None, "version": None, "details": {}} | fields
    return ChangeEvent(at=at, kind=kind, url=url, page_url=page_url or url, **values)


EDITED = event(
    "edited",
    id=7,
    title="Sahel : le <retrait>",
    version=3,
    details={"words_added": 4, "words_removed": 2, "similarity": 0.91234},
)
MOVED = event(
    "moved",
    id=8,
    run_id=None,
    url="https://www.example.org/post/ancien",
    page_url="https://www.example.org/post/nouveau",
    details={"from_url": "https://www.example.org/post/ancien", "to_url": "https://www.example.org/post/nouveau"},
)


# ------------------------------------------------------------------------------------- descriptions


@pytest.mark.parametrize(
    "kind, details, description",
    [
        ("edited", {"words_added": 4, "words_removed": 2, "similarity": 0.91234}, "+4 −2 words, similarity 0.91"),
        (
            "retitled",
            {"old_title": "Sahel", "new_title": "Sahel : le retrait", "fields": ["title"]},
            "title «Sahel» → «Sahel : le retrait»; changed title",
        ),
        ("edited", {"fields": ["author", "published"]}, "changed author, published"),
        ("moved", {"from_url": "https://a/x", "to_url": "https://a/y"}, "from https://a/x to https://a/y"),
        ("removed", {"http_status": 404}, "HTTP 404"),
        ("restored", {"http_status": 200}, "HTTP 200"),
        ("removed", {}, ""),
        ("extractor-change", {}, "extractor changed, not an edit by the organisation"),
        ("new", {}, ""),
    ],
    ids=["words", "retitled", "fields", "moved", "removed", "restored", "removed-no-status", "re-extracted", "new"],
)
def test_describe(kind, details, description):
    assert describe(event(kind, details=details)) == description


def test_text_lines():
    new = event("new", title="Sahel", version=1)
    assert list(text_lines([EDITED, MOVED, new])) == [
        f"2026-03-01T09:30:15Z  edited           v3   {POST} «Sahel : le <retrait>»  (+4 −2 words, similarity 0.91)",
        "2026-03-01T09:30:15Z  moved                 https://www.example.org/post/ancien "
        "(now https://www.example.org/post/nouveau)  "
        "(from https://www.example.org/post/ancien to https://www.example.org/post/nouveau)",
        f"2026-03-01T09:30:15Z  new              v1   {POST} «Sahel»",
    ]
    assert list(text_lines([])) == []


def test_as_json_keeps_french_text_as_is():
    assert json.loads(as_json([EDITED, MOVED])) == [
        {
            "id": 7,
            "run": 2,
            "at": "2026-03-01T09:30:15Z",
            "kind": "edited",
            "url": POST,
            "url_at_event": POST,
            "title": "Sahel : le <retrait>",
            "version": 3,
            "details": {"words_added": 4, "words_removed": 2, "similarity": 0.91234},
        },
        {
            "id": 8,
            "run": None,
            "at": "2026-03-01T09:30:15Z",
            "kind": "moved",
            "url": "https://www.example.org/post/nouveau",
            "url_at_event": "https://www.example.org/post/ancien",
            "title": None,
            "version": None,
            "details": MOVED.details,
        },
    ]
    assert '"title": "Défense européenne : l’état des lieux"' in as_json(
        [event("new", title="Défense européenne : l’état des lieux")]
    )
    assert as_json([]) == "[]"


def test_short_time_is_utc_to_the_second():
    assert short_time(datetime(2026, 3, 1, 9, 30, 15, 999_999, tzinfo=UTC)) == "2026-03-01T09:30:15Z"
    assert (
        short_time(datetime(2026, 3, 1, 10, 30, 15, 1, tzinfo=timezone(timedelta(hours=1)))) == "2026-03-01T09:30:15Z"
    )
    assert (
        short_time(datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))) == "2026-01-01T04:59:59Z"
    )


# --------------------------------------------------------------------------------- feed entry HTML


def test_entry_of_an_edit_shows_the_changed_paragraph_escaped():
    old = Version(number=1, text="Un paragraphe.\nLe <b>chat</b> & le chien.\nFin.")
    new = Version(number=2, text="Un paragraphe.\nLe <b>chat</b> & le loup.\nFin.")
    assert entry_html(EDITED, old, new) == (
        "<p>4 words added, 2 removed, similarity 0.91 (version 1 → 2)</p>\n"
        "<p>Le &lt;b&gt;chat&lt;/b&gt; &amp; le <del>chien.</del> <ins>loup.</ins></p>\n"
        f'<p><a href="{POST}">{POST}</a></p>'
    )


def test_entry_of_a_retitle_escapes_both_titles():
    retitled = event("retitled", details={"old_title": "A & B", "new_title": "<script>x</script>"})
    assert entry_html(retitled, None, None) == (
        "<p>Title: <del>A &amp; B</del> → <ins>&lt;script&gt;x&lt;/script&gt;</ins></p>\n"
        f'<p><a href="{POST}">{POST}</a></p>'
    )


def test_entry_of_a_move_links_both_urls():
    assert entry_html(MOVED, None, None) == (
        '<p>Moved from <a href="https://www.example.org/post/ancien">https://www.example.org/post/ancien</a> '
        'to <a href="https://www.example.org/post/nouveau">https://www.example.org/post/nouveau</a>; '
        "the old URL redirects to the new one.</p>\n"
        '<p><a href="https://www.example.org/post/ancien">https://www.example.org/post/ancien</a> '
        '(now <a href="https://www.example.org/post/nouveau">https://www.example.org/post/nouveau</a>)</p>'
    )


@pytest.mark.parametrize(
    "kind, details, first",
    [
        (
            "removed",
            {"http_status": 410},
            "<p>The page answered HTTP 410: it was removed from the site. The response is kept as evidence.</p>",
        ),
        ("removed", {}, "<p>The page was removed from the site.</p>"),
        ("restored", {"http_status": 200}, "<p>The page answers again (HTTP 200).</p>"),
        ("restored", {}, "<p>The page answers again.</p>"),
        (
            "extractor-change",
            {},
            "<p>The archive's extractor read the stored capture differently: not an edit by the organisation.</p>",
        ),
        ("edited", {"fields": ["author", "<published>"]}, "<p>Changed: author, &lt;published&gt;</p>"),
    ],
    ids=["removed", "removed-no-status", "restored", "restored-no-status", "re-extracted", "fields"],
)
def test_entry_of_other_events(kind, details, first):
    assert entry_html(event(kind, details=details), None, None) == f'{first}\n<p><a href="{POST}">{POST}</a></p>'


def test_entry_of_a_new_page_shows_its_first_paragraph():
    new = Version(number=1, text="\n  \nPremier <paragraphe> ici.\nDeuxième.")
    assert entry_html(event("new"), None, new) == (
        f'<p>Premier &lt;paragraphe&gt; ici.</p>\n<p><a href="{POST}">{POST}</a></p>'
    )
    long = Version(number=1, text=" ".join(f"mot{i}" for i in range(FEED_WORDS + 5)))
    first = entry_html(event("new"), None, long).splitlines()[0]
    assert first == "<p>" + " ".join(f"mot{i}" for i in range(FEED_WORDS)) + " …</p>"


def test_entry_keeps_the_ends_of_long_unchanged_stretches():
    before = [f"avant{i}" for i in range(30)]
    after = [f"après{i}" for i in range(30)]
    old = Version(number=1, text=" ".join([*before, "chat", *after]))
    new = Version(number=2, text=" ".join([*before, "chien", *after]))
    changed = entry_html(event("edited"), old, new).splitlines()[0]
    assert changed == (
        "<p>"
        + " ".join(["…", *before[-FEED_CONTEXT:], "<del>chat</del>", "<ins>chien</ins>", *after[:FEED_CONTEXT], "…"])
        + "</p>"
    )


def test_entry_clips_long_insertions_and_counts_the_paragraphs_it_leaves_out():
    old = Version(number=1, text="\n".join(f"Paragraphe {i}." for i in range(6)))
    new = Version(number=2, text="\n".join(f"Paragraphe {i} revu." for i in range(6)))
    lines = entry_html(event("edited"), old, new).splitlines()
    assert lines[:FEED_PARAGRAPHS] == [f"<p>Paragraphe <del>{i}.</del> <ins>{i} revu.</ins></p>" for i in range(3)]
    assert lines[FEED_PARAGRAPHS] == "<p>… and 3 more changed paragraphs.</p>"
    one_more = Version(
        number=2, text="\n".join(f"Paragraphe {i} revu." if i < 4 else f"Paragraphe {i}." for i in range(6))
    )
    assert entry_html(event("edited"), old, one_more).splitlines()[FEED_PARAGRAPHS] == (
        "<p>… and 1 more changed paragraph.</p>"
    )
    inserted = " ".join(f"ajout{i}" for i in range(FEED_WORDS + 1))
    clipped = entry_html(
        event("edited"), Version(number=1, text="Début."), Version(number=2, text=f"Début. {inserted}")
    )
    assert clipped.splitlines()[0] == (
        "<p>Début. <ins>" + " ".join(f"ajout{i}" for i in range(FEED_WORDS)) + " …</ins></p>"
    )


def test_entry_of_the_same_text_shows_no_diff():
    same = Version(number=1, text="Texte.")
    assert entry_html(event("edited"), same, Version(number=2, text="Texte.")) == f'<p><a href="{POST}">{POST}</a></p>'


# ---------------------------------------------------------------------------------------- Atom feed


def feed_of(entries: list[FeedEntry], **options) -> ET.Element:
    text = atom_feed(entries, feed_id="urn:cess:feed", title="Changements", updated=AT - timedelta(days=1), **options)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')
    assert text.endswith("</feed>\n")
    return ET.fromstring(text.encode("utf-8"))


def test_atom_feed_structure():
    new = event("new", id=1, title="Sahel & <Mali>", url="https://www.example.org/post/a")
    removed = event(
        "removed", id=2, at=AT + timedelta(hours=1), url="https://www.example.org/post/b", details={"http_status": 404}
    )
    root = feed_of(
        [FeedEntry(new, "urn:cess:a", "<p>x &amp; y</p>"), FeedEntry(removed, "urn:cess:b", "<p>gone</p>")],
        subtitle="Ce qui a changé",
        self_url="https://www.example.org/feed.xml",
        site_url="https://www.example.org/",
    )
    assert root.tag == f"{A}feed"
    assert [child.tag.removeprefix(A) for child in root] == [
        "id",
        "title",
        "subtitle",
        "updated",
        "link",
        "link",
        "author",
        "generator",
        "entry",
        "entry",
    ]
    assert root.findtext(f"{A}id") == "urn:cess:feed"
    assert root.findtext(f"{A}subtitle") == "Ce qui a changé"
    assert root.findtext(f"{A}updated") == "2026-03-01T10:30:15Z"  # the newest event, not ``updated``
    assert [link.attrib for link in root.findall(f"{A}link")] == [
        {"rel": "self", "href": "https://www.example.org/feed.xml", "type": "application/atom+xml"},
        {"rel": "alternate", "href": "https://www.example.org/"},
    ]
    assert root.findtext(f"{A}author/{A}name") == "cess-archive"
    first, second = root.findall(f"{A}entry")  # newest first
    assert first.findtext(f"{A}id") == "urn:cess:b"
    assert first.findtext(f"{A}title") == "Removed: https://www.example.org/post/b"
    assert first.findtext(f"{A}updated") == "2026-03-01T10:30:15Z"
    assert first.find(f"{A}link").attrib == {"href": "https://www.example.org/post/b"}
    assert first.find(f"{A}category").attrib == {"term": "removed", "label": "Removed"}
    assert first.findtext(f"{A}summary") == "HTTP 404"
    assert second.findtext(f"{A}id") == "urn:cess:a"
    assert second.findtext(f"{A}title") == "New: Sahel & <Mali>"
    assert second.findtext(f"{A}summary") == "New"  # nothing to describe: the label
    content = second.find(f"{A}content")
    assert content.attrib == {"type": "html"} and content.text == "<p>x &amp; y</p>"


def test_atom_feed_escapes_page_text():
    hostile = event("new", title="</title><script>alert(1)</script>")
    text = atom_feed([FeedEntry(hostile, "urn:x", "<p>&lt;script&gt;</p>")], feed_id="urn:f", title="T", updated=AT)
    assert "<script>" not in text
    assert "<title>New: &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in text
    assert '<content type="html">&lt;p&gt;&amp;lt;script&amp;gt;&lt;/p&gt;</content>' in text


def test_atom_feed_labels_unknown_kinds_with_the_kind_and_orders_ties_by_id():
    one = event("edited", id=1, title="Un")
    two = event("split", id=2, title="Deux")
    root = feed_of([FeedEntry(one, "urn:1", ""), FeedEntry(two, "urn:2", "")])
    assert [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")] == ["split: Deux", "Edited: Un"]


def test_an_empty_feed_is_valid_and_dated_by_its_argument():
    root = feed_of([])
    assert [child.tag.removeprefix(A) for child in root] == ["id", "title", "updated", "author", "generator"]
    assert root.findtext(f"{A}updated") == "2026-02-28T09:30:15Z"


# -------------------------------------------------------------------------------------- diff display


def test_terminal_diff_without_colour():
    ops = word_diff("le chat noir\ndort", "le chien noir\ndort bien")
    assert terminal_diff(ops, color=False) == "le [-chat-] {+chien+} noir\ndort {+bien+}"
    assert terminal_diff([], color=False) == ""


def test_terminal_diff_in_colour():
    ops = word_diff("le chat noir", "le chien noir")
    assert terminal_diff(ops, color=True) == ("le \x1b[31m\x1b[9mchat\x1b[0m \x1b[32m\x1b[4mchien\x1b[0m noir")


def test_terminal_diff_of_a_new_paragraph_break():
    assert terminal_diff(word_diff("Un. Deux.", "Un.\nDeux."), color=False) == "Un. {+\n+} Deux."


def test_context_diff_collapses_long_unchanged_runs():
    hunks = paragraph_diff("A\nB\nC\nD\nE\nF\nG", "A\nB\nC\nX\nE\nF\nG")
    assert context_diff(hunks, color=False) == ("⋯ 2 unchanged paragraphs\nC\n[-D-] {+X+}\nE\n⋯ 2 unchanged paragraphs")
    assert context_diff(hunks, color=False, context=2) == (
        "⋯ 1 unchanged paragraph\nB\nC\n[-D-] {+X+}\nE\nF\n⋯ 1 unchanged paragraph"
    )
    assert context_diff(hunks, color=False, context=3) == "A\nB\nC\n[-D-] {+X+}\nE\nF\nG"


def test_context_diff_at_the_ends_and_without_context():
    hunks = paragraph_diff("A\nB\nC\nD\nE\nF", "A\nB\nC\nD\nE\nG")
    assert context_diff(hunks, color=False) == "⋯ 4 unchanged paragraphs\nE\n[-F-] {+G+}"
    assert context_diff(hunks, color=False, context=0) == "⋯ 5 unchanged paragraphs\n[-F-] {+G+}"
    # nothing changed: the one unchanged run, with no change to give context to, is collapsed whole
    assert context_diff(paragraph_diff("A\nB", "A\nB"), color=False) == "⋯ 2 unchanged paragraphs"


def _version(number: int, title: str | None, text: str) -> VersionInfo:
    seen = datetime(2026, 3, number, 12, 0, tzinfo=UTC)
    return VersionInfo(
        id=number, page_id=1, number=number, title=title, author=None, published=None, modified=None,
        language="fr", declared_language="fr", description=None, text=text, content_sha256="0" * 64,
        first_seen=seen, last_seen=seen, extractor="test", reason="crawl", run_id=None, capture=None,
    )  # fmt: skip


def test_html_diff_escapes_everything_from_the_page():
    diff = diff_versions(_version(1, "T & co", "a <b> c"), _version(2, "T", "a <i> c\nd"))
    page = html_diff(diff, url="https://www.example.org/p?a=1&b=2")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">\n')
    assert "<title>Diff: https://www.example.org/p?a=1&amp;b=2</title>" in page
    assert '<h1>Changes to <a href="https://www.example.org/p?a=1&amp;b=2">T</a></h1>' in page
    assert "<tr><th>version 1 (2026-03-01T12:00:00Z)</th><th>version 2 (2026-03-02T12:00:00Z)</th></tr>" in page
    assert "<tr><td><del>T &amp; co</del></td><td><ins>T</ins></td></tr>" in page
    assert "<tr><td>a <del>&lt;b&gt;</del> c</td><td>a <ins>&lt;i&gt;</ins> c <ins><br>\nd</ins></td></tr>" in page
    assert "<b>" not in page and "<i>" not in page


def test_html_diff_without_a_title_change_has_no_title_row():
    page = html_diff(diff_versions(_version(1, None, "a"), _version(2, None, "b")), url="https://u")
    assert '<h1>Changes to <a href="https://u">https://u</a></h1>' in page  # no title: the URL
    assert "<tr><td><del>a</del></td><td><ins>b</ins></td></tr>" in page
    assert page.count("<tr>") == 2
