"""The dataset downloads of the reading room (``/downloads``, ``/api/downloads``, ``/downloads/export``): every
format loads and holds what ``cess-archive export`` writes with the same filters; the file is streamed
while the export writes it (it waits for a client that reads slowly, and stops when the client goes away);
the filters are checked as the command checks its options. On the local copy crawled through several
states (``site_archive``) and on a generated archive large enough to fill the stream's queue."""

from __future__ import annotations

import csv
import http.client
import io
import json
import threading
import time
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest
from parsel import Selector

from exports import FIELD_NAMES, FORMATS
from reading_room.views import downloads
from tests.builders import EVERYTHING, export_jsonl, iso, make_large_archive
from tests.test_serve_command import Served

ALL = {"versions": "all", "include_removed": 1, "include_duplicates": 1}


@pytest.fixture(scope="module")
def everything(site_archive, tmp_path_factory):
    return export_jsonl(site_archive.db_url, tmp_path_factory.mktemp("export"), *EVERYTHING)


def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines()]


def download_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("download-")]


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_page_lists_every_format_with_links(client):
    response = client.get("/downloads")
    assert response.status_code == 200
    page = Selector(text=response.text)
    rows = page.css("table.formats tbody tr")
    assert [row.css("th code::text").get() for row in rows] == list(FORMATS)
    for row, fmt in zip(rows, FORMATS, strict=True):
        latest, every = row.css("a::attr(href)").getall()
        assert latest == f"/downloads/export?format={fmt}&versions=latest"
        assert every == f"/downloads/export?format={fmt}&versions=all"
    assert page.css("form.download-form").attrib["action"] == "/downloads/export"
    assert {o.attrib["value"] for o in page.css('select[name="format"] option')} == set(FORMATS)


def test_jsonl_is_the_export(client, site_archive, everything, tmp_path):
    response = client.get("/downloads/export", params={"format": "jsonl", **ALL})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="cess-archive-all-') and disposition.endswith('.jsonl"')
    assert jsonl(response) == everything
    latest = client.get("/downloads/export", params={"format": "jsonl"})
    assert jsonl(latest) == export_jsonl(site_archive.db_url, tmp_path)


def test_every_format_loads(client, everything):
    from warcio.archiveiterator import ArchiveIterator

    urls = [(r["url"], r["version"]) for r in everything]
    parquet = client.get("/downloads/export", params={"format": "parquet", **ALL})
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.column_names == list(FIELD_NAMES)
    assert list(zip(table.column("url").to_pylist(), table.column("version").to_pylist(), strict=True)) == urls
    whole = client.get("/downloads/export", params={"format": "json", **ALL})
    assert whole.json() == everything
    rows = list(csv.reader(io.StringIO(client.get("/downloads/export", params={"format": "csv", **ALL}).text)))
    assert rows[0] == list(FIELD_NAMES) and [(r[0], int(r[3])) for r in rows[1:]] == urls
    warc = client.get("/downloads/export", params={"format": "warc", **ALL})
    assert warc.headers["content-disposition"].endswith('.warc.gz"')
    records = [
        json.loads(record.content_stream().read())
        for record in ArchiveIterator(io.BytesIO(warc.content))
        if record.rec_type == "metadata"
    ]
    assert sorted((r["url"], r["version"]) for r in records) == sorted(urls)


def test_filters_are_those_of_the_command(client, site_archive, tmp_path):
    cases = [
        ({"language": "en", "versions": "all"}, ("--language", "en", "--all-versions")),
        ({"kind": "page"}, ("--kind", "page")),
        ({"kind": ["article", "page"], "language": ["EN", "fr"]}, ("--language", "en", "--language", "fr")),
        ({"source": "cess", "include_removed": 1}, ("--source", "cess", "--include-removed")),
        ({"since_run": 1, "versions": "all"}, ("--since-run", "1", "--all-versions")),
        ({"since": iso(site_archive.t1), "versions": "all"}, ("--since", iso(site_archive.t1), "--all-versions")),
        ({"as_of": iso(site_archive.t2), "include_removed": 1}, ("--as-of", iso(site_archive.t2), "--include-removed")),
    ]
    for query, options in cases:
        expected = export_jsonl(site_archive.db_url, tmp_path, *options)
        response = client.get("/downloads/export", params={"format": "jsonl", **query})
        assert response.status_code == 200, query
        assert jsonl(response) == expected, query
        counted = client.get("/api/downloads", params=query).json()
        assert counted["records"] == len(expected), query


