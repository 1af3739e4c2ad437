"""The reading room's frame and its first pages: the home page, the list of pages, a page's timeline and the
runs, with their JSON twins; what every answer carries (security headers, read-only methods, bounded
parameters, error pages); escaping; English and French."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from reading_room.i18n import french, preferred
from tests.web import HOSTILE_TITLE, HOSTILE_URL, build_hostile_archive, web_client

TEMPLATES = Path(__file__).parents[1] / "reading_room" / "templates"
VIEWS = Path(__file__).parents[1] / "reading_room" / "views"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    url = build_hostile_archive(tmp_path_factory.mktemp("hostile") / "archive.sqlite")
    with web_client(url) as client:
        yield client


def rows(archive, sql: str, *params):
    with sqlite3.connect(archive.db_path) as connection:
        return connection.execute(sql, params).fetchall()


def page_url(archive, path: str) -> str:
    return rows(archive, "SELECT url FROM pages WHERE url LIKE ?", "%" + quote(path, safe="/"))[0][0]


# ---------------------------------------------------------------------------------------- home and lists


def test_home_counts_what_the_archive_holds(client, site_archive):
    response = client.get("/")
    assert response.status_code == 200, response.text
    summary = client.get("/api/summary").json()
    (pages,) = rows(site_archive, "SELECT count(*) FROM pages")[0]
    (versions,) = rows(site_archive, "SELECT count(*) FROM versions")[0]
    (removed,) = rows(site_archive, "SELECT count(*) FROM pages WHERE status = 'removed'")[0]
    assert (summary["pages"], summary["versions"], summary["removed"]) == (pages, versions, removed)
    assert [run["run"] for run in summary["recent_runs"]] == [3, 2, 1]
    assert all(run["exit_status"] == 0 for run in summary["recent_runs"])
    kinds = {event["kind"] for event in summary["recent_changes"]}
    assert {"edited", "retitled", "removed", "restored"} <= kinds
    assert "new" not in kinds
    html = response.text
    assert f">{pages}<" in html and f">{versions}<" in html
    assert "Kazakhstan : un titre revu par la rédaction" in html  # the retitle among the latest changes


def test_pages_json_lists_every_page_with_its_fields(client, site_archive):
    data = client.get("/api/pages", params={"limit": 500}).json()
    (pages,) = rows(site_archive, "SELECT count(*) FROM pages")[0]
    assert data["total"] == pages == len(data["pages"])
    assert set(data["pages"][0]) >= {
        "url",
        "title",
        "kind",
        "status",
        "language",
        "versions",
        "first_seen",
        "last_seen",
        "last_change",
    }
    by_url = {page["url"]: page for page in data["pages"]}
    seed0 = by_url[page_url(site_archive, site_archive.seed0)]
    assert seed0["versions"] == 3 and seed0["last_change"] is not None
    assert by_url[page_url(site_archive, site_archive.removed)]["status"] == "removed"


def test_pages_filters_sorts_and_paginates(client, site_archive):
    removed = client.get("/api/pages", params={"status": "removed"}).json()
    assert [page["url"] for page in removed["pages"]] == [page_url(site_archive, site_archive.removed)]
    french_pages = client.get("/api/pages", params={"language": "FR", "limit": 500}).json()
    assert french_pages["total"] > 0 and {page["language"] for page in french_pages["pages"]} == {"fr"}
    changed = client.get("/api/pages", params={"changed": "yes", "limit": 500}).json()
    assert page_url(site_archive, site_archive.seed0) in {page["url"] for page in changed["pages"]}
    never = client.get("/api/pages", params={"changed": "no", "limit": 500}).json()
    assert changed["total"] + never["total"] == client.get("/api/pages").json()["total"]
    by_versions = client.get("/api/pages", params={"sort": "versions", "limit": 500}).json()["pages"]
    counts = [page["versions"] for page in by_versions]
    assert counts == sorted(counts, reverse=True)
    titles = [
        page["title"].casefold()
        for page in client.get("/api/pages", params={"sort": "title", "limit": 500}).json()["pages"]
        if page["title"]
    ]
    assert titles == sorted(titles)
    first = client.get("/api/pages", params={"sort": "url", "limit": 5}).json()["pages"]
    second = client.get("/api/pages", params={"sort": "url", "limit": 5, "offset": 5}).json()["pages"]
    both = client.get("/api/pages", params={"sort": "url", "limit": 10}).json()["pages"]
    assert first + second == both
    html = client.get("/pages", params={"sort": "url", "limit": 5}).text
    assert 'rel="next"' in html and "offset=5" in html


@pytest.mark.parametrize(
    "query, named",
    [
        ({"limit": "x"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"sort": "drop table"}, "sort"),
        ({"status": "gone"}, "status"),
        ({"changed": "maybe"}, "changed"),
        ({"kind": "x" * 3000}, "kind"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(client, query, named):
    response = client.get("/api/pages", params=query)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{named}:")
    page = client.get("/pages", params=query)
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert f"{named}:" in page.text


# -------------------------------------------------------------------------------------- a page's timeline


def test_any_form_of_a_url_finds_the_page(client, site_archive):
    url = page_url(site_archive, site_archive.seed0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    forms = [url, "/" + path, url + "/", url + "?utm_source=x#top", url.replace("http://", "https://")]
    for form in forms:
        response = client.get("/api/page", params={"url": form})
        assert response.status_code == 200, (form, response.text)
        assert response.json()["url"] == url


def test_the_timeline_shows_versions_events_and_provenance(client, site_archive):
    url = page_url(site_archive, site_archive.seed0)
    data = client.get("/api/page", params={"url": url}).json()
    assert [version["version"] for version in data["versions"]] == [1, 2, 3]
    assert [event["kind"] for event in data["events"]] == ["new", "edited", "edited"]
    capture = data["versions"][-1]["capture"]
    assert capture["http_status"] == 200 and len(capture["raw_sha256"]) == 64
    html = client.get("/page", params={"url": url}).text
    assert html.count('class="entry"') == 3
    assert capture["raw_sha256"] in html
    assert f"/diff?url={quote(url, safe='')}&amp;to=3&amp;from=2" in html
    assert 'class="strip"' in html and html.count('class="step ') == 3


def test_a_removal_and_restoration_are_in_the_timeline(client, site_archive):
    url = page_url(site_archive, site_archive.removed_then_restored)
    data = client.get("/api/page", params={"url": url}).json()
    assert [event["kind"] for event in data["events"]] == ["new", "removed", "restored"]
    removal = data["events"][1]
    assert removal["details"]["http_status"] in (404, 410)
    html = client.get("/page", params={"url": url}).text
    assert f"HTTP {removal['details']['http_status']}" in html
    assert "step-removed" in html


def test_a_page_and_its_untranslated_copy_point_at_each_other(client, site_archive):
    copy = client.get("/api/page", params={"url": site_archive.copy}).json()
    assert copy["duplicate_of"] is not None
    original = client.get("/api/page", params={"url": copy["duplicate_of"]}).json()
    assert copy["url"] in original["copies"]
    html = client.get("/page", params={"url": copy["duplicate_of"]}).text
    assert "Untranslated copies" in html and quote(copy["url"], safe="") in html


def test_an_unknown_url_is_a_404_with_suggestions(client, site_archive):
    url = page_url(site_archive, site_archive.seed0)
    typo = url[:-3]
    response = client.get("/page", params={"url": typo})
    assert response.status_code == 404
    assert 'class="suggestions"' in response.text and quote(url, safe="") in response.text
    data = client.get("/api/page", params={"url": typo}).json()
    assert data["status"] == 404 and url in data["suggestions"]
    assert client.get("/page").status_code == 400


# ------------------------------------------------------------------------------------------------ runs


def test_runs_and_one_run(client, site_archive):
    data = client.get("/api/runs").json()
    assert data["total"] == 3 and [run["run"] for run in data["runs"]] == [3, 2, 1]
    one = client.get("/api/runs/2").json()
    (fetched,) = rows(site_archive, "SELECT fetched FROM runs WHERE id = 2")[0]
    assert one["fetched"] == fetched and one["status"] == "finished"
    assert client.get("/runs/2").status_code == 200
    assert client.get("/runs/99").status_code == 404
    assert client.get("/runs/x").status_code == 400
    assert client.get("/api/runs/99999999999999999999999").status_code == 400


# ------------------------------------------------------------------------------------ every answer


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_reading_methods_are_allowed(client, method):
    for path in ("/", "/pages", "/api/pages", "/nowhere"):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == "GET, HEAD"


def test_head_answers_like_get_without_a_body(client):
    response = client.head("/pages")
    assert response.status_code == 200 and response.content == b""


def test_every_answer_carries_the_security_headers(client):
    for path, status in (
        ("/", 200),
        ("/api/pages", 200),
        ("/nowhere", 404),
        ("/api/pages?limit=x", 400),
        ("/static/style.css", 200),
        ("/page?url=nothing-like-this", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert response.headers["x-content-type-options"] == "nosniff"


def test_an_overlong_request_is_refused(client):
    response = client.get("/pages", params={"kind": "x" * 5000})
    assert response.status_code == 414


def test_a_server_error_is_a_page_with_the_headers(site_archive, tmp_path):
    from starlette.testclient import TestClient

    from archive import make_engine
    from reading_room import create_app

    engine = make_engine(site_archive.db_url, read_only=True)
    app = create_app(engine)
    engine.dispose()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    app.state.sessions = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/pages")
    assert response.status_code == 500
    assert "the database went away" not in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_lists_and_timelines_are_not_cached_as_immutable(client, site_archive):
    assert client.get("/pages").headers["cache-control"] == "no-cache"
    url = page_url(site_archive, site_archive.seed0)
    assert client.get("/page", params={"url": url}).headers["cache-control"] == "no-cache"


# ----------------------------------------------------------------------------------------------- escaping


def test_markup_from_the_archive_is_escaped_everywhere(hostile):
    pages = [
        hostile.get("/"),
        hostile.get("/pages"),
        hostile.get("/page", params={"url": HOSTILE_URL}),
        hostile.get("/page", params={"url": HOSTILE_URL + "x"}),
    ]
    for response in pages:
        html = response.text
        assert "<script>alert" not in html and "<b>sécurité" not in html and "<i>v2" not in html, response.url
        assert "onerror=alert" not in html or "&lt;img" in html
    timeline = pages[2].text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in timeline
    assert HOSTILE_TITLE not in timeline
    data = hostile.get("/api/page", params={"url": HOSTILE_URL}).json()
    assert data["title"].startswith(HOSTILE_TITLE)  # JSON carries the text as it is


def test_only_the_reading_rooms_own_script_is_loaded(hostile):
    html = hostile.get("/page", params={"url": HOSTILE_URL}).text
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/keys.js" defer>']


# -------------------------------------------------------------------------------------------- languages


def test_the_language_follows_accept_language_or_the_lang_parameter(client):
    french_home = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french_home.text and "Salle de lecture" in french_home.text
    assert french_home.headers["content-language"] == "fr"
    assert "Accept-Language" in french_home.headers["vary"]
    english = client.get("/?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english.text and "Reading room" in english.text
    chosen = client.get("/pages?lang=fr")
    assert "Salle de lecture" in chosen.text and "lang=fr" in chosen.text  # links keep the chosen language


@pytest.mark.parametrize(
    "header, language",
    [
        ("", "en"),
        ("de-DE,de;q=0.9", "en"),
        ("en;q=0.4,fr;q=0.8", "fr"),
        ("fr-CA", "fr"),
        ("en-GB,fr", "en"),
        ("fr;q=x", "en"),
    ],
)
def test_accept_language_negotiation(header, language):
    assert preferred(header) == language


def test_every_message_of_the_interface_has_its_french():
    literal = re.compile(r"""_\(\s*(["'])(.+?)\1\s*\)""")
    messages = set()
    for path in [*TEMPLATES.glob("*.html"), *VIEWS.glob("*.py")]:
        messages |= {match.group(2) for match in literal.finditer(path.read_text(encoding="utf-8"))}
    assert len(messages) > 50
    missing = sorted(message for message in messages if message not in french())
    assert missing == [], f"messages without French: {missing}"


def test_no_two_parts_of_the_interface_translate_a_message_differently():
    import tomllib

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((Path(__file__).parents[1] / "reading_room" / "translations").glob("*.toml")):
        for english, french_text in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if english in seen and seen[english][0] != french_text:
                clashes.append(
                    f"{english!r}: {seen[english][1]} says {seen[english][0]!r}, {path.name} says {french_text!r}"
                )
            seen.setdefault(english, (french_text, path.name))
    assert clashes == []
