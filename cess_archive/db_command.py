"""The ``db`` command group: where an archive's schema stands, upgrades, copies, backups and fixity checks.

``db current``, ``db history`` and ``db check`` only read. ``db upgrade`` (and ``db downgrade``) take the
crawl lock, back an SQLite archive up beside it with SQLite's backup API, then migrate in one transaction:
a failure, or a ``kill -9``, leaves the archive at its old revision.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import unquote

import click
from sqlalchemy import Engine

from archive import schema
from archive.backup import backup_sqlite
from archive.db import sqlite_path, url_shown
from archive.locking import ArchiveLocked, crawl_lock

from .access import DB_HELP, open_archive, opened_archive
from .errors import EXIT_CANNOT_RUN, EXIT_LOCKED, EXIT_OK, EXIT_PAGE_ERRORS, EXIT_USAGE, CliError

EXIT_UPGRADE_DUE = EXIT_PAGE_ERRORS  # db check: the archive works, but an upgrade is due


@click.group("db")
def db():
    """Keep an archive for years: schema upgrades, copies between databases, backups, fixity checks."""


db_option = click.option("--db", "db", metavar="PATH|URL", help=DB_HELP)
json_option = click.option("--json", "as_json", is_flag=True, help="One JSON document instead of text.")


def _where(engine: Engine) -> str:
    """The archive, named for messages: its file, or its URL without the password."""
    url = engine.url
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database.startswith("file:"):  # opened read-only
        return unquote(database[len("file:") :])
    path = sqlite_path(url)
    return str(path) if path is not None else url_shown(url)


def _revision(engine: Engine) -> str:
    """The archive's revision; an unrecognised database is a usage error (status 2), nothing touched."""
    try:
        with engine.connect() as connection:
            revision = schema.archive_revision(connection, _where(engine))
    except schema.UnknownRevision as exc:
        raise CliError(str(exc), EXIT_CANNOT_RUN) from None
    except schema.UnrecognisedSchema as exc:
        raise CliError(f"{exc}; left untouched", EXIT_USAGE) from None
    if revision is None:
        raise CliError(f"{_where(engine)} is empty: there is no archive in it", EXIT_USAGE)
    return revision


def _stamped(engine: Engine) -> bool:
    from sqlalchemy import inspect

    with engine.connect() as connection:
        return schema.VERSION_TABLE in inspect(connection).get_table_names()


def _standing(engine: Engine) -> dict:
    revision = _revision(engine)
    due = [step.id for step in schema.pending(revision)]
    return {
        "archive": _where(engine),
        "revision": revision,
        "release": schema.RELEASES.get(revision),
        "stamped": _stamped(engine),
        "head": schema.head(),
        "at_head": not due,
        "upgrades_due": due,
    }


@db.command("current")
@db_option
@json_option
def current(db: str | None, as_json: bool) -> None:
    """Show the archive's schema revision, and whether an upgrade is due."""
    with opened_archive(db, must_exist=True, read_only=True, check_schema=False) as engine:
        standing = _standing(engine)
    if as_json:
        click.echo(json.dumps(standing))
        return
    unstamped = "" if standing["stamped"] else ", recognised by its tables (made before migrations)"
    click.echo(f"{standing['archive']}: schema revision {schema.describe(standing['revision'])}{unstamped}")
    if standing["at_head"]:
        click.echo(f"at head: this cess-archive writes {schema.describe(standing['head'])}")
    else:
        click.echo(
            f"upgrade due to {schema.describe(standing['head'])} "
            f"({len(standing['upgrades_due'])} step(s)): cess-archive db upgrade"
        )


@db.command("history")
@db_option
@json_option
def history(db: str | None, as_json: bool) -> None:
    """List the schema revisions this release knows, oldest first; with --db, mark the archive's."""
    revision = None
    if db is not None:
        with opened_archive(db, must_exist=True, read_only=True, check_schema=False) as engine:
            revision = _revision(engine)
    known = schema.revisions()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "revision": step.id,
                        "down_revision": step.down,
                        "release": step.release,
                        "description": step.message,
                        "can_downgrade": step.can_downgrade,
                        "head": step.id == schema.head(),
                        "current": step.id == revision,
                    }
                    for step in known
                ]
            )
        )
        return
    for step in known:
        marks = [mark for mark, on in (("head", step.id == schema.head()), ("current", step.id == revision)) if on]
        release = f"release {step.release}" if step.release else "unreleased"
        click.echo(f"{step.id}  {release:<14} {step.message}" + (f"  ({', '.join(marks)})" if marks else ""))


