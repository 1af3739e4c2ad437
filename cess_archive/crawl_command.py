"""``cess-archive crawl``: the one command a scheduler runs.

It takes the archive's crawl lock (a second run exits at once with status 4), marks runs left "running" by
a dead process as aborted, runs the crawl, and prints one summary line (or JSON with ``--json``). Exit
statuses are listed in ``cess_archive.errors``.
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import click

from archive import default_db_url, iso_utc, make_sessionmaker
from archive.locking import ArchiveLocked, crawl_lock
from archive.models import Run
from archive.store import abandon_stale_runs

from .access import DB_HELP, open_archive
from .errors import EXIT_CANNOT_RUN, EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK, EXIT_PAGE_ERRORS, CliError

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


def summary_json(run: Run, exit_status: int) -> str:
    return json.dumps({
        "run": run.id, "status": run.status, "finish_reason": run.finish_reason, "source": run.source,
        "base_url": run.base_url, "started_at": iso_utc(run.started_at), "finished_at": iso_utc(run.finished_at),
        "fetched": run.fetched, "new_pages": run.new_pages, "new_versions": run.new_versions,
        "unchanged": run.unchanged, "not_modified": run.not_modified, "errors": run.errors,
        "error_details": run.error_details or [], "exit_status": exit_status,
    }, ensure_ascii=False)


def exit_status_of(run: Run) -> int:
    if run.status == "interrupted":
        return EXIT_INTERRUPTED
    if run.fetched == 0 and run.not_modified == 0:
        return EXIT_CANNOT_RUN
    return EXIT_PAGE_ERRORS if run.errors else EXIT_OK


@click.command()
@click.option("--source", default="cess", show_default=True, help="Name of the source to crawl.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), help="Another sources TOML file.")
@click.option("--base-url", help="Crawl the source at another origin (a local copy or a test server).")
@click.option("--db", help=DB_HELP)
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting for this run.")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="Least severe log messages shown (default INFO).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Append the log to this file instead of stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON.")
def crawl(source, sources_file, base_url, db, sets, log_level, log_file, as_json):
    """Run one crawl of a source into the archive."""
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
    if log_file:
        overrides["LOG_FILE"] = log_file
    overrides["ARCHIVE_LOCK_HELD"] = "True"
    db_url = db or default_db_url()
    engine = open_archive(db_url, must_exist=False)
    try:
        with crawl_lock(engine):
            with make_sessionmaker(engine).begin() as session:
                abandon_stale_runs(session)
            outcome = run_crawl(crawl_settings(overrides, db_url, log_level),
                                source=source, base_url=base_url, sources_file=sources_file)
            if outcome.run_id is None:
                raise CliError("the crawl could not start (see the log)", EXIT_CANNOT_RUN)
            with make_sessionmaker(engine)() as session:
                run = session.get_one(Run, outcome.run_id)
    except ArchiveLocked as exc:
        raise CliError(f"{exc}: not starting a second one", EXIT_LOCKED) from None
    finally:
        engine.dispose()
    status = exit_status_of(run)
    click.echo(summary_json(run, status) if as_json else summary_line(run))
    if status == EXIT_CANNOT_RUN:
        raise CliError(f"nothing could be fetched ({run.errors} errors): is {base_url or 'the site'} reachable?",
                       EXIT_CANNOT_RUN)
    sys.exit(status)
