"""Versions of the installed software, as named in what cess-archive writes (User-Agent, extractor ids,
WARC ``software`` fields, dataset metadata): looked up once, here."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

UNKNOWN = "unknown"  # running from a source tree that is not installed


def package_version(name: str) -> str | None:
    """The installed version of the distribution ``name``, or None when it is not installed."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


PROJECT_VERSION = package_version("cess-archive") or UNKNOWN
