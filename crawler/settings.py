"""Scrapy settings of the cess-archive crawler: polite by default, archive pipelines on.

The crawler's own settings (prefix ``ARCHIVE_``) are declared once, in :data:`archive_settings`, with their
default, their type and what they do; the module-level defaults below are set from it, the crawler reads
them with :func:`read_setting`, ``cess-archive crawl --set`` checks values against it, and the README's
settings table is generated from it (``tests/test_settings.py``).
"""

from dataclasses import dataclass
from typing import Any

from archive.package import PROJECT_VERSION

BOT_NAME = "cess-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # with Scrapy's default ±50% jitter
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# The spider reports every request that failed after its retries as one warning line of its own.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening port on an unattended crawler
DEPTH_LIMIT = 10

DOWNLOADER_MIDDLEWARES = {
    # before the standard RetryMiddleware (550) sees the answer
    "crawler.middlewares.RetryAfterMiddleware": 560,
}

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.ArchivePipeline": 800,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"


# -- the crawler's own settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveSetting:
    """One ``ARCHIVE_*`` setting: its default, how it is read, what it does, and the values that work."""

    name: str
    default: Any
    type: type  # bool, int, float or str: read with getbool, getint, getfloat or get
    description: str  # one line, for the README's settings table
    at_least: float | None = None  # lower values hang or break the crawl
    greater_than: float | None = None
    chosen_by: str | None = None  # not for --set: what chooses it instead


# by name, in the README table's order
archive_settings: dict[str, ArchiveSetting] = {
    setting.name: setting
    for setting in (
        ArchiveSetting(
            "ARCHIVE_ENABLED",
            True,
            bool,
            "Store what is crawled in the archive; off, `scrapy crawl` crawls without storing (`cess-archive crawl` always stores).",
        ),
        ArchiveSetting(
            "ARCHIVE_DB_URL",
            None,
            str,
            "The archive: an SQLite file path or an SQLAlchemy URL; unset, `$CESS_ARCHIVE_DB`, else `data/cess-archive.sqlite`.",
            chosen_by="choose the archive with --db URL (or $CESS_ARCHIVE_DB)",
        ),
        ArchiveSetting(
            "ARCHIVE_LOCK_HELD",
            False,
            bool,
            "The archive's crawl lock is already held by whoever started the crawl (`cess-archive crawl` sets it); otherwise the archive pipeline takes it.",
            chosen_by="set by cess-archive crawl itself, which holds the archive's lock",
        ),
        ArchiveSetting(
            "ARCHIVE_CONTACT_URL",
            "https://github.com/cess-archive/cess-archive",
            str,
            "The contact URL named in the default `USER_AGENT` (set `USER_AGENT` to name another).",
        ),
        ArchiveSetting(
            "ARCHIVE_CONDITIONAL",
            True,
            bool,
            "Revisit archived pages with `If-None-Match`/`If-Modified-Since` from their last capture.",
        ),
        ArchiveSetting(
            "ARCHIVE_EXTRACT_WORKERS",
            2,
            int,
            "Worker processes that clean pages; 0 cleans them in the crawl's process, without a timeout (for debugging).",
            at_least=0,
        ),
        ArchiveSetting(
            "ARCHIVE_EXTRACT_TIMEOUT",
            60.0,
            float,
            "Seconds one page may take to clean; then its worker is killed and the page recorded as failed.",
            greater_than=0,
        ),
        ArchiveSetting(
            "ARCHIVE_RETRY_AFTER_ENABLED",
            True,
            bool,
            "Wait as long as a `Retry-After` on a 429 or 503 asks before retrying (with `RETRY_ENABLED`).",
        ),
        ArchiveSetting(
            "ARCHIVE_RETRY_AFTER_MAX",
            120.0,
            float,
            "Longest `Retry-After` wait obeyed, in seconds; a longer one is left to the standard retries.",
            at_least=0,
        ),
        ArchiveSetting(
            "ARCHIVE_MAX_QUERY_VARIANTS",
            5,
            int,
            "Distinct query strings followed per path, a bound on calendars and filters that make endless URLs.",
            at_least=0,
        ),
        ArchiveSetting(
            "ARCHIVE_MAX_RUNTIME",
            6 * 3600.0,
            float,
            "Seconds a crawl may run (6 h) before it stops gracefully, recorded as interrupted (Scrapy's `CLOSESPIDER_TIMEOUT`); `--max-runtime` sets it.",
            greater_than=0,
        ),
    )
}
globals().update({name: setting.default for name, setting in archive_settings.items()})  # ARCHIVE_ENABLED = True, …


def read_setting(settings, name: str) -> Any:
    """The value of the ``ARCHIVE_*`` setting ``name`` in Scrapy ``settings``, read as its type, its default
    when unset."""
    setting = archive_settings[name]
    read = {bool: settings.getbool, int: settings.getint, float: settings.getfloat}.get(setting.type, settings.get)
    return read(name, setting.default)


# Every request names the project and a contact URL.
USER_AGENT = f"cess-archive/{PROJECT_VERSION} (+{archive_settings['ARCHIVE_CONTACT_URL'].default})"
