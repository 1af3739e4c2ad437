"""Page identity through full crawls of the local copy: one page, one record, whatever URL reached it.

Covers the cases of the real site: percent-encoded against raw Unicode slugs, the host alias, a 301 from
an old slug, ``utm_*`` parameters in the feed, hreflang translations, an untranslated ``/de/`` copy, and a
``rel=canonical`` that must not merge pages.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.conftest import cess, crawl, export_records, path_of
from tests.site.content import OLD_SLUG_PATH, RAW_SITEMAP_SLUGS
from tests.site.content_pages import ARCTIC_EN, SEED_001_EN
from tests.site.content_posts import ARCTIC, BALTIC, BLACK_SEA
from tests.site.content_seeds import SEED_001


@pytest.fixture(scope="module")
def archived(site, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("identity")
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    site.state.reset()
    site.clear_requests()
    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    requests = list(site.requests)
    default = export_records(db_url, tmp_path)
    everything = export_records(db_url, tmp_path, "--include-duplicates")
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        aliases = dict(
            connection.execute(
                "SELECT page_aliases.url, pages.url FROM page_aliases JOIN pages ON pages.id = page_aliases.page_id"
            )
        )
        page_urls = [row[0] for row in connection.execute("SELECT url FROM pages")]
        stats = json.loads(connection.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return {
        "site": site,
        "records": default,
        "all": everything,
        "aliases": aliases,
        "pages": page_urls,
        "requests": requests,
        "stats": stats,
    }


def test_one_page_per_decoded_path(archived):
    paths = Counter(path_of(url) for url in archived["pages"])
    assert [p for p, n in paths.items() if n > 1] == []
    assert all(urlsplit(url).netloc == urlsplit(archived["site"].base_url).netloc for url in archived["pages"])


def test_urls_are_percent_encoded_once(archived):
    for url in archived["pages"]:
        assert "%25" not in url and url.isascii(), url


@pytest.mark.parametrize("slug", RAW_SITEMAP_SLUGS)
def test_raw_sitemap_and_encoded_links_give_one_record(archived, slug):
    matches = [r for r in archived["records"] if path_of(r["url"]) == f"/post/{slug}"]
    assert len(matches) == 1


def test_each_post_fetched_once_whatever_the_link_form(archived):
    """Every form of a post's link (raw Unicode, percent-encoded, with tracking parameters, on the host
    alias) leads to one request of one URL, answered once. The same request sent again by the transport is
    not a second form: a retry the crawl counted (``retry/count``), or a GET that Twisted's connection pool
    resends by itself when a kept-alive connection closes under it, whose first answer never reached the
    crawl (the server logged more requests than the crawl received responses)."""
    posts = [r for r in archived["requests"] if r.path.startswith("/post/")]
    forms: dict[str, set[tuple[str, str]]] = {}
    for r in posts:
        forms.setdefault(path_of(r.path), set()).add((r.path, r.query))
    assert forms and all(len(found) == 1 for found in forms.values()), [f for f in forms.values() if len(f) > 1]
    stats = archived["stats"]
    answered = sum(v for k, v in stats.items() if k.startswith("downloader/response_status_count/"))
    resent = stats.get("retry/count", 0) + len(archived["requests"]) - answered
    seen = Counter(path_of(r.path) for r in posts)
    assert len(posts) - len(forms) <= resent, (
        f"server log: {len(archived['requests'])} requests, the crawl's responses: {answered}",
        [(path, n) for path, n in seen.items() if n > 1],
    )


def test_host_alias_is_the_same_page(archived):
    site = archived["site"]
    alias_host = urlsplit(site.alias_url).netloc
    assert not [u for u in archived["pages"] if alias_host in u]
    assert sum(1 for r in archived["records"] if path_of(r["url"]) == "/notre-expertise") == 1
    # the alias link was followed but normalised to the primary host before it was requested
    assert not [r for r in archived["requests"] if r.host == alias_host]


def test_redirected_old_slug_is_an_alias(archived):
    old = archived["site"].url(OLD_SLUG_PATH)
    assert archived["aliases"].get(old) == archived["site"].url(BALTIC.path)
    assert not [u for u in archived["pages"] if path_of(u) == OLD_SLUG_PATH]


def test_tracking_parameters_never_requested_nor_stored(archived):
    assert not [r for r in archived["requests"] if "utm_" in (r.query or "")]
    assert not [u for u in archived["pages"] if "?" in u or "#" in u]


def test_translations_list_each_other(archived):
    site = archived["site"]
    by_path = {path_of(r["url"]): r for r in archived["records"]}
    french, english = by_path[SEED_001.path], by_path[SEED_001_EN.path]
    assert french["translations"] == {"en": site.url(SEED_001_EN.path)}
    assert english["translations"] == {"fr": site.url(SEED_001.path)}
    assert english["language"] == "en" and english["declared_language"] == "en"
    assert by_path[ARCTIC.path]["translations"] == {"en": site.url(ARCTIC_EN.path)}
    assert by_path["/post/" + BALTIC.slug]["translations"] == {}


def test_untranslated_copy_is_a_flagged_duplicate(archived):
    site = archived["site"]
    copy_path = f"/de/post/{BLACK_SEA.slug}"
    assert copy_path not in {path_of(r["url"]) for r in archived["records"]}
    copy = next(r for r in archived["all"] if path_of(r["url"]) == copy_path)
    original = next(r for r in archived["all"] if path_of(r["url"]) == BLACK_SEA.path)
    assert copy["duplicate_of"] == site.url(BLACK_SEA.path) == original["url"]
    assert copy["declared_language"] == "de" and copy["language"] == "fr" and copy["language_mismatch"] is True
    assert original["duplicate_of"] is None and original["language_mismatch"] is False
    assert copy["text"] == original["text"]
    assert len(archived["all"]) == len(archived["records"]) + 1


def test_copy_never_becomes_the_original_when_crawled_first(site, db_url, tmp_path):
    """Crawl order must not matter: here only the copy is reachable in the first crawl."""
    site.state.reset()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "cess"\nbase_url = "https://www.centre-europeen-securite-strategie.eu"\n'
        "sitemaps_from_robots = false\nfollow_links = false\n"
        f'start_urls = ["/de/post/{BLACK_SEA.slug}"]\n'
        "article_paths = ['^/(?:[a-z]{2}/)?post/[^/]+$']\n",
        encoding="utf-8",
    )
    first = crawl(site, db_url, "--sources", str(sources))
    assert first.exit_code == 0, first.output
    assert "new pages 1" in first.stdout
    second = crawl(site, db_url)
    assert second.exit_code == 0, second.output
    records = export_records(db_url, tmp_path, "--include-duplicates")
    copy = next(r for r in records if path_of(r["url"]).startswith("/de/"))
    assert copy["duplicate_of"] == site.url(BLACK_SEA.path)


def test_sources_file_scopes_the_crawl(site, db_url, tmp_path):
    site.state.reset()
    site.clear_requests()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "static-pages"\nbase_url = "https://www.centre-europeen-securite-strategie.eu"\n'
        'sitemaps = ["/pages-sitemap.xml"]\nsitemaps_from_robots = false\nfollow_links = false\n'
        "start_urls = []\nscope_paths = ['^/(?!post/|blog)[^/]*$']\n",
        encoding="utf-8",
    )
    result = crawl(site, db_url, "--sources", str(sources), "--source", "static-pages")
    assert result.exit_code == 0, result.output
    records = export_records(db_url, tmp_path)
    assert records and {r["source"] for r in records} == {"static-pages"}
    assert {r["kind"] for r in records} == {"page"}
    assert not [r for r in site.requests if r.path.startswith("/post/")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("[[source]]\nname = 'x'\n", "base_url must be an http(s) URL"),
        ("[[source]]\nname = 'x'\nbase_url = 'https://e.org'\narticle_paths = ['(']\n", "bad regular expression"),
        ("[[source]]\nname = 'x'\nbase_url = 'https://e.org'\nstart_path = ['/']\n", "unknown field(s) start_path"),
        ("not toml [", "is not valid TOML"),
    ],
)
def test_bad_sources_file_is_one_line(tmp_path, content, message):
    sources = tmp_path / "sources.toml"
    sources.write_text(content, encoding="utf-8")
    result = cess("crawl", "--sources", str(sources), "--source", "x", "--db", f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a.sqlite").exists()


def test_unknown_source_is_a_usage_error(tmp_path):
    result = cess("crawl", "--source", "nope", "--db", f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert result.exit_code == 2
    assert "unknown source 'nope'" in result.stderr
