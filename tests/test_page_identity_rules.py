"""Page identity without a crawl: :meth:`crawler.urls.UrlRules.identity` on real-looking URLs of the shipped sources.

One function decides which page a fetch is, and of what kind: the spider asks it with the fetched URL, the
extraction pipeline again with the page's ``rel=canonical``. These run in milliseconds; ``test_identity.py``
checks the same rules through whole crawls of the local copy.
"""

from __future__ import annotations

import asyncio

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.items import PageItem
from crawler.pipelines import ExtractPipeline
from crawler.sources import get_source
from crawler.spiders.site import SiteSpider
from crawler.urls import PageIdentity, UrlRules

SITE = "https://www.centre-europeen-securite-strategie.eu"
POST = f"{SITE}/post/souverainet%C3%A9-num%C3%A9rique-et-ia"


@pytest.fixture(scope="module")
def cess() -> UrlRules:
    return UrlRules(get_source("cess"))


@pytest.mark.parametrize(
    "fetched",
    [
        POST,
        "https://centre-europeen-securite-strategie.eu/post/souverainet%C3%A9-num%C3%A9rique-et-ia",  # without www
        "http://www.centre-europeen-securite-strategie.eu/post/souverainet%C3%A9-num%C3%A9rique-et-ia",  # http
        "http://centre-europeen-securite-strategie.eu/post/souverainet%C3%A9-num%C3%A9rique-et-ia",
        "https://WWW.Centre-Europeen-Securite-Strategie.eu/post/souverainet%C3%A9-num%C3%A9rique-et-ia",
        "https://www.centre-europeen-securite-strategie.eu:443/post/souverainet%C3%A9-num%C3%A9rique-et-ia",
        f"{SITE}/post/souveraineté-numérique-et-ia",  # raw Unicode, as some sitemaps give it
        f"{SITE}/post/souverainet%c3%a9-num%c3%a9rique-et-ia",  # lower-case escapes
        f"{SITE}/post/souverainet%C3%A9-num%C3%A9rique-et-ia#comments",
        f"{SITE}/post/souverainet%C3%A9-num%C3%A9rique-et-ia?utm_source=twitter&utm_medium=social&fbclid=IwAR0x",
        f"{SITE}/post/souverainet%C3%A9-num%C3%A9rique-et-ia?gclid=abc&utm_campaign=lettre-2026",
        f"  {SITE}/post/souverainet%C3%A9-num%C3%A9rique-et-ia  ",
    ],
)
def test_every_spelling_of_a_post_is_one_article(cess, fetched):
    assert cess.identity(fetched) == PageIdentity(POST, "article")


def test_other_query_parameters_are_kept_in_order_without_the_tracking_ones(cess):
    fetched = f"{SITE}/blog?page=2&utm_source=feed&sort=recent&mc_cid=1"
    assert cess.identity(fetched) == (f"{SITE}/blog?page=2&sort=recent", "listing")


def test_a_trailing_slash_is_kept_as_written(cess):
    assert cess.identity(f"{SITE}/post/note-strategique/") == (f"{SITE}/post/note-strategique/", "article")
    assert cess.identity(f"{SITE}/post/note-strategique") == (f"{SITE}/post/note-strategique", "article")
    assert cess.identity(f"{SITE}/notre-expertise/") == (f"{SITE}/notre-expertise/", "page")


@pytest.mark.parametrize(
    "path, kind",
    [
        ("/post/espace-la-guerre-des-satellites", "article"),
        ("/en/post/space-the-satellite-war", "article"),
        ("/de/post/weltraum", "article"),
        ("/notre-expertise", "page"),
        ("/menaces-hybrides", "page"),
        ("/copie-de-souveraineté-numérique-ia", "page"),
        ("/en/notre-expertise", "page"),
        ("/", "listing"),
        ("/en", "listing"),
        ("/de/", "listing"),
        ("/blog", "listing"),
        ("/blog/categories/defense", "listing"),
        ("/blog/page/2", "listing"),
        ("/en/blog", "listing"),
        ("/search?q=otan", "listing"),
        ("/post/a/b", "page"),  # not /post/<slug>
        ("/account/login", "excluded"),
        ("/_api/blog-frontend-adapter", "excluded"),
        ("/members/area", "excluded"),
        ("/contact", "excluded"),
        ("/en/contact-us", "excluded"),
    ],
)
def test_kinds_of_the_organisation_s_urls(cess, path, kind):
    assert cess.identity(SITE + path).kind == kind


