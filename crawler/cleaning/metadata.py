"""Page metadata from the ``<head>``: title, author, dates, canonical URL, translations, language,
description and image.

Only stable, machine-readable sources are read (meta tags, ``<link>``, JSON-LD, ``<html lang>``),
never the visible byline or the visible relative date of a Wix post, which change between visits.

- title: ``og:title`` (a trailing `` | <site name>`` removed when the suffix is the site's name), else
  ``<title>`` without its trailing `` | …`` suffix, else JSON-LD ``headline`` (cut at ~110 characters
  by Wix, hence last). The Wix post rule overrides it with the post's ``h1``.
- author: JSON-LD ``author`` (object, list, string or ``@id`` reference), else ``<meta name=author>``.
- published / modified: JSON-LD ``datePublished`` / ``dateModified``, else
  ``article:published_time`` / ``article:modified_time``; aware datetimes, naive values in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from .dates import parse_datetime
from .dom import attribute, elements, meta_content, rel_tokens
from .jsonld import JsonLd
from .text import normalize_inline, normalize_optional

_LANGUAGE_SUBTAG = re.compile(r"^[a-z]{2,3}$")
# Separators of a "<page title> | <site name>" suffix. "|" is always a site suffix; the others only
# when what follows is the site's name.
_PIPE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+\|\s+(?P<suffix>[^|]+)$")
_OTHER_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?:[-–—·»]|::)\s+(?P<suffix>[^-–—·»]+)$")


@dataclass(frozen=True)
class PageMetadata:
    """What :func:`extract_metadata` finds in a document."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    canonical_url: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    declared_language: str | None = None
    description: str | None = None
    image: str | None = None
    site_names: frozenset[str] = frozenset()


def absolute_url(base: str | None, href: str | None) -> str | None:
    """``href`` made absolute against ``base``, as found otherwise (no re-encoding); ``None`` if unusable."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(("javascript:", "data:", "mailto:")):
        return None
    try:
        return urljoin(base or "", href)
    except ValueError:
        return href


def language_subtag(value: str | None) -> str | None:
    """The lower-cased primary subtag of a language tag or locale: "fr-FR", "fr_FR" -> "fr"."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if _LANGUAGE_SUBTAG.match(primary) else None


def declared_language(root: HtmlElement) -> str | None:
    """The primary subtag of ``<html lang>`` (or ``xml:lang``), else of ``og:locale``."""
    for attr in ("lang", "xml:lang", "{http://www.w3.org/XML/1998/namespace}lang"):
        language = language_subtag(root.get(attr))
        if language:
            return language
    return language_subtag(meta_content(root, "og:locale"))


def _site_names(root: HtmlElement) -> frozenset[str]:
    names = {meta_content(root, "og:site_name"), meta_content(root, "application-name")}
    title = _title_element_text(root)
    match = _PIPE_SUFFIX.match(title or "")
    if match:
        names.add(match.group("suffix"))
    return frozenset(normalize_inline(n).casefold() for n in names if n and normalize_inline(n))


def _title_element_text(root: HtmlElement) -> str | None:
    for title in root.xpath("//title[not(ancestor::svg)]"):
        text = normalize_inline(title.text_content())
        if text:
            return text
    return None


def strip_site_suffix(title: str | None, site_names: frozenset[str], pipe_always: bool) -> str | None:
    """``title`` without a trailing "| Site" ("- Site", "– Site" … when "Site" is a known site name)."""
    title = normalize_optional(title)
    if not title:
        return None
    match = _PIPE_SUFFIX.match(title)
    if match and (pipe_always or match.group("suffix").strip().casefold() in site_names):
        return match.group("title").strip()
    match = _OTHER_SUFFIX.match(title)
    if match and match.group("suffix").strip().casefold() in site_names:
        return match.group("title").strip()
    return title


