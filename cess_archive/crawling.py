"""Running one crawl in this process with Scrapy, and reading back the run it recorded."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.site import SiteSpider


@dataclass(frozen=True)
class CrawlOutcome:
    run_id: int | None
    finish_reason: str | None
    stats: dict


def crawl_settings(overrides: dict[str, str], db_url: str, log_level: str | None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    settings.set("ARCHIVE_DB_URL", db_url, priority="cmdline")
    if log_level:
        settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    return settings


def run_crawl(settings: Settings, *, source: str, base_url: str | None, sources_file: str | None) -> CrawlOutcome:
    """Runs the site spider to completion (blocking) and returns what it recorded."""
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, source=source, base_url=base_url, sources_file=sources_file)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlOutcome(run_id=stats.get("archive/run_id"), finish_reason=stats.get("finish_reason"),
                        stats=stats)
