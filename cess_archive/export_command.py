"""``cess-archive export``: the archive as a dataset file, a stream on standard output, or a dataset directory.

Its options are checked before the archive is read (``exports.command.check_request``); the sources named
are checked against the archive; every failure, also while writing, is one line and an exit status.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from archive import make_sessionmaker

from .access import DB_HELP, open_archive
from .errors import EXIT_CANNOT_RUN, CliError
from .filters import check_sources, normalize_languages


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv", "parquet", "warc"]),
    help="Output format (with --output).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, allow_dash=True),
    help="File to write (replaced atomically; a regular file or a new name), or - for standard output.",
)
@click.option(
    "--dataset",
    type=click.Path(path_type=Path),
    help="Write a dataset directory instead: JSONL, Parquet, datapackage.json, schema, SHA256SUMS, README.",
)
@click.option("--db", help=DB_HELP)
@click.option("--all-versions", is_flag=True, help="Every version of every page, not only the latest.")
@click.option("--as-of", metavar="DATE", help="The archive as it stood at DATE (ISO 8601; a date alone is 00:00 UTC).")
@click.option("--since", metavar="DATE", help="Only what changed after DATE (incremental dump).")
@click.option("--since-run", type=int, metavar="ID", help="Only what changed after crawl run ID.")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["article", "page"]),
    help="Only this kind of page (repeatable).",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    metavar="CODE",
    help="Only records whose detected language is CODE, in any case (repeatable).",
)
@click.option("--include-removed", is_flag=True, help="Also pages removed from the site.")
@click.option("--include-duplicates", is_flag=True, help="Also untranslated copies of other pages.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def export(
    fmt,
    output,
    dataset,
    db,
    all_versions,
    as_of,
    since,
    since_run,
    sources,
    kinds,
    languages,
    include_removed,
    include_duplicates,
    quiet,
):
    """Export the archive as a dataset file or a dataset directory.

    An empty selection (nothing changed since the last run) writes a valid empty output and exits 0.
    """
    import signal

    from exports.command import ExportRequest, check_request, run_export
    from exports.errors import ExportError
    from exports.outputs import is_stdout, write_error
    from exports.progress import stderr_is_terminal

    request = ExportRequest(
        fmt=fmt,
        output=output,
        dataset=dataset,
        all_versions=all_versions,
        as_of=as_of,
        since=since,
        since_run=since_run,
        sources=tuple(source.strip() for source in sources),
        kinds=kinds,
        languages=normalize_languages(languages),
        include_removed=include_removed,
        include_duplicates=include_duplicates,
    )
    try:
        selection = check_request(request)
    except ExportError as exc:
        raise CliError(str(exc), exc.status) from None
    engine = open_archive(db, must_exist=True, read_only=True)
    Session = make_sessionmaker(engine)

    def interrupted(signum, frame):  # SIGTERM: leave like Ctrl-C, so the temporary output is removed
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    to_stdout = is_stdout(output)
    try:
        with Session() as session:
            check_sources(session, request.sources)
        with Session() as session:
            outcome = run_export(session, request, selection, progress=not quiet and stderr_is_terminal())
    except BaseException as exc:
        if to_stdout:
            _silence_stdout()  # what was written is incomplete anyway; and no "broken pipe" at exit
        if isinstance(exc, ExportError):
            raise CliError(str(exc), exc.status) from None
        if isinstance(exc, OSError):
            error = write_error(str(dataset if dataset is not None else output), exc)
            raise CliError(str(error), error.status) from None
        if isinstance(exc, SQLAlchemyError):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise CliError(f"cannot read the archive: {reason}", EXIT_CANNOT_RUN) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        engine.dispose()
    for note in outcome.notes:
        click.echo(f"cess-archive: {note}", err=True)
    click.echo(outcome.summary, err=outcome.summary_to_stderr)


def _silence_stdout() -> None:
    """Points standard output at /dev/null, dropping what is buffered (the reader may be gone)."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
