"""Downloader middleware: honouring ``Retry-After`` on 429 and 503 answers.

Scrapy's own retry middleware retries at once. A server that says how long to wait should be obeyed: this
middleware waits that long (at most ``ARCHIVE_RETRY_AFTER_MAX`` seconds) before the retry, and counts it
with the usual retry stats (``retry/count``, ``retry/reason_count/...``). Without the header, or past the
cap, it leaves the answer to the standard retry middleware.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured

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
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler, max_wait: float, max_retry_times: int):
        self.crawler = crawler
        self.max_wait = max_wait
        self.max_retry_times = max_retry_times

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED") or not settings.getbool("ARCHIVE_RETRY_AFTER_ENABLED", True):
            raise NotConfigured("retries or Retry-After handling are off")
        return cls(crawler, settings.getfloat("ARCHIVE_RETRY_AFTER_MAX", 120.0), settings.getint("RETRY_TIMES"))

    async def process_response(self, request, response):
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if wait is None or wait > self.max_wait:
            return response
        retry = get_retry_request(request, spider=self.crawler.spider, reason=f"{response.status} Retry-After",
                                  max_retry_times=request.meta.get("max_retry_times", self.max_retry_times))
        if retry is None:
            return response
        logger.info("%s answered %s: retrying in %.1fs as asked", request.url, response.status, wait)
        self.crawler.stats.inc_value("archive/retry_after_waits")
        await asyncio.sleep(wait)
        return retry
