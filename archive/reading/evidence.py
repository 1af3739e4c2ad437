"""One capture or one version as evidence: a capture with its page, the version it gave and its raw body
(:func:`get_capture`, :func:`capture_body`), and one version as ``export`` writes it (:func:`version_row`,
with :func:`capture_row` for its WARC record)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, select, type_coerce
from sqlalchemy.orm import Session

from ..models import Capture, Page, RawBlob, UTCDateTime, Version
from ..raw import raw_body
from .pages import MAX_ID, CaptureInfo, NotFound, capture_info
from .selection import Selection, _records_query

#: Every version of every page: what a single version's record is taken from, so that it is the same row
#: an export of everything gives.
EVERYTHING = Selection(all_versions=True, include_removed=True, include_duplicates=True)


@dataclass(frozen=True)
class CaptureEvidence:
    """A capture (``capture``), the page it was of (``page_url``: its canonical URL now; None for a fetch
    that gave no page), the version it made (``made``) or confirmed (``confirmed``), the response headers as
    stored, the size of the raw body kept (None when none was: a 304 answer) and why extraction failed."""

    capture: CaptureInfo
    page_url: str | None
    made: int | None
    confirmed: int | None
    headers: dict[str, Any]
    raw_size: int | None
    extraction_error: str | None

    @property
    def body_missing(self) -> str | None:
        """Why the capture has no raw body to show (None when it has one)."""
        capture = self.capture
        if capture.raw_sha256 is None:
            why = "the server answered 304 Not Modified" if capture.http_status == 304 else "no body was kept"
            return f"capture {capture.id} has no raw body: {why}"
        if self.raw_size is None:
            return f"the raw body {capture.raw_sha256} of capture {capture.id} is missing from the archive"
        return None

    def as_dict(self) -> dict:
        return {
            **self.capture.as_dict(),
            "page_url": self.page_url,
            "version_made": self.made,
            "version_confirmed": self.confirmed,
            "headers": dict(self.headers),
            "raw_size": self.raw_size,
            "extraction_error": self.extraction_error,
        }


def get_capture(session: Session, capture_id: int) -> CaptureEvidence:
    """Capture ``capture_id``; :class:`NotFound` when there is none."""
    row = (
        session.execute(
            select(Capture, Page.url, RawBlob.size)
            .outerjoin(Page, Page.id == Capture.page_id)
            .outerjoin(RawBlob, RawBlob.sha256 == Capture.raw_sha256)
            .where(Capture.id == capture_id)
        ).one_or_none()
        if 0 < capture_id <= MAX_ID
        else None
    )
    if row is None:
        raise NotFound(f"no capture {capture_id} in the archive")
    capture, page_url, raw_size = row
    made = session.scalar(select(Version.number).where(Version.capture_id == capture.id).order_by(Version.number))
    confirmed = None
    if capture.version_id is not None:
        confirmed = session.scalar(select(Version.number).where(Version.id == capture.version_id))
    return CaptureEvidence(
        capture=capture_info(capture),
        page_url=page_url,
        made=made,
        confirmed=confirmed if confirmed != made else None,
        headers=dict(capture.headers or {}),
        raw_size=raw_size,
        extraction_error=capture.extraction_error,
    )


def capture_body(session: Session, evidence: CaptureEvidence) -> bytes:
    """The raw body of the capture, byte for byte as it was received; :class:`NotFound` saying why there is
    none (nothing was downloaded, or the archive lost it)."""
    missing = evidence.body_missing
    body = raw_body(session, evidence.capture.raw_sha256) if missing is None and evidence.capture.raw_sha256 else None
    if body is None:
        raise NotFound(missing or f"the raw body of capture {evidence.capture.id} is missing from the archive")
    return body


def version_row(session: Session, version_id: int) -> RowMapping | None:
    """The row ``export`` makes of version ``version_id`` (see ``selection._records_query``), with its
    capture's ``capture_url``, ``capture_fetched_at`` and ``capture_raw_sha256`` (None without a capture)."""
    query = (
        _records_query(EVERYTHING)
        .outerjoin(Capture, Capture.id == Version.capture_id)
        .add_columns(
            Capture.url.label("capture_url"),
            Capture.fetched_at.label("capture_fetched_at"),
            Capture.raw_sha256.label("capture_raw_sha256"),
        )
        .where(Version.id == version_id)
        .order_by(None)
    )
    return session.execute(query).mappings().one_or_none()


def capture_row(session: Session, capture_id: int) -> RowMapping | None:
    """Capture ``capture_id`` as ``selection.captures`` gives it, as the first of its body (written whole)."""
    query = (
        select(
            Capture.id.label("capture_id"),
            Capture.url.label("capture_url"),
            Capture.fetched_at.label("fetched_at"),
            Capture.http_status.label("http_status"),
            Capture.headers.label("headers"),
            Capture.raw_sha256.label("raw_sha256"),
            RawBlob.size.label("raw_size"),
            Capture.id.label("original_id"),
            Capture.url.label("original_url"),
            type_coerce(Capture.fetched_at, UTCDateTime).label("original_fetched_at"),
        )
        .outerjoin(RawBlob, RawBlob.sha256 == Capture.raw_sha256)
        .where(Capture.id == capture_id)
    )
    return session.execute(query).mappings().one_or_none()