@db.command("check")
@db_option
def check(db: str | None) -> None:
    """Exit 0 when the archive is at this release's schema, 1 when an upgrade is due."""
    with opened_archive(db, must_exist=True, read_only=True, check_schema=False) as engine:
        standing = _standing(engine)
    if standing["at_head"]:
        click.echo(f"{standing['archive']}: at head, {schema.describe(standing['head'])}")
        sys.exit(EXIT_OK)
    click.echo(
        f"{standing['archive']}: upgrade due from {schema.describe(standing['revision'])} to "
        f"{schema.describe(standing['head'])}: cess-archive db upgrade"
    )
    sys.exit(EXIT_UPGRADE_DUE)


def backup_path(database: Path, revision: str) -> Path:
    """``NAME.before-REVISION.sqlite`` beside the archive; ``NAME.before-REVISION-2.sqlite`` (and so on)
    when an earlier backup has that name: a backup is never overwritten."""
    candidate = database.with_name(f"{database.stem}.before-{revision}.sqlite")
    number = 2
    while candidate.exists():
        candidate = database.with_name(f"{database.stem}.before-{revision}-{number}.sqlite")
        number += 1
    return candidate


def _migrate(db: str | None, target: str, *, downwards: bool) -> None:
    # what is not an archive is refused before anything opens it for writing
    with opened_archive(db, must_exist=True, read_only=True, check_schema=False) as reader:
        _revision(reader)
    engine = open_archive(db, must_exist=True, check_schema=False, create=False)
    where = _where(engine)
    try:
        with crawl_lock(engine):
            before = _revision(engine)
            if not downwards and before == schema.head() and _stamped(engine):
                click.echo(f"{where}: already at head, {schema.describe(before)}; nothing to do")
                return
            if downwards:
                _check_downgrade(before)
            backup = _backup(engine, before)
            try:
                done = (schema.downgrade if downwards else schema.upgrade)(engine, target, where)
            except (schema.SchemaError, ValueError) as exc:
                raise CliError(f"cannot migrate {where}: {exc}{_kept(backup)}", EXIT_CANNOT_RUN) from None
            except Exception as exc:  # noqa: BLE001 - a database error: still one line, and where the backup is
                reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
                raise CliError(
                    f"cannot migrate {where}: {reason}; nothing was changed{_kept(backup)}", EXIT_CANNOT_RUN
                ) from None
    except ArchiveLocked as exc:
        raise CliError(f"{exc}: not migrating it now, nothing was done", EXIT_LOCKED) from None
    finally:
        engine.dispose()
    stamped = f", after stamping it {schema.describe(done.before)} (made before migrations)" if done.stamped else ""
    click.echo(
        f"{where}: {'downgraded' if downwards else 'upgraded'} from {schema.describe(done.before)} to "
        f"{schema.describe(done.after)}{stamped}"
    )


def _check_downgrade(revision: str) -> None:
    step = next(known for known in schema.revisions() if known.id == revision)
    if not step.can_downgrade:
        raise CliError(
            f"revision {schema.describe(revision)} is the first: there is nothing to downgrade to", EXIT_USAGE
        )


def _backup(engine: Engine, revision: str) -> Path | None:
    path = sqlite_path(engine.url)
    if path is None:
        click.echo(
            "PostgreSQL: the migration runs in one transaction (no backup is written; see "
            "'Upgrading' in the README for pg_dump)"
        )
        return None
    target = backup_path(path, revision)
    try:
        backup_sqlite(path, target)
    except Exception as exc:  # noqa: BLE001 - a full disk, a read-only directory: nothing migrated
        reason = " ".join(str(exc).split())
        raise CliError(
            f"cannot write the backup {target}: {reason}; the archive was not migrated", EXIT_CANNOT_RUN
        ) from None
    click.echo(f"backup of {path} at revision {revision}: {target}")
    return target


def _kept(backup: Path | None) -> str:
    return f" (the backup made before is {backup})" if backup is not None else ""


@db.command("upgrade")
@db_option
def upgrade(db: str | None) -> None:
    """Bring the archive to this release's schema (an SQLite archive is backed up beside it first).

    Takes the crawl lock: while a crawl runs, exits 4 and does nothing. An archive made by release 0.1.0
    is recognised by its tables and stamped first; a database that is not an archive is refused, untouched.
    """
    _migrate(db, "head", downwards=False)


@db.command("downgrade")
@db_option
def downgrade(db: str | None) -> None:
    """Take the archive back one schema revision, for the release before (backed up first, like upgrade)."""
    _migrate(db, "-1", downwards=True)


def _register_commands() -> None:
    from .db_copy_command import copy_command
    from .db_fixity_command import backup_command, verify_command

    for command in (copy_command, backup_command, verify_command):
        db.add_command(command)


_register_commands()
