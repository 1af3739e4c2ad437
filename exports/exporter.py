"""One export: select versions from the archive, turn them into records, write them atomically.

The whole export reads one snapshot of the archive (one read transaction: in WAL mode it never blocks a
crawl writing at the same time), so its count, its records and its captures agree with each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from archive.selection import Selection, check_run, count_captures, count_records, records_query

from .errors import EmptySelection, ExportError
from .progress import Progress
from .records import record_from_row
from .writers import BINARY_FORMATS, WRITERS, atomic_output

FORMATS = (*WRITERS, "warc")
STREAM_BATCH = 500

__all__ = ["FORMATS", "EmptySelection", "ExportError", "ExportResult", "begin_snapshot", "export",
           "file_sha256", "iter_records", "software_name"]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    records: int
    bytes: int
    sha256: str = ""


def software_name() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("cess-archive")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        ours = "unknown"
    try:
        warcio = f" (warcio/{version('warcio')})"
    except PackageNotFoundError:  # pragma: no cover
        warcio = ""
    return f"cess-archive/{ours}{warcio}"


def begin_snapshot(session: Session) -> None:
    """Starts the one read transaction every query of this export shares, so that they all see the same
    archive while a crawl may be writing (SQLite: an explicit BEGIN; PostgreSQL: REPEATABLE READ)."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        dbapi = connection.connection.dbapi_connection
        if not dbapi.in_transaction:
            connection.exec_driver_sql("BEGIN")
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def iter_records(session: Session, selection: Selection | None = None, *, all_versions: bool = False,
                 include_duplicates: bool = False) -> Iterator[dict]:
    """Streams the selected records (typed form), ordered by URL then version."""
    if selection is None:
        selection = Selection(all_versions=all_versions, include_duplicates=include_duplicates)
    result = session.execute(records_query(selection).execution_options(yield_per=STREAM_BATCH))
    for row in result.mappings():
        yield record_from_row(row)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def prepare(session: Session, selection: Selection) -> int:
    """Opens the snapshot, checks the selection and returns how many records it holds (never 0)."""
    begin_snapshot(session)
    if selection.since_run is not None:
        try:
            check_run(session, selection.since_run)
        except LookupError as exc:
            raise ExportError(str(exc)) from None
    total = count_records(session, selection)
    if total == 0:
        raise EmptySelection()
    return total


def export(session: Session, fmt: str, output: Path, *, all_versions: bool = False,
           include_duplicates: bool = False, selection: Selection | None = None,
           progress: bool = False) -> ExportResult:
    """Writes the selected records to ``output`` in format ``fmt`` (one of ``FORMATS``).

    ``selection`` (default: the latest version of every live page, or every version with
    ``all_versions``) says what to export; untranslated copies are left out unless ``include_duplicates``.
    Raises :class:`EmptySelection` (nothing written) when it matches nothing. With ``progress``, a bar is
    shown on stderr.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if selection is None:
        selection = Selection(all_versions=all_versions, include_duplicates=include_duplicates)
    output = Path(output)
    total = prepare(session, selection)
    if fmt == "warc":
        from .warc import write_warc

        bar = Progress(count_captures(session, selection), enabled=progress, unit="capture")
        try:
            with atomic_output(output, binary=True) as handle:
                stats = write_warc(session, selection, handle, filename=output.name, software=software_name(),
                                   total_records=total, progress=bar)
        finally:
            bar.close()
        count = stats.records
    else:
        bar = Progress(total, enabled=progress)
        try:
            with atomic_output(output, binary=fmt in BINARY_FORMATS) as handle:
                count = WRITERS[fmt](bar.track(iter_records(session, selection)), handle)
        finally:
            bar.close()
    return ExportResult(path=output, records=count, bytes=output.stat().st_size, sha256=file_sha256(output))
