"""Faults the crawl must survive without losing or corrupting anything; each against a local server."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from tests.conftest import FAST, cess, export_records
from tests.other_sites import StaticSite

pytestmark = pytest.mark.slow  # every test here crawls a local server through the real engine


def _html(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:title' content='{title}'></head><body><article><h1>{title}</h1>{body}"
        "</article></body></html>"
    ).encode()


def test_pathological_page_times_out_in_a_worker_and_the_crawl_goes_on(db_url, tmp_path):
    slow_body = "".join(
        f"<div><p>Paragraphe {i} sur la sécurité européenne et la défense commune.</p>"
        f"<a href='/x{i}'>lien {i}</a></div>"
        for i in range(40000)
    )
    normal = (
        "<p>Le Centre publie une note courte sur la sécurité des câbles sous-marins en mer du Nord.</p>"
        "<p>Elle recommande une surveillance commune des infrastructures critiques.</p>"
    )
    pages = {
        "/slow": (200, "text/html; charset=utf-8", _html("Page pathologique", slow_body)),
        "/normal": (200, "text/html; charset=utf-8", _html("Note courte", normal)),
    }
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "faults"\nbase_url = "https://faults.example"\n'
        "sitemaps_from_robots = false\nfollow_links = false\n"
        'start_urls = ["/slow", "/normal"]\n',
        encoding="utf-8",
    )
    with StaticSite(pages) as site:
        started = time.monotonic()
        result = cess(
            "crawl",
            "--sources",
            str(sources),
            "--source",
            "faults",
            "--base-url",
            site.base_url,
            "--db",
            db_url,
            *FAST,
            "--set",
            "ARCHIVE_EXTRACT_TIMEOUT=3",
        )
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output  # completed, with a page error
    assert "errors 1" in result.stdout and "new pages 1" in result.stdout
    assert elapsed < 60  # the slow page alone takes far longer to clean than its timeout
    [record] = export_records(db_url, tmp_path)
    assert record["title"] == "Note courte"
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        status, error, raw = connection.execute(
            "SELECT extraction_status, extraction_error, raw_sha256 FROM captures WHERE url LIKE '%/slow'"
        ).fetchone()
        details = connection.execute("SELECT error_details FROM runs").fetchone()[0]
    assert status == "failed" and "timed out" in error and raw  # the raw capture is kept
    assert "/slow" in details


# -- HTTP faults on the local copy of the site ------------------------------------------------------------


def _captures(db_url: str, like: str) -> list[tuple]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        return connection.execute(
            "SELECT http_status, extraction_status FROM captures WHERE url LIKE ?", (f"%{like}",)
        ).fetchall()


def _run_row(db_url: str) -> dict:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return dict(connection.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone())


def _crawl_site(site, db_url, *extra):
    return cess("crawl", "--base-url", site.base_url, "--db", db_url, *FAST, *extra)


@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_then_success(fresh_site, db_url, status):
    site = fresh_site
    post = site.state.live_posts()[0]
    site.state.set_fault(post.path, status=status, times=2, headers={"Retry-After": "1"})
    result = _crawl_site(site, db_url)
    assert result.exit_code == 0, result.output
    asked = [r for r in site.requests if r.decoded_path == post.path]
    assert [r.status for r in asked] == [status, status, 200]
    assert _captures(db_url, urlpath(post.path)) == [(200, "ok")]
    stats = json.loads(_run_row(db_url)["stats"])
    assert stats["retry/count"] == 2 and stats["archive/retry_after_waits"] == 2


def urlpath(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def test_always_503_fails_the_page_and_loses_nothing(fresh_site, db_url):
    site = fresh_site
    assert _crawl_site(site, db_url).exit_code == 0
    post = site.state.live_posts()[1]
    site.state.rebuild()  # new validators: every page is downloaded again
    site.state.set_fault(post.path, status=503)
    result = _crawl_site(site, db_url, "--set", "RETRY_TIMES=1")
    assert result.exit_code == 1, result.output
    run = _run_row(db_url)
    assert run["status"] == "finished" and run["errors"] == 1 and urlpath(post.path) in run["error_details"]
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        page = connection.execute(
            "SELECT status, (SELECT count(*) FROM versions v WHERE v.page_id = p.id) FROM pages p WHERE url LIKE ?",
            (f"%{urlpath(post.path)}",),
        ).fetchone()
    assert page == ("live", 1)  # still archived, still live, its version intact


def test_timeout_is_an_error_not_a_capture(fresh_site, db_url):
    site = fresh_site
    post = site.state.live_posts()[2]
    site.state.set_fault(post.path, status=None, delay=4)
    result = _crawl_site(site, db_url, "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=0")
    assert result.exit_code == 1, result.output
    assert _captures(db_url, urlpath(post.path)) == []
    assert "TimeoutError" in _run_row(db_url)["error_details"]


# -- broken transfers ---------------------------------------------------------------------------------


def _raw_page(body: bytes, *, length: int | None = None, chunked: bool = False, extra: bytes = b"") -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n" + extra
    if chunked:
        return head + b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(body):x}\r\n".encode() + body + b"\r\n"
    return head + f"Content-Length: {length if length is not None else len(body)}\r\n\r\n".encode() + body


def test_truncated_and_endless_bodies_are_never_stored(db_url, tmp_path):
    from tests.other_sites import RawSite

    article = _html("Article complet", "<p>" + "Texte de l’article sur la défense européenne. " * 40 + "</p>")
    answers = {
        "/ok": (_raw_page(article), 0),
        "/short": (_raw_page(article[:300], length=len(article)), 0),  # closes before Content-Length
        "/chunked": (_raw_page(article[:400], chunked=True), 0),  # no final 0-length chunk
        "/endless": (_raw_page(article[:200], length=len(article)), 30),  # never finishes its body
    }
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "raw"\nbase_url = "https://raw.example"\nsitemaps_from_robots = false\n'
        'follow_links = false\nstart_urls = ["/ok", "/short", "/chunked", "/endless"]\n',
        encoding="utf-8",
    )
    with RawSite(answers) as site:
        result = cess(
            "crawl",
            "--sources",
            str(sources),
            "--source",
            "raw",
            "--base-url",
            site.base_url,
            "--db",
            db_url,
            *FAST,
            "--set",
            "DOWNLOAD_TIMEOUT=3",
            "--set",
            "RETRY_TIMES=0",
        )
    assert result.exit_code == 1, result.output
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        stored = [row[0].rsplit("/", 1)[1] for row in connection.execute("SELECT url FROM captures")]
    assert stored == ["ok"]
    assert _run_row(db_url)["errors"] == 3


def test_oversized_body_and_gzip_and_brotli_bombs_are_dropped(db_url, tmp_path):
    import gzip

    import brotli

    big = _html("Trop gros", "<p>" + "x" * 600_000 + "</p>")
    inflated = b"<html><body>" + b"A" * 50_000_000 + b"</body></html>"
    bomb = gzip.compress(inflated, compresslevel=9)
    brotli_bomb = brotli.compress(inflated, quality=5)
    pages = {
        "/big": (200, "text/html; charset=utf-8", big),
        "/ok": (200, "text/html; charset=utf-8", _html("Page normale", "<p>" + "Une page normale. " * 30 + "</p>")),
    }
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "sizes"\nbase_url = "https://sizes.example"\nsitemaps_from_robots = false\n'
        'follow_links = false\nstart_urls = ["/big", "/bomb", "/brotli-bomb", "/ok"]\n',
        encoding="utf-8",
    )
    with StaticSite(pages) as site:
        site.pages["/bomb"] = (200, "text/html; charset=utf-8", bomb)
        site.pages["/brotli-bomb"] = (200, "text/html; charset=utf-8", brotli_bomb)
        site.extra_headers = {"/bomb": {"Content-Encoding": "gzip"}, "/brotli-bomb": {"Content-Encoding": "br"}}
        result = cess(
            "crawl",
            "--sources",
            str(sources),
            "--source",
            "sizes",
            "--base-url",
            site.base_url,
            "--db",
            db_url,
            *FAST,
            "--set",
            "DOWNLOAD_MAXSIZE=500000",
            "--set",
            "DOWNLOAD_WARNSIZE=0",
        )
    assert result.exit_code == 1, result.output
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        stored = [row[0].rsplit("/", 1)[1] for row in connection.execute("SELECT url FROM captures")]
    assert stored == ["ok"]
    assert _run_row(db_url)["errors"] == 3


# -- redirects, traps and hostile discovery documents --------------------------------------------------------


def _source_file(tmp_path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[[source]]\nname = "{name}"\nbase_url = "https://{name}.example"\n{body}', encoding="utf-8")
    return str(path)


def _crawl_static(site, db_url, sources: str, name: str, *extra):
    return cess(
        "crawl", "--sources", sources, "--source", name, "--base-url", site.base_url, "--db", db_url, *FAST, *extra
    )


def test_redirect_loops_other_hosts_and_schemes(db_url, tmp_path):
    ok = _html("Page cible", "<p>" + "Une page atteinte après redirection. " * 20 + "</p>")
    pages = {
        "/": (
            200,
            "text/html",
            _html("Accueil", "".join(f"<a href='/{p}'>{p}</a> " for p in ("loop-a", "offsite", "file", "hop", "ftp"))),
        ),
        "/loop-a": (301, "text/html", b""),
        "/loop-b": (301, "text/html", b""),
        "/offsite": (301, "text/html", b""),
        "/file": (302, "text/html", b""),
        "/ftp": (301, "text/html", b""),
        "/hop": (301, "text/html", b""),
        "/target": (200, "text/html; charset=utf-8", ok),
    }
    with StaticSite(pages) as site:
        site.extra_headers = {
            "/loop-a": {"Location": "/loop-b"},
            "/loop-b": {"Location": "/loop-a"},
            "/offsite": {"Location": "http://elsewhere.invalid/steal"},
            "/file": {"Location": "file:///etc/passwd"},
            "/ftp": {"Location": "ftp://127.0.0.1/x"},
            "/hop": {"Location": "/target"},
        }
        result = _crawl_static(
            site,
            db_url,
            _source_file(tmp_path, "redirects", "sitemaps_from_robots = false\n"),
            "redirects",
            "--set",
            "ARCHIVE_CONDITIONAL=False",
        )
        requests = list(site.requests)
    assert result.exit_code == 0, result.output
    assert requests.count("/loop-a") == 1 and requests.count("/loop-b") == 1  # the loop ends
    assert [r["title"] for r in export_records(db_url, tmp_path)] == ["Page cible"]
    assert "/steal" not in requests  # nothing requested from, or through, another host
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        aliases = [row[0] for row in connection.execute("SELECT url FROM page_aliases")]
        stats = json.loads(connection.execute("SELECT stats FROM runs").fetchone()[0])
    assert [a.rsplit("/", 1)[1] for a in aliases] == ["hop"]
    assert stats["archive/redirects/refused"] == 3  # other host, file://, ftp://


def test_spider_traps_are_bounded(db_url, tmp_path):
    def calendar(month: int) -> bytes:
        return _html(
            f"Agenda {month}",
            f"<p>Événements du mois {month}.</p><a href='/agenda/{month + 1}'>suivant</a>"
            f"<a href='/agenda/{month}?page={month + 1}'>page</a>",
        )

    class Calendar(dict):  # a calendar linking to the next month forever, and endless query variants
        def get(self, path, default=None):
            if path.startswith("/agenda/"):
                return 200, "text/html; charset=utf-8", calendar(int(path.rsplit("/", 1)[1]))
            return super().get(path, default)

    with StaticSite(Calendar({"/": (200, "text/html", _html("Accueil", "<a href='/agenda/1'>agenda</a>"))})) as site:
        result = _crawl_static(
            site,
            db_url,
            _source_file(tmp_path, "trap", "sitemaps_from_robots = false\n"),
            "trap",
            "--set",
            "DEPTH_LIMIT=6",
            "--set",
            "ARCHIVE_MAX_QUERY_VARIANTS=3",
        )
        requests = list(site.requests)
    assert result.exit_code == 0, result.output
    assert 0 < len(requests) <= 1 + 6 + 6 * 3  # bounded by the depth limit and the query-variant rule


def test_hostile_and_broken_discovery_documents(db_url, tmp_path):
    page = _html("Article", "<p>" + "Un article découvert par le plan du site. " * 20 + "</p>")
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>/leak/&xxe;</loc></url><url><loc>/article</loc></url></urlset>"
    )
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
        )
        + b']>\n<rss version="2.0"><channel><item><link>/laugh/&lol9;</link></item></channel></rss>'
    )
    pages = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nSitemap: /broken.xml\nSitemap: /xxe.xml\n"),
        "/broken.xml": (200, "application/xml", b"<urlset><url><loc>/never"),
        "/xxe.xml": (200, "application/xml", xxe),
        "/laughs.xml": (200, "application/rss+xml", laughs),
        "/bad-feed.xml": (200, "application/rss+xml", b"\x00\xffnot xml at all"),
        "/article": (200, "text/html; charset=utf-8", page),
    }
    sources = _source_file(
        tmp_path, "hostile", 'feeds = ["/laughs.xml", "/bad-feed.xml"]\nstart_urls = []\nfollow_links = false\n'
    )
    with StaticSite(pages) as site:
        result = _crawl_static(site, db_url, sources, "hostile")
        requests = list(site.requests)
    assert result.exit_code == 0, result.output
    assert [r["title"] for r in export_records(db_url, tmp_path)] == ["Article"]  # the rest of discovery went on
    assert not [p for p in requests if "root:" in p or p.startswith("/laugh/lol")]  # no file read, no expansion
