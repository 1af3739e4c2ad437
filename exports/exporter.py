"""One export: select versions from the archive, turn them into records, write them atomically.

The whole export reads one snapshot of the archive (one read transaction: in WAL mode it never blocks a
crawl writing at the same time), so its count, its records and its captures agree with each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from archive.package import PROJECT_VERSION, package_version
from archive.reading import NotFound, Selection, count_captures, count_records, get_run, records

from .errors import EmptySelection, ExportError
from .outputs import STDOUT, BinaryOutput, StreamOutput, write_error
from .progress import Progress
from .records import record_from_row
from .writers import BINARY_FORMATS, WRITERS, atomic_output

FORMATS = (*WRITERS, "warc")
STREAM_BATCH = 500

__all__ = [
    "FORMATS",
    "EmptySelection",
    "ExportError",
    "ExportResult",
    "begin_snapshot",
    "export",
    "file_sha256",
    "iter_records",
    "software_name",
]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    records: int
    bytes: int
    sha256: str = ""


def software_name() -> str:
    warcio = package_version("warcio")
    return f"cess-archive/{PROJECT_VERSION}" + (f" (warcio/{warcio})" if warcio else "")


def begin_snapshot(session: Session) -> None:
    """Starts the one read transaction every query of this export shares, so that they all see the same
    archive while a crawl may be writing (SQLite: an explicit BEGIN; PostgreSQL: REPEATABLE READ)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        dbapi = connection.connection.dbapi_connection
        assert dbapi is not None  # the connection was just checked out
        if not dbapi.in_transaction:
            connection.exec_driver_sql("BEGIN")
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def iter_records(
    session: Session,
    selection: Selection | None = None,
    *,
    all_versions: bool = False,
    include_duplicates: bool = False,
) -> Iterator[dict]:
    """Streams the selected records (typed form), ordered by URL then version."""
    if selection is None:
        selection = Selection(all_versions=all_versions, include_duplicates=include_duplicates)
    for row in records(session, selection, STREAM_BATCH):
        yield record_from_row(row)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare(session: Session, selection: Selection) -> int:
    """Opens the snapshot, checks the selection and returns how many records it holds (0 is fine: an empty
    selection makes an empty, valid output)."""
    begin_snapshot(session)
    if selection.since_run is not None:
        try:
            get_run(session, selection.since_run)
        except NotFound as exc:
            raise ExportError(f"{exc}; 'cess-archive runs' lists them") from None
    return count_records(session, selection)


def export(
    session: Session,
    fmt: str,
    output: Path | None = None,
    *,
    all_versions: bool = False,
    include_duplicates: bool = False,
    selection: Selection | None = None,
    progress: bool = False,
    stream: IO[bytes] | None = None,
) -> ExportResult:
    """Writes the selected records to ``output`` in format ``fmt`` (one of ``FORMATS``), or to the binary
    ``stream`` (standard output) when given.

    ``selection`` (default: the latest version of every live page, or every version with
    ``all_versions``) says what to export; untranslated copies are left out unless ``include_duplicates``.
    An empty selection writes a valid empty output (JSONL: no line, JSON ``[]``, CSV: the header, Parquet:
    the schema and no row, WARC: its warcinfo record). With ``progress``, a bar is shown on stderr.
    An ``OSError`` while writing becomes an :class:`ExportError` (one line, exit status 2 or 3), and nothing
    is left under ``output``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if (output is None) == (stream is None):
        raise ValueError("give output or stream, not both")
    if selection is None:
        selection = Selection(all_versions=all_versions, include_duplicates=include_duplicates)
    total = prepare(session, selection)
    target = STDOUT if stream is not None else str(output)
    try:
        if stream is not None:
            sink = StreamOutput(stream)
            count = _write(session, fmt, selection, total, sink, filename="", progress=progress)
            sink.flush()
            return ExportResult(path=Path(STDOUT), records=count, bytes=sink.bytes, sha256=sink.digest.hexdigest())
        assert output is not None  # given when stream is not (checked above)
        output = Path(output)
        with atomic_output(output, binary=True) as handle:
            count = _write(session, fmt, selection, total, handle, filename=output.name, progress=progress)
        return ExportResult(path=output, records=count, bytes=output.stat().st_size, sha256=file_sha256(output))
    except OSError as exc:
        raise write_error(target, exc) from None


def _write(
    session: Session, fmt: str, selection: Selection, total: int, handle: BinaryOutput, *, filename: str, progress: bool
) -> int:
    """Writes the selection to the binary ``handle``; returns the number of records."""
    if fmt == "warc":
        from .warc import write_warc

        bar = Progress(count_captures(session, selection), enabled=progress, unit="capture")
        try:
            stats = write_warc(
                session,
                selection,
                handle,
                filename=filename,
                software=software_name(),
                total_records=total,
                progress=bar,
            )
        finally:
            bar.close()
        return stats.records
    bar = Progress(total, enabled=progress)
    try:
        if fmt in BINARY_FORMATS:
            return WRITERS[fmt](bar.track(iter_records(session, selection)), handle)
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        try:
            count = WRITERS[fmt](bar.track(iter_records(session, selection)), text)
            text.flush()
        finally:
            with contextlib.suppress(Exception):
                text.detach()  # the handle stays open: its owner closes it
        return count
    finally:
        bar.close()
