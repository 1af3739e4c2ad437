"""The archive as release 0.1.0 made it: runs, pages, page aliases, raw bodies, captures, versions, events.

Archives made by 0.1.0 have these tables but no ``alembic_version``: ``archive.schema`` recognises them by
their tables and columns and stamps them with this revision before upgrading them.

Revision ID: 0001
Revises: (none)
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "pages",
        _id(),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["pages.id"], name="fk_pages_duplicate_of_id_pages"),
        sa.PrimaryKeyConstraint("id", name="pk_pages"),
        sa.UniqueConstraint("url", name="uq_pages_url"),
    )
    op.create_index("ix_pages_duplicate_of_id", "pages", ["duplicate_of_id"])
    op.create_index("ix_pages_source", "pages", ["source"])

    op.create_table(
        "raw_blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("compression", sa.String(10), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_raw_blobs"),
    )

    op.create_table(
        "runs",
        _id(),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("base_url", sa.String(2000), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("finish_reason", sa.String(100), nullable=True),
        *(
            sa.Column(count, sa.Integer(), nullable=False)
            for count in ("fetched", "new_pages", "new_versions", "unchanged", "not_modified", "errors")
        ),
        sa.Column("error_details", sa.JSON(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )

    op.create_table(
        "page_aliases",
        _id(),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_page_aliases_page_id_pages"),
        sa.PrimaryKeyConstraint("id", name="pk_page_aliases"),
        sa.UniqueConstraint("url", name="uq_page_aliases_url"),
    )
    op.create_index("ix_page_aliases_page_id", "page_aliases", ["page_id"])

    # versions.capture_id and captures.version_id point at each other: SQLite declares the first in the
    # table (it cannot add a constraint later), other databases add it once captures exists.
    capture_fk = [sa.ForeignKeyConstraint(["capture_id"], ["captures.id"], name="fk_versions_capture_id_captures")]
    op.create_table(
        "versions",
        _id(),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("published", sa.DateTime(), nullable=True),
        sa.Column("modified", sa.DateTime(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("language_probability", sa.Float(), nullable=True),
        sa.Column("declared_language", sa.String(10), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image", sa.String(2000), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("template", sa.String(20), nullable=True),
        sa.Column("extractor", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        *(capture_fk if sqlite else ()),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_versions_page_id_pages"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_versions_run_id_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_versions"),
        sa.UniqueConstraint("page_id", "number", name="uq_versions_page_id"),
    )
    for column in ("capture_id", "content_sha256", "page_id", "run_id"):
        op.create_index(f"ix_versions_{column}", "versions", [column])

    op.create_table(
        "captures",
        _id(),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("requested_url", sa.String(2000), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("content_type", sa.String(200), nullable=True),
        sa.Column("raw_sha256", sa.String(64), nullable=True),
        sa.Column("extraction_status", sa.String(20), nullable=False),
        sa.Column("extraction_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_captures_page_id_pages"),
        sa.ForeignKeyConstraint(["raw_sha256"], ["raw_blobs.sha256"], name="fk_captures_raw_sha256_raw_blobs"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_captures_run_id_runs"),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], name="fk_captures_version_id_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_captures"),
    )
    for column in ("page_id", "raw_sha256", "run_id", "version_id"):
        op.create_index(f"ix_captures_{column}", "captures", [column])
    if not sqlite:
        op.create_foreign_key("fk_versions_capture_id_captures", "versions", "captures", ["capture_id"], ["id"])

    op.create_table(
        "events",
        _id(),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name="fk_events_page_id_pages"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_events_run_id_runs"),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], name="fk_events_version_id_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    for column in ("at", "kind", "page_id", "run_id"):
        op.create_index(f"ix_events_{column}", "events", [column])


def downgrade() -> None:
    raise NotImplementedError("0001 is the first revision: there is nothing to go back to")
