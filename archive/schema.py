"""Where an archive's schema stands, and how it is carried to this release's schema (Alembic migrations).

The migrations live in ``archive/migrations`` and ship with the package. Revision ``0001`` is the schema of
release 0.1.0; archives that release made have no ``alembic_version`` table and are recognised by their
tables and columns. Each migration runs in one transaction with the whole upgrade: on SQLite that needs
the driver's own transaction handling turned off (pysqlite would commit before every ``CREATE`` or
``DROP``) and foreign keys off while tables are rebuilt ("move and copy"), then checked before the commit.

A new archive is created at head directly from the models and stamped (what the migrations would build:
``tests/test_migrations.py`` holds the two to each other). Nothing here takes the crawl lock or makes
backups: ``cess-archive db upgrade`` does both around :func:`upgrade`.
"""

from __future__ import annotations

import atexit
import functools
import importlib.resources
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from .models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
FIRST_REVISION = "0001"

#: The release that first wrote each revision.
RELEASES = {"0001": "0.1.0", "0002": "0.2.0", "0003": "0.3.0"}

#: The oldest revision this release's read commands read as it is; an upgrade that adds or changes
#: columns moves it to itself.
OLDEST_READABLE = "0001"

#: Release 0.1.0's tables and their columns: what an archive made before migrations is recognised by.
RELEASE_010_TABLES = {
    "runs": {
        "id",
        "source",
        "base_url",
        "started_at",
        "finished_at",
        "status",
        "finish_reason",
        "fetched",
        "new_pages",
        "new_versions",
        "unchanged",
        "not_modified",
        "errors",
        "error_details",
        "stats",
    },
    "pages": {"id", "url", "source", "kind", "status", "first_seen", "last_seen", "translations", "duplicate_of_id"},
    "page_aliases": {"id", "url", "page_id", "first_seen"},
    "raw_blobs": {"sha256", "size", "compression", "data"},
    "captures": {
        "id",
        "run_id",
        "page_id",
        "version_id",
        "requested_url",
        "url",
        "fetched_at",
        "http_status",
        "headers",
        "etag",
        "last_modified",
        "content_type",
        "raw_sha256",
        "extraction_status",
        "extraction_error",
    },
    "events": {"id", "run_id", "page_id", "version_id", "kind", "at", "url", "details"},
    "versions": {
        "id",
        "page_id",
        "number",
        "content_sha256",
        "title",
        "author",
        "published",
        "modified",
        "text",
        "language",
        "language_probability",
        "declared_language",
        "description",
        "image",
        "translations",
        "template",
        "extractor",
        "reason",
        "first_seen",
        "last_seen",
        "run_id",
        "capture_id",
    },
}


class SchemaError(ValueError):
    """The database's schema is not one this release can work with as asked; nothing was changed."""


class UnrecognisedSchema(SchemaError):
    """The database is not a cess-archive archive of any known revision."""


class UnknownRevision(SchemaError):
    """The archive is at a revision this release does not know: a newer cess-archive wrote it."""

    def __init__(self, where: str, revision: str):
        super().__init__(
            f"{where} is at schema revision {revision}, which this cess-archive does not know: it "
            f"was written by a newer release; upgrade cess-archive to use it"
        )
        self.revision = revision


class UpgradeNeeded(SchemaError):
    """The archive is at an older revision than this release writes (or reads)."""

    def __init__(self, where: str, revision: str, needed: str):
        super().__init__(
            f"{where} is at schema revision {describe(revision)} and this cess-archive needs {describe(needed)}"
        )
        self.revision = revision
        self.needed = needed


@dataclass(frozen=True)
class Revision:
    """One migration: its id, the one it follows, what it does and the release that brought it."""

    id: str
    down: str | None
    message: str
    release: str | None
    can_downgrade: bool


