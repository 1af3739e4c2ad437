"""From a raw capture to archive ``Content``: decode, clean, and name the extractor that did it.

Used by the extraction pipeline during a crawl and by ``cess-archive reprocess`` on stored captures, so
both produce the same content from the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive import Content
from archive.content import content_from
from archive.package import PROJECT_VERSION, UNKNOWN, package_version

from .cleaning import EXTRACTOR_VERSION, CleanRecord, clean_html, decode_html

EXTRACTOR_ID = (
    f"{EXTRACTOR_VERSION}; cess-archive {PROJECT_VERSION}; trafilatura {package_version('trafilatura') or UNKNOWN}"
)


@dataclass(frozen=True)
class Extraction:
    """The outcome of cleaning one capture: a record (possibly with empty text) or an error."""

    record: CleanRecord | None
    error: str | None = None

    @property
    def has_text(self) -> bool:
        return self.record is not None and bool(self.record.text.strip())


def extract(body: bytes, content_type: str | None, url: str) -> Extraction:
    try:
        return Extraction(clean_html(decode_html(body, content_type), url))
    except Exception as exc:  # noqa: BLE001 - a broken page must not stop a crawl or a reprocess
        return Extraction(None, f"{type(exc).__name__}: {exc}")


def to_content(
    record: CleanRecord, translations: dict[str, str] | None = None, extractor: str = EXTRACTOR_ID
) -> Content:
    """The archive's ``Content`` of a cleaning record: its fields of the same names, with ``translations``
    (the record's own when not given) and the ``extractor`` that made it."""
    translations = dict(record.translations if translations is None else translations)
    return content_from(record, translations=translations, extractor=extractor)
