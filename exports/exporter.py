"""One export: select versions from the archive, turn them into records, write them atomically."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from archive.query import iter_versions

from .records import to_record
from .writers import WRITERS, atomic_output

FORMATS = tuple(WRITERS)


class EmptySelection(ValueError):
    """The selection matches no record: nothing is written."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    records: int
    bytes: int


def iter_records(session: Session, *, all_versions: bool = False) -> Iterator[dict]:
    for version, page in iter_versions(session, all_versions=all_versions):
        yield to_record(version, page)


def export(session: Session, fmt: str, output: Path, *, all_versions: bool = False) -> ExportResult:
    """Writes the selected records to ``output`` in format ``fmt`` (one of ``FORMATS``)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    output = Path(output)
    records = iter_records(session, all_versions=all_versions)
    first = next(records, None)
    if first is None:
        raise EmptySelection("the selection is empty: no record to export")
    with atomic_output(output) as handle:
        count = WRITERS[fmt](itertools.chain([first], records), handle)
    return ExportResult(path=output, records=count, bytes=output.stat().st_size)
