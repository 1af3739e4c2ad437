"""One version in the reading room (``/version``, ``/api/version``, ``/version/warc``): its text with the
language marked, metadata and provenance, links to its neighbours, timeline and raw capture; its JSON record
field for field what ``cess-archive export`` writes; its WARC; validators of immutable pages; escaping; the
errors. On the local copy crawled through several states (``site_archive``) and on the hand-made archive
of hostile pages of ``tests.test_web_raw``."""

from __future__ import annotations

import hashlib
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from parsel import Selector

from exports.warc import sha256_digest
from tests.builders import EVERYTHING, db_rows, export_jsonl, json_validator, warcio_check
from tests.conftest import path_of
from tests.test_web_raw import hostile_archive_and_client, own_scripts

hostile = pytest.fixture(scope="module", name="hostile")(hostile_archive_and_client)

EDITED = "Un paragraphe réécrit par la rédaction après publication."


@pytest.fixture(scope="module")
def exported(site_archive, tmp_path_factory):
    """Every record ``cess-archive export`` writes of everything, by (path, version)."""
    records = export_jsonl(site_archive.db_url, tmp_path_factory.mktemp("export"), *EVERYTHING)
    return {(path_of(r["url"]), r["version"]): r for r in records}


def link(page: Selector, css: str) -> dict:
    """The query of the link ``css`` (one value per parameter)."""
    href = page.css(css).attrib["href"]
    return {name: values[0] for name, values in parse_qs(urlsplit(href).query).items()} | {"_path": urlsplit(href).path}


def test_version_shows_text_metadata_and_provenance(client, site_archive, exported):
    response = client.get("/version", params={"url": site_archive.seed0, "version": 2})
    assert response.status_code == 200
    page = Selector(text=response.text)
    record = exported[site_archive.seed0, 2]
    assert page.css("h1::text").get() == record["title"] and page.css("h1").attrib["lang"] == "fr"
    text = page.css("article.version-text")
    assert text.attrib["lang"] == record["language"] == "fr"
    assert text.css("p::text").getall() == [line for line in record["text"].split("\n") if line.strip()]
    assert EDITED in text.css("p::text").getall()
    (capture_id, sha, etag, status), *_ = db_rows(
        site_archive,
        "SELECT c.id, c.raw_sha256, c.etag, c.http_status FROM versions v JOIN captures c ON c.id = v.capture_id "
        "JOIN pages p ON p.id = v.page_id WHERE p.url = ? AND v.number = 2",
        record["url"],
    )
    provenance = page.css("section.provenance")
    assert sha in provenance.css("code.digest::text").getall()
    assert record["content_sha256"] in provenance.css("code.digest::text").getall()
    assert str(status) in provenance.css("dd::text").getall()
    assert etag is None or etag in provenance.css("code::text").getall()
    assert record["first_seen"] in page.css("section.provenance time::attr(datetime)").getall()
    previous, following = link(page, 'a[rel="prev"]'), link(page, 'a[rel="next"]')
    assert (previous["_path"], previous["version"]) == ("/version", "1")
    assert (following["_path"], following["version"]) == ("/version", "3")
    assert page.css('a[rel="prev"]').attrib["data-keys"] and page.css('a[rel="next"]').attrib["data-keys"]
    assert page.css(f'a[href="/raw?capture={capture_id}"]') and page.css(f'a[href="/raw/view?capture={capture_id}"]')
    assert link(page, ".crumbs a") == {"_path": "/page", "url": record["url"]}
    diff = link(page, 'a[href^="/diff"]')
    assert (diff["from"], diff["to"]) == ("1", "2")
    download = link(page, 'a[href^="/api/version"]')
    assert download == {"_path": "/api/version", "url": record["url"], "version": "2", "download": "1"}
    warc = link(page, 'a[href^="/version/warc"]')
    assert (warc["url"], warc["version"]) == (record["url"], "2")


def test_default_is_the_latest_version_which_is_not_immutable(client, site_archive):
    response = client.get("/version", params={"url": site_archive.seed0})
    page = Selector(text=response.text)
    assert page.css(".version-of").re(r"3\s+of\s+3") and not page.css('a[rel="next"]')
    assert "etag" not in response.headers and response.headers["cache-control"] == "no-cache"


