"""What the spider hands to the pipelines: a fetched page, or a page that could not be fetched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PageItem:
    """A fetched content page; the extraction pipeline fills ``content`` or ``error``.

    ``page_url`` and ``kind`` are the page's identity (:meth:`crawler.urls.UrlRules.identity`): the spider
    decides it from the fetched URL, and the extraction pipeline again once the page's canonical is known."""

    source: str
    kind: str
    requested_url: str
    url: str
    page_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    aliases: list[str] = field(default_factory=list)
    content: Any = None
    error: str | None = None


@dataclass
class FetchFailure:
    """A content URL that gave no usable response (network error, 5xx, unexpected status).

    ``reason`` is the full error (exception type and message, or ``HTTP 503``); ``kind`` names it in a few
    words ("connection refused", "timed out", "HTTP 503"), to tell at a glance why a run failed."""

    source: str
    url: str
    reason: str
    status: int | None = None
    kind: str | None = None


@dataclass
class RedirectItem:
    """A content URL that answered a redirect to another URL of the same source."""

    source: str
    from_url: str
    to_url: str
    status: int


@dataclass
class GoneItem:
    """A URL that answered 404 or 410; the page archived under it, if any, is removed."""

    source: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime


@dataclass
class NotModifiedItem:
    """A conditional request for an archived page answered 304 Not Modified."""

    source: str
    url: str
    headers: dict[str, str]
    fetched_at: datetime
