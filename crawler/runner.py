"""Running a crawl: the settings it starts from, the archive's crawl lock, and the crawl's one engine on it.

``cess-archive crawl`` checks its ``--set`` overrides here (:func:`check_overrides`, the way Scrapy will read
them) and calls :func:`run_crawl`, which runs the ``site`` spider in this process and returns the run it
recorded. Whoever starts the crawl, the archive is claimed the same way (:func:`claimed_archive`: the crawl
lock, then runs left "running" by a dead process marked aborted): by :func:`run_crawl`, or by the archive
pipeline when the crawl was started by ``scrapy crawl`` or Scrapyd. The spider and the pipeline share one
engine on the archive (:func:`archive_engine`).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import weakref
from collections.abc import Iterator

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import BaseSettings, Settings
from sqlalchemy import Engine

from archive import make_engine, make_sessionmaker
from archive.locking import crawl_lock
from archive.models import Run
from archive.store import abandon_stale_runs

from .settings import archive_settings, read_setting
from .sources import Source

# -- the crawl's settings: --set overrides, checked before anything starts -------------------------------------


class SettingError(ValueError):
    """A ``--set NAME=VALUE`` that would break the crawl; its message names the setting."""


# Scrapy's own settings read as numbers although their default is an integer, as booleans or integers
# without a default of that type, and lists of status codes (the archive's settings say their type in
# crawler.settings).
SCRAPY_TYPES = {
    **dict.fromkeys(
        (
            "DNS_TIMEOUT",
            "DOWNLOAD_DELAY",
            "DOWNLOAD_TIMEOUT",
            "CLOSESPIDER_TIMEOUT",
            "AUTOTHROTTLE_START_DELAY",
            "AUTOTHROTTLE_MAX_DELAY",
            "AUTOTHROTTLE_TARGET_CONCURRENCY",
        ),
        float,
    ),
    "TELNETCONSOLE_ENABLED": bool,
    "PERIODIC_LOG_STATS": bool,
    "CONCURRENT_REQUESTS_PER_IP": int,
}
STATUS_LIST_SETTINGS = {"RETRY_HTTP_CODES", "HTTPERROR_ALLOWED_CODES", "HTTPCACHE_IGNORE_HTTP_CODES"}
# Read by Scrapy without a default of their own, or by plugins under a family prefix: not unknown.
EXTRA_KNOWN = {
    "CONCURRENT_REQUESTS_PER_IP",
    "DNS_RESOLVER",
    "META_COPY_WARN_SKIP_KEYS",
    "PERIODIC_LOG_DELTA",
    "PERIODIC_LOG_STATS",
    "PERIODIC_LOG_TIMING_ENABLED",
    "FEED_EXPORT_FIELDS",
}
KNOWN_PREFIXES = (
    "AWS_",
    "GCS_",
    "FTP_",
    "HTTPCACHE_",
    "FEED_",
    "MAIL_",
    "PLAYWRIGHT_",
    "ZYTE_",
    "SPIDERMON_",
    "SCRAPYD_",
    "SPLASH_",
)

# Scrapy's settings where some values hang or break the crawl (the archive's say theirs in crawler.settings).
SCRAPY_AT_LEAST: dict[str, float] = {
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "CONCURRENT_REQUESTS_PER_IP": 0,
    "CONCURRENT_ITEMS": 1,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_MAXSIZE": 0,
    "DOWNLOAD_WARNSIZE": 0,
    "RETRY_TIMES": 0,
    "DEPTH_LIMIT": 0,
    "REDIRECT_MAX_TIMES": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0,
    "CLOSESPIDER_TIMEOUT": 0,
}
SCRAPY_GREATER_THAN: dict[str, float] = {"DOWNLOAD_TIMEOUT": 0, "DNS_TIMEOUT": 0, "AUTOTHROTTLE_TARGET_CONCURRENCY": 0}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TYPE_NAMES = {bool: "bool", int: "int", float: "float"}
EXPECTED_WORDS = {
    "bool": "a boolean (True/False, true/false or 1/0)",
    "int": "an integer",
    "float": "a number",
    "dict": "a JSON object",
    "list": "a comma-separated list",
}


def default_settings() -> Settings:
    """Scrapy's defaults with the project's settings over them: what a crawl starts from."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def _expected(name: str, default: object) -> str | None:
    """How a value of ``name`` is converted: "bool", "int", "float", "list", "dict", or None (a string)."""
    declared = archive_settings[name].type if name in archive_settings else SCRAPY_TYPES.get(name)
    if declared is not None:
        return TYPE_NAMES.get(declared)
    for kind in (bool, int, float):  # bool first: a bool is an int
        if isinstance(default, kind):
            return TYPE_NAMES[kind]
    if isinstance(default, (list, tuple)):
        return "list"
    if isinstance(default, (dict, BaseSettings)):
        return "dict"
    return None


def _bounds(name: str) -> tuple[float | None, float | None]:
    """(at least, greater than): the values of ``name`` that work, where some hang or break the crawl."""
    if name in archive_settings:
        return archive_settings[name].at_least, archive_settings[name].greater_than
    return SCRAPY_AT_LEAST.get(name), SCRAPY_GREATER_THAN.get(name)