def test_a_past_version_is_immutable_and_revalidates(client, site_archive):
    response = client.get("/version", params={"url": site_archive.seed0, "version": 1})
    assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
    etag = response.headers["etag"]
    again = client.get("/version", params={"url": site_archive.seed0, "version": 1}, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/version", params={"url": site_archive.seed0, "version": 2})
    assert other.headers["etag"] != etag


def test_any_url_form_finds_the_version(client, site_archive, exported):
    full = exported[site_archive.seed1, 2]["url"]
    for form in (full, full.replace("http://", "https://"), site_archive.seed1, site_archive.seed1 + "/"):
        response = client.get("/version", params={"url": form, "version": 2})
        assert response.status_code == 200, form
        assert Selector(text=response.text).css("h1::text").get() == "Kazakhstan : un titre revu par la rédaction"


def test_json_is_the_export_record(client, site_archive, exported):
    validator = json_validator()
    wanted = (site_archive.seed0, site_archive.seed1, site_archive.removed, site_archive.copy)
    checked = []
    for (path, number), record in exported.items():
        if path in wanted:
            response = client.get("/api/version", params={"url": path, "version": number})
            assert response.status_code == 200
            assert response.json() == record, (path, number)
            validator.validate(response.json())
            checked.append((path, number))
    assert len(checked) >= 7 and {path for path, _ in checked} == set(wanted)


def test_json_revalidates_and_downloads(client, site_archive):
    params = {"url": site_archive.seed0, "version": 1}
    response = client.get("/api/version", params=params)
    etag = response.headers["etag"]
    assert response.headers["cache-control"] == "no-cache"
    assert client.get("/api/version", params=params, headers={"if-none-match": etag}).status_code == 304
    download = client.get("/api/version", params={**params, "download": 1})
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('-v1.json"')
    assert download.json() == response.json()


def test_warc_of_a_version_holds_its_capture_and_record(client, site_archive, exported, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    response = client.get("/version/warc", params={"url": site_archive.seed0, "version": 2})
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('-v2.warc.gz"')
    path = tmp_path / "version.warc.gz"
    path.write_bytes(response.content)
    assert warcio_check(path).returncode == 0
    kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(response.content))]
    assert kinds == ["warcinfo", "response", "request", "metadata"]  # warcio writes a response before its request
    ((sha,),) = db_rows(
        site_archive,
        "SELECT c.raw_sha256 FROM versions v JOIN captures c ON c.id = v.capture_id JOIN pages p "
        "ON p.id = v.page_id WHERE p.url = ? AND v.number = 2",
        exported[site_archive.seed0, 2]["url"],
    )
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                assert record.rec_headers.get_header("WARC-Payload-Digest") == sha256_digest(sha)
                assert hashlib.sha256(record.content_stream().read()).hexdigest() == sha
                response_id = record.rec_headers.get_header("WARC-Record-ID")
            if record.rec_type == "metadata":
                assert json.loads(record.content_stream().read()) == exported[site_archive.seed0, 2]
                assert record.rec_headers.get_header("WARC-Refers-To") == response_id


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"url": ""}, 400),
        ({"version": "2"}, 400),
        ({"url": "SEED0", "version": "abc"}, 400),
        ({"url": "SEED0", "version": "0"}, 400),
        ({"url": "SEED0", "version": "-1"}, 400),
        ({"url": "SEED0", "version": str(2**80)}, 400),
        ({"url": "SEED0", "version": "99"}, 404),
        ({"url": "/post/nothing-like-it-anywhere"}, 404),
        ({"url": "SEED0", "download": "maybe"}, 400),
    ],
)
def test_bad_parameters_and_unknown_versions(client, site_archive, query, status):
    query = {name: site_archive.seed0 if value == "SEED0" else value for name, value in query.items()}
    for path in ("/version", "/api/version", "/version/warc"):
        if "download" in query and path != "/api/version":
            continue
        response = client.get(path, params=query)
        assert response.status_code == status, (path, query)
        if path == "/api/version":
            assert response.json()["status"] == status and response.json()["error"]


def test_an_unknown_url_suggests_the_closest_pages(client, site_archive):
    near = site_archive.seed0[:-3]
    response = client.get("/version", params={"url": near})
    assert response.status_code == 404
    suggested = [path_of(url) for url in Selector(text=response.text).css(".suggestions a::text").getall()]
    assert site_archive.seed0 in suggested
    assert path_of(client.get("/api/version", params={"url": near}).json()["suggestions"][0]) == site_archive.seed0


def test_interface_in_french(client, site_archive):
    response = client.get(
        "/version", params={"url": site_archive.seed0, "version": 2}, headers={"accept-language": "fr"}
    )
    page = Selector(text=response.text)
    assert page.css("html").attrib["lang"] == "fr" and page.css("#provenance-h::text").get() == "Provenance"
    assert page.css(".crumbs a::text").get() == "← Chronologie de cette page"
    assert page.css('a[rel="prev"]::text').get() == "← Version 1"
    assert page.css("article.version-text").attrib["lang"] == "fr"


def test_archived_markup_is_escaped(hostile):
    archive, client = hostile
    response = client.get("/version", params={"url": archive.hostile, "version": 1})
    assert response.status_code == 200
    assert own_scripts(response.text) == ['<script src="/static/keys.js" defer></script>']
    assert "<b>" not in response.text and "<img" not in response.text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in response.text
    page = Selector(text=response.text)
    assert page.css("h1::text").get() == "<script>alert('title')</script> Un titre & des <b>balises</b>"
    assert "<script>alert('text')</script>" in page.css("article p::text").get()


def test_an_extractor_change_is_told_apart_from_an_edit(hostile):
    archive, client = hostile
    page = Selector(text=client.get("/version", params={"url": archive.hostile}).text)
    assert page.css(".version-of .kind-extractor-change") and page.css(".extractor-note")
    assert "test/2" in page.css("section.provenance code::text").getall()
    edited = Selector(text=client.get("/version", params={"url": archive.hostile, "version": 2}).text)
    assert not edited.css(".kind-extractor-change") and not edited.css(".extractor-note")


def test_a_version_whose_body_was_lost_has_no_raw_links_and_its_warc_says_why(hostile):
    archive, client = hostile
    page = Selector(text=client.get("/version", params={"url": archive.lost}).text)
    assert not page.css('a[href^="/raw"]') and not page.css('a[href^="/version/warc"]')
    assert "is missing from the archive" in page.css("section.downloads").get()
    response = client.get("/version/warc", params={"url": archive.lost})
    assert response.status_code == 404 and "is missing from the archive" in response.text
    assert client.get("/api/version", params={"url": archive.lost}).status_code == 200


def test_the_permanent_link_is_the_memento_of_this_version(client, site_archive):
    for number in (1, 2, 3):
        page = Selector(text=client.get("/version", params={"url": site_archive.seed0, "version": number}).text)
        permalink = page.css('a[href^="/web/"]').attrib["href"]
        memento = client.get(permalink, follow_redirects=False)
        assert memento.status_code == 200, permalink  # already the memento's one URL: no redirect
        assert Selector(text=memento.text).css(".version-of").re(rf"Version\s+{number}\s+of\s+3")
        assert memento.headers["memento-datetime"]
