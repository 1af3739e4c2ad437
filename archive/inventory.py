"""What an archive holds, counted: rows per table, the figures that copies, backups and upgrades compare."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, func, inspect, select

from .models import Base, RawBlob, Version
from .raw import body_sha256


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows in each of the archive's tables that the database has (a table it lacks is left out)."""
    present = set(inspect(connection).get_table_names())
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in Base.metadata.sorted_tables
        if table.name in present
    }


BLOB_BATCH_ROWS = 50  # raw bodies fetched at a time: each may weigh megabytes
ROW_BATCH_ROWS = 500


@dataclass(frozen=True)
class ContentChecksum:
    """A SHA-256 over what the archive keeps: every version's content digest and every raw body."""

    versions: int
    raw_bodies: int
    sha256: str


def content_checksum(connection: Connection) -> ContentChecksum:
    """The checksum of the archive on ``connection``, equal for two archives holding the same content.

    It hashes, in primary key order, each version's id and ``content_sha256``, then each raw body's key and
    the SHA-256 of its bytes, decompressed from what is stored (a body that no longer decompresses counts by
    the SHA-256 of its stored bytes, so that a damaged archive can still be copied and compared). Rows are
    streamed: one batch of raw bodies is in memory at a time.
    """
    digest = hashlib.sha256()
    versions = _versions_into(digest, connection)
    raw_bodies = _raw_bodies_into(digest, connection)
    return ContentChecksum(versions, raw_bodies, digest.hexdigest())


def _versions_into(digest, connection: Connection) -> int:
    versions = Version.__table__
    query = select(versions.c.id, versions.c.content_sha256).order_by(versions.c.id)
    count = 0
    for version_id, content_sha256 in connection.execute(query, execution_options={"yield_per": ROW_BATCH_ROWS}):
        digest.update(f"version {version_id} {content_sha256}\n".encode())
        count += 1
    return count


def _raw_bodies_into(digest, connection: Connection) -> int:
    blobs = RawBlob.__table__
    query = select(blobs.c.sha256, blobs.c.compression, blobs.c.data).order_by(blobs.c.sha256)
    count = 0
    for key, compression, data in connection.execute(query, execution_options={"yield_per": BLOB_BATCH_ROWS}):
        digest.update(f"raw {key} {body_sha256(compression, bytes(data))}\n".encode())
        count += 1
    return count
