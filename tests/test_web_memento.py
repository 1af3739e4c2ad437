"""Memento (RFC 7089) in the reading room: the TimeMap (``/timemap/link/URL``, ``/api/timemap``), the
TimeGate (``/timegate/URL`` and ``Accept-Datetime``), the mementos (``/web/TIMESTAMP/URL``) with their
headers, the redirects to each memento's one URL, and the errors; ``archive.reading.version_at`` and the
parsing of timestamps and HTTP dates. On the local copy crawled through several states (``site_archive``)
and on the hand-made archive of ``tests.test_web_raw``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from archive import make_engine, make_sessionmaker
from archive.reading import mementos, resolve_page, version_at
from reading_room.params import BadParameter
from reading_room.views.memento import http_date, parse_http_date, period_end
from tests.builders import EVERYTHING, export_jsonl
from tests.conftest import path_of
from tests.test_web_raw import hostile_archive_and_client

hostile = pytest.fixture(scope="module", name="hostile")(hostile_archive_and_client)

_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)')
_PARAM = re.compile(r'([a-z]+)="([^"]*)"')


def parse_links(text: str) -> list[dict]:
    """The links of a Link header or a link-format body: ``{"uri", "rel", …}`` each."""
    return [{"uri": uri, **dict(_PARAM.findall(params))} for uri, params in _LINK.findall(text)]


def rfc1123(iso: str) -> str:
    at = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
    return format_datetime(at.replace(microsecond=0), usegmt=True)


def stamp(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).strftime("%Y%m%d%H%M%S")


@pytest.fixture(scope="module")
def versions(site_archive, tmp_path_factory):
    """The export records of seed 000's three versions, oldest first."""
    records = export_jsonl(site_archive.db_url, tmp_path_factory.mktemp("export"), *EVERYTHING)
    found = [r for r in records if path_of(r["url"]) == site_archive.seed0]
    assert [r["version"] for r in found] == [1, 2, 3]
    return found


