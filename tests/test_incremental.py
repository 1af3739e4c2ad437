"""Incremental recrawls: conditional requests for every archived page, 304s that confirm versions."""

from __future__ import annotations

import sqlite3
from datetime import UTC
from urllib.parse import unquote, urlsplit

from tests.conftest import crawl


def known_paths(db_url: str) -> set[str]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        return {unquote(urlsplit(url).path) for (url,) in connection.execute("SELECT url FROM pages")}


def test_unchanged_recrawl_downloads_almost_nothing(fresh_site, db_url):
    site = fresh_site
    first = crawl(site, db_url)
    assert first.exit_code == 0, first.output
    known = known_paths(db_url)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        seen_before = dict(connection.execute("SELECT page_id, max(last_seen) FROM versions GROUP BY page_id"))

    site.clear_requests()
    second = crawl(site, db_url)
    assert second.exit_code == 0, second.output
    assert "new pages 0, new versions 0" in second.stdout

    to_known = [r for r in site.requests if r.decoded_path in known]
    conditional = [r for r in to_known if "If-None-Match" in r.headers or "If-Modified-Since" in r.headers]
    assert {r.decoded_path for r in conditional} == known  # every archived page, conditionally
    downloaded = [r for r in to_known if r.status == 200]
    assert len(downloaded) < 0.05 * len(known), [r.decoded_path for r in downloaded]
    assert f"not modified {len(known)}" in second.stdout

    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        seen_after = dict(connection.execute("SELECT page_id, max(last_seen) FROM versions GROUP BY page_id"))
        not_modified = connection.execute(
            "SELECT count(*), count(raw_sha256) FROM captures WHERE http_status = 304"
        ).fetchone()
    assert all(seen_after[page] > seen_before[page] for page in seen_before)  # last_seen moved
    assert not_modified == (len(known), 0)  # recorded, nothing downloaded or stored


def test_changed_page_is_downloaded_despite_validators(fresh_site, db_url):
    site = fresh_site
    assert crawl(site, db_url).exit_code == 0
    slug = site.state.live_posts()[0].slug
    site.state.edit_paragraph(slug, 0, "Premier paragraphe réécrit après la publication.")
    site.clear_requests()
    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    assert "new versions 1" in result.stdout
    fetched = [r for r in site.requests if r.decoded_path == f"/post/{slug}"]
    assert [r.status for r in fetched] == [200] and "If-None-Match" in fetched[0].headers


def test_conditional_requests_can_be_turned_off(fresh_site, db_url):
    site = fresh_site
    assert crawl(site, db_url).exit_code == 0
    site.clear_requests()
    result = crawl(site, db_url, "--set", "ARCHIVE_CONDITIONAL=False")
    assert result.exit_code == 0, result.output
    assert "not modified 0" in result.stdout and "new versions 0" in result.stdout
    assert not [r for r in site.requests if "If-None-Match" in r.headers]


def test_recent_sitemap_entries_come_first(fresh_site, db_url, tmp_path):
    """With the feed off, new posts are still fetched before old ones, by their sitemap <lastmod>."""
    from tests.conftest import FAST, cess

    site = fresh_site
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "cess"\nbase_url = "https://www.centre-europeen-securite-strategie.eu"\n'
        "start_urls = []\nfollow_links = false\narticle_paths = ['^/(?:[a-z]{2}/)?post/[^/]+$']\n",
        encoding="utf-8",
    )
    result = cess(
        "crawl",
        "--sources",
        str(sources),
        "--base-url",
        site.base_url,
        "--db",
        db_url,
        *FAST,
        "--set",
        "CONCURRENT_REQUESTS=1",
        "--set",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    )
    assert result.exit_code == 0, result.output
    order = [r.decoded_path for r in site.requests if r.decoded_path.startswith("/post/")]
    newest = max(site.state.live_posts(), key=lambda p: p.modified or p.published)
    oldest = min(site.state.live_posts(), key=lambda p: p.modified or p.published)
    assert order.index(newest.path) < order.index(oldest.path)


def test_lastmod_bonus():
    from datetime import datetime

    from crawler.spiders.site import lastmod_bonus

    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert [
        lastmod_bonus(v, now)
        for v in (
            "2026-11-21T20:00:00Z",
            "2026-11-18",
            "2026-10-30T10:00:00+02:00",
            "2026-09-01",
            "2026-01-15",
            "2020-01-01",
            "not a date",
            None,
        )
    ] == [5, 4, 3, 2, 1, 0, 0, 0]
