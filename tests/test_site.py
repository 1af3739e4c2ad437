"""Tests of the local copy of the site itself (``tests/site``), with urllib against a real server.

They check that the copy behaves as ``shared/SITE.md`` describes and as ``tests/site/MARKUP.md``
promises: discovery files, page structure, clean text, churn versus ETag, state changes, HTTP details.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from tests.site import content
from tests.site.content import OLD_SLUG_PATH, RAW_SITEMAP_SLUGS, SEED_000_SLUG, SEED_001_SLUG
from tests.site.content_posts import BALTIC, BLACK_SEA, PORTS
from tests.site.discovery import FEED_SIZE
from tests.site.model import collapse
from tests.site.render import LISTING_PAGE_SIZE
from tests.site.server import LocalSite

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DC = "{http://purl.org/dc/elements/1.1/}"
TEMPLATE_STRINGS = (
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
)


@pytest.fixture(scope="module")
def site():
    with LocalSite() as local_site:
        yield local_site


@pytest.fixture(autouse=True)
def initial_state(site):
    site.state.reset()
    site.clear_requests()
    yield
    site.state.reset()


# ------------------------------------------------------------------------------------------- helpers


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Reply:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return Reply(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers.items()), error.read())


def get(site: LocalSite, path: str, **kwargs) -> Reply:
    return fetch(site.url(path), **kwargs)


class BlockText(HTMLParser):
    """The clean text of MARKUP.md: text of p/h2/h3/li/blockquote/figcaption inside the containers
    matched by ``is_container``, innermost block wins, ``<br>`` as a space, empty blocks dropped."""

    BLOCKS = frozenset({"p", "h2", "h3", "li", "blockquote", "figcaption"})

    def __init__(self, is_container) -> None:
        super().__init__(convert_charrefs=True)
        self.is_container, self.container, self.depth = is_container, None, 0
        self.open_blocks: list[list[str]] = []
        self.lines: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.container is None:
            if self.is_container(tag, attrs):
                self.container, self.depth = tag, 1
            return
        if tag == self.container:
            self.depth += 1
        if tag in self.BLOCKS:
            self.open_blocks.append([])
        elif tag == "br" and self.open_blocks:
            self.open_blocks[-1].append(" ")

    def handle_endtag(self, tag):
        if self.container is None:
            return
        if tag in self.BLOCKS and self.open_blocks:
            text = collapse("".join(self.open_blocks.pop()))
            if text:
                self.lines.append(text)
        if tag == self.container:
            self.depth -= 1
            if self.depth == 0:
                self.container = None

    def handle_data(self, data):
        if self.container is not None and self.open_blocks:
            self.open_blocks[-1].append(data)


def post_text(html: str) -> str:
    parser = BlockText(lambda tag, a: tag == "section" and a.get("data-hook") == "post-description")
    parser.feed(html)
    return "\n".join(parser.lines)


def page_text(html: str) -> str:
    parser = BlockText(lambda tag, a: a.get("data-testid") == "richTextElement")
    parser.feed(html)
    return "\n".join(parser.lines)


def description_html(html: str) -> str:
    return re.search(r'<section data-hook="post-description".*?</section>', html, re.S).group(0)


def between(html: str, start: str, end: str) -> str:
    return re.search(re.escape(start) + "(.*?)" + re.escape(end), html, re.S).group(1)


def meta(html: str, prop: str) -> str:
    return re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html).group(1)


def links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


def xml(reply: Reply) -> ET.Element:
    assert reply.status == 200
    return ET.fromstring(reply.body)


def locs(site: LocalSite, sitemap: str) -> list[str]:
    return [e.text for e in xml(get(site, f"/{sitemap}")).iter(f"{SM}loc")]


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


# ------------------------------------------------------------------------------------------ discovery


def test_robots_txt_is_wix_like(site):
    reply = get(site, "/robots.txt")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
    lines = reply.text.splitlines()
    for line in (
        "User-agent: *",
        "Allow: /",
        "Disallow: /account/",
        "Disallow: /_api/",
        f"Sitemap: {site.base_url}/sitemap.xml",
    ):
        assert line in lines


def test_sitemap_index_lists_three_sitemaps_with_lastmod(site):
    root = xml(get(site, "/sitemap.xml"))
    assert root.tag == f"{SM}sitemapindex"
    entries = root.findall(f"{SM}sitemap")
    assert [e.findtext(f"{SM}loc") for e in entries] == [
        f"{site.base_url}/{name}"
        for name in ("pages-sitemap.xml", "blog-posts-sitemap.xml", "blog-categories-sitemap.xml")
    ]
    assert all(re.match(r"\d{4}-\d\d-\d\dT", e.findtext(f"{SM}lastmod")) for e in entries)


def test_posts_sitemap_lists_every_live_post_in_its_form(site):
    root = xml(get(site, "/blog-posts-sitemap.xml"))
    urls = root.findall(f"{SM}url")
    assert all(u.findtext(f"{SM}lastmod") for u in urls)
    found = [u.findtext(f"{SM}loc") for u in urls]
    paths = {path_of(u) for u in found}
    assert {p.path for p in content.live_posts()} <= paths
    assert f"/de/post/{BLACK_SEA.slug}" in paths
    assert any(p.startswith("/en/post/") for p in paths)
    assert site.url(f"/post/{SEED_000_SLUG}") in found  # percent-encoded
    assert f"{site.base_url}/post/{PORTS.slug}" in found  # raw Unicode
    assert set(RAW_SITEMAP_SLUGS) >= {PORTS.slug}


def test_pages_and_categories_sitemaps(site):
    pages = {path_of(u) for u in locs(site, "pages-sitemap.xml")}
    assert {
        "/",
        "/notre-expertise",
        "/menaces-hybrides",
        "/activites-diplomatiques-rencontres",
        "/securite-interieure-crime-organise",
        "/mecanismes-ingerence",
        "/copie-de-souveraineté-numérique-ia",
        "/contact",
        "/en/our-expertise",
    } <= pages
    categories = {path_of(u) for u in locs(site, "blog-categories-sitemap.xml")}
    assert {c.path for c in content.CATEGORIES} == categories


def test_feed_is_rss_with_the_20_latest_posts(site):
    reply = get(site, "/blog-feed.xml")
    assert "xml" in reply.headers["Content-Type"]
    items = xml(reply).findall("./channel/item")
    assert len(items) == FEED_SIZE < len(content.live_posts())
    latest = content.live_posts()[:FEED_SIZE]
    assert [path_of(i.findtext("link")) for i in items] == [p.path for p in latest]
    for item, post in zip(items, latest, strict=False):
        assert item.findtext("title") == post.title
        assert item.findtext(f"{DC}creator") == post.author
        assert item.findtext("pubDate") == format_datetime(post.published, usegmt=True)
        assert item.findtext("description") and item.findtext("guid") and item.findall("category")
    tracked = [i.findtext("link") for i in items if "utm_source=rss&utm_medium=feed" in i.findtext("link")]
    assert 0 < len(tracked) < len(items)
    assert f"/post/{SEED_000_SLUG}" not in {path_of(i.findtext("link")) for i in items}  # too old


# ---------------------------------------------------------------------------------------- post pages


def test_post_page_follows_the_markup_contract(site):
    post = content.SEED_POSTS["000"]
    reply = fetch(site.post_url(SEED_000_SLUG))
    html = reply.text
    assert reply.status == 200 and reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert len(reply.body) >= 100_000
    assert '<html lang="fr">' in html and meta(html, "generator") == "Wix.com Website Builder"
    canonical = f"{site.base_url}/post/{SEED_000_SLUG}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert meta(html, "og:title") == post.title and meta(html, "og:type") == "article"
    assert meta(html, "og:image").startswith("https://static.wixstatic.com/media/")
    assert meta(html, "article:published_time") == "2025-05-06T09:12:44.000Z"
    ld = json.loads(between(html, '<script type="application/ld+json">', "</script>"))
    assert ld["@type"] == "BlogPosting" and ld["headline"] == post.title[:110] != post.title
    assert ld["author"]["name"] == "Thierry-Paul Valette" and ld["mainEntityOfPage"]["@id"] == canonical
    for marker in (
        'aria-label="top of page"',
        'aria-label="bottom of page"',
        '<header id="SITE_HEADER"',
        '<main id="PAGES_CONTAINER"',
        '<footer id="SITE_FOOTER"',
        'data-hook="post-page"',
        '<article data-hook="post"',
        'data-hook="user-name"',
        'data-hook="time-ago" title="6 mai 2025"',
        'data-hook="time-to-read"',
        '<h1 data-hook="post-title"',
        '<section data-hook="post-description"',
        'data-id="rich-content-viewer"',
        'data-hook="figure-IMAGE"',
        'data-hook="image-caption"',
        '<footer data-hook="post-footer"',
        'data-hook="post-categories-list"',
        'data-hook="view-count"',
        'data-hook="like-button"',
        'data-hook="recent-posts"',
        "<h2>Comentarios</h2>",
        'id="wix-warmup-data"',
        "Paris / Bruxelles",
        "Any use of",
    ):
        assert marker in html, marker
    assert 'alt="olloque de haut niveau' in html


@pytest.mark.parametrize("seed", ["000", "001"])
def test_seed_posts_render_their_expected_text(site, seed):
    slug = content.SEED_POSTS[seed].slug
    html = fetch(site.post_url(slug)).text
    assert post_text(html) == content.expected_seed_text(seed)
    assert len(slug) <= 100 and (seed != "000" or len(slug) == 100)


def test_every_post_renders_its_model_text(site):
    for post in content.live_posts():
        assert post_text(fetch(site.post_url(post.slug)).text) == post.text, post.slug


def test_content_never_contains_template_strings():
    state_pages = content.initial_content().pages.values()
    for text in [p.text for p in content.live_posts()] + [p.text for p in state_pages]:
        assert not [needle for needle in TEMPLATE_STRINGS if needle in text]


def test_seed_slugs_are_raw_unicode_and_000_is_cut_at_100_characters():
    assert SEED_000_SLUG.startswith("le-centre-européen-de-sécurité-") and len(SEED_000_SLUG) == 100
    assert SEED_001_SLUG == "kazakhstan-sécuriser-les-corridors-eurasiatiques-consolider-la-résilience-européenne"
    assert len({p.slug for p in content.live_posts()}) == len(content.live_posts()) >= 25


# -------------------------------------------------------------------------------------- other pages


def test_static_pages_and_the_wix_duplicate(site):
    state = site.state
    for path in (
        "/notre-expertise",
        "/menaces-hybrides",
        "/activites-diplomatiques-rencontres",
        "/securite-interieure-crime-organise",
        "/mecanismes-ingerence",
        "/copie-de-souveraineté-numérique-ia",
    ):
        html = get(site, path).text
        assert page_text(html) == state.page_text(path), path  # the h1 repeating the title is not text
        assert re.search(r'<h1 class="font_0 wixui-rich-text__text">[^<]+</h1>', html)
        assert meta(html, "og:type") == "website"
    duplicate = get(site, "/copie-de-souveraineté-numérique-ia").text
    assert "<title>Défense &amp; Sécurité européenne | CESS</title>" in duplicate
    contact = get(site, "/contact").text
    assert "<form" in contact and 'href="mailto:' in contact


def test_translations_link_both_ways_and_copies_do_not(site):
    french = fetch(site.post_url(SEED_001_SLUG)).text
    hreflangs = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', french))
    assert set(hreflangs) == {"fr", "en", "x-default"}
    english = fetch(hreflangs["en"]).text
    assert '<html lang="en">' in english
    assert dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', english)) == hreflangs
    page = get(site, "/en/our-expertise").text
    assert 'hreflang="fr" href="' + site.base_url + '/notre-expertise"' in page
    assert 'hreflang="en"' in get(site, "/notre-expertise").text

    copy = get(site, f"/de/post/{BLACK_SEA.slug}").text
    assert '<html lang="de">' in copy and "hreflang=" not in copy.split("</head>")[0].replace(
        'hreflang="de" lang="de"', ""
    )
    assert post_text(copy) == BLACK_SEA.text
    assert get(site, f"/de/post/{SEED_001_SLUG}").status == 404
    assert f"/de/post/{BLACK_SEA.slug}" in {path_of(u) for u in links(get(site, "/de").text)}


def test_listings_paginate_with_rel_next_over_every_post(site):
    def crawl(path: str) -> tuple[list[str], int]:
        seen, pages = [], 0
        url = site.url(path)
        while url:
            html = fetch(url).text
            pages += 1
            seen += [path_of(u) for u in re.findall(r'<a href="([^"]+)" data-hook="post-list-item-link"', html)]
            following = re.search(r'<link rel="next" href="([^"]+)">', html)
            url = following and site.url(path_of(following.group(1)))
        return seen, pages

    posts, pages = crawl("/blog")
    assert posts == [p.path for p in content.live_posts()]
    assert pages == -(-len(posts) // LISTING_PAGE_SIZE) >= 3
    analyses, pages = crawl("/blog/categories/analyses")
    assert pages == 2 and analyses == [p.path for p in content.live_posts() if "analyses" in p.categories]
    assert get(site, "/blog/page/99").status == 404
    assert get(site, "/blog/categories/notes-stratégiques").status == 200


def test_disallowed_and_alias_links_are_present(site):
    home = get(site, "/").text
    assert f"{site.base_url}/account/login" in links(home)
    assert any(u.startswith(f"{site.base_url}/_api/") for u in links(get(site, "/blog").text))
    assert f"{site.alias_url}/notre-expertise" in links(home)
    assert site.url(OLD_SLUG_PATH) in [
        site.url(path_of(u))
        for u in links(fetch(site.post_url("drones-et-infrastructures-critiques-protéger-le-ciel-bas")).text)
    ]


def test_alias_host_serves_the_same_pages_with_canonical_base(site):
    reply = fetch(site.url("/notre-expertise", alias=True))
    assert reply.status == 200
    assert f'<link rel="canonical" href="{site.base_url}/notre-expertise">' in reply.text


def test_unknown_paths_answer_a_wix_404_page(site):
    reply = get(site, "/page-qui-n-existe-pas")
    assert reply.status == 404 and "Page introuvable" in reply.text and "ETag" not in reply.headers


# -------------------------------------------------------------------------------- churn and caching


def test_churn_changes_the_page_but_not_the_etag(site):
    first, second = fetch(site.post_url(SEED_001_SLUG)), fetch(site.post_url(SEED_001_SLUG))
    assert first.body != second.body
    assert between(first.text, 'data-hook="user-name" class="user-name">', "<") != between(
        second.text, 'data-hook="user-name" class="user-name">', "<"
    )
    assert description_html(first.text) == description_html(second.text)
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]


def test_rebuild_changes_style_and_warmup_not_the_article(site):
    before = fetch(site.post_url(SEED_000_SLUG))
    site.state.rebuild()
    after = fetch(site.post_url(SEED_000_SLUG))
    for start, end in (("<style", "</style>"), ('id="wix-warmup-data">', "</script>")):
        assert between(before.text, start, end) != between(after.text, start, end)
    assert description_html(before.text) == description_html(after.text)
    assert before.headers["ETag"] != after.headers["ETag"]
    assert content.SEED_POSTS["000"].body[0].text in between(after.text, 'id="wix-warmup-data">', "</script>")


def test_conditional_requests_answer_304_until_the_content_changes(site):
    url = site.post_url(SEED_000_SLUG)
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": etag}).status == 304
    assert fetch(url, {"If-Modified-Since": modified}).status == 304
    assert fetch(url, {"If-None-Match": '"something-else"'}).status == 200
    site.state.edit_paragraph(SEED_000_SLUG, 0, "Un premier paragraphe entièrement réécrit.")
    changed = fetch(url, {"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    assert fetch(url, {"If-Modified-Since": modified}).status == 200
    assert post_text(changed.text).splitlines()[0] == "Un premier paragraphe entièrement réécrit."


def test_gzip_when_accepted(site):
    plain = get(site, "/blog-feed.xml")
    packed = get(site, "/blog-feed.xml", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert len(packed.body) < len(plain.body) and gzip.decompress(packed.body).startswith(b"<?xml")


# ---------------------------------------------------------------------------------- state changes


def test_edit_title_republish_and_change_markup(site):
    state, url = site.state, site.post_url(SEED_001_SLUG)
    before = fetch(url).text
    state.republish(SEED_001_SLUG)
    republished = fetch(url).text
    assert meta(republished, "article:modified_time") != meta(before, "article:modified_time")
    assert description_html(republished) == description_html(before)

    state.change_markup(SEED_001_SLUG)
    remarked = fetch(url).text
    assert description_html(remarked) != description_html(before)
    assert post_text(remarked) == content.expected_seed_text("001")

    state.set_title(SEED_001_SLUG, "Un titre modifié")
    assert meta(fetch(url).text, "og:title") == "Un titre modifié"
    assert state.expected_text(SEED_001_SLUG) == content.expected_seed_text("001")


def test_delete_and_restore_a_post(site):
    path = f"/post/{SEED_001_SLUG}"
    site.state.delete_post(SEED_001_SLUG)
    assert fetch(site.post_url(SEED_001_SLUG)).status == 404
    assert path not in {path_of(u) for u in locs(site, "blog-posts-sitemap.xml")}
    assert path not in {path_of(i.findtext("link")) for i in xml(get(site, "/blog-feed.xml")).iter("item")}
    assert path not in {path_of(u) for u in links(get(site, "/blog").text)}
    site.state.restore_post(SEED_001_SLUG)
    assert fetch(site.post_url(SEED_001_SLUG)).status == 200


def test_old_and_renamed_slugs_answer_301(site):
    old = get(site, OLD_SLUG_PATH)
    assert old.status == 301 and path_of(old.headers["Location"]) == BALTIC.path
    assert fetch(old.headers["Location"]).status == 200
    site.state.rename_post(SEED_000_SLUG, "kazakhstan-partenariat-securitaire")
    moved = fetch(site.url(f"/post/{SEED_000_SLUG}"))
    assert moved.status == 301 and moved.headers["Location"] == site.url("/post/kazakhstan-partenariat-securitaire")
    assert post_text(fetch(moved.headers["Location"]).text) == content.expected_seed_text("000")
    assert get(site, "/blog/page/1").status == 301


def test_add_post_appears_everywhere(site):
    three_hours_ago = site.state.now() - timedelta(hours=3)
    site.state.add_post(
        "note-de-test", "Une note de test", ["Premier paragraphe.", "Second."], published=three_hours_ago
    )
    html = fetch(site.post_url("note-de-test")).text
    assert post_text(html) == "Premier paragraphe.\nSecond."
    assert ">il y a 3 heures</span>" in html
    assert path_of(xml(get(site, "/blog-feed.xml")).find("./channel/item/link").text) == "/post/note-de-test"
    assert "/post/note-de-test" in {path_of(u) for u in locs(site, "blog-posts-sitemap.xml")}


def test_faults_answer_their_status_then_recover(site):
    path = f"/post/{SEED_001_SLUG}"
    site.state.set_fault(path, status=503, times=2, headers={"Retry-After": "1"})
    first, second, third = (fetch(site.post_url(SEED_001_SLUG)) for _ in range(3))
    assert (first.status, second.status, third.status) == (503, 503, 200)
    assert first.headers["Retry-After"] == "1"
    site.state.set_fault("/robots.txt", status=None, delay=0.2)
    started = time.monotonic()
    assert get(site, "/robots.txt").status == 200 and time.monotonic() - started >= 0.2
    site.state.clear_faults()
    assert get(site, "/robots.txt").status == 200


def test_request_log_records_every_request(site):
    fetch(site.post_url(SEED_000_SLUG), {"User-Agent": "cess-archive-test"})
    get(site, "/nowhere")
    fetch(site.url("/robots.txt") + "?x=1", method="HEAD")
    log = list(site.requests)
    assert [(r.method, r.status) for r in log] == [("GET", 200), ("GET", 404), ("HEAD", 200)]
    assert log[0].path == site.url(f"/post/{SEED_000_SLUG}").removeprefix(site.base_url)
    assert log[0].decoded_path == f"/post/{SEED_000_SLUG}" and log[0].headers["User-Agent"] == "cess-archive-test"
    assert log[2].query == "x=1"
    site.clear_requests()
    assert len(site.requests) == 0
