"""What ``cess-archive export`` does once its options are parsed: check them, export, summarise.

Every problem the user can fix is an :class:`~exports.errors.ExportError` (one line, exit status 2) raised
before anything is written; a failure while writing (a full disk) is one too, with status 2 or 3, and
leaves nothing under the target's name. The command line turns it into its message and status. An empty
selection is not an error: it writes a valid empty output, with a note.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from archive.content import parse_instant
from archive.reading import Selection

from .errors import ExportError
from .outputs import STDOUT_NAME, check_output, check_stdout, extension_warning, is_stdout
from .writers import BINARY_FORMATS

SINCE_HINT = "nothing can have changed after it yet (give a past date, or --since-run ID)"
AS_OF_HINT = "leave --as-of out for the archive as it stands now"


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


@dataclass(frozen=True)
class ExportOutcome:
    """What the command line prints once an export is written: ``notes`` (``note: …``, ``warning: …``) on
    stderr, then ``summary`` on stdout, or on stderr when the data went to stdout."""

    summary: str
    notes: tuple[str, ...] = ()
    summary_to_stderr: bool = False


def check_request(request: ExportRequest) -> Selection:
    """Checks the combination of options and the target, and returns the selection they ask for."""
    if request.output is None and request.dataset is None:
        raise ExportError("Missing option '--output' (or '--dataset DIR' for a dataset directory).")
    if request.output is not None and request.dataset is not None:
        raise ExportError("--output and --dataset cannot be used together")
    if request.output is not None:
        if request.fmt is None:
            raise ExportError("Missing option '--format' (required with --output).")
        if is_stdout(request.output):
            check_stdout(request.fmt, request.fmt in BINARY_FORMATS)
        else:
            check_output(request.output)
    elif request.fmt is not None:
        raise ExportError("--format does not apply to --dataset (a dataset holds JSONL and Parquet)")
    else:
        from .dataset import check_target

        assert request.dataset is not None  # without --output, --dataset is required (checked first)
        check_target(request.dataset)
    if request.since is not None and request.since_run is not None:
        raise ExportError("--since and --since-run cannot be used together")
    if request.since_run is not None and request.since_run < 1:
        raise ExportError(f"--since-run expects a run id (1, 2, …), got {request.since_run}")
    try:
        as_of = parse_instant(request.as_of, "--as-of", hint=AS_OF_HINT) if request.as_of is not None else None
        since = parse_instant(request.since, "--since", hint=SINCE_HINT) if request.since is not None else None
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    if as_of is not None and since is not None and since >= as_of:
        raise ExportError("--since must be before --as-of")
    return Selection(
        all_versions=request.all_versions,
        as_of=as_of,
        since=since,
        since_run=request.since_run,
        sources=tuple(dict.fromkeys(request.sources)),
        kinds=tuple(dict.fromkeys(request.kinds)),
        languages=tuple(dict.fromkeys(request.languages)),
        include_removed=request.include_removed,
        include_duplicates=request.include_duplicates,
    )


def run_export(session: Session, request: ExportRequest, selection: Selection, *, progress: bool) -> ExportOutcome:
    """Exports, and returns what to tell the user."""
    empty = f"the selection is empty ({selection.describe()})"
    if request.dataset is not None:
        from .dataset import export_dataset

        dataset = export_dataset(session, request.dataset, selection, progress=progress)
        return ExportOutcome(
            f"exported {dataset.records} records to dataset {dataset.path} ({len(dataset.files)} "
            f"files, {dataset.bytes} bytes, SHA256SUMS sha256 {dataset.sha256})",
            (f"note: {empty}: wrote a dataset with empty data files",) if dataset.records == 0 else (),
        )
    from .exporter import export

    assert request.fmt is not None and request.output is not None  # check_request requires them without --dataset

    to_stdout = is_stdout(request.output)
    if to_stdout:
        sys.stdout.flush()
        result = export(session, request.fmt, selection=selection, progress=progress, stream=sys.stdout.buffer)
    else:
        result = export(session, request.fmt, request.output, selection=selection, progress=progress)
    notes: list[str] = []
    warning = None if to_stdout else extension_warning(request.fmt, request.output)
    if warning:
        notes.append(f"warning: {warning}")
    if result.records == 0:
        what = "warc file (its warcinfo record only)" if request.fmt == "warc" else f"{request.fmt} file"
        notes.append(f"note: {empty}: wrote an empty {what}" + (" to standard output" if to_stdout else ""))
    where = STDOUT_NAME if to_stdout else str(result.path)
    return ExportOutcome(
        f"exported {result.records} records to {where} ({result.bytes} bytes, sha256 {result.sha256})",
        tuple(notes),
        summary_to_stderr=to_stdout,
    )
