"""The list of changes of the reading room (``/changes``, ``/api/changes``) and its Atom feeds (``/changes.atom``,
``/page.atom``), in process, on the local copy crawled through several states (``site_archive``: run 2 edits
seed 000 and removes X; run 3 edits seed 000 again, retitles seed 001, restores X and removes Z), compared
with what ``cess-archive changes`` prints; and on small archives for markup in titles and for an empty one.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from archive import make_engine
from reading_room.app import create_app
from tests.conftest import cess, path_of
from tests.test_web_diff import HOSTILE_PAGE, HOSTILE_TITLE, HOSTILE_TITLE_2, build_hostile

pytestmark = pytest.mark.slow  # reads the archive the local copy's crawls made

A = "{http://www.w3.org/2005/Atom}"


def client_for(db_url: str) -> TestClient:
    return TestClient(create_app(make_engine(db_url, read_only=True)))


def cli_json(site_archive, *args: str) -> list[dict]:
    result = cess("changes", "--format", "json", *args, "--db", site_archive.db_url)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_feed(site_archive, *args: str) -> ET.Element:
    result = cess("changes", "--format", "atom", *args, "--db", site_archive.db_url)
    assert result.exit_code == 0, result.output
    return ET.fromstring(result.stdout.encode())


def newest_first(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda event: (event["at"], event["id"]), reverse=True)


def page_kinds(site_archive) -> dict[str, str]:
    with sqlite3.connect(site_archive.db_path) as connection:
        return dict(connection.execute("SELECT url, kind FROM pages"))


def all_events(client, **query) -> list[dict]:
    """Every event a query finds, page after page of the JSON."""
    found, offset = [], 0
    while True:
        data = client.get("/api/changes", params={**query, "limit": 7, "offset": offset}).json()
        found += data["events"]
        offset += 7
        if offset >= data["total"]:
            assert len(found) == data["total"]
            return found


# ------------------------------------------------------------------------------------- the list


def test_default_is_the_latest_run_as_the_cli_prints_it(client, site_archive):
    data = client.get("/api/changes").json()
    assert data["run"] == 3 and data["since"] is None and data["until"] is None
    assert data["events"] == newest_first(cli_json(site_archive))  # the same objects, newest first
    assert data["total"] == len(data["events"]) and data["offset"] == 0
    kinds = sorted(event["kind"] for event in data["events"])
    assert kinds == ["edited", "removed", "restored", "retitled"]


def test_the_page_lists_each_event_with_a_link_to_read_it(client, site_archive):
    response = client.get("/changes")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    text = response.text
    events = client.get("/api/changes").json()["events"]
    assert text.count('<li class="event change-') == len(events) == 4
    (edit,) = [event for event in events if event["kind"] == "edited"]
    diff = f"/diff?url={edit['url']}&from=2&to=3"
    links = [link for link in diff_links(text) if parse_qs(urlsplit(link).query)["url"] == [edit["url"]]]
    assert [(urlsplit(link).path, parse_qs(urlsplit(link).query)) for link in links] == [
        (urlsplit(diff).path, {"url": [edit["url"]], "from": ["2"], "to": ["3"]})
    ]
    assert client.get(links[0]).status_code == 200
    (retitle,) = [event for event in events if event["kind"] == "retitled"]
    assert "Kazakhstan : un titre revu par la rédaction" in text and retitle["version"] == 2
    assert 'rel="alternate" type="application/atom+xml"' in text
    assert "Previous run" in text and "No later run" in text


def diff_links(html: str) -> list[str]:
    import html as html_module
    import re

    return [html_module.unescape(link) for link in re.findall(r'class="difflink" href="(/diff\?[^"]+)"', html)]


def test_a_run_paginated(client, site_archive):
    expected = newest_first(cli_json(site_archive, "--run", "1"))
    first = client.get("/api/changes", params={"run": 1, "limit": 10}).json()
    assert first["total"] == len(expected) > 10 and first["events"] == expected[:10]
    assert all_events(client, run=1) == expected
    page = client.get("/changes", params={"run": 1, "limit": 10, "offset": 10}).text
    assert 'rel="next"' in page and 'rel="prev"' in page and f"11–20 / {len(expected)}" in page


def test_a_period(client, site_archive):
    since = (site_archive.t1 + timedelta(microseconds=1)).isoformat()
    expected = newest_first(cli_json(site_archive, "--since", since))
    assert {event["run"] for event in expected} == {2, 3}
    assert all_events(client, since=since) == expected
    until = site_archive.t2.isoformat()
    assert all_events(client, since=since, until=until) == [event for event in expected if event["run"] == 2]
    # a date alone as "until" includes that whole day
    day = site_archive.t3.date().isoformat()
    assert all_events(client, since=since, until=day) == expected
    assert client.get("/api/changes", params={"until": day}).json()["run"] is None


def test_filters(client, site_archive):
    everything = all_events(client, since="2000-01-01")
    assert len(everything) > 40
    edits = all_events(client, since="2000-01-01", kind="edited")
    assert edits == [event for event in everything if event["kind"] == "edited"] and len(edits) == 2
    assert {path_of(event["url"]) for event in edits} == {site_archive.seed0}
    both = all_events(client, since="2000-01-01", kind=["removed", "restored"])
    assert both == [event for event in everything if event["kind"] in ("removed", "restored")]
    assert all_events(client, since="2000-01-01", kind="removed,restored") == both
    kinds = page_kinds(site_archive)
    for kind in ("article", "page"):
        found = all_events(client, since="2000-01-01", page_kind=kind)
        assert found == [event for event in everything if kinds[event["url"]] == kind] and found
    french = all_events(client, since="2000-01-01", language="fr")
    english = all_events(client, since="2000-01-01", language="en")
    assert french and english and not {e["id"] for e in french} & {e["id"] for e in english}
    assert {"removed", "restored", "edited"} <= {e["kind"] for e in french}  # removals: the page's language
    assert all_events(client, since="2000-01-01", language="FR") == french
    assert all("/en/" in event["url"] or "/en" in path_of(event["url"]) for event in english)
    run3_edits = client.get("/api/changes", params={"kind": "edited"}).json()
    assert run3_edits["run"] == 3 and [e["version"] for e in run3_edits["events"]] == [3]
    assert run3_edits["filters"] == {"kind": ["edited"], "language": None, "page_kind": None, "source": None}
    html = client.get("/changes", params={"kind": "edited", "since": "2000-01-01"}).text
    assert html.count('<li class="event change-edited') == 2 and 'value="edited" checked' in html
    assert all_events(client, since="2000-01-01", source="cess") == everything


def test_french(client):
    text = client.get("/changes", params={"lang": "fr"}).text
    assert '<html lang="fr">' in text and "Événements de la collecte" in text and "Collecte précédente" in text


# ----------------------------------------------------------------------------------------- feeds


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def comparable(entry: ET.Element) -> tuple:
    return tuple(
        (child.tag, child.text, tuple(sorted(child.attrib.items())))
        for child in entry
        if not (child.tag == f"{A}link" and child.get("rel") == "related")
    )


def test_the_feed_is_the_clis_feed(client, site_archive):
    response = client.get("/changes.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    web, cli = ET.fromstring(response.content), cli_feed(site_archive)
    for tag in ("id", "title", "subtitle", "updated"):
        assert web.findtext(f"{A}{tag}") == cli.findtext(f"{A}{tag}"), tag
    assert [comparable(entry) for entry in entries(web)] == [comparable(entry) for entry in entries(cli)]
    assert web.find(f"{A}link[@rel='self']").get("href") == "http://testserver/changes.atom"
    related = [entry.find(f"{A}link[@rel='related']").get("href") for entry in entries(web)]
    assert any("/diff?" in link for link in related) and all(link.startswith("http://testserver/") for link in related)
    of_run = ET.fromstring(client.get("/changes.atom", params={"run": 2}).content)
    assert [comparable(entry) for entry in entries(of_run)] == [
        comparable(entry) for entry in entries(cli_feed(site_archive, "--run", "2"))
    ]
    assert of_run.findtext(f"{A}id") == web.findtext(f"{A}id")  # one feed, whatever the run


def test_a_feed_is_revalidated(client):
    response = client.get("/changes.atom")
    again = client.get("/changes.atom", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_filtered_feed_has_its_own_id_and_the_same_entry_ids(client, site_archive):
    everything = cli_feed(site_archive, "--since", "2000-01-01")
    ids = {entry.find(f"{A}category").get("term"): [] for entry in entries(everything)}
    for entry in entries(everything):
        ids[entry.find(f"{A}category").get("term")].append(entry.findtext(f"{A}id"))
    edits = ET.fromstring(client.get("/changes.atom", params={"since": "2000-01-01", "kind": "edited"}).content)
    assert [entry.findtext(f"{A}id") for entry in entries(edits)] == ids["edited"]
    assert edits.findtext(f"{A}id") != everything.findtext(f"{A}id")
    again = ET.fromstring(client.get("/changes.atom", params={"run": 3, "kind": "edited"}).content)
    assert again.findtext(f"{A}id") == edits.findtext(f"{A}id")
    content = entries(edits)[0].findtext(f"{A}content")
    assert "<ins>Un second paragraphe corrigé," in content and "<del>Aucun mot sur la cybersécurité." in content


def test_a_long_feed_is_paged(client, site_archive):
    first = ET.fromstring(client.get("/changes.atom", params={"run": 1, "limit": 20}).content)
    assert len(entries(first)) == 20
    following = first.find(f"{A}link[@rel='next']").get("href")
    assert parse_qs(urlsplit(following).query)["offset"] == ["20"]
    second = ET.fromstring(client.get(following).content)
    together = [entry.findtext(f"{A}id") for entry in entries(first) + entries(second)]
    assert together == [entry.findtext(f"{A}id") for entry in entries(cli_feed(site_archive, "--run", "1"))]
    assert second.find(f"{A}link[@rel='next']") is None


def test_the_feed_of_one_page(client, site_archive):
    response = client.get("/page.atom", params={"url": site_archive.seed0})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    terms = [entry.find(f"{A}category").get("term") for entry in entries(root)]
    assert terms == ["edited", "edited", "new"]
    everything = {entry.findtext(f"{A}id"): entry for entry in entries(cli_feed(site_archive, "--since", "2000-01-01"))}
    for entry in entries(root):
        assert comparable(entry) == comparable(everything[entry.findtext(f"{A}id")])
    assert root.findtext(f"{A}id") not in {cli_feed(site_archive).findtext(f"{A}id")}
    assert root.findtext(f"{A}id") == ET.fromstring(
        client.get("/page.atom", params={"url": site_archive.seed0}).content
    ).findtext(f"{A}id")
    other = ET.fromstring(client.get("/page.atom", params={"url": site_archive.seed1}).content)
    assert other.findtext(f"{A}id") != root.findtext(f"{A}id")
    assert client.get("/page.atom", params={"url": "/post/nothing-here"}).status_code == 404


# ----------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "query, status, message",
    [
        ({"run": "trois"}, 400, "run: expected a whole number"),
        ({"run": "0"}, 400, "run: expected a number from 1"),
        ({"run": "1", "since": "2026-01-01"}, 400, "run: give a run, or a period (since, until), not both"),
        ({"since": "hier"}, 400, "since: expected an ISO 8601 date or date-time"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, 400, "until: 2026-03-02T00:00:00Z is not after since"),
        ({"kind": "typo"}, 400, "kind: expected one of new, edited"),
        ({"source": "nope"}, 400, "source: unknown source"),
        ({"limit": "100000"}, 400, "limit: expected a number from 1 to 500"),
        ({"run": "99"}, 404, "no run 99 in the archive (runs are 1 to 3)"),
    ],
)
def test_bad_parameters(client, query, status, message):
    for path in ("/changes", "/changes.atom"):
        response = client.get(path, params=query)
        assert response.status_code == status and message in response.text, (path, response.text[:300])
    data = client.get("/api/changes", params=query).json()
    assert data["status"] == status and message in data["error"]


# ------------------------------------------------------------------------------- other archives


def test_markup_in_titles_is_escaped(tmp_path):
    with client_for(build_hostile(tmp_path / "archive.sqlite")) as hostile:
        page = hostile.get("/changes").text
        assert "<img src=x" not in page and "<script>alert" not in page
        assert "&lt;img src=x onerror=alert(2)&gt; Balises revues" in page
        assert "&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt; &amp; «Balises»" in page
        data = hostile.get("/api/changes").json()
        assert [event["title"] for event in data["events"]] == [HOSTILE_TITLE_2, HOSTILE_TITLE]  # each its version's
        for path, query in (("/changes.atom", {}), ("/page.atom", {"url": HOSTILE_PAGE})):
            root = ET.fromstring(hostile.get(path, params=query).content)  # well-formed: the markup is escaped
            (retitled,) = [e for e in entries(root) if e.find(f"{A}category").get("term") == "retitled"]
            assert retitled.findtext(f"{A}title") == f"Retitled: {HOSTILE_TITLE_2}"
            assert "&lt;img src=x" in retitled.findtext(f"{A}content")


def test_an_archive_without_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    make_engine(url).dispose()
    with client_for(url) as empty:
        page = empty.get("/changes")
        assert page.status_code == 200 and "no run yet" in page.text
        assert empty.get("/api/changes").json() == {
            "run": None,
            "since": None,
            "until": None,
            "filters": {"kind": [], "language": None, "page_kind": None, "source": None},
            "total": 0,
            "limit": 100,
            "offset": 0,
            "events": [],
        }
        feed = empty.get("/changes.atom")
        assert feed.status_code == 404 and "no run yet" in feed.text
