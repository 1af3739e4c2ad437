"""A page, its versions with their provenance, the raw bytes a version was extracted from, and the diff
between two versions, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import iso_utc
from ..diffing import DiffOp, Hunk, paragraph_diff, word_diff
from ..models import Capture, Page, Version, latest_number
from ..raw import raw_body

MAX_ID = 2**63 - 1  # larger numbers name no row (and no database can even compare them)


class NotFound(LookupError):
    """What was asked for is not in the archive; the message says what there is (one line for the user)."""


def from_row(cls: Any, row: object, **given: Any) -> Any:
    """The frozen dataclass ``cls`` made of the ORM ``row``'s attributes of the same names, and of ``given``."""
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls) if f.name not in given}, **given)


@dataclass(frozen=True)
class PageInfo:
    """An archived page: its identity (canonical URL, source, kind), whether it is live, when it was seen,
    its translations (language → URL) and, for an untranslated copy, the URL of its original."""

    id: int
    url: str
    source: str
    kind: str
    status: str
    first_seen: datetime
    last_seen: datetime
    translations: dict[str, str]
    duplicate_of: str | None


def page_info(session: Session, page: Page) -> PageInfo:
    original = session.get_one(Page, page.duplicate_of_id).url if page.duplicate_of_id else None
    translations = dict(sorted((page.translations or {}).items()))
    return from_row(PageInfo, page, translations=translations, duplicate_of=original)


@dataclass(frozen=True)
class CaptureInfo:
    """Where a version came from: the HTTP fetch, its validators and the SHA-256 of the raw body kept."""

    id: int
    run_id: int | None
    url: str
    requested_url: str
    fetched_at: datetime
    http_status: int
    etag: str | None
    last_modified: str | None
    content_type: str | None
    raw_sha256: str | None
    extraction_status: str
    version_id: int | None  # the version it made or confirmed

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "run": self.run_id,
            "url": self.url,
            "requested_url": self.requested_url,
            "fetched_at": iso_utc(self.fetched_at),
            "http_status": self.http_status,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "content_type": self.content_type,
            "raw_sha256": self.raw_sha256,
            "extraction_status": self.extraction_status,
        }


def capture_info(capture: Capture) -> CaptureInfo:
    return from_row(CaptureInfo, capture)


@dataclass(frozen=True)
class VersionInfo:
    """One version of a page: its content, when it was seen, what made it (``reason``: ``crawl`` or
    ``extractor-change``; ``extractor``; ``run_id``), and the capture it was extracted from."""

    id: int
    page_id: int
    number: int
    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    language: str | None
    declared_language: str | None
    description: str | None
    text: str
    content_sha256: str
    first_seen: datetime
    last_seen: datetime
    extractor: str
    reason: str
    run_id: int | None
    capture: CaptureInfo | None

    def as_dict(self, url: str, *, text: bool = True) -> dict:
        """The version's record under the page's ``url``, with its provenance; ``text=False`` leaves the text
        out (timelines)."""
        record = {
            "url": url,
            "version": self.number,
            "title": self.title,
            "author": self.author,
            "published": iso_utc(self.published),
            "modified": iso_utc(self.modified),
            "language": self.language,
            "declared_language": self.declared_language,
            "description": self.description,
        }
        if text:
            record["text"] = self.text
        record.update(
            {
                "content_sha256": self.content_sha256,
                "first_seen": iso_utc(self.first_seen),
                "last_seen": iso_utc(self.last_seen),
                "extractor": self.extractor,
                "reason": self.reason,
                "run": self.run_id,
                "capture": self.capture.as_dict() if self.capture is not None else None,
            }
        )
        return record


def versions_where(session: Session, *conditions) -> list[VersionInfo]:
    """The versions that meet ``conditions`` (on ``Version``), each with its capture, by page and number."""
    query = (
        select(Version, Capture)
        .outerjoin(Capture, Capture.id == Version.capture_id)
        .where(*conditions)
        .order_by(Version.page_id, Version.number)
    )
    return [
        from_row(VersionInfo, v, capture=capture_info(capture) if capture is not None else None)
        for v, capture in session.execute(query)
    ]


def get_version(session: Session, page: PageInfo, number: int | None = None) -> VersionInfo:
    """Version ``number`` of ``page`` (default: the latest); :class:`NotFound` naming the versions there are."""
    if number is None or number <= MAX_ID:
        wanted = latest_number(page.id) if number is None else number
        found = versions_where(session, Version.page_id == page.id, Version.number == wanted)
        if found:
            return found[0]
    if number is None:
        raise NotFound(f"{page.url} has no version")
    latest = session.scalar(select(latest_number(page.id)))
    known = f"versions are 1 to {latest}" if latest else "it has none"
    raise NotFound(f"{page.url} has no version {number} ({known})")


def raw_capture(session: Session, page: PageInfo, version: VersionInfo) -> bytes:
    """The raw body ``version`` was extracted from, byte for byte as it was received."""
    sha = version.capture.raw_sha256 if version.capture is not None else None
    body = raw_body(session, sha) if sha is not None else None
    if body is None:
        raise NotFound(f"no raw capture is stored for version {version.number} of {page.url}")
    return body


@dataclass(frozen=True)
class VersionDiff:
    """What changed from ``old`` to ``new``: the word-level diff of the texts (``words``), the same by
    paragraph (``paragraphs``: unchanged runs and word diffs of the changed ones), and of the titles."""

    old: VersionInfo
    new: VersionInfo
    words: tuple[DiffOp, ...]
    paragraphs: tuple[Hunk, ...]
    title: tuple[DiffOp, ...]

    @property
    def retitled(self) -> bool:
        return (self.old.title or "") != (self.new.title or "")


def diff_versions(old: VersionInfo, new: VersionInfo) -> VersionDiff:
    return VersionDiff(
        old=old,
        new=new,
        words=tuple(word_diff(old.text, new.text)),
        paragraphs=tuple(paragraph_diff(old.text, new.text)),
        title=tuple(word_diff(old.title or "", new.title or "")),
    )


@dataclass(frozen=True)
class KnownPage:
    """An archived page as the next crawl needs it: where it is, and the validators of its last capture."""

    url: str
    status: str
    etag: str | None
    last_modified: str | None


def known_pages(session: Session, source: str) -> list[KnownPage]:
    """The archived pages of ``source``, live or removed, oldest first, with the ETag and Last-Modified
    of the capture their latest version came from (for conditional requests)."""
    query = (
        select(Page.url, Page.status, Capture.etag, Capture.last_modified)
        .select_from(Page)
        .outerjoin(Version, (Version.page_id == Page.id) & (Version.number == latest_number(Page.id)))
        .outerjoin(Capture, Capture.id == Version.capture_id)
        .where(Page.source == source)
        .order_by(Page.id)
    )
    return [KnownPage(*row) for row in session.execute(query)]
