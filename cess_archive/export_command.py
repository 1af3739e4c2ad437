"""``cess-archive export``: the archive as a dataset file or a dataset directory."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from archive import make_sessionmaker

from .access import DB_HELP, open_archive
from .errors import EXIT_CANNOT_RUN, CliError


@click.command()
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv", "parquet", "warc"]),
              help="Output format (with --output).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced atomically).")
@click.option("--dataset", type=click.Path(file_okay=False, path_type=Path),
              help="Write a dataset directory instead: JSONL, Parquet, datapackage.json, schema, SHA256SUMS, README.")
@click.option("--db", help=DB_HELP)
@click.option("--all-versions", is_flag=True, help="Every version of every page, not only the latest.")
@click.option("--as-of", metavar="DATE", help="The archive as it stood at DATE (ISO 8601; a date alone is 00:00 UTC).")
@click.option("--since", metavar="DATE", help="Only what changed after DATE (incremental dump).")
@click.option("--since-run", type=int, metavar="ID", help="Only what changed after crawl run ID.")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["article", "page"]),
              help="Only this kind of page (repeatable).")
@click.option("--language", "languages", multiple=True, metavar="CODE",
              help="Only records whose detected language is CODE (repeatable).")
@click.option("--include-removed", is_flag=True, help="Also pages removed from the site.")
@click.option("--include-duplicates", is_flag=True, help="Also untranslated copies of other pages.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def export(fmt, output, dataset, db, all_versions, as_of, since, since_run, sources, kinds, languages,
           include_removed, include_duplicates, quiet):
    """Export the archive as a dataset file or a dataset directory."""
    import signal

    from exports.command import ExportRequest, check_request, run_export
    from exports.errors import ExportError
    from exports.progress import stderr_is_terminal

    request = ExportRequest(fmt=fmt, output=output, dataset=dataset, all_versions=all_versions, as_of=as_of,
                            since=since, since_run=since_run, sources=sources, kinds=kinds, languages=languages,
                            include_removed=include_removed, include_duplicates=include_duplicates)
    try:
        selection = check_request(request)
    except ExportError as exc:
        raise CliError(str(exc), exc.status) from None
    engine = open_archive(db, must_exist=True, read_only=True)

    def interrupted(signum, frame):  # SIGTERM: leave like Ctrl-C, so the temporary output is removed
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    target = dataset if dataset is not None else output
    try:
        with make_sessionmaker(engine)() as session:
            summary = run_export(session, request, selection, progress=not quiet and stderr_is_terminal())
    except ExportError as exc:
        raise CliError(str(exc), exc.status) from None
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise CliError(f"cannot read the archive: {reason}", EXIT_CANNOT_RUN) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        engine.dispose()
    click.echo(summary)
