"""The versioned store: pages, their append-only versions, raw captures and crawl runs.

This package knows nothing of Scrapy or of the crawler; it is fed plain data (``Fetched``, ``Content``).
"""

from .content import Content, content_digest, digest_of, iso_utc
from .db import default_db_url, make_engine, make_sessionmaker
from .store import (
    Fetched,
    Outcome,
    find_page,
    finish_run,
    record_capture,
    record_error,
    record_gone,
    record_not_modified,
    record_redirect,
    start_run,
)

__all__ = [
    "Content",
    "Fetched",
    "Outcome",
    "content_digest",
    "default_db_url",
    "digest_of",
    "find_page",
    "finish_run",
    "iso_utc",
    "make_engine",
    "make_sessionmaker",
    "record_capture",
    "record_error",
    "record_gone",
    "record_not_modified",
    "record_redirect",
    "start_run",
]
