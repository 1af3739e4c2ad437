"""Reading discovery documents: robots.txt ``Sitemap:`` lines, sitemaps (index or urlset) and RSS/Atom feeds.

Parsers never resolve entities, never touch the network and tolerate broken XML: a bad document yields what
can be read from it, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

_PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    recover=True,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    load_dtd=False,
)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None
    is_sitemap: bool  # True when the entry is another sitemap (from a sitemap index)


def sitemaps_in_robots(text: str) -> list[str]:
    urls = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(value.strip())
    return urls


def _parse(body: bytes) -> etree._Element | None:
    try:
        root = etree.fromstring(body, etree.XMLParser(**_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(body: bytes) -> Iterator[SitemapEntry]:
    root = _parse(body)
    if root is None:
        return
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return
    for element in root:
        if _local(element.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(element, "loc")
        if loc:
            yield SitemapEntry(loc, _child_text(element, "lastmod"), kind == "sitemapindex")


def parse_feed(body: bytes) -> Iterator[str]:
    """Item links of an RSS 2.0 or Atom feed."""
    root = _parse(body)
    if root is None:
        return
    for element in root.iter():
        name = _local(element.tag)
        if name == "item":
            link = _child_text(element, "link")
            if link:
                yield link
        elif name == "entry":
            for child in element:
                if _local(child.tag) == "link" and child.get("href") and child.get("rel", "alternate") == "alternate":
                    yield child.get("href")
