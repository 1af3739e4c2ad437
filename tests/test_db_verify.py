"""``db verify``: a fixity check of real archives (crawled from the local site) that were then damaged on
purpose, through SQL and by flipping bits in the SQLite file itself, on SQLite and PostgreSQL.

What a damaged row must give: one line naming its table and row, exit status 1, the other rows still
checked, and the archive unchanged by the check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive.content import content_digest
from tests.conftest import archive_digest, cess, crawl, one_line_error
from tests.legacy import load_010_archive


def verify(db: str, *extra: str):
    return cess("db", "verify", "--db", db, *extra)


def sqlite_rows(path: Path, sql: str, *params) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql, params).fetchall()


def sqlite_write(path: Path, sql: str, *params) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(sql, params)


def flip_byte(body: bytes, at: int) -> bytes:
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]


def flip_character(value: str, at: int) -> str:
    return value[:at] + ("x" if value[at] != "x" else "y") + value[at + 1 :]


def sqlite_digest(title, author, published, body) -> str:
    """The content digest of a version as read from SQLite (dates are UTC text there)."""
    instant = datetime.fromisoformat(published).replace(tzinfo=UTC) if published else None
    return content_digest(title, author, instant, body)


def summary(result) -> str:
    return result.stdout.strip().splitlines()[-1]


# -- a sound archive ----------------------------------------------------------------------------------------


def test_a_sound_archive_verifies(archive_copy):
    before = archive_digest(archive_copy)
    blobs, raw_bytes = sqlite_rows(archive_copy, "SELECT count(*), sum(size) FROM raw_blobs")[0]
    ((versions,),) = sqlite_rows(archive_copy, "SELECT count(*) FROM versions")
    ((captures,),) = sqlite_rows(archive_copy, "SELECT count(*) FROM captures WHERE raw_sha256 IS NOT NULL")

    result = verify(str(archive_copy))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        f"checked {blobs:,} raw bodies ({raw_bytes:,} bytes), {versions:,} versions, {captures:,} captures "
        f"with a raw body: all match"
    ]
    assert blobs > 10 and versions > 10
    assert archive_digest(archive_copy) == before

    as_json = json.loads(verify(str(archive_copy), "--json").stdout)
    assert as_json == {
        "ok": True,
        "checked": {"raw_blobs": blobs, "raw_bytes": raw_bytes, "versions": versions, "captures": captures},
        "mismatches": [],
    }


def test_an_archive_of_any_schema_revision_verifies(archive_copy, tmp_path):
    """Release 0.1.0's archive (revision 0001, unstamped), and one stamped by a release newer than this one:
    verify reads only columns every revision has."""
    old = load_010_archive(tmp_path / "release-0.1.0.sqlite")
    result = verify(str(old))
    assert result.exit_code == 0, result.output
    assert summary(result).startswith("checked 146 raw bodies (") and summary(result).endswith("all match")
    sqlite_write(archive_copy, "UPDATE alembic_version SET version_num = '0099'")
    result = verify(str(archive_copy))
    assert result.exit_code == 0, result.output


# -- damaged through SQL ------------------------------------------------------------------------------------


def test_one_flipped_byte_and_one_changed_character_are_both_reported(archive_copy):
    ((sha, data),) = sqlite_rows(archive_copy, "SELECT sha256, data FROM raw_blobs ORDER BY sha256 LIMIT 1 OFFSET 3")
    body = flip_byte(zlib.decompress(data), len(zlib.decompress(data)) // 2)
    sqlite_write(archive_copy, "UPDATE raw_blobs SET data = ? WHERE sha256 = ?", zlib.compress(body), sha)
    ((version_id, stored, title, author, published, old_text),) = sqlite_rows(
        archive_copy,
        "SELECT id, content_sha256, title, author, published, text FROM versions ORDER BY id LIMIT 1 OFFSET 5",
    )
    new_text = flip_character(old_text, len(old_text) // 3)
    sqlite_write(archive_copy, "UPDATE versions SET text = ? WHERE id = ?", new_text, version_id)
    before = archive_digest(archive_copy)

    result = verify(str(archive_copy))

    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    assert result.stdout.strip().splitlines()[:-1] == [
        f"raw_blobs {sha}: sha256 expected {sha}, found {hashlib.sha256(body).hexdigest()}",
        f"versions {version_id}: content_sha256 expected {stored}, "
        f"found {sqlite_digest(title, author, published, new_text)}",
    ]
    assert summary(result).endswith(": 2 mismatches")
    assert archive_digest(archive_copy) == before

    as_json = json.loads(verify(str(archive_copy), "--json").stdout)
    assert as_json["ok"] is False
    assert [(m["table"], m["key"], m["field"]) for m in as_json["mismatches"]] == [
        ("raw_blobs", sha, "sha256"),
        ("versions", version_id, "content_sha256"),
    ]
    assert archive_digest(archive_copy) == before


def test_damaged_values_are_each_reported_and_every_row_still_checked(archive_copy):
    shas = [sha for (sha,) in sqlite_rows(archive_copy, "SELECT sha256 FROM raw_blobs ORDER BY sha256")]
    truncated, garbage, padded, resized, unknown, removed = shas[:6]
    ((data,),) = sqlite_rows(archive_copy, "SELECT data FROM raw_blobs WHERE sha256 = ?", truncated)
    sqlite_write(archive_copy, "UPDATE raw_blobs SET data = ? WHERE sha256 = ?", data[: len(data) // 2], truncated)
    sqlite_write(archive_copy, "UPDATE raw_blobs SET data = ? WHERE sha256 = ?", b"\x78\x9c not zlib", garbage)
    ((data,),) = sqlite_rows(archive_copy, "SELECT data FROM raw_blobs WHERE sha256 = ?", padded)
    sqlite_write(archive_copy, "UPDATE raw_blobs SET data = ? WHERE sha256 = ?", data + b"\x00\xff", padded)
    sqlite_write(archive_copy, "UPDATE raw_blobs SET size = size + 1 WHERE sha256 = ?", resized)
    sqlite_write(archive_copy, "UPDATE raw_blobs SET compression = 'xz' WHERE sha256 = ?", unknown)
    sqlite_write(archive_copy, "DELETE FROM raw_blobs WHERE sha256 = ?", removed)  # foreign keys are off here
    ((capture_id,),) = sqlite_rows(archive_copy, "SELECT id FROM captures WHERE raw_sha256 = ?", removed)
    ((size,),) = sqlite_rows(archive_copy, "SELECT size FROM raw_blobs WHERE sha256 = ?", resized)
    first, second = (version_id for (version_id,) in sqlite_rows(archive_copy, "SELECT id FROM versions LIMIT 2"))
    sqlite_write(archive_copy, "UPDATE versions SET published = 'sometime' WHERE id = ?", first)
    sqlite_write(archive_copy, "UPDATE versions SET title = CAST(x'4ce974e9' AS TEXT) WHERE id = ?", second)
    before = archive_digest(archive_copy)

    result = verify(str(archive_copy))

    assert result.exit_code == 1, result.output
    lines = result.stdout.strip().splitlines()
    found = "\n".join(lines)
    assert f"raw_blobs {truncated}: data expected a complete zlib stream, found one cut short after " in found
    assert f"raw_blobs {garbage}: data expected a zlib stream, found one that cannot be decompressed (" in found
    assert f"raw_blobs {padded}: data expected a zlib stream alone, found 2 more bytes after its end" in found
    assert f"raw_blobs {resized}: size expected {size}, found {size - 1}" in found
    assert f"raw_blobs {unknown}: compression expected zlib, found 'xz'" in found
    assert f"versions {first}: published expected a date-time, found 'sometime'" in found
    assert f"versions {second}: title expected UTF-8 text, found byte 0xe9 at offset 1, " in found  # Latin-1
    assert f"captures {capture_id}: raw_sha256 expected a raw_blobs row {removed}, found none" in found
    assert len(lines) == 9 and lines[-2].startswith("captures ")  # raw bodies, versions, then captures
    assert summary(result).endswith(": 8 mismatches")
    assert f"checked {len(shas) - 1} raw bodies" in summary(result)  # the damaged ones too
    assert archive_digest(archive_copy) == before


# -- bit rot in the file itself -----------------------------------------------------------------------------


def _once_in_file(path: Path, texts: list[tuple[int, str]]) -> tuple[int, int]:
    """A version whose text has an ASCII passage found exactly once in the file: (version id, file offset)."""
    content = path.read_bytes()
    for version_id, value in texts:
        for start in range(0, len(value) - 40, 97):
            passage = value[start : start + 40].encode("utf-8")
            if passage.isascii() and b"e" in passage and content.count(passage) == 1:
                return version_id, content.index(passage) + passage.index(b"e")
    pytest.fail("no passage of a version's text found once in the file")


def test_bits_flipped_in_the_sqlite_file_are_found(archive_copy):
    """Bit rot as a disk gives it: one letter of a text changed, and one byte that is no longer UTF-8.

    SQLite keeps no checksum of its pages (``PRAGMA integrity_check`` still says ok): only the digests
    stored with the rows can tell.
    """
    texts = sqlite_rows(archive_copy, "SELECT id, text FROM versions WHERE text LIKE '%e%' ORDER BY id")
    changed, changed_at = _once_in_file(archive_copy, texts[: len(texts) // 2])
    not_utf8, not_utf8_at = _once_in_file(archive_copy, texts[len(texts) // 2 :])
    with open(archive_copy, "r+b") as handle:
        for offset, mask in ((changed_at, 0x01), (not_utf8_at, 0x80)):  # "e" -> "d", "e" -> 0xe5
            handle.seek(offset)
            byte = handle.read(1)[0]
            handle.seek(offset)
            handle.write(bytes([byte ^ mask]))
    assert sqlite_rows(archive_copy, "PRAGMA integrity_check") == [("ok",)]

    result = verify(str(archive_copy))

    assert result.exit_code == 1, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3, result.stdout
    assert lines[0].startswith(f"versions {changed}: content_sha256 expected ")
    assert lines[1].startswith(f"versions {not_utf8}: text expected UTF-8 text, found byte 0xe5 at offset ")
    assert summary(result).endswith(": 2 mismatches")


# -- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_fingerprint(engine) -> dict[str, str]:
    """An MD5 over every row of every table: equal before and after means nothing was changed."""
    with engine.connect() as connection:
        return {
            table: connection.scalar(
                text(f"SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM {table} r")
            )
            for table in ("runs", "pages", "page_aliases", "raw_blobs", "captures", "versions", "events")
        }


def test_verify_on_postgresql(fresh_site, pg_url):
    assert crawl(fresh_site, pg_url).exit_code == 0
    engine = create_engine(pg_url)
    try:
        with engine.connect() as connection:
            blobs, versions = (
                connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in ("raw_blobs", "versions")
            )
        result = verify(pg_url)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"checked {blobs:,} raw bodies (")
        assert f"{versions:,} versions" in result.stdout and result.stdout.rstrip().endswith("all match")

        with engine.begin() as connection:
            sha, data = connection.execute(text("SELECT sha256, data FROM raw_blobs ORDER BY sha256 LIMIT 1")).one()
            body = flip_byte(zlib.decompress(data), 100)
            connection.execute(
                text("UPDATE raw_blobs SET data = :data WHERE sha256 = :sha"), {"data": zlib.compress(body), "sha": sha}
            )
            corrupt = connection.scalar(text("SELECT sha256 FROM raw_blobs ORDER BY sha256 LIMIT 1 OFFSET 1"))
            connection.execute(
                text("UPDATE raw_blobs SET data = :data WHERE sha256 = :sha"),
                {"data": b"\x00 no zlib here", "sha": corrupt},
            )
            version_id, stored, old_text = connection.execute(
                text("SELECT id, content_sha256, text FROM versions ORDER BY id LIMIT 1 OFFSET 2")
            ).one()
            connection.execute(
                text("UPDATE versions SET text = :text WHERE id = :id"),
                {"text": flip_character(old_text, 10), "id": version_id},
            )
        before = _pg_fingerprint(engine)

        result = verify(pg_url)

        assert result.exit_code == 1, result.output
        lines = result.stdout.strip().splitlines()
        expected = [
            f"raw_blobs {sha}: sha256 expected {sha}, found {hashlib.sha256(body).hexdigest()}",
            f"raw_blobs {corrupt}: data expected a zlib stream, found one that cannot be decompressed",
            f"versions {version_id}: content_sha256 expected {stored}, found ",
        ]
        assert len(lines) == 4 and all(line.startswith(start) for line, start in zip(lines, expected, strict=False)), (
            lines
        )
        assert lines[-1].endswith(": 3 mismatches")
        assert _pg_fingerprint(engine) == before
    finally:
        engine.dispose()


# -- refusals -----------------------------------------------------------------------------------------------


def test_verify_refuses_what_is_not_an_archive(tmp_path):
    missing = tmp_path / "missing.sqlite"
    assert "no archive at" in one_line_error(verify(str(missing)))
    assert not missing.exists()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    assert "is not an SQLite database" in one_line_error(verify(str(notes)))
    other = tmp_path / "other.sqlite"
    sqlite_write(other, "CREATE TABLE things (id INTEGER)")
    before = other.read_bytes()
    assert "is not a cess-archive archive" in one_line_error(verify(str(other)))
    assert other.read_bytes() == before
