"""``cess-archive runs``: the crawl runs recorded in the archive."""

from __future__ import annotations

import click

from archive import make_sessionmaker
from archive.query import list_runs

from .access import DB_HELP, open_archive


@click.command()
@click.option("--db", help=DB_HELP)
def runs(db):
    """List the crawl runs with their counts (details: the runs table, or `crawl --json`)."""
    engine = open_archive(db, must_exist=True, read_only=True)
    with make_sessionmaker(engine)() as session:
        all_runs = list_runs(session)
    engine.dispose()
    header = f"{'run':>4}  {'started (UTC)':<20} {'status':<12} {'source':<10} {'fetched':>7} {'new pages':>9} " \
             f"{'new versions':>12} {'unchanged':>9} {'not modified':>12} {'errors':>6}"
    click.echo(header)
    for run in all_runs:
        started = run.started_at.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{run.id:>4}  {started:<20} {run.status:<12} {run.source:<10} {run.fetched:>7} "
                   f"{run.new_pages:>9} {run.new_versions:>12} {run.unchanged:>9} {run.not_modified:>12} "
                   f"{run.errors:>6}")