def test_api_lists_the_formats_for_the_filters(client):
    data = client.get("/api/downloads", params={"language": "fr", "versions": "all"}).json()
    assert "every version of every page" in data["selection"] and "language fr" in data["selection"]
    assert [f["format"] for f in data["formats"]] == list(FORMATS)
    jsonl_entry = next(f for f in data["formats"] if f["format"] == "jsonl")
    assert jsonl_entry["href"] == "/downloads/export?format=jsonl&versions=all&language=fr"
    assert jsonl_entry["media_type"] == "application/jsonl"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"format": "zip"},
        {"format": "jsonl", "versions": "some"},
        {"format": "jsonl", "since": "2999-01-01"},
        {"format": "jsonl", "as_of": "2999-01-01"},
        {"format": "jsonl", "since": "yesterday"},
        {"format": "jsonl", "since": "2026-01-01", "since_run": "1"},
        {"format": "jsonl", "since": "2026-02-01", "as_of": "2026-01-01"},
        {"format": "jsonl", "since_run": "0"},
        {"format": "jsonl", "since_run": "999"},
        {"format": "jsonl", "language": "not a language"},
        {"format": "jsonl", "kind": "post"},
        {"format": "jsonl", "source": "nowhere"},
        {"format": "jsonl", "include_removed": "perhaps"},
        {"format": "jsonl", "language": [f"l{i:02d}" for i in range(30)]},
    ],
)
def test_bad_filters_are_400_before_anything_is_sent(client, query):
    response = client.get("/downloads/export", params=query)
    assert response.status_code == 400, query
    assert Selector(text=response.text).css(".error-message::text").get()
    if "format" in query and query["format"] == "jsonl":
        api = client.get("/api/downloads", params=query)
        assert api.status_code == 400 and api.json()["error"]


def test_head_starts_no_export(client):
    wait_until(lambda: not download_threads())
    response = client.head("/downloads/export", params={"format": "parquet"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert not download_threads()


@pytest.fixture(scope="module")
def large_archive(tmp_path_factory) -> str:
    """An archive whose JSONL export is many times the stream's queue (about 3 MB)."""
    return make_large_archive(tmp_path_factory.mktemp("large") / "large.sqlite", pages=600, versions_per_page=2)


def test_the_file_is_streamed_while_it_is_written_and_stops_with_the_client(large_archive):
    """Through a real server: a client that reads one piece and waits holds the export midway (it has not
    written the file ahead into memory); when the client goes away, the export stops and frees its place."""
    served = Served("--db", large_archive)
    try:
        assert served.json("/api/downloads")["running"] == 0
        host, port = urlsplit(served.url).netloc.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", "/downloads/export?format=jsonl&versions=all")
        response = connection.getresponse()
        assert response.status == 200
        first = response.read(downloads.CHUNK)
        assert first.startswith(b'{"url":"https://www.example.org/post/note-000001"')
        # The client reads no more: the export fills its queue and waits, still running.
        for _ in range(3):
            assert served.json("/api/downloads")["running"] == 1
        connection.close()
        wait_until(lambda: served.json("/api/downloads")["running"] == 0)
        whole = served.get("/downloads/export?format=jsonl&versions=all")[2]
        assert len(whole.splitlines()) == 1200 and len(whole) > 20 * downloads.CHUNK
    finally:
        assert served.stop() == 0


def test_too_many_downloads_at_once_are_told_to_wait(client):
    taken = 0
    while downloads._slots.acquire(blocking=False):
        taken += 1
    try:
        assert taken == downloads.MAX_DOWNLOADS
        response = client.get("/downloads/export", params={"format": "jsonl"})
        assert response.status_code == 503 and response.headers["retry-after"] == "60"
    finally:
        for _ in range(taken):
            downloads._slots.release()
    assert client.get("/downloads/export", params={"format": "jsonl"}).status_code == 200
