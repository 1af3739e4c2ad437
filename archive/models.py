"""The archive's tables, as SQLAlchemy 2.0 typed models.

A *page* is one piece of content with one identity (its canonical URL). Its *versions* are append-only: a
version is a distinct cleaned content, seen from ``first_seen`` to ``last_seen``. Every fetch is a *capture*
that keeps the raw bytes (content-addressed, compressed, in ``raw_blobs``) and points at the version it
produced or confirmed. A *run* is one crawl with its counts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, aliased, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The closed vocabularies of the archive, enforced by CHECK constraints since schema revision 0002.
#: The values of ``runs.status``. ``failed``: the crawl ran to its end but nothing could be fetched (every
#: request failed: connection refused, DNS, timeouts, 5xx), with ``finish_reason`` ``nothing_fetched``.
#: ``interrupted``: stopped early (a signal: ``shutdown``; the maximum run time: ``max_runtime``), keeping
#: what was stored. ``aborted``: left "running" by a process that died.
RUN_STATUSES = ("running", "finished", "failed", "interrupted", "aborted")
PAGE_STATUSES = ("live", "removed")
EVENT_KINDS = ("new", "edited", "retitled", "removed", "restored", "moved", "extractor-change")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL condition of a CHECK constraint that keeps ``column`` within ``values``."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and gives them back aware (SQLite forgets the zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime given to the archive: {value!r}")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Run(Base):
    """One crawl: when, of what, how it ended and what it found."""

    __tablename__ = "runs"
    __table_args__ = (CheckConstraint(one_of("status", RUN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    base_url: Mapped[str | None] = mapped_column(String(2000))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # running, finished, failed (nothing could be fetched), interrupted or aborted: RUN_STATUSES
    status: Mapped[str] = mapped_column(String(20), default="running")
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new_pages: Mapped[int] = mapped_column(Integer, default=0)
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_details: Mapped[list | None] = mapped_column(JSON)
    stats: Mapped[dict | None] = mapped_column(JSON)  # the crawler's counters at the end of the run


class Page(Base):
    """One archived piece of content, identified by its canonical URL.

    ``translations`` are the page's hreflang alternates as last captured (language -> canonical URL);
    ``duplicate_of`` names the original when this page is an untranslated copy of another page.
    """

    __tablename__ = "pages"
    __table_args__ = (CheckConstraint(one_of("status", PAGE_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="live")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)

    duplicate_of: Mapped[Page | None] = relationship(remote_side="Page.id")
    versions: Mapped[list[Version]] = relationship(
        back_populates="page", order_by="Version.number", cascade="all, delete-orphan"
    )
    aliases: Mapped[list[PageAlias]] = relationship(back_populates="page", cascade="all, delete-orphan")


class PageAlias(Base):
    """Another URL under which a page was reached (encoding variants, host alias, redirects)."""

    __tablename__ = "page_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    page: Mapped[Page] = relationship(back_populates="aliases")


class RawBlob(Base):
    """A raw response body, stored once per distinct SHA-256, zlib-compressed."""

    __tablename__ = "raw_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(10), default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Capture(Base):
    """One HTTP fetch of a page: response metadata, the raw body, and the version it gave."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), index=True)
    requested_url: Mapped[str] = mapped_column(String(2000))
    url: Mapped[str] = mapped_column(String(2000))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    http_status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_type: Mapped[str | None] = mapped_column(String(200))
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("raw_blobs.sha256"), index=True)
    extraction_status: Mapped[str] = mapped_column(String(20))
    extraction_error: Mapped[str | None] = mapped_column(Text)

    raw: Mapped[RawBlob | None] = relationship()


class Event(Base):
    """What a run (or a re-extraction) found about a page: one row per change, never for "unchanged".

    ``kind`` is one of ``EVENT_KINDS``. ``details`` holds what the kind needs: words added/removed and the
    similarity ratio for an edit, old and new titles for a retitling, the URLs of a move, the HTTP status
    of a removal.
    """

    __tablename__ = "events"
    __table_args__ = (CheckConstraint(one_of("kind", EVENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    url: Mapped[str] = mapped_column(String(2000))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    page: Mapped[Page] = relationship()


class Version(Base):
    """One distinct cleaned content of a page. Never updated, except ``last_seen``.

    ``capture_id`` is the capture the version was extracted from; captures that later confirm the same
    content point at it through ``Capture.version_id``.
    """

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("page_id", "number"),
        # The language of each page's latest version without reading the rows (the text comes before it):
        # lists of pages filtered by language, and pages counted by language.
        Index("ix_versions_page_id_number_language", "page_id", "number", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    language_probability: Mapped[float | None] = mapped_column(Float)
    declared_language: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(2000))
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    template: Mapped[str | None] = mapped_column(String(20))
    extractor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(30), default="crawl")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", use_alter=True), index=True)

    page: Mapped[Page] = relationship(back_populates="versions")


def latest_number(page_id, as_of: datetime | None = None):
    """SQL: the number of the latest version of page ``page_id`` (a value, or a column of the enclosing
    query to correlate with), or of the latest first seen by ``as_of``; NULL when there is none.

    The one definition of "the latest version" that every query of the archive uses
    (``Version.number == latest_number(Version.page_id)``)."""
    other = aliased(Version)
    newest = select(func.max(other.number)).where(other.page_id == page_id)
    if as_of is not None:
        newest = newest.where(other.first_seen <= as_of)
    return newest.scalar_subquery()
