"""End to end: crawl the local copy through the real Scrapy engine into a real SQLite file, then export.

The scenario follows the site through states: first crawl, the same state again, template-only churn, one
edited post. Each stage asserts the exact number of versions it may create.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import cess, crawl, export_records, path_of
from tests.site import content as site_content

TEMPLATE_STRINGS = [
    "top of page",
    "bottom of page",
    "Commentaires",
    "Comentarios",
    "Écrire un commentaire",
    "Posts récents",
    "Voir tout",
    "min de lecture",
    "il y a ",
    "vues",
    "j'aime",
    "Partager",
    "Paris / Bruxelles",
    "Any use of",
    "© 2025",
    "Institutions de référence",
    "Se connecter",
    "presidence@",
    "Logo du Conseil",
    "Instagram",
    "TikTok",
    "Centre Europe de Sécurité et Stratégie",
]


def by_path(records: list[dict]) -> dict[str, dict]:
    return {path_of(r["url"]): r for r in records}


def versions_in(db_url: str) -> int:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT count(*) FROM versions").fetchone()[0]


@pytest.fixture(scope="module")
def first_crawl(site, tmp_path_factory):
    """One crawl of the initial state, shared by the read-only tests of this module."""
    tmp_path = tmp_path_factory.mktemp("first")
    db_url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    site.state.reset()
    site.clear_requests()
    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    requests = list(site.requests)
    return db_url, export_records(db_url, tmp_path, "--include-duplicates"), result, requests


def test_crawl_summary_line(first_crawl):
    _, records, result, _ = first_crawl
    assert "run 1 finished: fetched" in result.stdout
    assert f"new pages {len(records)}" in result.stdout


@pytest.mark.parametrize("seed", ["000", "001"])
def test_seed_posts_exact_text(first_crawl, seed):
    _, records, _, _ = first_crawl
    post = site_content.SEED_POSTS[seed]
    record = by_path(records)[f"/post/{post.slug}"]
    expected = site_content.expected_seed_text(seed)
    assert record["text"] == expected
    assert record["title"] == post.title
    assert record["author"] == post.author
    assert record["published"] == post.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert record["kind"] == "article" and record["status"] == "live" and record["version"] == 1
    assert record["language"] == "fr" and record["declared_language"] == "fr"


def test_every_live_post_archived_once_with_metadata(first_crawl):
    _, records, _, _ = first_crawl
    found = by_path(records)
    for post in site_content.live_posts():
        record = found.get(f"/post/{post.slug}")
        assert record is not None, f"post {post.slug} not archived"
        assert record["title"] == post.title
        assert record["author"] == post.author
        assert record["published"] == post.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls))


def test_no_template_text_anywhere(first_crawl):
    _, records, _, _ = first_crawl
    for record in records:
        for needle in TEMPLATE_STRINGS:
            assert needle not in record["text"], f"{needle!r} leaked into {record['url']}"
        assert record["title"] not in record["text"].splitlines()[:1]


def test_listings_and_forms_are_not_content(first_crawl):
    _, records, _, _ = first_crawl
    paths = set(by_path(records))
    assert not any(p == "/blog" or p.startswith("/blog/") for p in paths)
    assert "/contact" not in paths and "/" not in paths
    assert {r["kind"] for r in records} == {"article", "page"}
    assert "/notre-expertise" in paths and by_path(records)["/notre-expertise"]["kind"] == "page"


def test_robots_txt_obeyed_and_user_agent_named(first_crawl):
    _, _, _, requests = first_crawl
    paths = [r.path for r in requests]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith(("/account", "/_api"))]
    agents = {r.headers.get("User-Agent", "") for r in requests}
    assert all(a.startswith("cess-archive/") and "+http" in a for a in agents), agents


def test_records_have_the_contract_fields(first_crawl):
    _, records, _, _ = first_crawl
    contract = {
        "url",
        "kind",
        "status",
        "version",
        "title",
        "author",
        "published",
        "modified",
        "language",
        "declared_language",
        "text",
        "content_sha256",
        "first_seen",
        "last_seen",
        "source",
    }
    for record in records:
        assert contract <= set(record)
        assert record["source"] == "cess"
        assert record["first_seen"].endswith("Z") and record["last_seen"] >= record["first_seen"]
        assert len(record["content_sha256"]) == 64


def test_versions_through_site_states(fresh_site, db_url, tmp_path):
    site = fresh_site
    assert crawl(site, db_url).exit_code == 0
    baseline = versions_in(db_url)
    assert baseline >= 25

    # 1. the same state again: nothing new
    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    assert "new versions 0" in result.stdout and "new pages 0" in result.stdout
    assert versions_in(db_url) == baseline

    # 2. template-only churn: a new site build (style, warmup data), a dateModified bump, other markup
    site.state.rebuild()
    seed1 = site_content.SEED_POSTS["001"].slug
    site.state.republish(seed1)
    site.state.change_markup(seed1)
    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    assert "new versions 0" in result.stdout, result.stdout
    assert versions_in(db_url) == baseline

    # 3. one paragraph of one post edited: exactly one new version, of that post
    seed0 = site_content.SEED_POSTS["000"].slug
    site.state.edit_paragraph(seed0, 2, "Un paragraphe réécrit par la rédaction après publication.")
    result = crawl(site, db_url)
    assert result.exit_code == 0, result.output
    assert "new versions 1" in result.stdout, result.stdout
    assert versions_in(db_url) == baseline + 1

    every_version = export_records(db_url, tmp_path, "--all-versions", "--include-duplicates")
    latest = by_path(export_records(db_url, tmp_path))
    assert len(every_version) == baseline + 1
    history = [r for r in every_version if path_of(r["url"]) == f"/post/{seed0}"]
    assert [r["version"] for r in history] == [1, 2]
    assert history[0]["text"] != history[1]["text"] and history[0]["title"] == history[1]["title"]
    edited = latest[f"/post/{seed0}"]
    assert edited["version"] == 2
    assert "Un paragraphe réécrit par la rédaction après publication." in edited["text"].splitlines()
    assert all(r["version"] == 1 for p, r in latest.items() if p != f"/post/{seed0}")

    runs = cess("runs", "--db", db_url)
    assert runs.exit_code == 0, runs.output
    assert len(runs.stdout.strip().splitlines()) == 1 + 4
