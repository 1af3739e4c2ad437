"""Commands for archivists: ``changes`` (``changes_command``), ``history``, ``show`` and ``diff``
(``page_commands``), which only read, and ``reprocess``, which re-extracts stored captures.
"""

from __future__ import annotations

import click

from archive import make_sessionmaker

from .access import DB_HELP, opened_archive
from .changes_command import changes
from .filters import one_source
from .page_commands import diff, history, show


def _open(db: str | None, *, read_only: bool = True):
    return opened_archive(db, must_exist=True, read_only=read_only)


@click.command()
@click.option("--source", help="Only the pages of this source.")
@click.option("--db", help=DB_HELP)
def reprocess(source, db):
    """Re-extract every page's latest raw capture with the current extractor.

    Where the cleaned content changes, a version marked as an extractor change is added (never reported as
    an edit by the organisation); where nothing changes, nothing is created. Raw captures are not modified.
    """
    from crawler.reprocessing import reprocess_archive

    if source is not None:  # checked on a read-only archive: a bad name changes nothing
        with _open(db) as engine, make_sessionmaker(engine)() as session:
            source = one_source(session, source)
    with _open(db, read_only=False) as engine, make_sessionmaker(engine).begin() as session:
        counts = reprocess_archive(session, source=source)
    click.echo(
        f"reprocessed {counts.pages} pages: {counts.changed} extractor-change versions, "
        f"{counts.unchanged} unchanged, {counts.failed} without text"
    )


COMMANDS = (changes, history, show, diff, reprocess)
