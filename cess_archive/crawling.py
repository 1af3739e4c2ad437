"""Running one crawl in this process with Scrapy, and checking its settings before it starts."""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import BaseSettings, Settings

from crawler.spiders.site import SiteSpider


@dataclass(frozen=True)
class CrawlOutcome:
    run_id: int | None
    finish_reason: str | None
    stats: dict


class SettingError(ValueError):
    """A ``--set NAME=VALUE`` that would break the crawl; its message names the setting."""


# Settings Scrapy reads as numbers although their default is an integer, and lists of status codes.
FLOAT_SETTINGS = {
    "DNS_TIMEOUT",
    "DOWNLOAD_DELAY",
    "DOWNLOAD_TIMEOUT",
    "CLOSESPIDER_TIMEOUT",
    "ARCHIVE_MAX_RUNTIME",
    "ARCHIVE_EXTRACT_TIMEOUT",
    "ARCHIVE_RETRY_AFTER_MAX",
    "AUTOTHROTTLE_START_DELAY",
    "AUTOTHROTTLE_MAX_DELAY",
    "AUTOTHROTTLE_TARGET_CONCURRENCY",
}
BOOL_SETTINGS = {"TELNETCONSOLE_ENABLED", "PERIODIC_LOG_STATS"}
INT_SETTINGS = {"CONCURRENT_REQUESTS_PER_IP"}
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

# Settings where some values hang or break the crawl: (lowest allowed, whether the lowest is allowed).
RANGES: dict[str, tuple[float, bool]] = {
    "CONCURRENT_REQUESTS": (1, True),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (1, True),
    "CONCURRENT_REQUESTS_PER_IP": (0, True),
    "CONCURRENT_ITEMS": (1, True),
    "DOWNLOAD_DELAY": (0, True),
    "DOWNLOAD_TIMEOUT": (0, False),
    "DOWNLOAD_MAXSIZE": (0, True),
    "DOWNLOAD_WARNSIZE": (0, True),
    "DNS_TIMEOUT": (0, False),
    "RETRY_TIMES": (0, True),
    "DEPTH_LIMIT": (0, True),
    "REDIRECT_MAX_TIMES": (0, True),
    "AUTOTHROTTLE_START_DELAY": (0, True),
    "AUTOTHROTTLE_MAX_DELAY": (0, True),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": (0, False),
    "CLOSESPIDER_TIMEOUT": (0, True),
    "ARCHIVE_EXTRACT_WORKERS": (0, True),
    "ARCHIVE_EXTRACT_TIMEOUT": (0, False),
    "ARCHIVE_MAX_RUNTIME": (0, False),
    "ARCHIVE_RETRY_AFTER_MAX": (0, True),
    "ARCHIVE_MAX_QUERY_VARIANTS": (0, True),
}

# Chosen by options of `cess-archive crawl`, never by --set.
RESERVED = {
    "ARCHIVE_DB_URL": "choose the archive with --db URL (or $CESS_ARCHIVE_DB)",
    "ARCHIVE_LOCK_HELD": "set by cess-archive crawl itself, which holds the archive's lock",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def default_settings() -> Settings:
    """Scrapy's defaults with the project's settings over them: what a crawl starts from."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def _expected(name: str, default: object) -> str | None:
    """How a value of ``name`` is converted: "bool", "int", "float", "list", "dict", or None (a string)."""
    if name in FLOAT_SETTINGS:
        return "float"
    if name in BOOL_SETTINGS:
        return "bool"
    if name in INT_SETTINGS:
        return "int"
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, (list, tuple)):
        return "list"
    if isinstance(default, (dict, BaseSettings)):
        return "dict"
    return None


EXPECTED_WORDS = {
    "bool": "a boolean (True/False, true/false or 1/0)",
    "int": "an integer",
    "float": "a number",
    "dict": "a JSON object",
    "list": "a comma-separated list",
}


def check_setting(name: str, value: str, defaults: Settings) -> tuple[str, str | None]:
    """Checks one ``--set NAME=VALUE`` the way Scrapy will convert it (``getbool``, ``getint``, ``getfloat``,
    ``getlist``, ``getdict`` by the type of its default), and its range where a bad value hangs or breaks
    the crawl. Returns the value to use and a warning (an unknown name), or raises :class:`SettingError`."""
    shown = f"--set {name}={value}"
    if name in RESERVED:
        raise SettingError(f"{shown}: not a setting to override here: {RESERVED[name]}")
    known = name in defaults or name in EXTRA_KNOWN or name.startswith(KNOWN_PREFIXES)
    warning = None
    if not known:
        names = sorted(set(defaults.attributes) | EXTRA_KNOWN)
        close = difflib.get_close_matches(name.upper(), names, n=1, cutoff=0.75)
        hint = f"did you mean {close[0]}?" if close else "passed to Scrapy as given"
        warning = f"{shown}: unknown setting ({hint})"
        return value, warning
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
    if name in RANGES and isinstance(converted, (int, float)) and not isinstance(converted, bool):
        lowest, inclusive = RANGES[name]
        if not math.isfinite(converted) or converted < lowest or (converted == lowest and not inclusive):
            bound = f"of at least {lowest:g}" if inclusive else f"greater than {lowest:g}"
            raise SettingError(f"{shown}: expected {'an integer' if expected == 'int' else 'a number'} {bound}")
    return value, warning


def check_overrides(overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """All ``--set`` values checked: the values to use and the warnings to print (one line each)."""
    defaults = default_settings()
    checked, warnings = {}, []
    for name, value in overrides.items():
        checked[name], warning = check_setting(name, value, defaults)
        if warning:
            warnings.append(warning)
    return checked, warnings


def crawl_settings(overrides: dict[str, str], db_url: str, log_level: str | None) -> Settings:
    settings = default_settings()
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
    return CrawlOutcome(run_id=stats.get("archive/run_id"), finish_reason=stats.get("finish_reason"), stats=stats)