def test_a_canonical_of_the_same_site_is_the_page(cess):
    # an old slug whose page names the current one as canonical: one page, under the canonical
    fetched = f"{SITE}/post/drones-et-infrastructures-critiques-prot%C3%A9ger-le-ciel-bas"
    canonical = "http://centre-europeen-securite-strategie.eu/post/drones-et-infrastructures-critiques?utm_source=x"
    assert cess.identity(fetched, canonical) == (f"{SITE}/post/drones-et-infrastructures-critiques", "article")
    # a static page's canonical, another spelling of the same URL
    assert cess.identity(f"{SITE}/notre-expertise?fbclid=1", f"{SITE}/notre-expertise") == (
        f"{SITE}/notre-expertise",
        "page",
    )


@pytest.mark.parametrize(
    "canonical",
    [
        f"{SITE}/",  # a template naming the home page as every page's canonical
        f"{SITE}/blog",  # a listing
        f"{SITE}/account/login",  # excluded
        "https://blogs.mediapart.fr/thierry-paul-valette/blog/010125/la-meme-tribune",  # another site
        "mailto:contact@example.org",  # not a URL of the web
        "",
        None,
    ],
)
def test_a_canonical_that_is_not_a_content_page_of_the_site_is_ignored(cess, canonical):
    fetched = f"{SITE}/post/souveraineté-numérique-et-ia?utm_source=feed"
    assert cess.identity(fetched, canonical) == PageIdentity(POST, "article")


def test_a_local_copy_takes_the_real_site_s_urls_as_its_own():
    rules = UrlRules(get_source("cess", base_url="http://127.0.0.1:8123"))
    expected = ("http://127.0.0.1:8123/post/note", "article")
    assert rules.identity("http://127.0.0.1:8123/post/note") == expected
    assert rules.identity("http://localhost:8123/post/note") == expected  # the other loopback name
    assert rules.identity(f"{SITE}/post/note") == expected  # the real origin is an alias of the copy
    assert rules.identity("https://centre-europeen-securite-strategie.eu/post/note") == expected
    assert rules.identity("http://127.0.0.1:8124/post/note").url == "http://127.0.0.1:8124/post/note"  # another port
    assert not rules.is_own("http://127.0.0.1:8124/post/note")


def test_a_scoped_source_archives_only_its_scope():
    rules = UrlRules(get_source("mediapart-valette"))
    blog = "https://blogs.mediapart.fr/thierry-paul-valette/blog"
    assert rules.identity(f"{blog}/010125/la-securite-europeenne?utm_medium=email") == (
        f"{blog}/010125/la-securite-europeenne",
        "article",
    )
    assert rules.identity(blog).kind == "listing"
    assert rules.identity(f"{blog}/").kind == "listing"
    assert rules.identity("https://blogs.mediapart.fr/another-author/blog/010125/x").kind == "excluded"
    assert rules.identity("http://www.blogs.mediapart.fr/thierry-paul-valette/blog/010125/x").url == (
        f"{blog}/010125/x"
    )


def test_another_cms_s_post_urls():
    rules = UrlRules(get_source("anne-genetet"))
    post = "https://annegenetet.fr/posts/3wo8W6K733zNs1vv3ue4el/ue-kazakhstan-construire-ensemble"
    assert rules.identity(
        "http://www.annegenetet.fr/posts/3wo8W6K733zNs1vv3ue4el/ue-kazakhstan-construire-ensemble"
    ) == (
        post,
        "article",
    )
    assert rules.identity("https://annegenetet.fr/a-propos").kind == "excluded"


# -- the spider and the extraction pipeline ask the same rules --------------------------------------------------


def test_the_spider_and_the_pipeline_decide_identity_with_the_same_rules():
    crawler = get_crawler(SiteSpider, {"ARCHIVE_EXTRACT_WORKERS": 0})
    crawler.spider = SiteSpider.from_crawler(crawler, base_url="http://127.0.0.1:8123")
    fetched = "http://localhost:8123/post/drones-ancien-titre?utm_source=feed"
    body = (
        "<html lang='fr'><head><title>Drones</title>"
        "<link rel='canonical' href='http://127.0.0.1:8123/post/drones-et-infrastructures-critiques'></head>"
        "<body><article><h1>Drones</h1><p>Les drones menacent les infrastructures critiques européennes.</p>"
        "</article></body></html>"
    ).encode()
    response = HtmlResponse(fetched, body=body, encoding="utf-8", request=Request(fetched))
    [item] = [found for found in crawler.spider.parse_page(response) if isinstance(found, PageItem)]
    assert (item.page_url, item.kind) == ("http://127.0.0.1:8123/post/drones-ancien-titre", "article")

    pipeline = ExtractPipeline.from_crawler(crawler)
    assert pipeline.rules is crawler.spider.rules
    pipeline.open_spider()
    try:
        item = asyncio.run(pipeline.process_item(item))
    finally:
        pipeline.close_spider()
    assert (item.page_url, item.kind) == ("http://127.0.0.1:8123/post/drones-et-infrastructures-critiques", "article")
    assert item.content is not None
