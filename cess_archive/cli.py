"""The ``cess-archive`` console script and its subcommands.

Every error is caught here and reported as one line on stderr with a documented exit status
(see ``cess_archive.errors``); no traceback reaches the user.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from archive import default_db_url, make_engine, make_sessionmaker
from archive.models import Run
from archive.query import list_runs

from .errors import EXIT_CANNOT_RUN, EXIT_OK, EXIT_PAGE_ERRORS, EXIT_USAGE, CliError

DB_HELP = "SQLAlchemy database URL (default: $CESS_ARCHIVE_DB, else sqlite:///data/cess-archive.sqlite)."


def open_archive(db: str | None, *, must_exist: bool):
    """An engine on the archive; for read commands the archive must already exist."""
    url = db or default_db_url()
    try:
        parsed = make_url(url)
    except Exception:
        raise CliError(f"not a database URL: {url!r}") from None
    if must_exist and parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:" or not Path(database).is_file():
            raise CliError(f"no archive at {url} (run 'cess-archive crawl' first, or pass --db)")
    try:
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, ValueError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise CliError(f"cannot open the archive {url}: {reason}", EXIT_CANNOT_RUN) from None
    return engine


def parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--set expects NAME=VALUE, got {value!r}")
        overrides[name.strip()] = setting
    return overrides


def summary_line(run: Run) -> str:
    return (f"run {run.id} {run.status}: fetched {run.fetched}, new pages {run.new_pages}, "
            f"new versions {run.new_versions}, unchanged {run.unchanged}, not modified {run.not_modified}, "
            f"errors {run.errors}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cess-archive")
def cli():
    """Archive the publications of the Centre Européen de Sécurité et de Stratégie, with every version."""


@cli.command()
@click.option("--source", default="cess", show_default=True, help="Name of the source to crawl.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), help="Another sources TOML file.")
@click.option("--base-url", help="Crawl the source at another origin (a local copy or a test server).")
@click.option("--db", help=DB_HELP)
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting for this run.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def crawl(source, sources_file, base_url, db, sets, log_level):
    """Run one crawl of a source into the archive."""
    from urllib.parse import urlsplit

    from crawler.sources import SourceError, get_source

    from .crawling import crawl_settings, run_crawl

    overrides = parse_sets(sets)
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CliError(f"--base-url must be an http(s) URL, got {base_url!r}")
    try:
        get_source(source, sources_file, base_url)
    except SourceError as exc:
        raise CliError(str(exc)) from None
    db_url = db or default_db_url()
    open_archive(db_url, must_exist=False).dispose()

    outcome = run_crawl(crawl_settings(overrides, db_url, log_level),
                        source=source, base_url=base_url, sources_file=sources_file)
    if outcome.run_id is None:
        raise CliError("the crawl could not start (see the log above)", EXIT_CANNOT_RUN)
    engine = open_archive(db_url, must_exist=False)
    with make_sessionmaker(engine)() as session:
        run = session.get_one(Run, outcome.run_id)
    engine.dispose()
    click.echo(summary_line(run))
    if run.fetched == 0 and run.not_modified == 0:
        discovery_errors = outcome.stats.get("archive/discovery/errors", 0)
        raise CliError(f"nothing could be fetched ({run.errors + discovery_errors} errors): "
                       f"is {base_url or 'the site'} reachable?", EXIT_CANNOT_RUN)
    sys.exit(EXIT_PAGE_ERRORS if run.errors else EXIT_OK)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), required=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (replaced atomically).")
@click.option("--db", help=DB_HELP)
@click.option("--all-versions", is_flag=True, help="Every version of every page, not only the latest.")
@click.option("--include-duplicates", is_flag=True, help="Also untranslated copies of other pages.")
def export(fmt, output, db, all_versions, include_duplicates):
    """Export the archive as a dataset file."""
    from exports.exporter import EmptySelection, export as run_export

    if not output.parent.is_dir():
        raise CliError(f"cannot write {output}: directory {output.parent} does not exist")
    engine = open_archive(db, must_exist=True)
    try:
        with make_sessionmaker(engine)() as session:
            result = run_export(session, fmt, output, all_versions=all_versions,
                                include_duplicates=include_duplicates)
    except EmptySelection as exc:
        raise CliError(str(exc)) from None
    except PermissionError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from None
    finally:
        engine.dispose()
    click.echo(f"exported {result.records} records to {result.path} ({result.bytes} bytes)")


@cli.command()
@click.option("--db", help=DB_HELP)
def runs(db):
    """List the crawl runs with their counts."""
    engine = open_archive(db, must_exist=True)
    with make_sessionmaker(engine)() as session:
        all_runs = list_runs(session)
    engine.dispose()
    header = f"{'run':>4}  {'started (UTC)':<20} {'status':<12} {'source':<10} {'fetched':>7} {'new pages':>9} " \
             f"{'new versions':>12} {'unchanged':>9} {'errors':>6}"
    click.echo(header)
    for run in all_runs:
        started = run.started_at.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{run.id:>4}  {started:<20} {run.status:<12} {run.source:<10} {run.fetched:>7} "
                   f"{run.new_pages:>9} {run.new_versions:>12} {run.unchanged:>9} {run.errors:>6}")


def _register_tracking_commands() -> None:
    from .tracking import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_register_tracking_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the CLI, turning every error into one line and an exit status."""
    try:
        status = cli.main(args=argv, prog_name="cess-archive", standalone_mode=False)
    except CliError as exc:
        click.echo(f"cess-archive: error: {exc}", err=True)
        return exc.status
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("cess-archive: aborted", err=True)
        return 130
    except click.UsageError as exc:
        click.echo(f"cess-archive: error: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        click.echo(f"cess-archive: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        click.echo("cess-archive: interrupted", err=True)
        return 130
    return status if isinstance(status, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
