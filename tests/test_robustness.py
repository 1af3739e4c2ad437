"""Faults the crawl must survive without losing or corrupting anything; each against a local server."""

from __future__ import annotations

import sqlite3
import time

from tests.conftest import FAST, cess, export_records
from tests.other_sites import StaticSite


def _html(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:title' content='{title}'></head><body><article><h1>{title}</h1>{body}"
            "</article></body></html>").encode("utf-8")


def test_pathological_page_times_out_in_a_worker_and_the_crawl_goes_on(db_url, tmp_path):
    slow_body = "".join(f"<div><p>Paragraphe {i} sur la sécurité européenne et la défense commune.</p>"
                        f"<a href='/x{i}'>lien {i}</a></div>" for i in range(40000))
    normal = ("<p>Le Centre publie une note courte sur la sécurité des câbles sous-marins en mer du Nord.</p>"
              "<p>Elle recommande une surveillance commune des infrastructures critiques.</p>")
    pages = {"/slow": (200, "text/html; charset=utf-8", _html("Page pathologique", slow_body)),
             "/normal": (200, "text/html; charset=utf-8", _html("Note courte", normal))}
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "faults"\nbase_url = "https://faults.example"\n'
                       'sitemaps_from_robots = false\nfollow_links = false\n'
                       'start_urls = ["/slow", "/normal"]\n', encoding="utf-8")
    with StaticSite(pages) as site:
        started = time.monotonic()
        result = cess("crawl", "--sources", str(sources), "--source", "faults", "--base-url", site.base_url,
                      "--db", db_url, *FAST, "--set", "ARCHIVE_EXTRACT_TIMEOUT=3")
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output  # completed, with a page error
    assert "errors 1" in result.stdout and "new pages 1" in result.stdout
    assert elapsed < 60  # the slow page alone takes far longer to clean than its timeout
    [record] = export_records(db_url, tmp_path)
    assert record["title"] == "Note courte"
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        status, error, raw = connection.execute(
            "SELECT extraction_status, extraction_error, raw_sha256 FROM captures WHERE url LIKE '%/slow'").fetchone()
        details = connection.execute("SELECT error_details FROM runs").fetchone()[0]
    assert status == "failed" and "timed out" in error and raw  # the raw capture is kept
    assert "/slow" in details
