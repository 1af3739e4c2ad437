"""``crawler.discovery``: robots.txt ``Sitemap:`` lines, sitemaps and RSS/Atom feeds parsed from small documents
(no network, no crawl)."""

from __future__ import annotations

import pytest

from crawler.discovery import SitemapEntry, parse_feed, parse_sitemap, sitemaps_in_robots

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


# ---------------------------------------------------------------------------------------- robots.txt


def test_sitemap_lines_of_robots_txt():
    robots = (
        "User-agent: *\n"
        "Disallow: /admin\n"
        "Sitemap: https://www.example.org/sitemap.xml\n"
        "sitemap:https://www.example.org/blog-posts-sitemap.xml \n"
        "  SITEMAP : https://www.example.org/pages-sitemap.xml\r\n"
        "Sitemap:\n"
        "Sitemap:    \n"
        "# Sitemap: https://www.example.org/commented-out.xml\n"
        "Allow: /sitemap.xml\n"
    )
    assert sitemaps_in_robots(robots) == [
        "https://www.example.org/sitemap.xml",
        "https://www.example.org/blog-posts-sitemap.xml",
        "https://www.example.org/pages-sitemap.xml",
    ]


def test_robots_txt_without_sitemaps():
    assert sitemaps_in_robots("") == []
    assert sitemaps_in_robots("User-agent: *\nDisallow:\n") == []


# ------------------------------------------------------------------------------------------ sitemaps


def test_a_sitemap_index_lists_sitemaps():
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex {SITEMAP_NS}>
  <sitemap><loc> https://www.example.org/blog-posts-sitemap.xml </loc><lastmod>2026-01-02</lastmod></sitemap>
  <sitemap><loc>https://www.example.org/pages-sitemap.xml</loc></sitemap>
  <sitemap><loc></loc></sitemap>
  <sitemap><lastmod>2026-01-03</lastmod></sitemap>
</sitemapindex>""".encode()
    assert list(parse_sitemap(body)) == [
        SitemapEntry("https://www.example.org/blog-posts-sitemap.xml", "2026-01-02", is_sitemap=True),
        SitemapEntry("https://www.example.org/pages-sitemap.xml", None, is_sitemap=True),
    ]


def test_a_urlset_lists_pages():
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {SITEMAP_NS} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://www.example.org/post/sahel</loc><lastmod>2026-01-03T10:00:00.000Z</lastmod>
    <image:image><image:loc>https://static.example.org/sahel.jpg</image:loc></image:image></url>
  <!-- a comment -->
  <url><loc>https://www.example.org/post/baltique</loc></url>
  <other><loc>https://www.example.org/not-a-url-entry</loc></other>
</urlset>""".encode()
    assert list(parse_sitemap(body)) == [
        SitemapEntry("https://www.example.org/post/sahel", "2026-01-03T10:00:00.000Z", is_sitemap=False),
        SitemapEntry("https://www.example.org/post/baltique", None, is_sitemap=False),
    ]


def test_sitemap_tags_are_read_without_namespace_and_in_any_case():
    body = b"<URLSET><URL><LOC>https://www.example.org/a</LOC><LASTMOD>2026-01-01</LASTMOD></URL></URLSET>"
    assert list(parse_sitemap(body)) == [SitemapEntry("https://www.example.org/a", "2026-01-01", False)]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<html><body><p>Page introuvable</p></body></html>",
        b'<rss version="2.0"><channel><item><link>https://www.example.org/a</link></item></channel></rss>',
        b"\xff\xfe\x00garbage",
    ],
)
def test_what_is_not_a_sitemap_yields_nothing(body):
    assert list(parse_sitemap(body)) == []


def test_a_truncated_sitemap_yields_what_can_be_read():
    body = f"<urlset {SITEMAP_NS}><url><loc>https://www.example.org/a</loc></url><url><loc>https://www.exa".encode()
    entries = list(parse_sitemap(body))
    assert entries[0] == SitemapEntry("https://www.example.org/a", None, False)
    assert all(entry.url.startswith("https://www.exa") for entry in entries)


def test_entities_are_never_resolved():
    for declaration in ('<!ENTITY e SYSTEM "file:///etc/passwd">', '<!ENTITY e "/post/injected">'):
        body = (
            f'<?xml version="1.0"?><!DOCTYPE urlset [{declaration}]>'
            f"<urlset {SITEMAP_NS}><url><loc>https://www.example.org&e;</loc></url></urlset>"
        ).encode()
        assert list(parse_sitemap(body)) == [SitemapEntry("https://www.example.org", None, False)]


# --------------------------------------------------------------------------------------------- feeds


def test_rss_item_links():
    body = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>CESS</title><link>https://www.example.org/</link>
  <item><title>Sahel</title><link>https://www.example.org/post/sahel</link></item>
  <item><title>Élargissement, sans lien</title><link>  </link></item>
  <item><title>Pas de lien du tout</title></item>
  <item><title>Baltique</title><link> https://www.example.org/post/baltique </link></item>
</channel></rss>""".encode()
    assert list(parse_feed(body)) == ["https://www.example.org/post/sahel", "https://www.example.org/post/baltique"]


def test_atom_entry_links_are_the_alternate_ones():
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link rel="self" href="https://www.example.org/feed.xml"/>
  <entry><link href="https://www.example.org/post/a"/></entry>
  <entry>
    <link rel="alternate" href="https://www.example.org/post/b"/>
    <link rel="edit" href="https://www.example.org/edit/b"/>
    <link rel="alternate" type="text/html" href="https://www.example.org/post/b-html"/>
  </entry>
  <entry><link rel="replies" href="https://www.example.org/post/c#comments"/></entry>
  <entry><link rel="alternate"/></entry>
</feed>"""
    assert list(parse_feed(body)) == [
        "https://www.example.org/post/a",
        "https://www.example.org/post/b",
        "https://www.example.org/post/b-html",
    ]


def test_feed_item_links_are_found_at_any_depth():
    body = b"<root><section><item><link>https://www.example.org/deep</link></item></section></root>"
    assert list(parse_feed(body)) == ["https://www.example.org/deep"]


@pytest.mark.parametrize("body", [b"", b"<<<", b"<html><body><a href='/x'>x</a></body></html>"])
def test_what_is_not_a_feed_yields_nothing(body):
    assert list(parse_feed(body)) == []
