"""Copying a whole archive into an empty database, at the source's own schema revision, and checking the copy.

:func:`copy_archive` reads the source in one read transaction (so every table is read as it stood at one
moment, even while a crawl writes to it), builds the target's schema at the source's revision with
:func:`archive.schema.create_schema` (stamped with that revision), then copies every row of every table,
ids, timestamps, JSON text and raw bytes as they are stored, in one transaction. Before that transaction
commits, the copy is compared with the source: rows per table and :func:`archive.inventory.content_checksum`
recomputed on both sides. Any failure, a mismatch or an interruption included, rolls the rows back and drops
the tables the copy created, so the target is left empty, as it was. Only a process killed outright (kill -9,
a power cut) leaves the schema behind, without a row, since ``create_schema`` commits it first: a copy into
it again is refused with what to do (drop the tables).

Rows go through SQLAlchemy Core on tables reflected from the databases, so the columns of any revision are
copied as they are. They are streamed in batches: a table is never held in memory. The reference that closes
the cycle between versions and captures (``versions.capture_id``) and references from a table to itself
(``pages.duplicate_of_id``) are filled in after every row is in, since a row may point at a row not copied
yet. JSON columns are copied as their stored text: a JSON ``null`` and an SQL ``NULL`` stay apart.

Nothing here takes the crawl lock: the caller holds the target's for the whole copy.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import typing
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.schema import sort_tables

from .inventory import ContentChecksum, content_checksum, table_counts
from .locking import lock_path
from .models import Base
from .schema import VERSION_TABLE, SchemaError, archive_revision, create_schema

logger = logging.getLogger(__name__)

BATCH_ROWS = 500
BLOB_BATCH_ROWS = 50  # rows with raw bodies: each may weigh megabytes

#: Foreign keys the models create after their tables (``use_alter``): the ones that close a cycle.
_CYCLE_CLOSING = frozenset(
    (table.name, key.parent.name)
    for table in Base.metadata.tables.values()
    for key in table.foreign_keys
    if key.use_alter or (key.constraint is not None and key.constraint.use_alter)
)


class TransferError(Exception):
    """The archive cannot be copied; the target is as it was."""


class UnusableSource(TransferError):
    """The source is not an archive of a schema revision this release knows."""


class SameDatabase(TransferError):
    """The source and the target are one database."""


class TargetNotEmpty(TransferError):
    """The target already holds tables: a copy only goes into an empty database. ``rows``: how many rows the
    archive there holds, when it is one."""

    def __init__(self, where: str, tables: list[str], rows: int | None = None):
        if rows == 0:
            message = (
                f"{where} is not empty: it holds an archive without a single row, as a copy killed before "
                f"its end leaves one; drop its tables (or remove the file) and copy again"
            )
        else:
            if rows is not None:
                held = "an archive"
            else:
                listed = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
                held = f"{len(tables)} table{'s' * (len(tables) != 1)}: {listed}"
            message = f"{where} is not empty (it holds {held}): an archive is copied only into an empty database"
        super().__init__(message)
        self.tables = tables
        self.rows = rows


class SchemaMismatch(TransferError):
    """The schema built in the target does not have the source's tables and columns."""


class VerificationFailed(TransferError):
    """The copy, read back before its commit, differs from the source: it was rolled back."""


@dataclass(frozen=True)
class Copied:
    """What was copied: the schema revision, rows per table, and the checksum both sides agree on;
    ``left_out``: tables of the source that are not the archive's (an operator's own), not copied."""

    revision: str
    counts: dict[str, int]
    checksum: ContentChecksum
    left_out: tuple[str, ...] = ()


