"""Parsing an HTML string into an lxml tree, and small read-only lookups on that tree.

:func:`parse_html` never raises: an empty, binary (:func:`looks_binary`) or otherwise unusable
document gives ``None``.
The string is handed to libxml2 as UTF-8 with the encoding forced, so that a ``<meta charset>``
left in an already decoded document cannot make the parser decode it a second time.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

_PARSER = HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
    default_doctype=False,
)
# A leading XML declaration (XHTML served as text) carries an encoding lxml would object to.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Characters that never occur in a text document: C0 controls other than whitespace, and U+FFFD
# (what undecodable bytes become).
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")
# Signatures of binary files served where a page was expected (PNG and JPEG as decoded by cp1252
# or with replacement characters, PDF, GIF, ZIP/Office, gzip).
_BINARY_START = re.compile(
    r"^(?:.PNG\r\n|%PDF-|GIF8[79]a|\xff\xd8\xff|\ufffd{3}|PK\x03\x04|\x1f[\x8b\u2039])", re.DOTALL
)
_SAMPLE = 4096


def looks_binary(text: str) -> bool:
    """Whether a decoded document is binary data (an image, a PDF …) rather than text: it starts
    with a binary file signature, or holds NUL characters without starting with markup, or more
    than 2 % of its first 4 KiB are control or replacement characters."""
    sample = text[:_SAMPLE]
    if _BINARY_START.match(sample):
        return True
    if "\x00" in sample and not sample.lstrip().startswith("<"):
        return True
    return len(_BINARY_CHARS.findall(sample)) > 0.02 * max(len(sample), 1)


def parse_html(html: str | bytes | None) -> HtmlElement | None:
    """The document's root ``<html>`` element, or ``None`` when there is no usable document."""
    if html is None:
        return None
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not isinstance(html, str) or not html.strip() or looks_binary(html):
        return None
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        root = document_fromstring(html.encode("utf-8", errors="replace"), parser=_PARSER)
    except (etree.LxmlError, ValueError, TypeError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


def attribute(element: etree._Element | None, name: str) -> str | None:
    """An attribute value stripped of surrounding whitespace, ``None`` when absent or blank."""
    if element is None:
        return None
    value = element.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def elements(root: HtmlElement, tag: str) -> list[etree._Element]:
    """All ``tag`` elements of the document (``meta`` and ``link`` sometimes stray into the body)."""
    return root.xpath(f"//{tag}")


def meta_content(root: HtmlElement, *keys: str) -> str | None:
    """The first non-empty ``content`` of a ``<meta>`` whose ``property``, ``name`` or ``itemprop``
    equals one of ``keys`` (case-insensitive), trying the keys in order."""
    metas = elements(root, "meta")
    for key in keys:
        key = key.lower()
        for meta in metas:
            for attr in ("property", "name", "itemprop"):
                if (meta.get(attr) or "").strip().lower() == key:
                    content = attribute(meta, "content")
                    if content:
                        return content
    return None


def rel_tokens(element: etree._Element) -> set[str]:
    """The lower-cased tokens of an element's ``rel`` attribute."""
    return set((element.get("rel") or "").lower().split())


def first(root: etree._Element, xpath: str) -> etree._Element | None:
    """The first element matching ``xpath``, or ``None``."""
    found = root.xpath(xpath)
    for item in found:
        if isinstance(item, etree._Element):
            return item
    return None
