"""The raw captures in the reading room (``/raw``, ``/raw/view``, ``/api/raw``): the bytes exactly as archived
(their SHA-256 recomputed), never run in the reading room's origin (CSP sandbox, nothing fetched, nosniff),
their evidence page, and the captures that have no body. On the local copy crawled through several states
(``site_archive``) and on a small archive of hostile pages written with the archive's own functions
(``hostile_archive``, also used by the version and memento tests)."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from parsel import Selector

from tests.builders import T0, HandMade, db_rows
from tests.conftest import path_of
from tests.web import web_client

HOSTILE_TITLE = "<script>alert('title')</script> Un titre & des <b>balises</b>"
HOSTILE_TEXT = (
    "Premier paragraphe <script>alert('text')</script>.\nSecond paragraphe avec <img src=x onerror=alert(1)>."
)
HOSTILE_BODY = (
    b"<!doctype html><html lang=fr><head><title>&lt;script&gt; archived</title>"
    b"<script>alert('archived script ran'); fetch('https://evil.example/beacon');</script>"
    b'<link rel="stylesheet" href="https://static.wixstatic.com/site.css">'
    b"</head><body><h1>Titre<script>document.title = 'pwned'</script></h1>"
    b'<img src="https://evil.example/pixel.png"><p>Texte archiv\xc3\xa9</p></body></html>'
)


@dataclass
class HostileArchive:
    db_url: str
    path: Path
    hostile: str  # two crawled versions, a 304 capture, then a version by a new extractor
    query: str  # a URL with a query string
    lost: str  # its raw body was lost (the archive is damaged)


def hostile_archive(directory: Path) -> HostileArchive:
    """A small archive written with the archive's own functions: markup and scripts in titles, texts and raw
    bodies; a capture answered 304 (no body); a re-extracted version; a URL with a query; a lost body."""
    from sqlalchemy import select

    from archive import Content, Fetched, record_not_modified
    from archive.models import Capture
    from archive.store import find_page, record_reextraction

    path = directory / "hostile.sqlite"
    hostile = "https://example.org/post/hostile"
    query = "https://example.org/page?id=3"
    lost = "https://example.org/post/lost-body"
    made = HandMade(path)
    try:
        made.put(hostile, HOSTILE_TEXT, T0, body=HOSTILE_BODY, title=HOSTILE_TITLE)
        made.put(hostile, "Texte modifié, <b>gras</b>.", T0 + timedelta(days=1), body=HOSTILE_BODY + b"<!-- v2 -->")
        made.put(query, "Une page avec une requête.", T0, body=b"<p>query</p>", title="Avec requ\u00eate")
        made.put(lost, "Un corps perdu.", T0, body=b"<p>lost body</p>", title="Perdu")
        with made.Session.begin() as session:
            fetched = Fetched(
                requested_url=hostile, url=hostile, status=304, body=b"", fetched_at=T0 + timedelta(days=2)
            )
            assert record_not_modified(session, run_id=made.run, url=hostile, fetched=fetched)
        with made.Session.begin() as session:
            page = find_page(session, hostile)
            assert page is not None
            capture = session.scalars(
                select(Capture).where(Capture.page_id == page.id, Capture.raw_sha256.is_not(None)).order_by(Capture.id)
            ).first()
            content = Content(
                title="Un titre relu par un nouvel extracteur",
                author="Rédaction CESS",
                published=T0,
                modified=None,
                text="Premier paragraphe relu.",
                language="fr",
                declared_language="fr",
                extractor="test/2",
            )
            assert record_reextraction(session, page, capture, content) is not None
    finally:
        made.close()
    with sqlite3.connect(path) as connection:  # a damaged archive: the body is gone, the capture still names it
        connection.execute(
            "DELETE FROM raw_blobs WHERE sha256 = (SELECT raw_sha256 FROM captures WHERE url = ?)", (lost,)
        )
    return HostileArchive(f"sqlite:///{path}", path, hostile, query, lost)


def own_scripts(html: str) -> list[str]:
    """Every ``<script`` element of a reading-room page (only its own keys.js is allowed)."""
    return Selector(text=html).css("script").getall()


def capture_ids(db_path: Path, url_like: str, status: int = 200) -> list[tuple[int, str]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            "SELECT id, raw_sha256 FROM captures WHERE url LIKE ? AND http_status = ? ORDER BY id",
            (url_like, status),
        ).fetchall()


def hostile_archive_and_client(tmp_path_factory):
    """The hostile archive and the reading room on it: the ``hostile`` fixture of the modules that use it."""
    archive = hostile_archive(tmp_path_factory.mktemp("hostile"))
    with web_client(archive.db_url) as test_client:
        yield archive, test_client


hostile = pytest.fixture(scope="module", name="hostile")(hostile_archive_and_client)


def _first_capture(site_archive) -> tuple[int, str]:
    rows = db_rows(
        site_archive, "SELECT id, raw_sha256, url FROM captures WHERE raw_sha256 IS NOT NULL AND http_status = 200"
    )
    capture_id, sha, _ = next(row for row in rows if path_of(row[2]) == site_archive.seed0)
    return capture_id, sha


def test_raw_source_is_the_archived_bytes_as_plain_text(client, site_archive):
    capture_id, sha = _first_capture(site_archive)
    response = client.get("/raw", params={"capture": capture_id})
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sha
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert "allow-scripts" not in policy and "allow-same-origin" not in policy
    assert response.headers["etag"] == f'"{sha}"'
    again = client.get("/raw", params={"capture": capture_id}, headers={"if-none-match": f'"{sha}"'})
    assert again.status_code == 304 and again.content == b""


def test_raw_as_page_is_sandboxed_html_and_fetches_nothing(client, site_archive):
    capture_id, sha = _first_capture(site_archive)
    response = client.get("/raw", params={"capture": capture_id, "as": "page"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert hashlib.sha256(response.content).hexdigest() == sha
    directives = {
        part.strip().split(" ")[0]: part.strip() for part in response.headers["content-security-policy"].split(";")
    }
    assert directives["sandbox"] == "sandbox"  # no allow-* token at all
    assert directives["default-src"] == "default-src 'none'"
    for fetching in ("script-src", "connect-src", "font-src", "frame-src"):
        assert fetching not in directives  # so default-src 'none' governs them
    assert directives["img-src"] == "img-src data:"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_raw_view_shows_the_evidence_and_frames_the_page_in_a_sandbox(client, site_archive):
    capture_id, sha = _first_capture(site_archive)
    response = client.get("/raw/view", params={"capture": capture_id})
    assert response.status_code == 200
    page = Selector(text=response.text)
    shown = page.css("#raw-sha256::text").get()
    raw = client.get("/raw", params={"capture": capture_id}).content
    assert shown == sha == hashlib.sha256(raw).hexdigest()
    frame = page.css("iframe.raw-frame")
    assert frame.attrib["sandbox"] == ""  # every restriction, nothing allowed back
    assert frame.attrib["src"] == f"/raw?capture={capture_id}&as=page"
    assert "200" in page.css(".facts").get()
    assert site_archive.seed0.rsplit("/", 1)[-1][:20] in response.text
    assert "sandbox" not in response.headers["content-security-policy"]  # our own page, our own policy
    assert own_scripts(response.text) == ['<script src="/static/keys.js" defer></script>']


def test_api_raw_gives_the_evidence_as_json(client, site_archive):
    capture_id, sha = _first_capture(site_archive)
    data = client.get("/api/raw", params={"capture": capture_id}).json()
    assert data["id"] == capture_id and data["raw_sha256"] == sha and data["http_status"] == 200
    assert data["raw"] == f"/raw?capture={capture_id}" and data["raw_missing"] is None
    assert data["version_made"] == 1 and path_of(data["page_url"]) == site_archive.seed0
    assert data["headers"] and data["raw_size"] == len(client.get(data["raw"]).content)


def test_a_removal_answer_is_evidence_too(client, site_archive):
    rows = db_rows(site_archive, "SELECT id, url FROM captures WHERE http_status = 404 AND raw_sha256 IS NOT NULL")
    capture_id = next(capture_id for capture_id, url in rows if path_of(url) == site_archive.removed)
    view = client.get("/raw/view", params={"capture": capture_id})
    assert view.status_code == 200
    assert Selector(text=view.text).css(".facts dd::text").re(r"^404$")
    assert client.get("/raw", params={"capture": capture_id}).status_code == 200


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"capture": "999999"}, 404),
        ({"capture": "abc"}, 400),
        ({}, 400),
        ({"capture": "0"}, 400),
        ({"capture": str(2**70)}, 400),
    ],
)
def test_bad_or_unknown_captures(client, site_archive, query, status):
    for path in ("/raw", "/raw/view", "/api/raw"):
        assert client.get(path, params=query).status_code == status
    capture_id, _ = _first_capture(site_archive)
    assert client.get("/raw", params={"capture": capture_id, "as": "script"}).status_code == 400


def test_hostile_raw_page_is_served_only_sandboxed(hostile):
    archive, client = hostile
    capture_id, _ = capture_ids(archive.path, archive.hostile)[0]
    page = client.get("/raw", params={"capture": capture_id, "as": "page"})
    assert page.content == HOSTILE_BODY
    assert page.headers["content-security-policy"].startswith("sandbox;")
    source = client.get("/raw", params={"capture": capture_id})
    assert source.headers["content-type"] == "text/plain; charset=utf-8" and source.content == HOSTILE_BODY
    view = client.get("/raw/view", params={"capture": capture_id})
    assert own_scripts(view.text) == ['<script src="/static/keys.js" defer></script>']
    assert "alert(" not in view.text


def test_a_304_capture_has_no_body_and_says_so(hostile):
    archive, client = hostile
    (capture_id, sha), *_ = capture_ids(archive.path, archive.hostile, 304)
    assert sha is None
    response = client.get("/raw", params={"capture": capture_id})
    assert response.status_code == 404
    assert "304 Not Modified" in Selector(text=response.text).css(".error-message::text").get()
    view = client.get("/raw/view", params={"capture": capture_id})
    assert view.status_code == 200
    assert "304 Not Modified" in view.text and not Selector(text=view.text).css("iframe")
    data = client.get("/api/raw", params={"capture": capture_id}).json()
    assert data["raw"] is None and "304" in data["raw_missing"] and data["version_confirmed"] == 2


def test_a_lost_body_is_a_404_that_says_the_archive_lost_it(hostile):
    archive, client = hostile
    (capture_id, sha), *_ = capture_ids(archive.path, archive.lost)
    response = client.get("/raw", params={"capture": capture_id})
    assert response.status_code == 404
    assert f"the raw body {sha} of capture {capture_id} is missing from the archive" in response.text
