"""Finding a page from any form of its URL (``history``, ``show``, ``diff``), and the one-line error with
the closest archived pages when nothing matches.

The forms are those people paste: a trailing slash, a path alone (with or without its leading slash), lower-
or upper-case percent escapes, raw Unicode, tracking and ``lang`` parameters, a fragment, ``www``, http
against https, the other loopback name of the local copy, an old slug that answers 301.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import pytest

from archive import Content, Fetched, make_engine, make_sessionmaker, record_capture
from archive.reading import looks_like_path, url_form
from tests.conftest import archive_digest, cess
from tests.site.content import OLD_SLUG_PATH
from tests.site.content_posts import BALTIC, SAHEL, SPACE

OTHER_ORIGIN = "https://www.centre-europeen-securite-strategie.eu"
ONLY_THERE = "/post/note-publiée-seulement-sur-le-site-réel"


def page_url(db: str, form: str) -> str:
    result = cess("history", form, "--json", "--db", db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["url"]


def one_line_error(result, status: int = 2) -> str:
    assert result.exit_code == status, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def forms_of(site, path: str) -> dict[str, str]:
    """Spellings of the page at ``path`` (raw Unicode path) a person may give."""
    encoded = site.url(path)
    port = site.port
    return {
        "as archived": encoded,
        "trailing slash": encoded + "/",
        "path alone": path,
        "path alone, encoded, trailing slash": urlsplit(encoded).path + "/",
        "path without leading slash": path.lstrip("/"),
        "lower-case escapes": site.base_url + urlsplit(encoded).path.lower(),  # the slug itself is lower case
        "raw unicode": f"http://127.0.0.1:{port}{path}",
        "decomposed unicode": f"http://127.0.0.1:{port}{unicodedata.normalize('NFD', path)}",
        "tracking, lang and fragment": encoded + "?utm_source=newsletter&utm_medium=email&fbclid=abc&lang=fr#comments",
        "https": encoded.replace("http://", "https://"),
        "www": encoded.replace("://127.0.0.1", "://www.127.0.0.1"),
        "no scheme": encoded.removeprefix("http://"),
        "loopback alias": site.url(path, alias=True),
    }


@pytest.mark.parametrize(
    "form",
    [
        "as archived",
        "trailing slash",
        "path alone",
        "path alone, encoded, trailing slash",
        "path without leading slash",
        "lower-case escapes",
        "raw unicode",
        "decomposed unicode",
        "tracking, lang and fragment",
        "https",
        "www",
        "no scheme",
        "loopback alias",
    ],
)
def test_every_form_finds_the_page(site, archived, form):
    db = f"sqlite:///{archived}"
    given = forms_of(site, SPACE.path)[form]
    assert page_url(db, given) == site.url(SPACE.path)


def test_lower_case_escapes_really_are_lower_case(site):
    given = forms_of(site, SPACE.path)["lower-case escapes"]
    assert "%c3%a9" in given and "%C3" not in given


@pytest.mark.parametrize("form", ["{old}", "{old}/", "{path}", "{path}/?utm_campaign=x#top", "{bare}"])
def test_old_slug_still_finds_the_page(site, archived, form):
    given = form.format(old=site.url(OLD_SLUG_PATH), path=OLD_SLUG_PATH, bare=OLD_SLUG_PATH.lstrip("/"))
    assert page_url(f"sqlite:///{archived}", given) == site.url(BALTIC.path)


def test_show_and_diff_use_the_same_lookup(site, archived):
    db = f"sqlite:///{archived}"
    shown = cess("show", SPACE.path + "/", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith(SPACE.title)
    diffed = cess("diff", SPACE.path.lstrip("/"), "--db", db)  # found; one version only
    message = one_line_error(diffed)
    assert "has only one version" in message and site.url(SPACE.path) in message


def test_unknown_url_suggests_the_closest_slugs(site, archive_copy):
    before = archive_digest(archive_copy)
    typo = site.url(SPACE.path)[:-6] + "mence"  # one letter dropped at the end of the slug
    message = one_line_error(cess("history", typo, "--db", f"sqlite:///{archive_copy}"))
    assert message.startswith(f"cess-archive: error: no archived page at {typo}; closest: ")
    closest = message.split("; closest: ", 1)[1].split(", ")
    assert closest[0] == site.url(SPACE.path) and 1 <= len(closest) <= 3
    assert archive_digest(archive_copy) == before


def test_suggestions_ignore_accents_and_case_and_stop_at_three(site, archive_copy):
    before = archive_digest(archive_copy)
    message = one_line_error(
        cess("show", "/post/BAROMETRE-de-la-securite-europeenne", "--db", f"sqlite:///{archive_copy}")
    )
    closest = message.split("; closest: ", 1)[1].split(", ")
    assert len(closest) == 3 and all("/post/barom%C3%A8tre-de-la-s%C3%A9curit%C3%A9" in url for url in closest)
    assert archive_digest(archive_copy) == before


def test_a_slug_cut_short_suggests_the_page(site, archive_copy):
    message = one_line_error(cess("diff", "/post/sahel", "--db", f"sqlite:///{archive_copy}"))
    assert message == f"cess-archive: error: no archived page at /post/sahel; closest: {site.url(SAHEL.path)}"


@pytest.mark.parametrize("given", ["http://127.0.0.1:9/post/zz", "/", "ftp://example.org/post/x"])
def test_unknown_url_without_close_slug_is_one_line(archive_copy, given):
    before = archive_digest(archive_copy)
    message = one_line_error(cess("history", given, "--db", f"sqlite:///{archive_copy}"))
    assert message == f"cess-archive: error: no archived page at {given}"
    assert archive_digest(archive_copy) == before


def test_control_characters_stay_on_one_line(archive_copy):
    message = one_line_error(cess("show", "/post/a\nb", "--db", f"sqlite:///{archive_copy}"))
    assert "'/post/a\\nb'" in message


@pytest.fixture
def two_origins(site, archive_copy):
    """The session's archive plus two pages under the real site's origin (as a crawl of it stores them): one
    with the same path as a page of the local copy, one found nowhere else."""
    engine = make_engine(f"sqlite:///{archive_copy}")
    at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    with make_sessionmaker(engine).begin() as session:
        for path, title in ((SPACE.path, SPACE.title), (ONLY_THERE, "Note publiée seulement sur le site réel")):
            url = OTHER_ORIGIN + quote(path)
            record_capture(
                session,
                run_id=None,
                source="cess",
                kind="article",
                page_url=url,
                fetched=Fetched(requested_url=url, url=url, status=200, body=b"<html></html>", fetched_at=at),
                content=Content(
                    title=title, author=None, published=None, modified=None, text=f"{title}.", extractor="test"
                ),
            )
    engine.dispose()
    return archive_copy


def test_path_under_several_origins_is_ambiguous(site, two_origins):
    db = f"sqlite:///{two_origins}"
    before = archive_digest(two_origins)
    message = one_line_error(cess("history", SPACE.path, "--db", db))
    assert f"{SPACE.path} is ambiguous: it matches 2 archived pages" in message
    assert site.url(SPACE.path) in message and OTHER_ORIGIN + quote(SPACE.path) in message
    assert archive_digest(two_origins) == before
    # the full URL of either is not ambiguous
    assert page_url(db, site.url(SPACE.path) + "/") == site.url(SPACE.path)
    assert page_url(db, OTHER_ORIGIN + SPACE.path) == OTHER_ORIGIN + quote(SPACE.path)


@pytest.mark.parametrize(
    "given",
    [
        "http://centre-europeen-securite-strategie.eu" + ONLY_THERE + "/?utm_source=x#top",
        "centre-europeen-securite-strategie.eu" + ONLY_THERE,
        "HTTPS://WWW.Centre-Europeen-Securite-Strategie.EU:443" + quote(ONLY_THERE).lower(),
        ONLY_THERE,
    ],
)
def test_www_scheme_host_case_and_default_port(two_origins, given):
    assert page_url(f"sqlite:///{two_origins}", given) == OTHER_ORIGIN + quote(ONLY_THERE)


# The match keys themselves: pure functions the web interface calls through archive.reading.lookup_page.


def test_match_keys_of_equivalent_forms_are_equal():
    forms = [
        "https://www.example.org/post/d%C3%A9j%C3%A0/?utm_source=a&fbclid=b#x",
        "http://example.org:80/post/déjà",
        "https://EXAMPLE.org/post/d%c3%a9j%c3%a0?lang=fr",
        "//example.org/post/de\u0301ja\u0300",
    ]
    keys = {(url_form(f).host, url_form(f).key) for f in forms}
    assert keys == {("example.org", ("/post/déjà", ()))}
    assert url_form("https://example.org/a?b=1&utm_medium=x").query == (("b", "1"),)
    assert url_form("mailto:someone@example.org") is None and url_form("https://example.org:x/") is None


@pytest.mark.parametrize(
    "text, is_path",
    [
        ("/post/slug", True),
        ("post/slug", True),
        ("copie-de-souveraineté", True),
        ("https://example.org/post", False),
        ("//example.org/post", False),
        ("example.org/post", False),
        ("127.0.0.1:8000/post/x", False),
        ("localhost/post", False),
    ],
)
def test_path_or_url(text, is_path):
    assert looks_like_path(text) is is_path
