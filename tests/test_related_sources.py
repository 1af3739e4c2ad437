"""Related sources: crawling a non-Wix site declared in the shipped sources file, at a local origin."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import FAST, cess, export_records
from tests.other_sites import (
    CP1252_PATH,
    EMPTY_PATH,
    POST_PATH,
    participant_site,
    seed_003_blocks,
    seed_003_expected_text,
)

pytestmark = pytest.mark.slow  # every test here crawls a local server through the real engine


@pytest.fixture
def participant():
    with participant_site() as site:
        yield site


def test_shipped_participant_source_archives_seed_003(participant, db_url, tmp_path):
    result = cess("crawl", "--source", "anne-genetet", "--base-url", participant.base_url, "--db", db_url, *FAST)
    assert result.exit_code == 0, result.output
    assert participant.requests.count(POST_PATH) == 1
    assert not [p for p in participant.requests if p.startswith("/posts/x1")]  # follow_links = false
    [record] = export_records(db_url, tmp_path)
    assert record["source"] == "anne-genetet" and record["kind"] == "article"
    assert record["title"] == seed_003_blocks()[0]
    assert record["author"] == "Anne Genetet"
    assert record["published"] == "2025-06-02T08:00:00Z"
    assert record["text"] == seed_003_expected_text()
    assert "À lire aussi" not in record["text"] and "Mentions légales" not in record["text"]


def test_windows_1252_and_empty_pages(participant, db_url, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "participant-all"\nbase_url = "https://annegenetet.fr"\n'
        "sitemaps_from_robots = false\nfollow_links = false\n"
        f'start_urls = ["{CP1252_PATH}", "{EMPTY_PATH}"]\n'
        "article_paths = ['^/posts/']\n",
        encoding="utf-8",
    )
    result = cess(
        "crawl",
        "--sources",
        str(sources),
        "--source",
        "participant-all",
        "--base-url",
        participant.base_url,
        "--db",
        db_url,
        *FAST,
    )
    assert result.exit_code == 0, result.output
    [record] = export_records(db_url, tmp_path)
    assert record["title"] == "Défense européenne : archives"
    assert "Les États membres n’ont cessé de débattre d’une « autonomie stratégique »" in record["text"]
    assert "Ã" not in record["text"] and "â€" not in record["text"]
    # the page with no article text: its capture is kept, marked empty, and no empty version exists
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        rows = connection.execute(
            "SELECT extraction_status, version_id, raw_sha256 FROM captures WHERE url LIKE ?", (f"%{EMPTY_PATH}",)
        ).fetchall()
        empty_versions = connection.execute("SELECT count(*) FROM versions WHERE trim(text) = ''").fetchone()[0]
    assert rows == [("empty", None, rows[0][2])] and rows[0][2]
    assert empty_versions == 0
