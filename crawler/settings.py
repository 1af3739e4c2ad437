"""Scrapy settings of the cess-archive crawler: polite by default, archive pipelines on.

Archive settings (prefix ``ARCHIVE_``): ``ARCHIVE_DB_URL`` (SQLAlchemy URL; default ``$CESS_ARCHIVE_DB`` or
``./data/cess-archive.sqlite``), ``ARCHIVE_ENABLED`` (store nothing when off), ``ARCHIVE_CONTACT_URL``
(named in the User-Agent), ``ARCHIVE_CONDITIONAL`` (revisit archived pages with If-None-Match /
If-Modified-Since from their last capture; default on), ``ARCHIVE_EXTRACT_WORKERS`` (extraction worker
processes; 0 runs it in the crawler's process) and ``ARCHIVE_EXTRACT_TIMEOUT`` (seconds one page may take to
clean before it is recorded as failed), ``ARCHIVE_RETRY_AFTER_MAX`` (longest ``Retry-After`` wait obeyed,
seconds), ``ARCHIVE_MAX_QUERY_VARIANTS`` (distinct query strings followed per path: a spider-trap bound),
``ARCHIVE_MAX_RUNTIME`` (seconds a crawl may run before it is stopped gracefully and recorded as interrupted,
reason ``max_runtime``; mapped onto Scrapy's ``CLOSESPIDER_TIMEOUT`` by the spider).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    PROJECT_VERSION = version("cess-archive")
except PackageNotFoundError:  # running from a source tree that is not installed
    PROJECT_VERSION = "0+unknown"

BOT_NAME = "cess-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ARCHIVE_CONTACT_URL = "https://github.com/cess-archive/cess-archive"
USER_AGENT = f"cess-archive/{PROJECT_VERSION} (+{ARCHIVE_CONTACT_URL})"

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

ARCHIVE_ENABLED = True
ARCHIVE_DB_URL = None
ARCHIVE_CONDITIONAL = True
ARCHIVE_LOCK_HELD = False  # set by `cess-archive crawl`, which takes the archive's crawl lock itself
ARCHIVE_EXTRACT_WORKERS = 2
ARCHIVE_EXTRACT_TIMEOUT = 60.0
ARCHIVE_RETRY_AFTER_MAX = 120.0
ARCHIVE_MAX_QUERY_VARIANTS = 5
ARCHIVE_MAX_RUNTIME = 6 * 3600.0  # a crawl never runs forever

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