def copy_archive(
    source: Engine, target: Engine, *, source_name: str = "the source", target_name: str = "the target"
) -> Copied:
    """Copies the archive on ``source`` (opened read-only) into the empty database on ``target``.

    Raises :class:`UnusableSource`, :class:`SameDatabase`, :class:`TargetNotEmpty`, :class:`SchemaMismatch`
    and :class:`VerificationFailed`; a database error propagates. Whatever it raises, the target is left as
    it was (the tables the copy created dropped again), unless dropping them fails too: then it raises a
    :class:`TransferError` that says so.
    """
    _stop_requested.clear()
    with read_snapshot(source) as reading:
        revision = _source_revision(reading, source_name)
        if same_database(source, target):
            raise SameDatabase(f"{source_name} and {target_name} are the same database")
        _check_empty(target, target_name)
        logger.info("creating the schema at revision %s in %s", revision, target_name)
        create_schema(target, revision)
        created = _table_names(target)
        left_out = tuple(sorted(set(inspect(reading).get_table_names()) - set(created)))
        try:
            with target.begin() as writing:
                counts = _copy_rows(reading, writing)
                checksum = _verify(reading, writing, target_name)
                if _stop_requested.is_set():  # asked while the copy was being verified: commit nothing
                    raise KeyboardInterrupt
        except BaseException as failure:
            left = _drop_tables(target, created)
            if left and isinstance(failure, Exception):
                raise TransferError(
                    f"{reason_of(failure)}; and the tables the copy created in {target_name} could "
                    f"not be dropped again ({left}): drop them before copying into it"
                ) from failure
            raise
    if left_out:
        logger.info("not copied, not the archive's: %s", ", ".join(left_out))
    return Copied(revision, counts, checksum, left_out)


def _source_revision(reading: Connection, source_name: str) -> str:
    try:
        revision = archive_revision(reading, source_name)
    except SchemaError as exc:
        raise UnusableSource(str(exc)) from None
    if revision is None:
        raise UnusableSource(f"{source_name} is empty: there is no archive to copy")
    return revision


def reason_of(exc: BaseException) -> str:
    """An exception in one line, a database error by what the database said."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split()) or type(exc).__name__


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection in one read transaction: everything read through it is the database at one moment."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")  # pysqlite would begin only before a write
        try:
            yield connection
        finally:
            connection.rollback()


def same_database(first: Engine, second: Engine) -> bool:
    """Whether two engines reach one database: the same SQLite file, or the same schema of the same
    PostgreSQL database on the same server (however their URLs spell it)."""
    if first.dialect.name != second.dialect.name:
        return False
    if first.dialect.name == "sqlite":
        one, other = _sqlite_file(first), _sqlite_file(second)
        return (
            one is not None and one.exists() and other is not None and other.exists() and os.path.samefile(one, other)
        )
    return _server_identity(first) == _server_identity(second)


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of an SQLite engine, also when it is opened through a ``file:`` URI."""
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(unquote(database.removeprefix("file:")) if database.startswith("file:") else database)


def _server_identity(engine: Engine) -> tuple:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                text(
                    "SELECT current_database(), current_schema(), inet_server_addr()::text, inet_server_port(), "
                    "pg_postmaster_start_time()"
                )
            ).one()
        )


def sqlite_refusal(path: Path, where: str) -> TargetNotEmpty | None:
    """Why the existing SQLite file ``path`` cannot take a copy (it holds tables), ``None`` when it can; read
    without writing to it, not even its journal mode (which opening it to write would set)."""
    uri = f"file:{quote(str(path.absolute()), safe='/')}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"
            )
        ]
        return _refusal(
            where, tables, lambda name: connection.execute(f"SELECT count(*) FROM {_sqlite_quoted(name)}").fetchone()[0]
        )


def _sqlite_quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def removed_on_failure(path: Path | None) -> Iterator[None]:
    """Around a copy into the SQLite file ``path`` (``None``: another backend): when the copy fails, the files
    it created there (the database, its journals, its lock file) are removed, and a database file that was
    empty is emptied again. Engines on the file must be disposed of inside the block."""
    if path is None:
        yield
        return
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
    companions.append(lock_path(path.resolve()))
    existed = {part for part in (path, *companions) if part.exists()}
    was_empty = path in existed and path.is_file() and path.stat().st_size == 0
    try:
        yield
    except BaseException:
        for part in (*companions, path):
            if part not in existed:
                part.unlink(missing_ok=True)
        if was_empty:
            os.truncate(path, 0)
        raise


def _check_empty(target: Engine, target_name: str) -> None:
    with target.connect() as connection:
        tables = inspect(connection).get_table_names()
        quote_name = connection.dialect.identifier_preparer.quote
        refusal = _refusal(
            target_name, tables, lambda name: connection.scalar(text(f"SELECT count(*) FROM {quote_name(name)}"))
        )
    if refusal is not None:
        raise refusal


