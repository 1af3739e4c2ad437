"""``cess-archive runs``: the crawl runs recorded in the archive, as a table or JSON, and a run's errors."""

from __future__ import annotations

import json

import click

from archive.reading import RunInfo, get_run, list_runs

from . import render
from .access import DB_HELP, reading


def run_exit_status(run) -> int | None:
    """The status ``crawl`` exits (or exited) with for ``run`` (a ``RunInfo``, or the run's row)."""
    return (run if isinstance(run, RunInfo) else RunInfo.of(run)).exit_status


def run_record(run, exit_status: int | None = None) -> dict:
    """One run (a ``RunInfo``, or the run's row, which ``crawl`` has at hand) with the fields ``crawl --json``
    prints; ``exit_status`` defaults to the one :func:`run_exit_status` tells."""
    info = run if isinstance(run, RunInfo) else RunInfo.of(run)
    return info.as_dict(run_exit_status(info) if exit_status is None else exit_status)


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
    with reading(db) as session:
        found = [get_run(session, errors_of)] if errors_of is not None else list_runs(session)
    if errors_of is not None:
        run = found[0]
        if as_json:
            click.echo(json.dumps(list(run.error_details), ensure_ascii=False, indent=2))
        else:
            for line in render.run_error_lines(run):
                click.echo(line)
    elif as_json:
        click.echo(json.dumps([run_record(run) for run in found], ensure_ascii=False, indent=2))
    else:
        for line in render.run_table(found):
            click.echo(line)
