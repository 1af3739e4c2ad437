"""Closed vocabularies checked by the database; an index for events by version; a truthful unique name.

- ``runs.status``, ``pages.status`` and ``events.kind`` get CHECK constraints (``ck_runs_status``,
  ``ck_pages_status``, ``ck_events_kind``): a value outside the archive's vocabulary is refused by the
  database itself, whatever program writes to it.
- ``ix_events_version_id``: the one foreign key without an index.
- The unique constraint on ``versions (page_id, number)`` is renamed from ``uq_versions_page_id`` to
  ``uq_versions_page_id_number`` (the naming convention now names every column of a unique constraint).

On SQLite, which cannot add a constraint to a table, the three tables are rebuilt ("move and copy"), with
their indexes and foreign keys. Rows whose values fall outside the vocabularies stop the upgrade before
anything changes, named in the error.

Revision ID: 0002
Revises: 0001
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The vocabularies as this revision fixes them (the models' may grow in later revisions).
CHECKS = {
    ("runs", "status"): ("running", "finished", "failed", "interrupted", "aborted"),
    ("pages", "status"): ("live", "removed"),
    ("events", "kind"): ("new", "edited", "retitled", "removed", "restored", "moved", "extractor-change"),
}


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _refuse_outsiders() -> None:
    connection = op.get_bind()
    for (table, column), values in CHECKS.items():
        outside = connection.execute(
            sa.text(
                f"SELECT {column}, COUNT(*) FROM {table} WHERE NOT ({_condition(column, values)}) "
                f"GROUP BY {column} ORDER BY {column}"
            )
        ).all()
        if outside:
            found = ", ".join(f"{value!r} ({count} rows)" for value, count in outside)
            raise ValueError(f"{table}.{column} holds values outside {', '.join(values)}: {found}; nothing was changed")


def upgrade() -> None:
    _refuse_outsiders()
    for (table, column), values in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(op.f(f"ck_{table}_{column}"), _condition(column, values))
            if table == "events":
                batch.create_index(op.f("ix_events_version_id"), ["version_id"])
    with op.batch_alter_table("versions") as batch:
        batch.drop_constraint(op.f("uq_versions_page_id"), type_="unique")
        batch.create_unique_constraint(op.f("uq_versions_page_id_number"), ["page_id", "number"])


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_constraint(op.f("uq_versions_page_id_number"), type_="unique")
        batch.create_unique_constraint(op.f("uq_versions_page_id"), ["page_id", "number"])
    for table, column in reversed(list(CHECKS)):
        with op.batch_alter_table(table) as batch:
            if table == "events":
                batch.drop_index(op.f("ix_events_version_id"))
            batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