def _refusal(where: str, tables: list[str], count_rows) -> TargetNotEmpty | None:
    """A target holding ``tables`` refused; the rows of the archive there counted (``count_rows``, by table)
    when it is one, to tell a copy that was killed from an archive in use."""
    if not tables:
        return None
    rows = sum(count_rows(name) for name in tables if name != VERSION_TABLE) if "pages" in tables else None
    return TargetNotEmpty(where, tables, rows)


def _table_names(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return inspect(connection).get_table_names()


# -- rows ---------------------------------------------------------------------------------------------------


def _copy_rows(reading: Connection, writing: Connection) -> dict[str, int]:
    """Every row of every table of the archive's schema but the revision stamp (``create_schema`` wrote it),
    deferred references last; on PostgreSQL, the id sequences then continue after the highest id copied."""
    if writing.dialect.name == "sqlite":
        writing.exec_driver_sql("BEGIN IMMEDIATE")  # one transaction from the first statement, writer's lock taken
    targets = _reflect(writing)
    sources = _reflect(reading, only=_tables_in(reading, list(targets)))
    _check_same_tables(sources, targets)
    deferred = {name: _deferred_columns(table) for name, table in targets.items()}
    by_name = sorted(targets.values(), key=lambda table: table.name)  # the same order on every backend
    # sort_tables passes skip_fn each ForeignKey, not the ForeignKeyConstraint its annotation says
    order = sort_tables(by_name, skip_fn=lambda key: _is_deferred(typing.cast(ForeignKey, key).parent))
    counts = {
        table.name: _copy_table(reading, writing, sources[table.name], table, deferred[table.name]) for table in order
    }
    for table in order:
        for column in deferred[table.name]:
            _fill_column(reading, writing, sources[table.name], table, column)
    if writing.dialect.name == "postgresql":
        for table in order:
            _continue_sequence(writing, table)
    return counts


def _reflect(connection: Connection, only: list[str] | None = None) -> dict[str, Table]:
    metadata = MetaData()
    metadata.reflect(bind=connection, only=only)
    return {name: table for name, table in metadata.tables.items() if name != VERSION_TABLE}


def _tables_in(connection: Connection, names: list[str]) -> list[str]:
    present = set(inspect(connection).get_table_names())
    return [name for name in names if name in present]


def _check_same_tables(sources: dict[str, Table], targets: dict[str, Table]) -> None:
    missing = sorted(set(targets) - set(sources))
    if missing:
        raise SchemaMismatch(f"the source lacks tables of its schema revision ({', '.join(missing[:3])})")
    for name, table in targets.items():
        odd = sorted(set(table.columns.keys()) ^ set(sources[name].columns.keys()))
        if odd:
            raise SchemaMismatch(
                f"the columns of {name} differ from those of its schema revision ({', '.join(odd[:3])})"
            )


def _is_deferred(column: Column) -> bool:
    """A reference filled in after every row is in: one to the same table, or one that closes a cycle."""
    return any(key.column.table is column.table for key in column.foreign_keys) or (
        bool(column.foreign_keys) and (column.table.name, column.name) in _CYCLE_CLOSING
    )


def _deferred_columns(table: Table) -> list[Column]:
    return [column for column in table.columns if _is_deferred(column)]


def _copy_table(reading: Connection, writing: Connection, source: Table, target: Table, deferred: list[Column]) -> int:
    later = {column.name for column in deferred}
    columns = [column for column in target.columns if column.name not in later]
    query = select(*(_read_expression(source.c[column.name]) for column in columns))
    query = query.order_by(*(source.c[column.name] for column in target.primary_key.columns))
    statement = insert(target).values(
        {column: _bound(column, f"v_{index}", writing) for index, column in enumerate(columns)}
    )
    keys = [f"v_{index}" for index in range(len(columns))]
    copied = 0
    for batch in _batches(reading, query, target):
        writing.execute(statement, [dict(zip(keys, row, strict=False)) for row in batch])
        copied += len(batch)
    logger.info("copied %d rows of %s", copied, target.name)
    return copied


def _fill_column(reading: Connection, writing: Connection, source: Table, target: Table, column: Column) -> None:
    (key,) = target.primary_key.columns  # deferred references are in tables with one-column keys
    query = (
        select(source.c[key.name], source.c[column.name])
        .where(source.c[column.name].is_not(None))
        .order_by(source.c[key.name])
    )
    statement = update(target).where(key == bindparam("v_key")).values({column: bindparam("v_value")})
    for batch in _batches(reading, query, target):
        writing.execute(statement, [{"v_key": row_key, "v_value": value} for row_key, value in batch])


_stop_requested = threading.Event()


def request_stop() -> None:
    """Asks a running copy to stop before its next batch of rows, as Ctrl-C would (``KeyboardInterrupt``):
    for a signal handler, so that the interruption never lands inside the database driver (psycopg then
    reports a broken pipeline instead of the interruption)."""
    _stop_requested.set()


def _batches(reading: Connection, query, table: Table) -> Iterator:
    size = BLOB_BATCH_ROWS if any(isinstance(c.type, LargeBinary) for c in table.columns) else BATCH_ROWS
    for batch in reading.execute(query, execution_options={"yield_per": size}).partitions():
        if _stop_requested.is_set():
            raise KeyboardInterrupt
        yield batch


def _read_expression(column: Column):
    """A column as it is to be copied: JSON as its stored text (parsing it would make a JSON ``null`` and an
    SQL ``NULL`` one ``None``), anything else through its type."""
    if isinstance(column.type, JSON):
        return cast(column, Text).label(column.name)
    return column


def _bound(column: Column, name: str, writing: Connection):
    """The value of ``column`` in an insert: JSON text goes in as text (cast to JSON where the column is
    typed, on PostgreSQL), anything else through the column's type."""
    if not isinstance(column.type, JSON):
        return bindparam(name, type_=column.type)
    value = bindparam(name, type_=Text())
    return cast(value, column.type) if writing.dialect.name == "postgresql" else value


def _continue_sequence(writing: Connection, table: Table) -> None:
    """Points the sequence behind an integer id at the highest id copied, so the next insert gets the next."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer):
        return
    (key,) = keys
    qualified = writing.dialect.identifier_preparer.format_table(table)
    sequence = writing.scalar(
        text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": qualified, "column": key.name}
    )
    if sequence is None:
        return
    highest = writing.scalar(select(func.max(key)))
    writing.execute(
        text("SELECT setval(:sequence, :value, :called)"),
        {"sequence": sequence, "value": highest or 1, "called": highest is not None},
    )


# -- verification and undoing -------------------------------------------------------------------------------


def _verify(reading: Connection, writing: Connection, target_name: str) -> ContentChecksum:
    """The checksum of the copy, after checking it against the source's: rows per table and content."""
    expected_counts, copied_counts = table_counts(reading), table_counts(writing)
    if copied_counts != expected_counts:
        differing = [
            f"{name} {expected_counts.get(name)} → {copied_counts.get(name)}"
            for name in sorted(set(expected_counts) | set(copied_counts))
            if expected_counts.get(name) != copied_counts.get(name)
        ]
        raise VerificationFailed(
            f"the copy in {target_name} does not have the source's rows "
            f"({', '.join(differing[:3])}); it was rolled back"
        )
    expected, copied = content_checksum(reading), content_checksum(writing)
    if copied != expected:
        raise VerificationFailed(
            f"the copy in {target_name} does not hold the source's content (checksum "
            f"{copied.sha256} instead of {expected.sha256}); it was rolled back"
        )
    return copied


def _drop_tables(target: Engine, names: list[str]) -> str | None:
    """Drops the tables the copy created; what went wrong when they could not all be dropped, else ``None``."""
    try:
        with target.begin() as connection:
            quote_name = connection.dialect.identifier_preparer.quote
            cascade = " CASCADE" if connection.dialect.name == "postgresql" else ""
            for name in names:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {quote_name(name)}{cascade}")
    except Exception as exc:  # noqa: BLE001 - reported with the copy's own failure
        logger.info("could not drop the tables of the failed copy: %s", exc)
        return reason_of(exc)
    logger.info("dropped the %d tables of the failed copy", len(names))
    return None
