"""Engine and session set-up for the archive database: where the archive is, and how it is opened.

Where: a plain file path is an SQLite archive (as sqlite-utils and datasette take it); otherwise an
SQLAlchemy URL, ``sqlite:///PATH`` or ``postgresql+psycopg://user@host/db`` (``postgresql://`` and
``postgres://`` mean psycopg 3, the supported driver). :func:`database_url` turns either into a URL and
refuses what cannot hold an archive with a :class:`ArchiveLocationError` (a ``ValueError``) that says why.

How: a write open (:func:`make_engine`, the default) gives SQLite files foreign keys, WAL journaling (readers
never block the writer) and a busy timeout, and creates the schema. It creates a new SQLite file only in
a directory that exists (or in the default ``data/`` folder, made if needed), and never adds its tables to
a database that already holds other ones. A read-only open (``read_only=True``) writes, creates and migrates
nothing: SQLite is opened through ``file:PATH?mode=ro`` (``immutable=1`` where SQLite could not otherwise read
it, see :func:`_sqlite_read_uri`), PostgreSQL sessions are read-only. Callers own their transactions:
``with Session.begin() as session:``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from . import schema
from .models import Base

DB_ENV_VAR = "CESS_ARCHIVE_DB"
DEFAULT_DB_PATH = Path("data") / "cess-archive.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5
ARCHIVE_TABLE = "pages"  # present in every archive, whatever the schema's age

SQLITE_MAGIC = b"SQLite format 3\x00"
URL_EXAMPLES = "sqlite:///data/archive.sqlite or postgresql+psycopg://user@host/db"
POSTGRESQL_EXTRA = "pip install 'cess-archive[postgresql]'"
POSTGRESQL_DRIVERS = ("psycopg", "psycopg2")  # psycopg (3) is the one installed by the extra
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_OTHER_BACKENDS = {"mysql": "MySQL", "mariadb": "MariaDB", "oracle": "Oracle", "mssql": "SQL Server"}


class ArchiveLocationError(ValueError):
    """``--db`` (or ``$CESS_ARCHIVE_DB``, ``ARCHIVE_DB_URL``) does not name a usable archive; nothing was done."""


class BadDatabaseURL(ArchiveLocationError):
    """Neither a file path nor a database URL."""

    def __init__(self, value: str):
        super().__init__(f"expected a file path or a database URL such as {URL_EXAMPLES}, got {value!r}")
        self.value = value


class UnsupportedDatabase(ArchiveLocationError):
    """A database URL of a backend or driver the archive does not run on, or whose driver is missing."""


class ArchiveNotFound(ArchiveLocationError):
    """Nothing at the path where the archive should be (read commands never create one)."""

    def __init__(self, path: Path):
        super().__init__(f"no archive at {shown(path)}")
        self.path = path


class MissingDirectory(ArchiveLocationError):
    """A new SQLite archive would go into a directory that does not exist."""


class NotAnArchive(ArchiveLocationError):
    """Something is there, but it is not (or cannot become) an archive: left untouched."""


class ArchiveUnreadable(PermissionError):
    """The archive exists but cannot be read without writing beside it, which the reader may not do."""


def default_db_url() -> str:
    """The archive to use when none is given: ``$CESS_ARCHIVE_DB``, else ``./data/cess-archive.sqlite``."""
    return os.environ.get(DB_ENV_VAR) or f"sqlite:///{DEFAULT_DB_PATH}"


def shown(path: Path) -> str:
    """A path as given, and where it leads when it is relative (the current directory matters)."""
    return str(path) if path.is_absolute() else f"{path} (that is {os.path.abspath(path)})"


def database_url(value: str | URL | None = None) -> URL:
    """The SQLAlchemy URL of an archive named by a file path or a URL (default: :func:`default_db_url`).

    Raises :class:`BadDatabaseURL` for anything else and :class:`UnsupportedDatabase` for a backend other
    than SQLite or PostgreSQL, an async driver, or a driver that is not installed (with the fix).
    """
    if isinstance(value, URL):
        return value
    value = default_db_url() if value is None else value
    text_value = value.strip()
    if not text_value:
        raise BadDatabaseURL(value)
    match = _SCHEME.match(text_value)
    if match is None:  # a plain path: an SQLite file
        return URL.create("sqlite", database=os.path.expanduser(text_value))
    scheme = match.group(1).lower()
    backend, _, driver = scheme.partition("+")
    if backend == "postgres":  # the spelling of Heroku, libpq and many .env files
        backend = "postgresql"
    if backend == "postgresql" and not driver:
        driver = "psycopg"  # psycopg 3, whatever SQLAlchemy's own default
    if backend in _OTHER_BACKENDS:
        raise UnsupportedDatabase(
            f"{_OTHER_BACKENDS[backend]} is not supported ({scheme}://): the archive is "
            f"kept in SQLite or PostgreSQL, e.g. {URL_EXAMPLES}"
        )
    if backend not in ("sqlite", "postgresql"):
        raise BadDatabaseURL(value)
    try:
        url = make_url(f"{backend}{'+' + driver if driver else ''}://{text_value[match.end() :]}")
    except Exception:  # noqa: BLE001 - ArgumentError, ValueError (a bad port), NoSuchModuleError (a driver)
        if driver and driver not in ("pysqlite", *POSTGRESQL_DRIVERS):
            raise _unsupported_driver(backend, driver) from None
        raise BadDatabaseURL(value) from None
    _check_driver(url)
    return url


def _unsupported_driver(backend: str, driver: str) -> UnsupportedDatabase:
    if backend == "postgresql":
        return UnsupportedDatabase(
            f"the PostgreSQL driver {driver} is not supported: use postgresql+psycopg:// "
            f"(psycopg 3; {POSTGRESQL_EXTRA})"
        )
    return UnsupportedDatabase(f"the SQLite driver {driver} is not supported: pass a file path or sqlite:///PATH")


def _check_driver(url: URL) -> None:
    backend, driver = url.get_backend_name(), url.get_driver_name()
    supported = POSTGRESQL_DRIVERS if backend == "postgresql" else ("pysqlite",)
    if driver not in supported:
        raise _unsupported_driver(backend, driver)
    try:
        url.get_dialect().import_dbapi()
    except ImportError:
        if driver == "psycopg":
            raise UnsupportedDatabase(
                f"the PostgreSQL driver psycopg (3) is not installed: {POSTGRESQL_EXTRA}"
            ) from None
        if backend == "postgresql":
            raise UnsupportedDatabase(
                f"the PostgreSQL driver {driver} is not installed: use postgresql+psycopg:// "
                f"(psycopg 3; {POSTGRESQL_EXTRA})"
            ) from None
        raise


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL; ``None`` for another backend, an in-memory database or an SQLite URI."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def is_in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and (
        not url.database or url.database == ":memory:" or "mode=memory" in url.database
    )


def _on_sqlite_connect(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_read_connect(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()  # no journal_mode: setting it writes the file's header
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_header(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(100)


def _check_sqlite_file(path: Path, *, must_exist: bool) -> bytes | None:
    """The first bytes of an existing SQLite file (``b""`` if empty), ``None`` if there is none.

    Raises :class:`ArchiveNotFound` (nothing there and ``must_exist``) or :class:`NotAnArchive`.
    """
    if not path.exists():
        if must_exist:
            raise ArchiveNotFound(path)
        return None
    if path.is_dir():
        raise NotAnArchive(f"{shown(path)} is a directory, not an SQLite archive file")
    if not path.is_file():
        raise NotAnArchive(f"{shown(path)} is not a regular file, so not an SQLite archive")
    header = _sqlite_header(path)
    if header and not header.startswith(SQLITE_MAGIC):
        raise NotAnArchive(f"{shown(path)} is not an SQLite database")
    if not header and must_exist:
        raise NotAnArchive(f"{shown(path)} is an empty file, not a cess-archive archive")
    return header


def _sqlite_read_uri(path: Path, header: bytes) -> URL:
    """``file:PATH?mode=ro``: reads without writing the database, creating it or changing its journal mode.

    A read-only connection to a WAL database needs its ``-shm`` (and ``-wal``) beside it, and creates them if
    they are missing: SQLite cannot remove them on close, so they stay, empty, until the next crawl. Where
    they are missing and the directory cannot be written (a read-only file system, or a directory of another
    user), SQLite could not read the file at all; there the file is opened ``immutable=1``, which reads it
    without locks or shared memory. That is exact when nothing is left to read in a write-ahead log (there
    is none, or it is empty: no crawl is running, since a running one keeps a ``-shm``). It takes no lock,
    so a crawl that *starts* in that directory while such a read runs could disturb it: ``immutable`` is
    kept for this one case, where the alternative is not reading at all. With changes left in a ``-wal``
    and no ``-shm``, nothing can read the file safely here: :class:`ArchiveUnreadable`.
    """
    query = {"mode": "ro", "uri": "true"}
    wal_mode = len(header) > 19 and header[18] == 2 and header[19] == 2
    if wal_mode and not os.access(path.parent, os.W_OK):
        shm, wal = (path.with_name(path.name + suffix) for suffix in ("-shm", "-wal"))
        if not shm.exists():
            if wal.exists() and wal.stat().st_size > 0:
                raise ArchiveUnreadable(
                    f"cannot read {shown(path)} read-only: its write-ahead log {wal.name} "
                    f"holds changes, and {shm.name} cannot be created beside it (the "
                    f"directory is not writable)"
                )
            query["immutable"] = "1"
    return URL.create("sqlite", database="file:" + quote(str(path.absolute()), safe="/"), query=query)


def _sqlite_engine(url: URL, *, read_only: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_sqlite_read_connect if read_only else _on_sqlite_connect)
    return engine


READ_ONLY_OPTION = "-c default_transaction_read_only=on"


def _postgresql_engine(url: URL, *, read_only: bool) -> Engine:
    query = dict(url.query)
    query.setdefault("connect_timeout", str(PG_CONNECT_TIMEOUT_S))
    if read_only:
        options = query.get("options")
        options = " ".join(options) if isinstance(options, tuple) else (options or "")
        query["options"] = f"{options} {READ_ONLY_OPTION}".strip()
    return create_engine(url.set(query=query), pool_pre_ping=True)


def _where(url: URL) -> str:
    path = sqlite_path(url)
    return shown(path) if path is not None else url_shown(url)


def url_shown(url: URL) -> str:
    """A database URL for messages: without its password, nor the options :func:`make_engine` adds to it."""
    query = dict(url.query)
    if query.get("connect_timeout") == str(PG_CONNECT_TIMEOUT_S):
        del query["connect_timeout"]
    options = query.get("options")
    if options is not None:
        options = " ".join(options) if isinstance(options, tuple) else options
        options = options.replace(READ_ONLY_OPTION, "").strip()
        if options:
            query["options"] = options
        else:
            del query["options"]
    return url.set(query=query).render_as_string(hide_password=True)


def make_engine(
    url: str | URL | None = None,
    *,
    create: bool = True,
    read_only: bool = False,
    must_exist: bool = False,
    check_schema: bool = True,
) -> Engine:
    """An engine on the archive at ``url``: a file path or a URL (default: :func:`default_db_url`).

    ``create``: make the schema (and, for SQLite, the file, in an existing directory or in the default
    ``data/`` folder). ``must_exist``: the archive must already be there, with its tables. ``read_only``:
    implies ``must_exist`` and never ``create``; nothing is written, created or migrated.
    ``check_schema``: refuse an archive at a schema revision this release cannot use as asked (to write: any
    but head, :class:`archive.schema.UpgradeNeeded`; to read: one older than the read commands know; any:
    a revision a newer release wrote, :class:`archive.schema.UnknownRevision`). ``False`` is for the
    ``db`` commands, which deal with revisions themselves.

    Raises :class:`ArchiveLocationError` (a ``ValueError``) when ``url`` does not name a usable archive,
    ``OSError`` when an SQLite file cannot be read, and ``sqlalchemy.exc.SQLAlchemyError`` when the database
    cannot be opened. Nothing is created or changed when it raises.
    """
    parsed = database_url(url)
    must_exist = must_exist or read_only
    create = create and not read_only
    where = _where(parsed)
    path = sqlite_path(parsed)
    if path is not None:
        header = _check_sqlite_file(path, must_exist=must_exist)
        if header is None and create:
            _make_parent(path)
        looked_at = must_exist or create
        reader = _sqlite_engine(_sqlite_read_uri(path, header), read_only=True) if header and looked_at else None
        if reader is not None:  # look before writing anything, even the journal mode
            _check_tables(
                reader, where, must_exist=must_exist, create=create, read_only=read_only, check_schema=check_schema
            )
            if read_only:
                return reader
            reader.dispose()
        engine = _sqlite_engine(parsed, read_only=False)
        if create:
            _create_schema(engine)
        return engine
    if parsed.get_backend_name() == "sqlite":  # in memory, or an SQLite URI given as it is
        if read_only and (parsed.database or "").startswith("file:"):
            parsed = parsed.update_query_dict({"mode": "ro", "uri": "true"})
        engine = _sqlite_engine(parsed, read_only=read_only)
    else:
        engine = _postgresql_engine(parsed, read_only=read_only)
    if must_exist or create:
        _check_tables(
            engine, where, must_exist=must_exist, create=create, read_only=read_only, check_schema=check_schema
        )
    if create:
        _create_schema(engine)
    return engine


def _check_tables(
    engine: Engine, where: str, *, must_exist: bool, create: bool, read_only: bool = False, check_schema: bool = True
) -> None:
    """Refuses what is not an archive, and an archive whose schema this release cannot use as asked: to
    write, it must be at head (or empty); to read, at a revision the read commands know."""
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            if must_exist and ARCHIVE_TABLE not in tables:
                raise NotAnArchive(f"{where} is not a cess-archive archive (no {ARCHIVE_TABLE} table)")
            foreign = sorted(set(tables) - set(Base.metadata.tables) - {schema.VERSION_TABLE})
            if create and foreign and ARCHIVE_TABLE not in tables:
                listed = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
                raise NotAnArchive(
                    f"{where} is not a cess-archive archive: it holds other tables ({listed}), and "
                    f"the archive's tables are not added to them"
                )
            if not check_schema or not (create or read_only or must_exist):
                return
            # A schema half-created by a killed first crawl of 0.1.0 (SQLite creates tables one by one) and
            # still empty is rebuilt at head by _create_schema.
            if create and schema.unfinished_schema(connection):
                return
            try:
                if create:
                    schema.check_writable(connection, where)
                elif read_only:
                    schema.check_readable(connection, where)
                else:
                    schema.archive_revision(connection, where)
            except schema.UnrecognisedSchema as exc:
                raise NotAnArchive(str(exc)) from None
    except BaseException:
        engine.dispose()
        raise


def _create_schema(engine: Engine) -> None:
    """A new archive's schema, at head, in one transaction; an existing archive is left as it is."""
    try:
        with engine.connect() as connection:
            needed = schema.unfinished_schema(connection) or schema.archive_revision(connection) is None
        if needed:
            schema.create_schema(engine)
    except BaseException:
        engine.dispose()
        raise


def _make_parent(path: Path) -> None:
    """The directory of a new SQLite archive: it must exist, unless it is the default ``data/`` folder."""
    parent = path.parent
    if parent.is_dir():
        return
    if parent.exists():
        raise MissingDirectory(f"{shown(parent)} is not a directory: the archive cannot be created in it")
    if os.path.abspath(parent) == os.path.abspath(DEFAULT_DB_PATH.parent):
        parent.mkdir(parents=True, exist_ok=True)
        return
    raise MissingDirectory(f"directory {shown(parent)} does not exist: create it first, or check the path")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
