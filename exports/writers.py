"""Streaming writers for JSON, JSONL, CSV and Parquet, and atomic output files.

Records are written one at a time (Parquet: in bounded batches), so memory does not grow with the archive.
The output goes to a temporary file beside the target and is renamed into place only when complete: an
interrupted export never leaves a partial file under the final name, and any previous file stays intact.

Every writer takes an iterable of records (typed or JSON form, see ``exports.records``) and an open file,
and returns the number of records written.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .outputs import BinaryOutput
from .records import DATETIME_FIELDS, FIELD_NAMES, FIELDS, OBJECT_FIELDS, json_record
from .tempfiles import create_file, remove_stale


@contextlib.contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """A file that appears at ``path`` only if the block completes (text UTF-8 unless ``binary``).

    The temporaries that killed exports to ``path`` left beside it are removed first (see
    ``exports.tempfiles``); this one stays locked until it is renamed into place or removed.
    """
    path = Path(path)
    remove_stale(path)
    fd, tmp_name = create_file(path)
    try:
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o666 & ~current_umask())
            os.replace(tmp_name, path)  # still locked: a concurrent export never takes it for abandoned
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def json_line(record: dict) -> str:
    return json.dumps(json_record(record), ensure_ascii=False, separators=(",", ":"))


def write_jsonl(records: Iterable[dict], handle: IO[str]) -> int:
    count = 0
    for record in records:
        handle.write(json_line(record))
        handle.write("\n")
        count += 1
    return count


def write_json(records: Iterable[dict], handle: IO[str]) -> int:
    """One JSON array, one record a line, written as the records come."""
    count = 0
    handle.write("[")
    for record in records:
        handle.write(",\n" if count else "\n")
        handle.write(json_line(record))
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


# ---------------------------------------------------------------------------------------------- CSV

CSV_NEWLINE = "\r\n"


def _csv_text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def csv_cell(value) -> str:
    """One CSV field: text always quoted, numbers and booleans bare, null as an empty unquoted field.

    Objects are JSON text; datetimes ISO 8601 in UTC; booleans ``true``/``false``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return repr(value)
    if isinstance(value, (dict, list)):
        return _csv_text(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return _csv_text(str(value))


def write_csv(records: Iterable[dict], handle: IO[str]) -> int:
    """RFC 4180: a header line, then one line per record, CRLF line ends, UTF-8, text fields quoted."""
    handle.write(",".join(_csv_text(name) for name in FIELD_NAMES) + CSV_NEWLINE)
    count = 0
    for record in records:
        record = json_record(record)
        handle.write(",".join(csv_cell(record[name]) for name in FIELD_NAMES) + CSV_NEWLINE)
        count += 1
    return count


# ------------------------------------------------------------------------------------------ Parquet

#: A row group is written when this many rows, or this many bytes of text, have accumulated.
PARQUET_BATCH_ROWS = 10_000
PARQUET_BATCH_BYTES = 4 * 1024 * 1024
PARQUET_COMPRESSION = "snappy"


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


class ParquetSink:
    """Writes records to a Parquet file in bounded row groups (see ``exports.schema.arrow_schema``)."""

    def __init__(self, handle: BinaryOutput) -> None:
        import pyarrow.parquet as pq

        from .schema import arrow_schema

        self.schema = arrow_schema()
        self.writer = pq.ParquetWriter(
            handle,
            self.schema,
            compression=PARQUET_COMPRESSION,
            version="2.6",
            use_dictionary=["kind", "status", "language", "declared_language", "source"],
        )
        self.count = 0
        self._reset()

    def _reset(self) -> None:
        self.columns: dict[str, list] = {name: [] for name in FIELD_NAMES}
        self.rows = 0
        self.bytes = 0

    def add(self, record: dict) -> None:
        for name in FIELD_NAMES:
            value = record[name]
            if name in DATETIME_FIELDS:
                value = _as_datetime(value)
            elif name in OBJECT_FIELDS:
                value = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            self.columns[name].append(value)
        self.rows += 1
        self.count += 1
        self.bytes += len(record.get("text") or "") + 512
        if self.rows >= PARQUET_BATCH_ROWS or self.bytes >= PARQUET_BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            arrays = [pa.array(self.columns[field.name], type=self.schema.field(field.name).type) for field in FIELDS]
            self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
            del arrays
            pa.default_memory_pool().release_unused()
        self._reset()

    def close(self) -> None:
        self.flush()
        self.writer.close()

    def abort(self) -> None:
        """Closes the writer after a failure (the file is about to be discarded)."""
        with contextlib.suppress(Exception):
            self.writer.close()


def write_parquet(records: Iterable[dict], handle: BinaryOutput) -> int:
    sink = ParquetSink(handle)
    try:
        for record in records:
            sink.add(record)
    except BaseException:
        sink.abort()
        raise
    sink.close()
    return sink.count


#: The text writers take a text handle (``IO[str]``), parquet a binary one (see ``BINARY_FORMATS``).
WRITERS: dict[str, Callable[[Iterable[dict], Any], int]] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
}
BINARY_FORMATS = frozenset({"parquet", "warc"})
