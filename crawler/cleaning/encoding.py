"""Decoding a fetched body (bytes) into a string, the way a browser would.

The order is the one of :func:`w3lib.encoding.html_to_unicode`: byte-order mark, then the HTTP
``charset``, then ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` (first 4 KiB), then a
sniff: strict UTF-8 if the bytes are valid UTF-8, else windows-1252, the usual encoding of old
French pages. ``latin-1`` / ``iso-8859-1`` labels are read as windows-1252 (so ’ and … survive), as
browsers do. Undecodable bytes become U+FFFD; this never raises.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def _sniff(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(body: bytes, content_type: str | bytes | None = None) -> str:
    """``body`` decoded with the charset of ``content_type`` (the HTTP header), the BOM or the page's
    own declaration, else sniffed (UTF-8, else windows-1252)."""
    if isinstance(body, str):
        return body
    if not body:
        return ""
    body = bytes(body)
    if isinstance(content_type, (bytes, bytearray)):  # Scrapy's header values are bytes
        content_type = bytes(content_type).decode("latin-1")
    try:
        _encoding, text = html_to_unicode(content_type or None, body, auto_detect_fun=_sniff)
    except (LookupError, ValueError, TypeError):
        text = body.decode(_sniff(body), errors="replace")
    return text