def _first_string(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item.strip():
                return item
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return value["@value"]
    return None


def page_title(root: HtmlElement, ld: JsonLd, site_names: frozenset[str]) -> str | None:
    """``og:title``, else ``<title>`` without its site suffix, else JSON-LD ``headline``."""
    title = strip_site_suffix(meta_content(root, "og:title"), site_names, pipe_always=False)
    if title:
        return title
    title = strip_site_suffix(_title_element_text(root), site_names, pipe_always=True)
    if title:
        return title
    for headline in ld.article_values("headline"):
        headline = normalize_optional(_first_string(headline))
        if headline:
            return headline
    return None


def _author_names(value: Any, ld: JsonLd, depth: int = 0) -> list[str]:
    if depth > 5:
        return []
    value = ld.resolve(value)
    if isinstance(value, list):
        names: list[str] = []
        for item in value:
            names.extend(_author_names(item, ld, depth + 1))
        return names
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, (list, dict)):
            return _author_names(name, ld, depth + 1)
        if not isinstance(name, str):
            name = value.get("@value") if isinstance(value.get("@value"), str) else None
        value = name
    if isinstance(value, str):
        name = normalize_inline(value)
        if name and not re.match(r"^(https?:|www\.)", name, re.IGNORECASE):
            return [name]
    return []


def join_names(names: list[str]) -> str | None:
    """Distinct names in order, joined with ", "."""
    unique = list(dict.fromkeys(names))
    return ", ".join(unique) or None


def page_author(root: HtmlElement, ld: JsonLd) -> str | None:
    """JSON-LD ``author`` name(s), else ``<meta name="author">``."""
    for value in ld.article_values("author"):
        author = join_names(_author_names(value, ld))
        if author:
            return author
    return normalize_optional(meta_content(root, "author"))


def _date(ld: JsonLd, key: str, root: HtmlElement, meta_key: str) -> datetime | None:
    for value in ld.article_values(key):
        parsed = parse_datetime(_first_string(value))
        if parsed:
            return parsed
    return parse_datetime(meta_content(root, meta_key))


def canonical_url(root: HtmlElement, url: str) -> str | None:
    """The first ``<link rel="canonical">`` href, absolute against the page URL."""
    for link in elements(root, "link"):
        if "canonical" in rel_tokens(link):
            href = absolute_url(url, attribute(link, "href"))
            if href:
                return href
    return None


def translations(root: HtmlElement, url: str, language: str | None, canonical: str | None) -> dict[str, str]:
    """hreflang -> absolute URL of ``<link rel="alternate" hreflang>``, without ``x-default`` and
    without the page's own language (or, when the page declares none, without links to itself)."""
    found: dict[str, str] = {}
    own_urls = {u for u in (url, canonical) if u}
    for link in elements(root, "link"):
        hreflang = (link.get("hreflang") or "").strip().lower().replace("_", "-")
        if not hreflang or hreflang == "x-default" or "alternate" not in rel_tokens(link):
            continue
        href = absolute_url(url, attribute(link, "href"))
        if not href or hreflang in found:
            continue
        if language is not None and language_subtag(hreflang) == language:
            continue
        if language is None and href in own_urls:
            continue
        found[hreflang] = href
    return found


def extract_metadata(root: HtmlElement, url: str) -> PageMetadata:
    """All head metadata of a parsed document."""
    ld = JsonLd.from_tree(root)
    site_names = _site_names(root)
    language = declared_language(root)
    canonical = canonical_url(root, url)
    return PageMetadata(
        title=page_title(root, ld, site_names),
        author=page_author(root, ld),
        published=_date(ld, "datePublished", root, "article:published_time"),
        modified=_date(ld, "dateModified", root, "article:modified_time"),
        canonical_url=canonical,
        translations=translations(root, url, language, canonical),
        declared_language=language,
        description=normalize_optional(meta_content(root, "og:description", "description")),
        image=absolute_url(url, meta_content(root, "og:image", "og:image:url", "og:image:secure_url")),
        site_names=site_names,
    )
