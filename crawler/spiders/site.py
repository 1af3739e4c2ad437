"""The spider that archives one source: discovery from robots.txt, sitemaps, feeds and links.

It only fetches and classifies. Each content page becomes a ``PageItem`` carrying the raw response; cleaning
and storage happen in the item pipelines. Listing pages (blog index, categories, pagination) are followed
for their links but never archived.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from archive import make_sessionmaker
from archive.reading import KnownPage, known_pages

from ..discovery import parse_feed, parse_sitemap, sitemaps_in_robots
from ..items import FetchFailure, GoneItem, NotModifiedItem, PageItem, RedirectItem
from ..middlewares import network_error_kind, quiet_network_errors
from ..runner import archive_engine
from ..settings import read_setting
from ..sources import CONTENT_KINDS, DEFAULT_SOURCE, Source, get_source
from ..urls import UrlRules

logger = logging.getLogger(__name__)

KNOWN_PRIORITY = 30  # archived pages first (cheap conditional requests), then the feed's latest posts,
FEED_PRIORITY = 20  # then sitemap entries, most recently modified first, then links found in pages
SITEMAP_PRIORITY = 10
LINK_PRIORITY = 0
GONE_STATUSES = (404, 410)
REDIRECT_STATUSES = [301, 302, 303, 307, 308]
PERMANENT_REDIRECTS = (301, 308)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"  # the IgnoreRequest of Scrapy's RobotsTxtMiddleware


def lastmod_bonus(lastmod: str | None, now: datetime | None = None) -> int:
    """Extra priority for a sitemap entry by its ``<lastmod>``: recently changed pages are fetched first
    (0 when unknown or older than a year, up to 5 within the last day)."""
    if not lastmod:
        return 0
    try:
        when = datetime.fromisoformat(lastmod.strip().replace("Z", "+00:00"))
    except ValueError:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    age_days = ((now or datetime.now(UTC)) - when).total_seconds() / 86400
    for bonus, limit in ((5, 1), (4, 7), (3, 31), (2, 92), (1, 366)):
        if age_days <= limit:
            return bonus
    return 0


def headers_dict(response: Response) -> dict[str, str]:
    return {key.decode("latin-1"): b", ".join(values).decode("latin-1") for key, values in response.headers.items()}


class SiteSpider(scrapy.Spider):
    """Crawls one source. Its arguments name the source (``source``, ``sources_file``, ``base_url``, as
    ``scrapy crawl site -a …`` and Scrapyd give them), or ``source`` is the :class:`Source` itself, already
    resolved (``cess-archive crawl``). The source and its URL rules (:attr:`rules`) are resolved once, here,
    and the pipelines use the spider's."""

    name = "site"

    def __init__(
        self,
        source: str | Source = DEFAULT_SOURCE,
        base_url: str | None = None,
        sources_file: str | None = None,
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.source = source if isinstance(source, Source) else get_source(source, sources_file, base_url)
        self.rules = UrlRules(self.source)
        self.links = LinkExtractor(tags=("a", "area", "link"), attrs=("href",), unique=True)
        self.query_variants: dict[str, set[str]] = {}
        self.reported_fetch_errors: set[str] = set()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """A crawl never runs forever: ``ARCHIVE_MAX_RUNTIME`` (seconds) becomes Scrapy's
        ``CLOSESPIDER_TIMEOUT``, which closes the spider gracefully (reason ``closespider_timeout``) once
        that time has passed. A shorter ``CLOSESPIDER_TIMEOUT`` set explicitly is kept."""
        super().update_settings(settings)
        max_runtime = read_setting(settings, "ARCHIVE_MAX_RUNTIME")
        if max_runtime <= 0:
            return
        current = settings.getfloat("CLOSESPIDER_TIMEOUT", 0.0)
        if 0 < current <= max_runtime:
            return
        priority = max(settings.getpriority("CLOSESPIDER_TIMEOUT") or 0, SETTINGS_PRIORITIES["spider"])
        settings.set("CLOSESPIDER_TIMEOUT", max_runtime, priority=priority)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.archive_enabled = read_setting(settings, "ARCHIVE_ENABLED")
        spider.conditional = read_setting(settings, "ARCHIVE_CONDITIONAL")
        spider.max_query_variants = read_setting(settings, "ARCHIVE_MAX_QUERY_VARIANTS")
        quiet_network_errors()
        return spider

    def note_fetch_error(self, url: str) -> bool:
        """True the first time a fetch of ``url`` is reported as failed (robots.txt is fetched twice: by
        Scrapy's middleware and by this spider), False afterwards."""
        if url in self.reported_fetch_errors:
            return False
        self.reported_fetch_errors.add(url)
        return True

    def _report_fetch_error(self, failure: Failure) -> tuple[str, str, int | None] | None:
        """Logs a failed request as one line and counts it; returns ``(kind, reason, status)``, or None
        for a request robots.txt disallows (the site's policy, not a failure: counted, never an error).

        A network failure or an HTTP error is one warning, ``cannot fetch URL: connection refused``. Any
        other exception is a bug somewhere in the download path: it is logged with its traceback.
        """
        request = failure.request
        stats = self.crawler.stats
        if failure.check(HttpError):
            status = failure.value.response.status
            kind, reason = f"HTTP {status}", f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            message = failure.getErrorMessage()
            if message == ROBOTS_FORBIDDEN:  # the site's policy, not a failure
                logger.info("skipped %s: %s", request.url, message)
                stats.inc_value("archive/skipped/robots")
                return None
            status = None
            reason = f"{failure.type.__name__}: {message}"
            kind = "response too large" if "DOWNLOAD_MAXSIZE" in message else "ignored"
        else:
            status = None
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            kind = network_error_kind(failure.value)
            if kind is None:
                logger.error(
                    "cannot fetch %s: %s",
                    request.url,
                    reason,
                    exc_info=(failure.type, failure.value, failure.getTracebackObject()),
                )
                kind = failure.type.__name__
                stats.inc_value(f"archive/fetch_errors/{kind}")
                return kind, reason, status
        level = logging.WARNING if self.note_fetch_error(request.url) else logging.DEBUG
        logger.log(level, "cannot fetch %s: %s", request.url, kind)
        stats.inc_value(f"archive/fetch_errors/{kind}")
        return kind, reason, status

    def known_pages(self) -> list[KnownPage]:
        """The archived pages of this source on this origin: revisited so removals and moves are seen."""
        if not self.archive_enabled:
            return []
        with make_sessionmaker(archive_engine(self.crawler))() as session:
            pages = known_pages(session, self.source.name)
        return [page for page in pages if self.rules.is_own(page.url)]

    def _revisit_request(self, page: KnownPage) -> scrapy.Request | None:
        """A request for an archived page, conditional on its last capture when it is live."""
        request = self._page_request(page.url, KNOWN_PRIORITY)
        if request is None or page.status != "live" or not self.conditional:
            return request
        headers = {}
        if page.etag:
            headers["If-None-Match"] = page.etag
        if page.last_modified:
            headers["If-Modified-Since"] = page.last_modified
        if not headers:
            return request
        self.crawler.stats.inc_value("archive/conditional_requests")
        return request.replace(
            headers=headers, meta={**request.meta, "handle_httpstatus_list": [*REDIRECT_STATUSES, 304]}
        )

    async def start(self):
        rules = self.rules
        for page in self.known_pages():
            request = self._revisit_request(page)
            if request is not None:
                yield request
        if self.source.sitemaps_from_robots:
            yield scrapy.Request(
                rules.absolute("/robots.txt"),
                callback=self.parse_robots,
                errback=self.on_discovery_error,
                priority=SITEMAP_PRIORITY + 1,
            )
        for path in self.source.sitemaps:
            yield self._sitemap_request(rules.absolute(path))
        for path in self.source.feeds:
            yield scrapy.Request(
                rules.absolute(path),
                callback=self.parse_feed,
                errback=self.on_discovery_error,
                priority=FEED_PRIORITY + 1,
            )
        for url in self.source.start_urls:
            request = self._page_request(rules.absolute(url), LINK_PRIORITY)
            if request is not None:
                yield request

    # -- discovery documents -------------------------------------------------------------------

    def _sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_sitemap, errback=self.on_discovery_error, priority=SITEMAP_PRIORITY + 1
        )

    def _within_trap_bounds(self, url: str) -> bool:
        """At most ``ARCHIVE_MAX_QUERY_VARIANTS`` distinct query strings per path (calendars, filters and
        session parameters otherwise make endless URLs); path depth is bounded by ``DEPTH_LIMIT``."""
        parts = urlsplit(url)
        if not parts.query:
            return True
        seen = self.query_variants.setdefault(parts.path, set())
        if parts.query in seen:
            return True
        if len(seen) >= self.max_query_variants:
            self.crawler.stats.inc_value("archive/skipped/query_variants")
            return False
        seen.add(parts.query)
        return True

    def _page_request(self, url: str, priority: int) -> scrapy.Request | None:
        normalized = self.rules.normalize(url)
        if normalized is None or not self.rules.is_own(normalized):
            return None
        if self.source.kind_of(normalized) == "excluded" or not self._within_trap_bounds(normalized):
            return None
        # Redirects are followed here rather than by the middleware, so that the old URL is seen
        # (and kept as an alias) even when its target was already fetched.
        return scrapy.Request(
            normalized,
            callback=self.parse_page,
            errback=self.on_page_error,
            priority=priority,
            meta={"dont_redirect": True, "handle_httpstatus_list": REDIRECT_STATUSES},
        )

    def parse_robots(self, response: Response):
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        for url in sitemaps_in_robots(text):
            url = response.urljoin(url)
            if self.rules.is_own(url):
                yield self._sitemap_request(self.rules.normalize(url) or url)

    def parse_sitemap(self, response: Response):
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except OSError as exc:  # gzip errors are OSError subclasses; DecompressionMaxSizeExceeded too
                logger.warning("unreadable gzipped sitemap %s: %s", response.url, exc)
                return
        count = 0
        for entry in parse_sitemap(body):
            count += 1
            url = response.urljoin(entry.url)
            if entry.is_sitemap:
                if self.rules.is_own(url):
                    yield self._sitemap_request(self.rules.normalize(url) or url)
            else:
                request = self._page_request(url, SITEMAP_PRIORITY + lastmod_bonus(entry.lastmod))
                if request is not None:
                    yield request
        if count == 0:
            logger.warning("no entries read from sitemap %s", response.url)
        self.crawler.stats.inc_value("archive/discovery/sitemap_entries", count)

    def parse_feed(self, response: Response):
        count = 0
        for link in parse_feed(response.body):
            count += 1
            request = self._page_request(response.urljoin(link), FEED_PRIORITY)
            if request is not None:
                yield request
        if count == 0:
            logger.warning("no items read from feed %s", response.url)
        self.crawler.stats.inc_value("archive/discovery/feed_items", count)

    def on_discovery_error(self, failure: Failure):
        if self._report_fetch_error(failure) is not None:
            self.crawler.stats.inc_value("archive/discovery/errors")

    # -- pages ---------------------------------------------------------------------------------

    def parse_page(self, response: Response):
        if response.status == 304:
            self.crawler.stats.inc_value("archive/not_modified")
            yield NotModifiedItem(
                source=self.source.name,
                url=self.rules.normalize(response.url) or response.url,
                headers=headers_dict(response),
                fetched_at=datetime.now(UTC),
            )
            return
        if response.status in REDIRECT_STATUSES:
            yield from self._follow_redirect(response)
            return
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("archive/skipped/not_html")
            return
        page_url, kind = self.rules.identity(response.url)
        if kind in CONTENT_KINDS:
            yield self._page_item(response, page_url, kind)
        if not self.source.follow_links and kind != "listing":
            return
        for link in self.links.extract_links(response):
            request = self._page_request(link.url, LINK_PRIORITY)
            if request is not None:
                yield request

    def _follow_redirect(self, response: Response):
        location = response.headers.get("Location")
        target = self.rules.normalize(response.urljoin(location.decode("latin-1"))) if location else None
        if target is None or not self.rules.is_own(target):
            logger.info("not following redirect of %s to %s", response.url, location)
            self.crawler.stats.inc_value("archive/redirects/refused")
            return
        source_url = self.rules.normalize(response.url) or response.url
        permanent = response.status in PERMANENT_REDIRECTS
        if permanent and self.source.kind_of(target) in CONTENT_KINDS and target != source_url:
            yield RedirectItem(source=self.source.name, from_url=source_url, to_url=target, status=response.status)
        request = self._page_request(target, LINK_PRIORITY)
        if request is not None:
            # only a permanent redirect makes the old URL another name of the target page
            yield request.replace(meta={**request.meta, "redirected_from": source_url}) if permanent else request

    def _page_item(self, response: Response, page_url: str, kind: str) -> PageItem:
        redirects = response.meta.get("redirect_urls", [])
        if response.meta.get("redirected_from"):
            redirects = [response.meta["redirected_from"], *redirects]
        requested = redirects[0] if redirects else response.url
        seen = [self.rules.normalize(u) for u in (*redirects, response.url)]
        return PageItem(
            source=self.source.name,
            kind=kind,
            requested_url=requested,
            url=response.url,
            page_url=page_url,
            status=response.status,
            headers=headers_dict(response),
            body=response.body,
            fetched_at=datetime.now(UTC),
            aliases=[u for u in dict.fromkeys(seen) if u],
        )

    def on_page_error(self, failure: Failure):
        request = failure.request
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            if status in GONE_STATUSES:
                logger.info("gone (%s): %s", status, request.url)
                self.crawler.stats.inc_value("archive/gone")
                yield GoneItem(
                    source=self.source.name,
                    url=self.rules.normalize(request.url) or request.url,
                    status=status,
                    headers=headers_dict(response),
                    body=response.body,
                    fetched_at=datetime.now(UTC),
                )
                return
        reported = self._report_fetch_error(failure)
        if reported is None:
            return
        kind, reason, status = reported
        yield FetchFailure(source=self.source.name, url=request.url, reason=reason, status=status, kind=kind)
