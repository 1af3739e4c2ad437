"""Fixity: whether what the archive holds is still what it stored, checked against its own digests.

Every raw body is decompressed and hashed again (SHA-256 and length, against ``raw_blobs.sha256`` and
``raw_blobs.size``); every version's content digest is recomputed from its title, author, publication date
and text (against ``versions.content_sha256``); every capture's raw body must be there. :func:`verify`
yields each :class:`Mismatch` as it finds it, and counts what it checked in a :class:`Checked`.

It only reads, with Core queries on columns that every revision of the schema has, and streams the rows
(:data:`BLOB_BATCH` compressed raw bodies at a time; each is decompressed and hashed piece by piece). A
damaged value is a mismatch of its row, never an error that stops the check: a stream that no longer
decompresses, SQLite text that is no longer UTF-8 (the driver would raise while fetching the row, so
SQLite text is read as bytes and decoded row by row), a date that no longer parses.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    LargeBinary,
    Result,
    Row,
    Select,
    Table,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.types import NullType

from .content import content_digest
from .models import Capture, RawBlob, Version
from .raw import COMPRESSION, Damaged, inflated_digest

logger = logging.getLogger(__name__)

BLOB_BATCH = 32  # raw bodies fetched at a time (each may weigh megabytes)
ROW_BATCH = 500

# A declarative model's __table__ is a Table, which its annotation (FromClause) does not say.
_blobs, _versions, _captures = (typing.cast(Table, model.__table__) for model in (RawBlob, Version, Capture))


@dataclass(frozen=True)
class Mismatch:
    """One stored value that does not match what was stored with it: in ``table``, the row ``key`` (an id,
    or a raw body's SHA-256), the ``field`` that was ``expected`` to hold one thing and was ``found`` to
    hold another."""

    table: str
    key: str | int
    field: str
    expected: str | int
    found: str | int

    def __str__(self) -> str:
        return f"{self.table} {self.key}: {self.field} expected {self.expected}, found {self.found}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Checked:
    """What a check went through: raw bodies (and their decompressed bytes), versions, and captures with a
    raw body."""

    raw_blobs: int = 0
    raw_bytes: int = 0
    versions: int = 0
    captures: int = 0


def verify(connection: Connection, checked: Checked) -> Iterator[Mismatch]:
    """Every mismatch of the archive on ``connection``, raw bodies first, then versions, then captures;
    ``checked`` is counted up as rows are checked."""
    yield from check_raw_blobs(connection, checked)
    yield from check_versions(connection, checked)
    yield from check_captures(connection, checked)
    logger.info("fixity checked: %s", checked)


# -- reading values that may be damaged ---------------------------------------------------------------------


class _Reader:
    """Reads ``column`` as the database holds it and makes it a Python value row by row, raising
    :class:`Damaged` for that row alone where the driver or SQLAlchemy would fail the whole query."""

    def __init__(self, column: Column, connection: Connection):
        dialect = connection.dialect
        self.name = column.name
        as_bytes = dialect.name == "sqlite" and not isinstance(column.type, Integer)
        raw = cast(column, LargeBinary) if as_bytes else type_coerce(column, NullType())
        self.expression = raw.label(column.name)
        self.text = as_bytes and not isinstance(column.type, LargeBinary)
        self.process: Callable | None = column.type.dialect_impl(dialect).result_processor(dialect, None)
        self.kind = "a date-time" if _is_datetime(column) else f"a {column.name} value"

    def __call__(self, row: Row):
        value = row._mapping[self.name]
        if value is None:
            return None
        try:
            if self.text:
                value = _utf8(bytes(value))
            return value if self.process is None else self.process(value)
        except Damaged as exc:
            raise Damaged(exc.expected, exc.found, self.name) from None
        except (ValueError, TypeError):
            raise Damaged(self.kind, repr(value)[:80], self.name) from None


def _is_datetime(column: Column) -> bool:
    return isinstance(getattr(column.type, "impl_instance", column.type), DateTime)


def _readers(connection: Connection, *columns: Column) -> list[_Reader]:
    return [_Reader(column, connection) for column in columns]


def _utf8(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Damaged(
            "UTF-8 text", f"byte 0x{value[exc.start]:02x} at offset {exc.start}, which UTF-8 does not allow there"
        ) from None


def _shown_key(row: Row, reader: _Reader) -> str | int:
    """The row's key as it reads, even when damaged."""
    try:
        return reader(row)
    except Damaged:
        value = row._mapping[reader.name]
        return (
            bytes(value).decode("utf-8", "backslashreplace") if isinstance(value, bytes | memoryview) else repr(value)
        )


def _streamed(connection: Connection, statement: Select, batch: int) -> Result:
    return connection.execute(statement.execution_options(yield_per=batch))


# -- raw bodies ---------------------------------------------------------------------------------------------


def check_raw_blobs(connection: Connection, checked: Checked) -> Iterator[Mismatch]:
    """Each raw body decompressed and hashed again, against the SHA-256 and size stored with it."""
    key, size, compression, data = readers = _readers(
        connection, _blobs.c.sha256, _blobs.c.size, _blobs.c.compression, _blobs.c.data
    )
    query = select(*(reader.expression for reader in readers)).order_by(_blobs.c.sha256)
    for row in _streamed(connection, query, BLOB_BATCH):
        sha = _shown_key(row, key)
        checked.raw_blobs += 1
        try:
            yield from _check_blob(sha, size(row), compression(row), data(row), checked)
        except Damaged as exc:
            yield Mismatch("raw_blobs", sha, exc.field, exc.expected, exc.found)


def _check_blob(
    sha: str | int, size: int, compression: str | None, data: bytes | None, checked: Checked
) -> Iterator[Mismatch]:
    if compression != COMPRESSION:
        yield Mismatch("raw_blobs", sha, "compression", COMPRESSION, repr(compression))
        return
    if data is None:
        yield Mismatch("raw_blobs", sha, "data", "a zlib stream", "NULL")
        return
    try:
        digest, length = inflated_digest(bytes(data))
    except Damaged as exc:
        yield Mismatch("raw_blobs", sha, "data", exc.expected, exc.found)
        return
    checked.raw_bytes += length
    if digest != sha:
        yield Mismatch("raw_blobs", sha, "sha256", sha, digest)
    if length != size:
        yield Mismatch("raw_blobs", sha, "size", size, length)


# -- versions -----------------------------------------------------------------------------------------------


def check_versions(connection: Connection, checked: Checked) -> Iterator[Mismatch]:
    """Each version's content digest recomputed from its title, author, publication date and text."""
    key, stored, *fields = readers = _readers(
        connection,
        _versions.c.id,
        _versions.c.content_sha256,
        _versions.c.title,
        _versions.c.author,
        _versions.c.published,
        _versions.c.text,
    )
    query = select(*(reader.expression for reader in readers)).order_by(_versions.c.id)
    for row in _streamed(connection, query, ROW_BATCH):
        version_id = _shown_key(row, key)
        checked.versions += 1
        try:
            expected = stored(row)
            title, author, published, text = (read(row) for read in fields)
        except Damaged as exc:
            yield Mismatch("versions", version_id, exc.field, exc.expected, exc.found)
            continue
        if text is None:
            yield Mismatch("versions", version_id, "text", "text", "NULL")
            continue
        found = content_digest(title, author, published, text)
        if found != expected:
            yield Mismatch("versions", version_id, "content_sha256", expected, found)


# -- captures -----------------------------------------------------------------------------------------------


def check_captures(connection: Connection, checked: Checked) -> Iterator[Mismatch]:
    """Each capture's raw body present in ``raw_blobs``."""
    with_raw = _captures.c.raw_sha256.is_not(None)
    checked.captures += connection.execute(select(func.count()).select_from(_captures).where(with_raw)).scalar_one()
    key, sha = readers = _readers(connection, _captures.c.id, _captures.c.raw_sha256)
    query = (
        select(*(reader.expression for reader in readers))
        .outerjoin(_blobs, _blobs.c.sha256 == _captures.c.raw_sha256)
        .where(with_raw, _blobs.c.sha256.is_(None))
        .order_by(_captures.c.id)
    )
    for row in _streamed(connection, query, ROW_BATCH):
        yield Mismatch(
            "captures", _shown_key(row, key), "raw_sha256", f"a raw_blobs row {_shown_key(row, sha)}", "none"
        )