@functools.cache
def _migrations_dir() -> str:
    """The migrations as a directory, which Alembic needs: where the package is installed, or, when it is
    imported from a zipped egg (Scrapyd), a copy extracted once per process."""
    if MIGRATIONS.is_dir():
        return str(MIGRATIONS)
    target = Path(tempfile.mkdtemp(prefix="cess-archive-migrations-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _extract(importlib.resources.files(__package__).joinpath("migrations"), target)
    return str(target)


def _extract(source, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                (target / entry.name).mkdir()
                _extract(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


@functools.cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(_migrations_dir())


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", _migrations_dir())
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The revision this release writes."""
    current = _script().get_current_head()
    assert current is not None  # the package ships its migrations
    return current


def revisions() -> list[Revision]:
    """Every migration, oldest first."""
    found = []
    for script in _script().walk_revisions():
        module_doc = (script.module.__doc__ or "").strip()
        found.append(
            Revision(
                id=script.revision,
                down=cast(str | None, script.down_revision),  # a linear history: no merge revision
                message=module_doc.split("\n\n")[0],
                release=RELEASES.get(script.revision),
                can_downgrade=getattr(script.module, "CAN_DOWNGRADE", True) and script.down_revision is not None,
            )
        )
    return found[::-1]


def order(revision: str) -> int:
    """The position of a known revision in the history (0 for the first)."""
    return [known.id for known in revisions()].index(revision)


def is_known(revision: str) -> bool:
    return revision in {known.id for known in revisions()}


def describe(revision: str) -> str:
    """``0001 (release 0.1.0)``."""
    release = RELEASES.get(revision)
    return f"{revision} (release {release})" if release else revision


def _tables(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {name: {column["name"] for column in inspector.get_columns(name)} for name in inspector.get_table_names()}


def archive_revision(connection: Connection, where: str = "the database") -> str | None:
    """The schema revision of the archive on ``connection``; ``None`` for a database with no table at all.

    An archive made by release 0.1.0 (no ``alembic_version``, 0.1.0's tables and columns) is at
    :data:`FIRST_REVISION`. Raises :class:`UnrecognisedSchema` for anything else, and
    :class:`UnknownRevision` for a revision a newer release wrote.
    """
    tables = _tables(connection)
    if VERSION_TABLE in tables:
        stamped = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
        if len(stamped) != 1:
            raise UnrecognisedSchema(
                f"{where} has an {VERSION_TABLE} table with {len(stamped)} revisions in it; "
                f"a cess-archive archive has exactly one"
            )
        if not is_known(stamped[0]):
            raise UnknownRevision(where, stamped[0])
        return stamped[0]
    if not tables:
        return None
    if _is_release_010(tables):
        return FIRST_REVISION
    if "pages" not in tables:
        raise UnrecognisedSchema(f"{where} is not a cess-archive archive (no pages table)")
    raise UnrecognisedSchema(
        f"{where} has a pages table but is not an archive of a known schema: {_difference(tables)}"
    )


def _is_release_010(tables: dict[str, set[str]]) -> bool:
    """Every table of 0.1.0 with exactly its columns (a table an operator added beside them is left alone)."""
    return all(tables.get(name) == columns for name, columns in RELEASE_010_TABLES.items())


def _difference(tables: dict[str, set[str]]) -> str:
    missing = sorted(set(RELEASE_010_TABLES) - set(tables))
    if missing:
        return f"tables {', '.join(missing)} are missing"
    for name, columns in sorted(RELEASE_010_TABLES.items()):
        if tables[name] != columns:
            odd = sorted(columns ^ tables[name])
            return f"the columns of {name} differ ({', '.join(odd[:3])})"
    return "unknown difference"


def unfinished_schema(connection: Connection) -> bool:
    """True for what a first crawl of release 0.1.0, killed while it created the tables, left: some of
    0.1.0's tables, exactly as 0.1.0 made them, none stamped and all empty (nothing to lose)."""
    tables = _tables(connection)
    if not tables or VERSION_TABLE in tables or not set(tables) < set(RELEASE_010_TABLES):
        return False
    if any(RELEASE_010_TABLES[name] != columns for name, columns in tables.items()):
        return False
    return all(connection.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() is None for name in tables)


def migration_engine(url: URL) -> Engine:
    """An engine whose transactions cover DDL: on SQLite, ``BEGIN IMMEDIATE`` issued by SQLAlchemy rather
    than by pysqlite, and foreign keys off (rebuilding a table that others point at would otherwise
    cascade or fail); :func:`_check_foreign_keys` checks them before the commit instead."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise SchemaError(
            f"the migration would leave {len(broken)} broken references (the first: {table} row "
            f"{rowid} → {parent}); nothing was changed"
        )


def create_schema(engine: Engine, revision: str = "head") -> None:
    """Builds the archive's schema at ``revision`` in an empty database (or one a killed 0.1.0 crawl left
    unfinished and empty), in one transaction: ``"head"`` from the models, a named revision (head's own
    name included) by running the migrations up to it."""
    migrations = migration_engine(engine.url)
    try:
        with migrations.begin() as connection:
            tables = _tables(connection)
            if tables:
                if not unfinished_schema(connection):
                    raise SchemaError("the database is not empty: the schema is created only in an empty one")
                for name in tables:
                    connection.execute(text(f"DROP TABLE {name}"))
            if revision == "head":
                Base.metadata.create_all(connection)
                command.stamp(_config(connection), "head")
            else:
                command.upgrade(_config(connection), revision)
            _check_foreign_keys(connection)
    finally:
        migrations.dispose()


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did: from which revision to which (equal when there was nothing to do)."""

    before: str
    after: str
    stamped: bool  # a 0.1.0 archive was stamped with the first revision first

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.stamped


def upgrade(engine: Engine, target: str = "head", where: str = "the database") -> Upgrade:
    """Carries the archive to ``target`` in one transaction: all the way, or (on any error) not at all."""
    return _migrate(engine, target, where, downwards=False)


def downgrade(engine: Engine, target: str, where: str = "the database") -> Upgrade:
    """Takes the archive back to ``target`` (``-1``: one step) in one transaction."""
    return _migrate(engine, target, where, downwards=True)


def _migrate(engine: Engine, target: str, where: str, *, downwards: bool) -> Upgrade:
    migrations = migration_engine(engine.url)
    try:
        with migrations.begin() as connection:
            before = archive_revision(connection, where)
            if before is None:
                raise UnrecognisedSchema(f"{where} is empty: there is no archive to migrate")
            stamped = not _stamped(connection)
            if stamped:
                command.stamp(_config(connection), before)
            if downwards:
                command.downgrade(_config(connection), target)
            else:
                command.upgrade(_config(connection), target)
            _check_foreign_keys(connection)
            after = current_revision(connection)
            assert after is not None  # stamped above, or by the migrations
        return Upgrade(before, after, stamped)
    finally:
        migrations.dispose()


def _stamped(connection: Connection) -> bool:
    return VERSION_TABLE in inspect(connection).get_table_names()


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in ``alembic_version`` (``None`` when unstamped)."""
    return MigrationContext.configure(connection).get_current_revision()


def pending(revision: str) -> Iterator[Revision]:
    """The migrations an archive at ``revision`` still needs, oldest first."""
    known = revisions()
    yield from known[order(revision) + 1 :]


def check_writable(connection: Connection, where: str) -> str | None:
    """The revision of an archive this release may write to; raises when it must be upgraded first."""
    revision = archive_revision(connection, where)
    if revision is not None and revision != head():
        raise UpgradeNeeded(where, revision, head())
    return revision


def check_readable(connection: Connection, where: str) -> str | None:
    """The revision of an archive this release's read commands read as it is; raises when too old."""
    revision = archive_revision(connection, where)
    if revision is not None and order(revision) < order(OLDEST_READABLE):
        raise UpgradeNeeded(where, revision, OLDEST_READABLE)
    return revision


def draft_revision(message: str) -> Path:
    """Writes a draft of the next revision into ``archive/migrations/versions``: what the models have that
    the migrations do not build yet, as Alembic's autogenerate sees it (to review before committing)."""
    import re

    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{scratch}/head.sqlite", poolclass=NullPool)
        try:
            create_schema(engine, head())
            with engine.begin() as connection:
                number = f"{int(head()) + 1:04d}"
                slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "revision"
                script = command.revision(_config(connection), message=message, autogenerate=True, rev_id=number)
        finally:
            engine.dispose()
    assert isinstance(script, Script)  # one new revision, on the one head
    written = Path(script.path)
    final = written.with_name(f"{number}_{slug}.py")
    written.rename(final)
    return final
