"""Opening the archive from the command line: the ``--db`` option's help and its errors."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from archive import default_db_url, make_engine

from .errors import EXIT_CANNOT_RUN, CliError

DB_HELP = "SQLAlchemy database URL (default: $CESS_ARCHIVE_DB, else sqlite:///data/cess-archive.sqlite)."


def open_archive(db: str | None, *, must_exist: bool, read_only: bool = False) -> Engine:
    """An engine on the archive; for read commands the archive must already exist (none is created).

    ``read_only``: the command only reads, so the archive is opened without writing, creating or migrating
    anything (and works on a file or a filesystem it cannot write).
    """
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
