"""Opening the archive from the command line: the ``--db`` option's help and its errors.

Every way ``--db`` can be wrong is one line: status 2 (``EXIT_USAGE``) for what the user can fix by
pointing ``--db`` elsewhere or installing a driver (nothing is created or changed), status 3
(``EXIT_CANNOT_RUN``) when the archive is there but cannot be opened (server down, permissions, a damaged
file).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from archive import default_db_url, make_engine, make_sessionmaker
from archive.db import (
    DB_ENV_VAR,
    URL_EXAMPLES,
    ArchiveLocationError,
    ArchiveNotFound,
    ArchiveUnreadable,
    BadDatabaseURL,
    database_url,
    is_in_memory,
)
from archive.reading import NotFound
from archive.schema import UnknownRevision, UpgradeNeeded

from .errors import EXIT_CANNOT_RUN, EXIT_USAGE, CliError

DB_HELP = (
    "Where the archive is: an SQLite file path (data/archive.sqlite) or a database URL "
    "(sqlite:///PATH, postgresql+psycopg://user@host/db). Default: $CESS_ARCHIVE_DB, else "
    "data/cess-archive.sqlite."
)


@contextmanager
def opened_archive(db: str | None, **options) -> Iterator[Engine]:
    """:func:`open_archive` for the length of a ``with`` block: the engine is disposed of however it ends."""
    engine = open_archive(db, **options)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def reading(db: str | None) -> Iterator[Session]:
    """A session on the archive, opened read-only (it must exist), for the length of a ``with`` block; what
    the read API (``archive.reading``) does not find is a usage error (exit 2) with its message."""
    with opened_archive(db, must_exist=True, read_only=True) as engine, make_sessionmaker(engine)() as session:
        try:
            yield session
        except NotFound as exc:
            raise CliError(str(exc)) from None


def open_archive(
    db: str | None, *, must_exist: bool, read_only: bool = False, check_schema: bool = True, create: bool | None = None
) -> Engine:
    """An engine on the archive; for read commands the archive must already exist (none is created).

    ``read_only``: the command only reads, so the archive is opened without writing, creating or migrating
    anything (and works on a file or a filesystem it cannot write). An archive whose schema revision this
    release cannot use as asked is refused with the command that fixes it (status 3); ``check_schema=False``
    leaves revisions to the ``db`` commands. ``create`` (default: unless ``read_only``): make the schema of a
    new archive.
    """
    option = "--db" if db is not None or not os.environ.get(DB_ENV_VAR) else f"${DB_ENV_VAR}"
    value = default_db_url() if db is None else db
    try:
        url = database_url(value)
        if is_in_memory(url):
            raise CliError(
                f"{option}: an in-memory SQLite database cannot hold an archive; pass a file path", EXIT_USAGE
            )
        return make_engine(
            url,
            create=not read_only if create is None else create,
            read_only=read_only,
            must_exist=must_exist,
            check_schema=check_schema,
        )
    except BadDatabaseURL as exc:
        raise CliError(
            f"{option} expects a file path or a database URL such as {URL_EXAMPLES}, got {exc.value!r}", EXIT_USAGE
        ) from None
    except ArchiveNotFound as exc:
        raise CliError(f"{exc}: run 'cess-archive crawl' first, or pass --db", EXIT_USAGE) from None
    except ArchiveLocationError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except UpgradeNeeded as exc:
        raise CliError(
            f"{exc}; upgrade it first (an SQLite archive is backed up before it changes): {upgrade_command(db)}",
            EXIT_CANNOT_RUN,
        ) from None
    except UnknownRevision as exc:
        raise CliError(str(exc), EXIT_CANNOT_RUN) from None
    except ArchiveUnreadable as exc:
        raise CliError(str(exc), EXIT_CANNOT_RUN) from None
    except (SQLAlchemyError, OSError) as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split()) or type(exc).__name__
        raise CliError(f"cannot open the archive {_shown(value)}: {reason}", EXIT_CANNOT_RUN) from None


def upgrade_command(db: str | None) -> str:
    """The command line that upgrades the archive named by ``db`` (as the user named it)."""
    if db is None:
        return "cess-archive db upgrade"
    quoted = shlex.quote(_shown(db))
    return f"cess-archive db upgrade --db {quoted}"


def _shown(value: str) -> str:
    """The archive as the user named it, without a password."""
    try:
        return database_url(value).render_as_string(hide_password=True) if "://" in value else value
    except ArchiveLocationError:
        return value
