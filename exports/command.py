"""What ``cess-archive export`` does once its options are parsed: check them, export, summarise.

Every problem the user can fix is an :class:`~exports.errors.ExportError` (one line, exit status 2) raised
before anything is written; the command line turns it into its message and status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from archive.selection import Selection

from .errors import ExportError
from .options import parse_instant


@dataclass(frozen=True)
class ExportRequest:
    fmt: str | None
    output: Path | None
    dataset: Path | None
    all_versions: bool = False
    as_of: str | None = None
    since: str | None = None
    since_run: int | None = None
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    include_removed: bool = False
    include_duplicates: bool = False


def check_request(request: ExportRequest) -> Selection:
    """Checks the combination of options and returns the selection they ask for."""
    if request.output is None and request.dataset is None:
        raise ExportError("Missing option '--output' (or '--dataset DIR' for a dataset directory).")
    if request.output is not None and request.dataset is not None:
        raise ExportError("--output and --dataset cannot be used together")
    if request.output is not None:
        if request.fmt is None:
            raise ExportError("Missing option '--format' (required with --output).")
        parent = request.output.parent if str(request.output.parent) else Path(".")
        if not parent.is_dir():
            raise ExportError(f"cannot write {request.output}: directory {parent} does not exist")
        if request.output.is_dir():
            raise ExportError(f"cannot write {request.output}: it is a directory")
    elif request.fmt is not None:
        raise ExportError("--format does not apply to --dataset (a dataset holds JSONL and Parquet)")
    if request.since is not None and request.since_run is not None:
        raise ExportError("--since and --since-run cannot be used together")
    if request.since_run is not None and request.since_run < 1:
        raise ExportError(f"--since-run expects a run id (1, 2, …), got {request.since_run}")
    as_of = parse_instant(request.as_of, "--as-of") if request.as_of is not None else None
    since = parse_instant(request.since, "--since") if request.since is not None else None
    if as_of is not None and since is not None and since >= as_of:
        raise ExportError("--since must be before --as-of")
    return Selection(all_versions=request.all_versions, as_of=as_of, since=since, since_run=request.since_run,
                     sources=tuple(dict.fromkeys(request.sources)), kinds=tuple(dict.fromkeys(request.kinds)),
                     languages=tuple(dict.fromkeys(request.languages)), include_removed=request.include_removed,
                     include_duplicates=request.include_duplicates)


def run_export(session: Session, request: ExportRequest, selection: Selection, *, progress: bool) -> str:
    """Exports and returns the one-line summary."""
    if request.dataset is not None:
        from .dataset import export_dataset

        result = export_dataset(session, request.dataset, selection, progress=progress)
        return (f"exported {result.records} records to dataset {result.path} "
                f"({len(result.files)} files, {result.bytes} bytes, SHA256SUMS sha256 {result.sha256})")
    from .exporter import export

    result = export(session, request.fmt, request.output, selection=selection, progress=progress)
    return f"exported {result.records} records to {result.path} ({result.bytes} bytes, sha256 {result.sha256})"
