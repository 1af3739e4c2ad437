"""``cess-archive runs``: the crawl runs recorded in the archive, as a table or JSON, and a run's errors."""

from __future__ import annotations

import json

import click
from sqlalchemy.orm import Session

from archive import make_sessionmaker
from archive.history import UnknownRun, get_run, run_as_dict, run_errors
from archive.models import Run
from archive.query import list_runs
from archive.store import describe_outcome

from .access import DB_HELP, opened_archive
from .errors import EXIT_CANNOT_RUN, EXIT_INTERRUPTED, EXIT_OK, EXIT_PAGE_ERRORS, CliError


def run_exit_status(run: Run) -> int | None:
    """The status ``crawl`` exits (or exited) with for ``run``; None while it runs or when its process died
    (then the crawl itself reported nothing)."""
    if run.status in ("running", "aborted"):
        return None
    if run.status == "interrupted":
        return EXIT_INTERRUPTED
    if run.status == "failed":
        return EXIT_CANNOT_RUN
    if run.errors and run.fetched == 0 and run.not_modified == 0:  # recorded before runs could be "failed"
        return EXIT_CANNOT_RUN
    return EXIT_PAGE_ERRORS if run.errors else EXIT_OK


def run_record(run: Run, exit_status: int | None = None) -> dict:
    """One run with the fields ``crawl --json`` prints (``archive.history.run_as_dict``); ``exit_status``
    defaults to the one :func:`run_exit_status` tells."""
    status = run_exit_status(run) if exit_status is None else exit_status
    return run_as_dict(run, status, describe_outcome(run))


def check_run(session: Session, run_id: int) -> Run:
    """The run ``run_id``; a usage error (exit 2) naming the range of existing runs when there is none."""
    try:
        return get_run(session, run_id)
    except UnknownRun as exc:
        raise CliError(str(exc)) from None


def _one_line(text) -> str:
    return " ".join(str(text or "").split())


@click.command()
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON array, one object per run, with the fields `crawl --json` prints."
)
@click.option(
    "--errors",
    "errors_of",
    type=click.IntRange(min=1),
    metavar="RUN",
    help="The errors of run RUN: one line per URL with its reason (with --json, a JSON array).",
)
@click.option("--db", help=DB_HELP)
def runs(as_json, errors_of, db):
    """List the crawl runs with their counts, or the errors of one run."""
    with opened_archive(db, must_exist=True, read_only=True) as engine, make_sessionmaker(engine)() as session:
        if errors_of is not None:
            run = check_run(session, errors_of)
            details, total = run_errors(run), run.errors
            all_runs = []
        else:
            all_runs = [run_record(run) for run in list_runs(session)] if as_json else list_runs(session)
    if errors_of is not None:
        if as_json:
            click.echo(json.dumps(details, ensure_ascii=False, indent=2))
            return
        for detail in details:
            click.echo(f"{detail.get('url') or '-'}  {_one_line(detail.get('error'))}")
        if total > len(details):
            click.echo(f"… {total - len(details)} more errors counted in run {errors_of}, without details")
        elif not details:
            click.echo(f"run {errors_of}: no error")
        return
    if as_json:
        click.echo(json.dumps(all_runs, ensure_ascii=False, indent=2))
        return
    header = (
        f"{'run':>4}  {'started (UTC)':<20} {'status':<12} {'source':<10} {'fetched':>7} {'new pages':>9} "
        f"{'new versions':>12} {'unchanged':>9} {'not modified':>12} {'errors':>6}"
    )
    click.echo(header)
    for run in all_runs:
        started = run.started_at.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(
            f"{run.id:>4}  {started:<20} {run.status:<12} {run.source:<10} {run.fetched:>7} "
            f"{run.new_pages:>9} {run.new_versions:>12} {run.unchanged:>9} {run.not_modified:>12} "
            f"{run.errors:>6}"
        )
