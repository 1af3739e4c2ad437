"""Re-extraction of stored raw captures with the current (or a given) extractor (``cess-archive reprocess``).

The raw bytes of each page's most recent capture are cleaned again; a changed result becomes a version
marked as an extractor change. Nothing is fetched and no capture is modified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import Content
from archive.models import Page, RawBlob
from archive.raw import load_raw
from archive.store import latest_capture, record_reextraction

from .extraction import extract, to_content

Extractor = Callable[[bytes, str | None, str], Content | None]


@dataclass
class ReprocessCounts:
    pages: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0


def current_extractor(body: bytes, content_type: str | None, url: str) -> Content | None:
    """The crawler's own extraction, as a crawl would do it now."""
    extraction = extract(body, content_type, url)
    return to_content(extraction.record) if extraction.has_text else None


def reprocess_archive(
    session: Session, *, source: str | None = None, extractor: Extractor = current_extractor
) -> ReprocessCounts:
    counts = ReprocessCounts()
    query = select(Page).order_by(Page.id)
    if source:
        query = query.where(Page.source == source)
    for page in session.scalars(query).all():
        capture = latest_capture(session, page)
        if capture is None:
            continue
        counts.pages += 1
        content = extractor(load_raw(session.get_one(RawBlob, capture.raw_sha256)), capture.content_type, capture.url)
        if content is None:
            counts.failed += 1
            continue
        # translations are the page's, kept as the crawl normalised them
        content = Content(**{**content.__dict__, "translations": dict(page.translations or {})})
        if record_reextraction(session, page, capture, content) is None:
            counts.unchanged += 1
        else:
            counts.changed += 1
    return counts
