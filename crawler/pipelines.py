"""Item pipelines: clean each fetched page, then version it into the archive.

``ExtractPipeline`` turns the raw response into archive ``Content`` with the pure cleaning core, and settles
the page's identity once its canonical URL is known. ``ArchivePipeline`` records the crawl run and stores
every capture, one transaction per page. Both work with what the spider resolved (its source and URL
rules) and the crawl's one engine on the archive (:func:`crawler.runner.archive_engine`).
"""

from __future__ import annotations

import contextlib
import logging

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from archive import (
    Fetched,
    Outcome,
    finish_run,
    make_sessionmaker,
    record_capture,
    record_error,
    record_gone,
    record_not_modified,
    record_redirect,
    start_run,
)
from archive.duplicates import mark_duplicates
from archive.models import Run
from archive.store import MAX_RUNTIME, NOTHING_FETCHED, describe_outcome, fetched_nothing

from .extraction import to_content
from .items import FetchFailure, GoneItem, NotModifiedItem, PageItem, RedirectItem
from .runner import archive_engine, claimed_archive
from .settings import read_setting
from .urls import UrlRules
from .workers import ExtractionPool

logger = logging.getLogger(__name__)


class PageFailed(DropItem):
    """A content URL that could not be fetched; counted as an error of the run."""


class ExtractPipeline:
    """Cleans the page in a worker process (``ARCHIVE_EXTRACT_WORKERS``, with a hard per-page timeout of
    ``ARCHIVE_EXTRACT_TIMEOUT`` seconds) and decides its identity from its canonical URL."""

    def __init__(self, stats, rules: UrlRules, workers: int, timeout: float):
        self.stats = stats
        self.rules = rules
        self.workers = workers
        self.timeout = timeout
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        rules = getattr(crawler.spider, "rules", None)
        if not isinstance(rules, UrlRules):
            raise NotConfigured("the spider crawls no source (it has no URL rules)")
        settings = crawler.settings
        return cls(
            crawler.stats,
            rules,
            read_setting(settings, "ARCHIVE_EXTRACT_WORKERS"),
            read_setting(settings, "ARCHIVE_EXTRACT_TIMEOUT"),
        )

    def open_spider(self):
        self.pool = ExtractionPool(self.workers, self.timeout)

    def close_spider(self):
        if self.pool is not None:
            self.pool.close()

    def _translations(self, alternates: dict[str, str]) -> dict[str, str]:
        found = {}
        for language, url in sorted(alternates.items()):
            normalized = self.rules.normalize(url)
            if normalized:
                found[language] = normalized
        return found

    async def process_item(self, item):
        if not isinstance(item, PageItem):
            return item
        extraction = await self.pool.extract(item.body, item.headers.get("Content-Type"), item.url)
        record = extraction.record
        if record is None:  # a broken page must not stop the crawl; its capture is still kept
            logger.error("extraction failed for %s: %s", item.url, extraction.error)
            self.stats.inc_value("archive/extraction/failed")
            item.error = extraction.error
            return item
        item.page_url, item.kind = self.rules.identity(item.url, record.canonical_url)
        if record.text.strip():
            item.content = to_content(record, self._translations(record.translations))
            self.stats.inc_value(f"archive/extraction/{record.template}")
        else:
            logger.warning("no text extracted from %s", item.url)
            self.stats.inc_value("archive/extraction/empty")
        return item


