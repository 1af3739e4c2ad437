"""``cess-archive changes``: the events of a run or since a date, as text lines, JSON or an Atom feed.

Every failure is one line on stderr with exit status 2 (``CliError``), raised before anything is printed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from sqlalchemy.orm import Session

from archive.content import iso_utc, parse_instant
from archive.reading import ChangeList, change_feed, change_list
from archive.reading.feeds import atom_feed, feed_entries

from . import render
from .access import DB_HELP, reading
from .errors import CliError
from .filters import one_source


def _http_url(value: str, option: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value.strip()):
        raise CliError(f"{option} must be an http(s) URL, got {value!r}")
    return value.strip()


@click.command()
@click.option("--run", "run_id", type=click.IntRange(min=1), help="Events of this run (default: the latest run).")
@click.option("--since", help="Events since this date (ISO 8601), instead of one run.")
@click.option("--source", help="Only the events of this source's pages (default run: its latest).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "atom"]), default="text", show_default=True)
@click.option("--feed-url", metavar="URL", help="With --format atom: where the feed is published (rel=self link).")
@click.option("--db", help=DB_HELP)
def changes(run_id, since, source, fmt, feed_url, db):
    """What changed: new, edited, retitled, removed, restored and moved pages.

    Each event is shown under the URL the page had when it happened, and its URL now where it moved since.
    The Atom feed keeps one id per archive and source whatever run or date it is made for, so a feed reader
    can follow it.
    """
    if run_id is not None and since is not None:
        raise CliError("give --run or --since, not both")
    if feed_url is not None:
        if fmt != "atom":
            raise CliError("--feed-url goes with --format atom")
        feed_url = _http_url(feed_url, "--feed-url")
    try:
        when = parse_instant(since, "--since") if since is not None else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    with reading(db) as session:
        found = change_list(session, run_id=run_id, since=when, source=one_source(session, source))
        scope = f"since {iso_utc(when)}" if when is not None else f"run {found.run_id}"
        if found.source:
            scope += f", source {found.source}"
        feed = _atom(session, found, scope, feed_url) if fmt == "atom" else None
    if fmt == "json":
        click.echo(render.as_json(found.events))
    elif fmt == "atom":
        click.echo(feed, nl=False)
    else:
        for line in render.text_lines(found.events):
            click.echo(line)
        if not found.events:
            click.echo(f"no change ({scope})")


def _atom(session: Session, found: ChangeList, scope: str, feed_url: str | None) -> str:
    feed = change_feed(session, found.source)
    source = found.source
    return atom_feed(
        feed_entries(session, feed, found.events),
        feed_id=feed.id,
        title=f"cess-archive: changes to {source}" if source else "cess-archive: changes to the archived sites",
        subtitle=f"Events of {scope}",
        updated=feed.updated,
        self_url=feed_url,
        site_url=feed.site_url,
    )
