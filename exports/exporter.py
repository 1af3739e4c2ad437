"""One export: select versions from the archive, turn them into records, write them atomically."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from archive.query import duplicate_targets, iter_versions

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


def iter_records(session: Session, *, all_versions: bool = False,
                 include_duplicates: bool = False) -> Iterator[dict]:
    originals = duplicate_targets(session) if include_duplicates else {}
    for version, page in iter_versions(session, all_versions=all_versions,
                                       include_duplicates=include_duplicates):
        yield to_record(version, page, originals.get(page.id))


def export(session: Session, fmt: str, output: Path, *, all_versions: bool = False,
           include_duplicates: bool = False) -> ExportResult:
    """Writes the selected records to ``output`` in format ``fmt`` (one of ``FORMATS``).

    Untranslated copies of other pages are left out unless ``include_duplicates``.
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    output = Path(output)
    records = iter_records(session, all_versions=all_versions, include_duplicates=include_duplicates)
    first = next(records, None)
    if first is None:
        raise EmptySelection("the selection is empty: no record to export")
    with atomic_output(output) as handle:
        count = WRITERS[fmt](itertools.chain([first], records), handle)
    return ExportResult(path=output, records=count, bytes=output.stat().st_size)
