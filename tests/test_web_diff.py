"""The diff pages of the reading room (``/diff``, ``/api/diff``, ``/diff.patch``), in process, on the local copy
crawled through several states (``site_archive``: seed 000 edited in runs 2 and 3, seed 001 retitled in run
3), and on a small archive whose titles and texts hold markup (``hostile``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from archive import make_engine, make_sessionmaker
from archive.diffing import paragraphs, tokenize
from archive.reading import get_version, resolve_page
from reading_room.app import create_app
from tests.builders import T0, HandMade
from tests.site.content import SEED_POSTS

pytestmark = pytest.mark.slow  # reads the archive the local copy's crawls made

HOSTILE_PAGE = "https://www.cess.example/post/balises"
HOSTILE_TITLE = "<script>alert('titre')</script> & «Balises»"
HOSTILE_TITLE_2 = "<img src=x onerror=alert(2)> Balises revues"
HOSTILE_TEXT = "Premier paragraphe sûr.\n<script>alert('texte')</script> et <b>gras</b>\nFin."
HOSTILE_TEXT_2 = "Premier paragraphe sûr.\n<script>alert('autre')</script> et <i>italique</i>\nFin."


# --------------------------------------------------------------------------------------- fixtures


def client_for(db_url: str, **options) -> TestClient:
    return TestClient(create_app(make_engine(db_url, read_only=True), **options))


@pytest.fixture(scope="module")
def versions(site_archive):
    """The texts and titles of seed 000 and seed 001, read straight through the read API."""
    engine = make_engine(site_archive.db_url, read_only=True)
    found = {}
    with make_sessionmaker(engine)() as session:
        for name in ("seed0", "seed1"):
            page = resolve_page(session, getattr(site_archive, name))
            found[name] = (
                page.url,
                {n: get_version(session, page, n) for n in range(1, (3 if name == "seed0" else 2) + 1)},
            )
    engine.dispose()
    return found


def build_hostile(path) -> str:
    """An archive of one page in two versions, whose titles and texts are markup."""
    made = HandMade(path)
    made.put(HOSTILE_PAGE, HOSTILE_TEXT, T0, title=HOSTILE_TITLE)
    made.put(HOSTILE_PAGE, HOSTILE_TEXT_2, T0 + timedelta(days=1), title=HOSTILE_TITLE_2)
    made.close()
    return made.url


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with client_for(build_hostile(tmp_path_factory.mktemp("hostile") / "archive.sqlite")) as test_client:
        yield test_client


class Marks(HTMLParser):
    """The rows of the side-by-side table (class, [cell texts]) and the words inside ``<del>``/``<ins>``."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.deleted: list[str] = []
        self.inserted: list[str] = []
        self.links: dict[str, dict[str, str]] = {}
        self._in_table = False
        self._in_body = False
        self._cell: list[str] | None = None
        self._mark: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "sbs" in (attributes.get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append((attributes.get("class") or "", []))
        elif self._in_table and tag == "td":
            self._cell = []
        elif self._in_table and tag in ("del", "ins"):
            self._mark = []
        elif tag == "a" and attributes.get("rel"):
            self.links[attributes["rel"]] = attributes

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = self._in_body = False
        elif tag == "td" and self._cell is not None and self.rows:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("del", "ins") and self._mark is not None:
            (self.deleted if tag == "del" else self.inserted).append(" ".join("".join(self._mark).split()))
            self._mark = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._mark is not None:
            self._mark.append(data)


def diff_query(link: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """The paragraphs only ``old`` has, and those only ``new`` has."""
    a, b = paragraphs(old), paragraphs(new)
    return [p for p in a if p not in b], [p for p in b if p not in a]


# ------------------------------------------------------------------------------------------- HTML


def test_default_is_the_latest_two_versions(client, site_archive, versions):
    _, v = versions["seed0"]
    response = client.get("/diff", params={"url": site_archive.seed0})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "v2 → v3" in response.text
    assert response.headers["cache-control"] == "no-cache" and "etag" not in response.headers  # v4 may come
    removed, added = changed(v[2].text, v[3].text)
    assert added == ["Un second paragraphe corrigé, plus tard."] and len(removed) == 1
    marks = Marks(response.text)
    assert marks.inserted == added and marks.deleted == removed


def test_an_edit_is_marked_word_by_word_side_by_side(client, site_archive, versions):
    url, v = versions["seed0"]
    response = client.get("/diff", params={"url": url, "from": 1, "to": 2})
    assert response.status_code == 200
    marks = Marks(response.text)
    (replaced,) = [cells for kind, cells in marks.rows if kind == "replaced"]
    removed, added = changed(v[1].text, v[2].text)
    assert replaced == [removed[0], "Un paragraphe réécrit par la rédaction après publication."]
    assert marks.deleted == removed and marks.inserted == added
    # the text around the change is shown, the rest is counted
    same = [cells for kind, cells in marks.rows if kind == "same"]
    assert same and all(left == right for left, right in same)
    skipped = [cells[0] for kind, cells in marks.rows if kind == "skipped"]
    hidden = sum(int(re.search(r"(\d+) unchanged paragraph", text).group(1)) for text in skipped)
    assert hidden + len(same) + 1 == len(paragraphs(v[1].text))
    assert 'lang="fr"' in response.text


def test_several_versions_apart_show_both_edits(client, versions):
    url, _ = versions["seed0"]
    marks = Marks(client.get("/diff", params={"url": url, "from": 1, "to": 3}).text)
    assert [kind for kind, _ in marks.rows].count("replaced") == 2
    assert marks.inserted == [
        "Un paragraphe réécrit par la rédaction après publication.",
        "Un second paragraphe corrigé, plus tard.",
    ]


def test_whole_text_and_context(client, versions):
    url, v = versions["seed0"]
    whole = Marks(client.get("/diff", params={"url": url, "from": 1, "to": 2, "all": 1}).text)
    assert "skipped" not in [kind for kind, _ in whole.rows]
    assert [cells[1] for kind, cells in whole.rows if kind != "skipped"] == paragraphs(v[2].text)
    bare = Marks(client.get("/diff", params={"url": url, "from": 1, "to": 2, "context": 0}).text)
    assert [kind for kind, _ in bare.rows if kind != "skipped"] == ["replaced"]
    wide = Marks(client.get("/diff", params={"url": url, "from": 1, "to": 2, "context": 3}).text)
    assert [kind for kind, _ in wide.rows].count("same") > [
        kind for kind, _ in Marks(client.get("/diff", params={"url": url, "from": 1, "to": 2}).text).rows
    ].count("same")


def test_stepping_through_consecutive_pairs(client, versions):
    url, _ = versions["seed0"]
    first = client.get("/diff", params={"url": url, "from": 1, "to": 2, "context": 3}).text
    links = Marks(first).links
    assert "prev" not in links and "No earlier version" in first
    assert diff_query(links["next"]["href"]) == {"url": url, "from": "2", "to": "3", "context": "3"}
    assert set(links["next"]["data-keys"].split()) == {"n", "ArrowRight"}
    second = client.get(links["next"]["href"])
    assert second.status_code == 200
    links = Marks(second.text).links
    assert "next" not in links and "No later version" in second.text
    assert diff_query(links["prev"]["href"]) == {"url": url, "from": "1", "to": "2", "context": "3"}
    assert set(links["prev"]["data-keys"].split()) == {"p", "ArrowLeft"}
    # a pair further apart steps to the pairs just outside it
    apart = Marks(client.get("/diff", params={"url": url, "from": 2, "to": 3}).text).links
    assert diff_query(apart["prev"]["href"])["to"] == "2"


def test_permalink_picker_and_downloads(client, site_archive, versions):
    url, _ = versions["seed0"]
    text = client.get("/diff", params={"url": site_archive.seed0}).text
    permalink = Marks(text).links["bookmark"]["href"]
    assert diff_query(permalink) == {"url": url, "from": "2", "to": "3"}
    assert '<input name="from" type="number"' in text and '<input name="to" type="number"' in text
    assert 'href="/diff.patch?' in text and 'href="/api/diff?' in text


def test_the_retitle_is_shown_in_the_metadata(client, site_archive, versions):
    url, v = versions["seed1"]
    assert v[2].title == "Kazakhstan : un titre revu par la rédaction" and v[1].title == SEED_POSTS["001"].title
    response = client.get("/diff", params={"url": site_archive.seed1})
    assert response.status_code == 200
    metadata = response.text.split('<table class="meta">')[1].split("</table>")[0]
    title_row = metadata.split('<th scope="row">Title</th>')[1].split("</tr>")[0]
    assert "<del>" in title_row and "<ins>" in title_row
    assert "revu par la rédaction" in re.sub(r"</?ins>", "", title_row)
    data = client.get("/api/diff", params={"url": url}).json()
    assert {"field": "title", "old": v[1].title, "new": v[2].title} in data["metadata"]


def test_immutable_pairs_are_cached_and_revalidated(client, versions):
    url, _ = versions["seed0"]
    query = {"url": url, "from": 1, "to": 2}
    response = client.get("/diff", params=query)
    etag = response.headers["etag"]
    assert "immutable" in response.headers["cache-control"]
    again = client.get("/diff", params=query, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    # another pair, another language, another view: another tag
    assert client.get("/diff", params={**query, "lang": "fr"}).headers["etag"] != etag
    assert client.get("/diff", params={**query, "all": 1}).headers["etag"] != etag
    latest = client.get("/diff", params={"url": url, "from": 2, "to": 3})
    assert "etag" not in latest.headers  # the next pair does not exist yet: the page will change
    api = client.get("/api/diff", params={"url": url, "from": 2, "to": 3})
    assert "immutable" in api.headers["cache-control"]
    assert (
        client.get(
            "/api/diff", params={"url": url, "from": 2, "to": 3}, headers={"If-None-Match": api.headers["etag"]}
        ).status_code
        == 304
    )
    assert "etag" not in client.get("/api/diff", params={"url": url}).headers


def test_french(client, versions):
    url, _ = versions["seed0"]
    text = client.get("/diff", params={"url": url, "from": 1, "to": 2}, headers={"Accept-Language": "fr"}).text
    assert '<html lang="fr">' in text and "Changements de" in text and "Changement suivant" in text


def test_under_a_base_path(site_archive, versions):
    url, _ = versions["seed0"]
    with client_for(site_archive.db_url, base_path="/archive") as prefixed:
        text = prefixed.get("/archive/diff", params={"url": url, "from": 1, "to": 2}).text
    links = Marks(text).links
    assert links["next"]["href"].startswith("/archive/diff?")
    assert 'href="/archive/diff.patch?' in text and 'href="/archive/static/diff.css"' in text


# ------------------------------------------------------------------------------------------- JSON


def test_json_shape_rebuilds_both_texts(client, versions):
    url, v = versions["seed0"]
    data = client.get("/api/diff", params={"url": url, "from": 1, "to": 3}).json()
    assert set(data) == {"url", "from", "to", "stats", "metadata", "paragraphs"}
    assert data["url"] == url
    assert (data["from"]["version"], data["to"]["version"]) == (1, 3)
    assert data["from"]["content_sha256"] == v[1].content_sha256 and "text" not in data["from"]
    assert {op["op"] for op in data["paragraphs"]} == {"equal", "replace"}
    assert [p for op in data["paragraphs"] for p in op["old"]] == paragraphs(v[1].text)
    assert [p for op in data["paragraphs"] for p in op["new"]] == paragraphs(v[3].text)
    for op in data["paragraphs"]:
        assert set(op) == {"op", "old", "new", "words"}
        if op["op"] == "replace":
            old_words = [w["text"] for w in op["words"] if w["op"] in ("equal", "delete")]
            new_words = [w["text"] for w in op["words"] if w["op"] in ("equal", "insert")]
            assert " ".join(old_words).split() == tokenize(op["old"][0])
            assert " ".join(new_words).split() == tokenize(op["new"][0])
            assert {w["op"] for w in op["words"]} <= {"equal", "delete", "insert"}
        else:
            assert op["words"] == []
    assert data["stats"]["words_added"] > 0 and 0 < data["stats"]["similarity"] < 1


# ---------------------------------------------------------------------------------- unified diff


def apply_patch(text: str, patch: str) -> str:
    """``text`` with the unified diff ``patch`` applied (each hunk checked against the lines it expects)."""
    lines = text.splitlines()
    out: list[str] = []
    position = 0
    body = patch.splitlines()[2:]
    index = 0
    while index < len(body):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$", body[index])
        assert header, body[index]
        start = int(header.group(1)) - (0 if header.group(2) == "0" else 1)
        out.extend(lines[position:start])
        position = start
        index += 1
        while index < len(body) and not body[index].startswith("@@"):
            tag, line = body[index][0], body[index][1:]
            if tag in " -":
                assert lines[position] == line
                position += 1
            if tag in " +":
                out.append(line)
            index += 1
    out.extend(lines[position:])
    return "\n".join(out)


def test_unified_diff_download(client, versions):
    url, v = versions["seed0"]
    response = client.get("/diff.patch", params={"url": url, "from": 1, "to": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert re.fullmatch(r'inline; filename="[A-Za-z0-9._-]+-v1-v3\.patch"', response.headers["content-disposition"])
    patch = response.text
    assert patch.startswith(f"--- {url}\tversion 1, ")
    assert patch.splitlines()[1].startswith(f"+++ {url}\tversion 3, ")
    assert "+Un paragraphe réécrit par la rédaction après publication." in patch.splitlines()
    assert apply_patch(v[1].text, patch) == "\n".join(v[3].text.splitlines())
    assert "immutable" in response.headers["cache-control"]
    tight = client.get("/diff.patch", params={"url": url, "from": 1, "to": 3, "context": 0}).text
    assert apply_patch(v[1].text, tight) == "\n".join(v[3].text.splitlines()) and len(tight) < len(patch)


# ----------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "query, status, message",
    [
        ({}, 400, "url: this parameter is required"),
        ({"from": "1", "to": "2"}, 400, "url: this parameter is required"),
        ({"url": "SEED", "from": "un", "to": "2"}, 400, "from: expected a whole number, got &#39;un&#39;"),
        ({"url": "SEED", "from": "0", "to": "2"}, 400, "from: expected a number from 1 to"),
        ({"url": "SEED", "from": "3", "to": "2"}, 400, "from: version 3 is not older than version 2"),
        ({"url": "SEED", "from": "2", "to": "2"}, 400, "from: version 2 is not older than version 2"),
        ({"url": "SEED", "to": "99999999999999999999999"}, 400, "to: expected a number from 1 to"),
        ({"url": "SEED", "from": "1", "to": "9"}, 404, "has no version 9 (versions are 1 to 3)"),
        ({"url": "SEED", "to": "1"}, 404, "version 1 is the first of"),
        ({"url": "SEED", "from": "3"}, 404, "version 3 of"),
    ],
)
def test_bad_numbers(client, site_archive, query, status, message):
    query = {name: site_archive.seed0 if value == "SEED" else value for name, value in query.items()}
    for path in ("/diff", "/diff.patch"):
        response = client.get(path, params=query)
        assert response.status_code == status, (path, response.text[:300])
        assert message in response.text
        if path == "/diff":
            assert response.headers["content-type"] == "text/html; charset=utf-8"
    api = client.get("/api/diff", params=query)
    assert api.status_code == status and api.json()["status"] == status
    assert message.replace("&#39;", "'") in api.json()["error"]


def test_unknown_page_and_page_of_one_version(client, site_archive):
    unknown = client.get("/diff", params={"url": site_archive.seed0 + "-x"})
    assert unknown.status_code == 404 and "no archived page at" in unknown.text
    assert 'class="suggestions"' in unknown.text  # the closest pages are offered
    single = client.get("/api/diff", params={"url": site_archive.copy})
    assert single.status_code == 404 and "only one version" in single.json()["error"]


# --------------------------------------------------------------------------------------- escaping


def test_markup_of_archived_pages_is_escaped(hostile):
    response = hostile.get("/diff", params={"url": HOSTILE_PAGE})
    assert response.status_code == 200
    text = response.text
    for raw in ("<script>alert", "<img src=x", "<b>gras", "<i>italique"):
        assert raw not in text
    assert "&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    marks = Marks(text)
    assert "<script>alert('texte')</script> et <b>gras</b>" in marks.deleted[0]
    assert "<script>alert('autre')</script> et <i>italique</i>" in marks.inserted[0]
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    data = hostile.get("/api/diff", params={"url": HOSTILE_PAGE}).json()
    assert {"field": "title", "old": HOSTILE_TITLE, "new": HOSTILE_TITLE_2} in data["metadata"]
    patch = hostile.get("/diff.patch", params={"url": HOSTILE_PAGE}).text
    assert "-<script>alert('texte')</script> et <b>gras</b>" in patch  # plain text, as archived