def test_timemap_lists_every_version_as_a_memento(client, versions):
    url = versions[0]["url"]
    response = client.get(f"/timemap/link/{url}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/link-format"
    links = parse_links(response.text)
    assert links[0] == {"uri": url, "rel": "original"}
    assert links[1] == {"uri": f"http://testserver/timegate/{url}", "rel": "timegate"}
    assert links[2] == {
        "uri": f"http://testserver/timemap/link/{url}",
        "rel": "self",
        "type": "application/link-format",
        "from": rfc1123(versions[0]["first_seen"]),
        "until": rfc1123(versions[-1]["first_seen"]),
    }
    assert links[3:] == [
        {
            "uri": f"http://testserver/web/{stamp(v['first_seen'])}/{url}",
            "rel": rel,
            "datetime": rfc1123(v["first_seen"]),
        }
        for v, rel in zip(versions, ["first memento", "memento", "last memento"], strict=True)
    ]


def test_timemap_json_twin(client, versions):
    data = client.get("/api/timemap", params={"url": versions[0]["url"]}).json()
    assert data["original"] == versions[0]["url"]
    assert [(m["version"], m["first_seen"], m["datetime"]) for m in data["mementos"]] == [
        (v["version"], v["first_seen"], rfc1123(v["first_seen"])) for v in versions
    ]


def _between(earlier: str, later: str) -> str:
    """An RFC 1123 instant (a whole second, which names its whole second) at or after ``earlier`` and before
    ``later``: the second of ``earlier``, when ``later`` falls in a later second (two versions first seen
    within the same second cannot be told apart at this precision)."""
    a = datetime.fromisoformat(earlier.replace("Z", "+00:00"))
    b = datetime.fromisoformat(later.replace("Z", "+00:00"))
    assert a.replace(microsecond=0) < b.replace(microsecond=0), "the versions were first seen within one second"
    return format_datetime(a.replace(microsecond=0).astimezone(UTC), usegmt=True)


def test_timegate_redirects_to_the_version_current_at_the_instant(client, versions):
    url = versions[0]["url"]
    first, second, third = (v["first_seen"] for v in versions)
    cases = [
        (_between(first, second), versions[0]),
        (_between(second, third), versions[1]),
        (rfc1123(second), versions[1]),  # its own second: that version, though it was seen within the second
        ("Mon, 01 Jan 2001 00:00:00 GMT", versions[0]),  # before the first: the first
        ("Fri, 31 Dec 9999 23:59:59 GMT", versions[2]),
        (None, versions[2]),  # no Accept-Datetime: the latest
    ]
    for asked, expected in cases:
        headers = {"accept-datetime": asked} if asked else {}
        response = client.get(f"/timegate/{url}", headers=headers, follow_redirects=False)
        assert response.status_code == 302, asked
        assert response.headers["location"] == f"http://testserver/web/{stamp(expected['first_seen'])}/{url}", asked
        assert response.headers["vary"].lower() == "accept-datetime"
        rels = {link["rel"]: link["uri"] for link in parse_links(response.headers["link"])}
        assert rels["original"] == url and rels["timemap"] == f"http://testserver/timemap/link/{url}"
        memento = client.get(response.headers["location"], follow_redirects=False)
        assert memento.status_code == 200
        assert memento.headers["memento-datetime"] == rfc1123(expected["first_seen"])
        assert Selector(text=memento.text).css("h1::text").get() == expected["title"]


@pytest.mark.parametrize(
    "asked", ["2026-01-01T00:00:00Z", "Thu, 32 Jan 2026 00:00:00 GMT", "Thu, 01 Jan 2026 00:00:00 CET", "yesterday"]
)
def test_timegate_refuses_a_malformed_accept_datetime(client, versions, asked):
    response = client.get(f"/timegate/{versions[0]['url']}", headers={"accept-datetime": asked}, follow_redirects=False)
    assert response.status_code == 400
    assert "Accept-Datetime" in Selector(text=response.text).css(".error-message::text").get()


def test_memento_has_its_headers_and_shows_the_version(client, versions):
    url = versions[1]["url"]
    response = client.get(f"/web/{stamp(versions[1]['first_seen'])}/{url}", follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["memento-datetime"] == rfc1123(versions[1]["first_seen"])
    links = parse_links(response.headers["link"])
    by_rel = {" ".join(sorted(link["rel"].split())): link for link in links}
    assert by_rel["original"]["uri"] == url
    assert by_rel["timegate"]["uri"] == f"http://testserver/timegate/{url}"
    assert by_rel["timemap"]["uri"] == f"http://testserver/timemap/link/{url}"
    for rel, version in (("first memento prev", versions[0]), ("last memento next", versions[2])):
        assert by_rel[rel]["uri"] == f"http://testserver/web/{stamp(version['first_seen'])}/{url}"
        assert by_rel[rel]["datetime"] == rfc1123(version["first_seen"])
    page = Selector(text=response.text)
    assert page.css(".memento-note") and page.css("h1::text").get() == versions[1]["title"]
    assert page.css("article.version-text p::text").getall() == [p for p in versions[1]["text"].split("\n") if p]
    assert "immutable" in response.headers["cache-control"]  # a past version
    french = page.css("a.lang-switch").attrib["href"]
    assert urlsplit(french).path == "/version" and "lang=fr" in french and "version=2" in french


def test_a_memento_has_one_url(client, versions, site_archive):
    url = versions[2]["url"]
    canonical = f"http://testserver/web/{stamp(versions[2]['first_seen'])}/{url}"
    for asked in (
        f"/web/{stamp(versions[2]['first_seen'])[:4]}/{url}",  # a year: the version current at its end
        f"/web/{stamp(versions[2]['first_seen'])}/{site_archive.seed0}",  # a path alone
        f"/web/99991231235959/{url}",
    ):
        response = client.get(asked, follow_redirects=False)
        assert response.status_code == 302, asked
        assert response.headers["location"] == canonical, asked
        assert client.get(response.headers["location"], follow_redirects=False).status_code == 200
    # A proxy that collapses "//" would collapse it again after a redirect: that form is served as it is.
    collapsed = client.get(f"/web/{stamp(versions[2]['first_seen'])}/{url.replace('http://', 'http:/')}")
    assert collapsed.status_code == 200 and collapsed.headers["memento-datetime"] == rfc1123(versions[2]["first_seen"])
    year_before = str(int(stamp(versions[0]["first_seen"])[:4]) - 1)
    early = client.get(f"/web/{year_before}/{url}", follow_redirects=False)  # before any: the first
    assert early.headers["location"] == f"http://testserver/web/{stamp(versions[0]['first_seen'])}/{url}"


def test_star_leads_to_the_timeline(client, versions):
    response = client.get(f"/web/*/{versions[0]['url']}", follow_redirects=False)
    assert response.status_code == 302
    assert urlsplit(response.headers["location"]).path == "/page"
    assert client.get(response.headers["location"]).url.params["url"] == versions[0]["url"]


@pytest.mark.parametrize(
    "timestamp", ["abc", "202", "20261", "2026139", "20261301", "20260230", "202601011260", "0000"]
)
def test_bad_timestamps_are_400(client, versions, timestamp):
    response = client.get(f"/web/{timestamp}/{versions[0]['url']}", follow_redirects=False)
    assert response.status_code == 400
    assert "timestamp" in Selector(text=response.text).css(".error-message::text").get()


def test_unknown_urls_and_missing_urls(client):
    for path in (
        "/timemap/link/https://nowhere.example/x",
        "/timegate/https://nowhere.example/x",
        "/web/2026/https://nowhere.example/x",
    ):
        assert client.get(path, follow_redirects=False).status_code == 404, path
    for path in ("/timemap/link/", "/timegate/", "/web/2026/", "/web/2026"):
        assert client.get(path, follow_redirects=False).status_code == 400, path
    assert client.get("/api/timemap").status_code == 400


def test_under_a_base_path(site_archive, versions):
    from starlette.testclient import TestClient

    from reading_room.app import create_app

    engine = make_engine(site_archive.db_url, read_only=True)
    try:
        client = TestClient(create_app(engine, base_path="/archive"))
        url = versions[0]["url"]
        gate = client.get(f"/archive/timegate/{url}", follow_redirects=False)
        memento = f"http://testserver/archive/web/{stamp(versions[2]['first_seen'])}/{url}"
        assert gate.headers["location"] == memento
        response = client.get(memento, follow_redirects=False)
        assert response.status_code == 200
        rels = {link["rel"]: link["uri"] for link in parse_links(response.headers["link"])}
        assert rels["timemap"] == f"http://testserver/archive/timemap/link/{url}"
        timemap = parse_links(client.get(rels["timemap"]).text)
        assert [link["uri"] for link in timemap[3:]] == [
            f"http://testserver/archive/web/{stamp(v['first_seen'])}/{url}" for v in versions
        ]
    finally:
        engine.dispose()


def test_head_on_the_timegate(client, versions):
    response = client.head(f"/timegate/{versions[0]['url']}", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"].startswith("http://testserver/web/")


def test_a_url_with_a_query_keeps_it(hostile):
    archive, client = hostile
    timemap = parse_links(client.get(f"/timemap/link/{archive.query}").text)
    assert timemap[0] == {"uri": archive.query, "rel": "original"}
    memento = timemap[-1]["uri"]
    assert memento.endswith("/https://example.org/page?id=3")
    response = client.get(memento, follow_redirects=False)
    assert response.status_code == 200 and "Avec requête" in response.text


def test_memento_escapes_archived_markup(hostile):
    archive, client = hostile
    gate = client.get(f"/timegate/{archive.hostile}", headers={"accept-datetime": "Mon, 05 Jan 2026 09:00:00 GMT"})
    assert gate.status_code == 200 and gate.headers["memento-datetime"] == "Mon, 05 Jan 2026 08:00:00 GMT"
    page = Selector(text=gate.text)
    assert page.css("script").getall() == ['<script src="/static/keys.js" defer></script>']
    assert page.css("h1::text").get().startswith("<script>")


def test_version_at(hostile):
    archive, _ = hostile
    engine = make_engine(archive.db_url, read_only=True)
    try:
        with make_sessionmaker(engine)() as session:
            page = resolve_page(session, archive.hostile)
            dated = mementos(session, page)
            assert [m.number for m in dated] == [1, 2, 3]
            t0 = dated[0].at
            assert version_at(session, page, t0 - timedelta(days=1)).number == 1
            assert version_at(session, page, t0).number == 1
            assert version_at(session, page, t0 + timedelta(hours=23)).number == 1
            assert version_at(session, page, dated[1].at).number == 2
            assert version_at(session, page, dated[2].at - timedelta(microseconds=1)).number == 2
            assert version_at(session, page, datetime.max.replace(tzinfo=UTC)).number == 3
            with pytest.raises(ValueError, match="aware"):
                version_at(session, page, datetime(2026, 1, 1))
    finally:
        engine.dispose()


def test_period_end():
    assert period_end("2026") == datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert period_end("202602") == datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)
    assert period_end("202612") == datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert period_end("20240229") == datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)
    assert period_end("2026010512") == datetime(2026, 1, 5, 12, 59, 59, 999999, tzinfo=UTC)
    assert period_end("202601051230") == datetime(2026, 1, 5, 12, 30, 59, 999999, tzinfo=UTC)
    assert period_end("20260105123045") == datetime(2026, 1, 5, 12, 30, 45, 999999, tzinfo=UTC)
    assert period_end("9999") == datetime.max.replace(tzinfo=UTC)
    for bad in ("", "2026-01", "20260229", "2026010524", "99999"):
        with pytest.raises(BadParameter):
            period_end(bad)


def test_http_dates():
    at = datetime(2026, 1, 5, 8, 0, 7, 123456, tzinfo=UTC)
    assert http_date(at) == "Mon, 05 Jan 2026 08:00:07 GMT"
    assert parse_http_date("Mon, 05 Jan 2026 08:00:07 GMT") == at.replace(microsecond=0)
    for bad in ("Mon, 5 Jan 2026 08:00:07 GMT", "Mon, 05 Jan 2026 08:00:07 +0000", "Mon, 05 Foo 2026 08:00:07 GMT"):
        with pytest.raises(BadParameter):
            parse_http_date(bad)
