"""Discovery documents of the local copy: ``robots.txt``, the sitemap index and its sitemaps, the RSS feed.

As on Wix: ``robots.txt`` names the sitemap index; the index lists the pages, posts and categories
sitemaps, every entry with ``<lastmod>``; the posts sitemap lists every live post (translations and the
untranslated ``/de/`` copy included, with ``xhtml:link`` alternates), each in its ``sitemap_form``; the
feed carries the 20 latest French posts, some links with ``utm_`` parameters, and a ``lastBuildDate``
that is the time of the request (the only churn of the feed).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from .model import Post
from .state import SiteState
from .template import SITE_NAME, Origins, Visit, iso_z, media_url

FEED_SIZE = 20
FEED_TRACKING = "utm_source=rss&utm_medium=feed"
SITEMAPS = ("pages-sitemap.xml", "blog-posts-sitemap.xml", "blog-categories-sitemap.xml")
_URLSET = (
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
)


def robots_txt(origins: Origins) -> str:
    return (
        "# By Wix\n\n"
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /account/\n"
        "Disallow: /_api/\n\n"
        "# Crawlers the site owner keeps out entirely\n"
        "User-agent: PetalBot\n"
        "Disallow: /\n\n"
        f"Sitemap: {origins.base}/sitemap.xml\n"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


# -------------------------------------------------------------------------------------------- sitemaps


def _url_entry(loc: str, lastmod: datetime, extra: str = "") -> str:
    return f"<url><loc>{xml_escape(loc)}</loc><lastmod>{iso_z(lastmod)}</lastmod>{extra}</url>"


def _alternates(alternates: list[tuple[str, str]]) -> str:
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href="{xml_escape(url)}"/>' for code, url in alternates
    )


def _sitemap_url(post: Post, origins: Origins) -> str:
    return origins.url(post.path, post.sitemap_form)


def _post_entries(state: SiteState, origins: Origins) -> list[tuple[str, datetime, str]]:
    """(loc, lastmod, extra XML) of every live post, newest first."""
    entries = []
    for post in state.live_posts():
        translations = state.translations(post)
        alternates = []
        if translations:
            french = _sitemap_url(post, origins)
            alternates = (
                [("fr", french)] + [(t.lang, _sitemap_url(t, origins)) for t in translations] + [("x-default", french)]
            )
        image = (
            f"<image:image><image:loc>{xml_escape(media_url(post.image))}</image:loc>"
            f"<image:title>{_cdata(post.title)}</image:title></image:image>"
        )
        entries.append((_sitemap_url(post, origins), post.modified, _alternates(alternates) + image))
        entries += [(_sitemap_url(t, origins), t.modified, _alternates(alternates)) for t in translations]
        entries += [
            (origins.url(copy.path, post.sitemap_form), post.modified, "")
            for copy in state.copies()
            if copy.kind == "post" and copy.target == post.slug
        ]
    return entries


def posts_sitemap(state: SiteState, origins: Origins) -> str:
    entries = "\n".join(_url_entry(*entry) for entry in _post_entries(state, origins))
    return _xml(f"{_URLSET}\n{entries}\n</urlset>")


def _page_entries(state: SiteState, origins: Origins) -> list[tuple[str, datetime]]:
    paths = ["/", "/blog", *(p.path for p in state.content.pages.values() if p.path != "/")]
    return [(origins.url(path, "encoded"), state.build.created) for path in paths]


def pages_sitemap(state: SiteState, origins: Origins) -> str:
    entries = "\n".join(_url_entry(loc, lastmod) for loc, lastmod in _page_entries(state, origins))
    return _xml(f"{_URLSET}\n{entries}\n</urlset>")


def _category_entries(state: SiteState, origins: Origins) -> list[tuple[str, datetime]]:
    entries = []
    for category in state.content.categories:
        posts = state.posts_in_category(category.slug)
        lastmod = max((p.modified for p in posts), default=state.build.created)
        entries.append((origins.url(category.path, "encoded"), lastmod))
    return entries


def categories_sitemap(state: SiteState, origins: Origins) -> str:
    entries = "\n".join(_url_entry(loc, lastmod) for loc, lastmod in _category_entries(state, origins))
    return _xml(f"{_URLSET}\n{entries}\n</urlset>")


def sitemap_index(state: SiteState, origins: Origins) -> str:
    newest = {
        "pages-sitemap.xml": max(m for _, m in _page_entries(state, origins)),
        "blog-posts-sitemap.xml": max((m for _, m, _ in _post_entries(state, origins)), default=state.build.created),
        "blog-categories-sitemap.xml": max(m for _, m in _category_entries(state, origins)),
    }
    entries = "\n".join(
        f"<sitemap><loc>{origins.base}/{name}</loc><lastmod>{iso_z(newest[name])}</lastmod></sitemap>"
        for name in SITEMAPS
    )
    return _xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}\n</sitemapindex>')


# ------------------------------------------------------------------------------------------------ feed


def feed_link(post: Post, origins: Origins) -> str:
    url = origins.url(post.path, "encoded")
    return f"{url}?{FEED_TRACKING}" if post.feed_tracking else url


def _feed_item(state: SiteState, post: Post, origins: Origins) -> str:
    categories = "".join(
        f"<category>{_cdata(c.name)}</category>" for c in (state.category(slug) for slug in post.categories) if c
    )
    return (
        "<item>"
        f"<title>{_cdata(post.title)}</title>"
        f"<description>{_cdata(post.excerpt)}</description>"
        f"<link>{xml_escape(feed_link(post, origins))}</link>"
        f'<guid isPermaLink="false">{post.post_id}</guid>'
        f"{categories}"
        f"<dc:creator>{_cdata(post.author)}</dc:creator>"
        f"<pubDate>{format_datetime(post.published, usegmt=True)}</pubDate>"
        f'<enclosure url="{xml_escape(media_url(post.image))}" length="0" type="image/jpeg"/>'
        "</item>"
    )


def rss_feed(state: SiteState, origins: Origins, visit: Visit) -> str:
    posts = state.live_posts()[:FEED_SIZE]
    items = "\n".join(_feed_item(state, post, origins) for post in posts)
    return _xml(
        '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">\n<channel>'
        f"<title>{_cdata(SITE_NAME)}</title>"
        f"<description>{_cdata(SITE_NAME)}</description>"
        f"<link>{origins.base}/blog</link>"
        "<generator>RSS for Node</generator>"
        f"<lastBuildDate>{format_datetime(visit.now, usegmt=True)}</lastBuildDate>"
        f'<atom:link href="{origins.base}/blog-feed.xml" rel="self" type="application/rss+xml"/>\n'
        f"{items}\n</channel>\n</rss>"
    )
