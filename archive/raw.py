"""Raw response bodies: each stored once in ``raw_blobs``, under its SHA-256, zlib-compressed.

The one place that knows how a body is kept: its digest, its compression, and how it is read back (whole, or
a piece at a time to hash it again). The store writes through :func:`store_raw`; readers, the fixity check,
copies and exports read through :func:`raw_body`, :func:`decompress` and :func:`inflated_digest`.
"""

from __future__ import annotations

import hashlib
import zlib

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .models import RawBlob

COMPRESSION = "zlib"
LEVEL = 6
INFLATE_CHUNK = 1 << 20  # decompressed bytes hashed at a time


class Damaged(ValueError):
    """A stored value (of ``field``) that can no longer be read as what it should be: ``expected`` one thing,
    ``found`` another."""

    def __init__(self, expected: str, found: str, field: str = "data"):
        super().__init__(f"{field} expected {expected}, found {found}")
        self.expected, self.found, self.field = expected, found, field


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_raw(session: Session, body: bytes) -> str:
    """Stores ``body`` once under its SHA-256 and returns the digest."""
    sha = sha256_hex(body)
    if session.get(RawBlob, sha) is None:
        session.add(RawBlob(sha256=sha, size=len(body), compression=COMPRESSION, data=zlib.compress(body, LEVEL)))
    return sha


def decompress(data: bytes, compression: str) -> bytes:
    """A raw body as it was received, from what is stored (``zlib.error`` when it no longer decompresses)."""
    if compression != COMPRESSION:
        raise ValueError(f"unknown raw compression {compression!r}")
    return zlib.decompress(data)


def load_raw(blob: RawBlob) -> bytes:
    return decompress(blob.data, blob.compression)


_RAW_BODY = select(RawBlob.data, RawBlob.compression).where(RawBlob.sha256 == bindparam("sha256"))


def raw_body(session: Session, sha256: str) -> bytes | None:
    """The raw body stored under ``sha256``, decompressed; None when none is stored."""
    row = session.connection().execute(_RAW_BODY, {"sha256": sha256}).one_or_none()
    return None if row is None else decompress(row.data, row.compression)


def inflated_digest(data: bytes) -> tuple[str, int]:
    """SHA-256 and length of the zlib stream ``data`` decompressed, a piece at a time; :class:`Damaged`
    when it is not exactly one complete stream."""
    inflater = zlib.decompressobj()
    digest, length = hashlib.sha256(), 0
    pending = data
    try:
        while not inflater.eof:
            piece = inflater.decompress(pending, INFLATE_CHUNK)
            pending = inflater.unconsumed_tail
            if not piece and not pending:
                piece = inflater.flush()
                if not piece:
                    break
            digest.update(piece)
            length += len(piece)
    except zlib.error as exc:
        raise Damaged("a zlib stream", f"one that cannot be decompressed ({exc})") from None
    if not inflater.eof:
        raise Damaged("a complete zlib stream", f"one cut short after {length} bytes")
    if inflater.unused_data:
        raise Damaged("a zlib stream alone", f"{len(inflater.unused_data)} more bytes after its end")
    return digest.hexdigest(), length


def body_sha256(compression: str, data: bytes) -> str:
    """The SHA-256 of a raw body as stored with ``compression``; ``stored:`` and the digest of the stored
    bytes themselves when they cannot be decompressed."""
    try:
        return sha256_hex(decompress(data, compression))
    except (ValueError, zlib.error):
        return "stored:" + sha256_hex(data)
