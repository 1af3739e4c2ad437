"""Downloader middleware: honouring ``Retry-After`` on 429 and 503 answers; network failures told in one line.

Scrapy's own retry middleware retries at once. A server that says how long to wait should be obeyed: this
middleware waits that long (at most ``ARCHIVE_RETRY_AFTER_MAX`` seconds) before the retry, and counts it
with the usual retry stats (``retry/count``, ``retry/reason_count/...``). Without the header, or past the
cap, it leaves the answer to the standard retry middleware. ``ARCHIVE_RETRY_AFTER_ENABLED`` off (or
``RETRY_ENABLED`` off) leaves every answer to it.

A request that fails on the network (connection refused, DNS, timeouts, lost connections) is reported as
one line, ``cannot fetch URL: connection refused``, never with a traceback: :func:`network_error_kind`
names the failure, and :class:`QuietNetworkErrors` does the same for Scrapy's robots.txt middleware. Any
other exception keeps its traceback: it is a bug.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured

from .settings import read_setting

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = (429, 503)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler, max_wait: float, max_retry_times: int):
        self.crawler = crawler
        self.max_wait = max_wait
        self.max_retry_times = max_retry_times

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        if not read_setting(settings, "ARCHIVE_RETRY_AFTER_ENABLED"):
            raise NotConfigured("ARCHIVE_RETRY_AFTER_ENABLED is off")
        return cls(crawler, read_setting(settings, "ARCHIVE_RETRY_AFTER_MAX"), settings.getint("RETRY_TIMES"))

    async def process_response(self, request, response):
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if wait is None or wait > self.max_wait:
            return response
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=f"{response.status} Retry-After",
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
        )
        if retry is None:
            return response
        logger.info("%s answered %s: retrying in %.1fs as asked", request.url, response.status, wait)
        self.crawler.stats.inc_value("archive/retry_after_waits")
        await asyncio.sleep(wait)
        return retry


# -- network failures: one line each, never a traceback ------------------------------------------------------


def _network_error_kinds() -> tuple[tuple[type[BaseException], str], ...]:
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )
    from twisted.internet import error as tx
    from twisted.web.client import ResponseFailed

    kinds: list[tuple[type[BaseException], str]] = [
        (DownloadConnectionRefusedError, "connection refused"),
        (tx.ConnectionRefusedError, "connection refused"),
        (CannotResolveHostError, "DNS lookup failed"),
        (tx.DNSLookupError, "DNS lookup failed"),
        (tx.UnknownHostError, "DNS lookup failed"),
        (DownloadTimeoutError, "timed out"),
        (tx.TimeoutError, "timed out"),
        (tx.TCPTimedOutError, "timed out"),
        (ResponseDataLossError, "incomplete response"),
        (DownloadCancelledError, "download cancelled"),
        (tx.NoRouteError, "no route to host"),
        (tx.SSLError, "TLS error"),
        (tx.ConnectError, "cannot connect"),
        (tx.ConnectionLost, "connection lost"),
        (tx.ConnectionDone, "connection closed"),
        (tx.ConnectingCancelledError, "connection cancelled"),
        (DownloadFailedError, "download failed"),
        (ResponseFailed, "download failed"),
    ]
    try:
        from scrapy.core.downloader.handlers.http11 import TunnelError
    except ImportError:  # pragma: no cover - another download handler
        pass
    else:
        kinds.append((TunnelError, "proxy tunnel failed"))
    return tuple(kinds)


_NETWORK_ERROR_KINDS: tuple[tuple[type[BaseException], str], ...] | None = None


def network_error_kind(exc: BaseException | None) -> str | None:
    """What went wrong on the network, in a few words ("connection refused", "DNS lookup failed", "timed
    out", …), or None when ``exc`` is not a network failure (a bug, say, which keeps its traceback).

    Scrapy wraps Twisted's errors in its own (``DownloadFailedError`` around ``ResponseFailed`` around
    ``ConnectionLost``): the most precise known cause in the chain is named.
    """
    global _NETWORK_ERROR_KINDS
    if _NETWORK_ERROR_KINDS is None:
        _NETWORK_ERROR_KINDS = _network_error_kinds()
    generic = {"download failed", "cannot connect"}
    found = None
    seen = 0
    while exc is not None and seen < 10:
        seen += 1
        kind = next((name for cls, name in _NETWORK_ERROR_KINDS if isinstance(exc, cls)), None)
        if kind == "download cancelled" and "max size" in str(exc):
            return "response too large"
        if kind is not None and kind not in generic:
            return kind
        found = found or kind
        reasons = getattr(exc, "reasons", None)  # ResponseFailed: a list of Twisted failures
        if reasons:
            inner = getattr(reasons[0], "value", reasons[0])
            exc = inner if isinstance(inner, BaseException) else None
        else:
            exc = exc.__cause__ or exc.__context__
    return found


class QuietNetworkErrors(logging.Filter):
    """Turns Scrapy's robots.txt download errors caused by the network into one warning line.

    ``RobotsTxtMiddleware`` logs a failed robots.txt download at ERROR with the whole traceback, even for a
    refused connection. For a network failure this filter rewrites that record as ``cannot fetch
    <origin>/robots.txt: connection refused`` at WARNING, without the traceback; any other exception (a bug)
    is left untouched. The spider fetches robots.txt itself too (for its ``Sitemap:`` lines): a URL already
    reported by the spider or by this filter is reported once, later ones at DEBUG.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        kind = network_error_kind(exc)
        if kind is None:
            return True
        request = record.args.get("request") if isinstance(record.args, dict) else None
        url = getattr(request, "url", None)
        if url:
            parts = urlsplit(url)
            url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        record.msg, record.args = "cannot fetch %s: %s", (url or "robots.txt", kind)
        record.exc_info, record.exc_text = None, None
        spider = getattr(record, "spider", None)
        first = spider.note_fetch_error(url) if url and hasattr(spider, "note_fetch_error") else True
        record.levelno = logging.WARNING if first else logging.DEBUG
        record.levelname = logging.getLevelName(record.levelno)
        return True


_ROBOTS_FILTER = QuietNetworkErrors()


def quiet_network_errors() -> None:
    """Installs :class:`QuietNetworkErrors` on Scrapy's robots.txt middleware logger (once per process)."""
    robots_logger = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    if _ROBOTS_FILTER not in robots_logger.filters:
        robots_logger.addFilter(_ROBOTS_FILTER)
