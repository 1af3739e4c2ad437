"""Engine and session set-up for the archive database.

SQLite files get foreign keys, WAL journaling (readers never block the writer) and a busy timeout; the
schema is created on first use. Callers own their transactions: ``with Session.begin() as session:``.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

DB_ENV_VAR = "CESS_ARCHIVE_DB"
DEFAULT_DB_PATH = Path("data") / "cess-archive.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_db_url() -> str:
    """The archive URL to use when none is given: ``$CESS_ARCHIVE_DB``, else ``./data/cess-archive.sqlite``."""
    return os.environ.get(DB_ENV_VAR) or f"sqlite:///{DEFAULT_DB_PATH}"


def _on_sqlite_connect(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for ``url`` (default: :func:`default_db_url`), with the schema created when ``create``.

    Raises ``ValueError`` for a URL SQLAlchemy cannot parse, and ``sqlalchemy.exc.SQLAlchemyError`` when the
    database cannot be opened.
    """
    url = url or default_db_url()
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError, but also ValueError for odd input
        raise ValueError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_sqlite_connect)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    if create:
        Base.metadata.create_all(engine)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