class ArchivePipeline:
    """Stores captures and versions, and keeps the run record up to date."""

    def __init__(self, crawler, lock_held: bool):
        self.crawler = crawler
        self.stats = crawler.stats
        self.lock_held = lock_held
        self.exit_stack = contextlib.ExitStack()
        self.Session = None
        self.run_id: int | None = None
        self.pending_redirects: list[RedirectItem] = []

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not read_setting(settings, "ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        pipeline = cls(crawler, read_setting(settings, "ARCHIVE_LOCK_HELD"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self):
        engine = archive_engine(self.crawler)
        self.Session = make_sessionmaker(engine)
        if not self.lock_held:  # started by `scrapy crawl` or Scrapyd: claim the archive here
            self.exit_stack.enter_context(claimed_archive(engine))
        with self.Session.begin() as session:
            source = getattr(self.crawler.spider, "source", None)
            run = start_run(session, source.name if source else "unknown", source.base_url if source else None)
            self.run_id = run.id
        self.stats.set_value("archive/run_id", self.run_id)
        max_runtime = self.crawler.settings.getfloat("CLOSESPIDER_TIMEOUT", 0.0)
        if max_runtime > 0:
            self.stats.set_value("archive/max_runtime", max_runtime)
        logger.info("crawl run %s started", self.run_id)

    def process_item(self, item):
        if isinstance(item, FetchFailure):
            with self.Session.begin() as session:
                record_error(session, self.run_id, item.url, item.reason, item.kind)
            self.stats.inc_value("archive/errors")
            # already logged by the spider as one line: the drop itself is only worth a debug message
            raise PageFailed(f"{item.url}: {item.reason}", log_level="DEBUG")
        if isinstance(item, RedirectItem):
            with self.Session.begin() as session:
                if not self._redirect(session, item):
                    self.pending_redirects.append(item)  # its target is not archived yet
            self.stats.inc_value("archive/redirects")
            return item
        if isinstance(item, NotModifiedItem):
            fetched = Fetched(
                requested_url=item.url,
                url=item.url,
                status=304,
                body=b"",
                fetched_at=item.fetched_at,
                headers=item.headers,
            )
            with self.Session.begin() as session:
                record_not_modified(session, run_id=self.run_id, url=item.url, fetched=fetched)
            return item
        if isinstance(item, GoneItem):
            fetched = Fetched(
                requested_url=item.url,
                url=item.url,
                status=item.status,
                body=item.body,
                fetched_at=item.fetched_at,
                headers=item.headers,
            )
            with self.Session.begin() as session:
                if record_gone(session, run_id=self.run_id, url=item.url, fetched=fetched):
                    self.stats.inc_value("archive/removed")
            return item
        if not isinstance(item, PageItem):
            return item
        fetched = Fetched(
            requested_url=item.requested_url,
            url=item.url,
            status=item.status,
            body=item.body,
            fetched_at=item.fetched_at,
            headers=item.headers,
        )
        with self.Session.begin() as session:
            outcome = record_capture(
                session,
                run_id=self.run_id,
                source=item.source,
                kind=item.kind,
                page_url=item.page_url,
                fetched=fetched,
                content=item.content,
                error=item.error,
                aliases=item.aliases,
            )
        self.stats.inc_value(f"archive/{outcome.value}")
        if outcome is Outcome.FAILED and item.error:
            self.stats.inc_value("archive/errors")
        item.body = b""  # the raw bytes are stored; do not keep them alive in stats or feeds
        return item

    def _stats_snapshot(self) -> dict:
        """The crawler's counters worth keeping with the run (JSON-safe)."""
        kept = (
            "archive/",
            "retry/",
            "downloader/response_status_count/",
            "downloader/exception_type_count/",
            "robotstxt/",
            "dupefilter/",
            "item_dropped_reasons_count/",
        )
        return {
            key: value
            for key, value in self.stats.get_stats().items()
            if key.startswith(kept) and isinstance(value, (int, float, str))
        }

    def _redirect(self, session, item: RedirectItem) -> bool:
        return record_redirect(session, item.from_url, item.to_url, run_id=self.run_id, status=item.status)

    def spider_closed(self, spider, reason):
        """Records how the run ended: ``finished``; ``failed`` when it ran to its end but nothing could be
        fetched; ``interrupted`` when stopped early (``shutdown`` on a signal, ``max_runtime`` when
        ``CLOSESPIDER_TIMEOUT``, that is ``ARCHIVE_MAX_RUNTIME``, ran out)."""
        if self.Session is None or self.run_id is None:
            return
        if reason == "finished":
            status, finish_reason = "finished", reason
        elif reason == "closespider_timeout":
            status, finish_reason = "interrupted", MAX_RUNTIME
        else:
            status, finish_reason = "interrupted", reason
        with self.Session.begin() as session:
            for redirect in self.pending_redirects:
                self._redirect(session, redirect)
            source = getattr(spider, "source", None)
            if source is not None:
                duplicates = mark_duplicates(session, source.name)
                self.stats.set_value("archive/duplicates", duplicates)
            run = session.get_one(Run, self.run_id)
            if status == "finished" and fetched_nothing(run) and not self.stats.get_value("archive/removed"):
                status, finish_reason = "failed", NOTHING_FETCHED
            run = finish_run(session, self.run_id, status, finish_reason, stats=self._stats_snapshot())
            outcome = describe_outcome(run)
        self.exit_stack.close()
        logger.info("crawl run %s %s (%s)", self.run_id, status, outcome or finish_reason)