def check_setting(name: str, value: str, defaults: Settings) -> tuple[str, str | None]:
    """Checks one ``--set NAME=VALUE`` the way Scrapy will convert it (``getbool``, ``getint``, ``getfloat``,
    ``getlist``, ``getdict`` by the type of the setting), and its range where a bad value hangs or breaks
    the crawl. Returns the value to use and a warning (an unknown name), or raises :class:`SettingError`."""
    shown = f"--set {name}={value}"
    archive_setting = archive_settings.get(name)
    if archive_setting is not None and archive_setting.chosen_by:
        raise SettingError(f"{shown}: not a setting to override here: {archive_setting.chosen_by}")
    known = name in defaults or name in EXTRA_KNOWN or name.startswith(KNOWN_PREFIXES)
    if not known:
        names = sorted(set(defaults.attributes) | EXTRA_KNOWN)
        close = difflib.get_close_matches(name.upper(), names, n=1, cutoff=0.75)
        hint = f"did you mean {close[0]}?" if close else "passed to Scrapy as given"
        return value, f"{shown}: unknown setting ({hint})"
    if name == "LOG_LEVEL":
        if value.strip().upper() not in LOG_LEVELS:
            raise SettingError(f"{shown}: expected one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper(), None
    expected = _expected(name, defaults.get(name))
    if expected is None:
        return value, None
    probe = BaseSettings({name: value})
    try:
        converted = {
            "bool": probe.getbool,
            "int": probe.getint,
            "float": probe.getfloat,
            "list": probe.getlist,
            "dict": probe.getdict,
        }[expected](name)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise SettingError(f"{shown}: expected {EXPECTED_WORDS[expected]}") from None
    if name == "ARCHIVE_ENABLED" and not converted:
        raise SettingError(f"{shown}: cess-archive crawl always archives (scrapy crawl can crawl without storing)")
    if name in STATUS_LIST_SETTINGS:
        try:
            codes = [int(code) for code in converted if str(code).strip()]
        except ValueError:
            raise SettingError(f"{shown}: expected a comma-separated list of HTTP status codes") from None
        if any(not 100 <= code <= 599 for code in codes):
            raise SettingError(f"{shown}: HTTP status codes are between 100 and 599")
    at_least, greater_than = _bounds(name)
    if isinstance(converted, (int, float)) and not isinstance(converted, bool):
        number = "an integer" if expected == "int" else "a number"
        if at_least is not None and not (math.isfinite(converted) and converted >= at_least):
            raise SettingError(f"{shown}: expected {number} of at least {at_least:g}")
        if greater_than is not None and not (math.isfinite(converted) and converted > greater_than):
            raise SettingError(f"{shown}: expected {number} greater than {greater_than:g}")
    return value, None


def check_overrides(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """All ``--set`` values checked: the values to use and the warnings to print (one line each)."""
    defaults = default_settings()
    checked, warnings = {}, []
    for name, value in overrides.items():
        checked[name], warning = check_setting(name, value, defaults)
        if warning:
            warnings.append(warning)
    return checked, warnings


def crawl_settings(overrides: dict[str, str], db_url: str, log_level: str | None = None) -> Settings:
    """The settings of a crawl that :func:`run_crawl` runs: the project's, ``overrides`` over them, the
    archive at ``db_url``, whose lock the runner holds."""
    settings = default_settings()
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    settings.set("ARCHIVE_DB_URL", db_url, priority="cmdline")
    settings.set("ARCHIVE_LOCK_HELD", True, priority="cmdline")
    if log_level:
        settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    return settings


# -- the archive: one engine per crawl, claimed by the crawl's lock --------------------------------------------

_engines: weakref.WeakKeyDictionary[Crawler, Engine] = weakref.WeakKeyDictionary()


def archive_engine(crawler: Crawler) -> Engine:
    """The crawl's one engine on the archive, shared by the spider and the pipeline: the one :func:`run_crawl`
    was given, or else one on ``ARCHIVE_DB_URL``, made on first use and disposed of when the crawl ends."""
    engine = _engines.get(crawler)
    if engine is None:
        engine = _engines[crawler] = make_engine(read_setting(crawler.settings, "ARCHIVE_DB_URL"))
        crawler.signals.connect(lambda: engine.dispose(), signal=signals.engine_stopped, weak=False)
    return engine


@contextlib.contextmanager
def claimed_archive(engine: Engine) -> Iterator[None]:
    """Holds the archive's crawl lock for the block (:class:`archive.locking.ArchiveLocked` when another crawl
    has it), after marking runs left "running" as aborted: with the lock held, their processes are dead."""
    with crawl_lock(engine):
        with make_sessionmaker(engine).begin() as session:
            abandon_stale_runs(session)
        yield


def run_crawl(engine: Engine, source: Source, overrides: dict[str, str], log_level: str | None = None) -> Run | None:
    """Crawls ``source`` into the archive behind ``engine``, in this process, to the end (blocking).

    ``overrides`` are settings already checked by :func:`check_overrides`. The archive is claimed for the
    whole crawl (:class:`archive.locking.ArchiveLocked` when another crawl has it). Returns the run the crawl
    recorded, or None when it could not start (the log says why).
    """
    from .spiders.site import SiteSpider  # the spider imports this module for archive_engine

    db_url = engine.url.render_as_string(hide_password=False)
    with claimed_archive(engine):
        process = CrawlerProcess(crawl_settings(overrides, db_url, log_level))
        crawler = process.create_crawler(SiteSpider)
        _engines[crawler] = engine
        process.crawl(crawler, source=source)
        process.start()
        run_id = crawler.stats.get_value("archive/run_id") if crawler.stats else None
        if run_id is None:
            return None
        with make_sessionmaker(engine)() as session:
            return session.get_one(Run, run_id)
