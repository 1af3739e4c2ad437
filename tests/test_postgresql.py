"""The archive on PostgreSQL: versioning, the advisory crawl lock, and a full crawl and export.

Needs the PostgreSQL server at 127.0.0.1:5432 (the ``pg_url`` fixture of ``conftest.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from archive import Content, Fetched, Outcome, make_engine, make_sessionmaker, record_capture, start_run
from archive.locking import ArchiveLocked, crawl_lock
from tests.conftest import crawl, export_records


def test_versioning_on_postgresql(pg_url):
    engine = make_engine(pg_url)
    Session = make_sessionmaker(engine)
    t0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    with Session.begin() as session:
        run_id = start_run(session, "cess").id

    def store(text_, at):
        content = Content(
            title="Titre",
            author="Rédaction CESS",
            published=t0,
            modified=None,
            text=text_,
            language="fr",
            extractor="test/1",
        )
        fetched = Fetched(
            requested_url="https://e.org/post/a",
            url="https://e.org/post/a",
            status=200,
            body=text_.encode(),
            fetched_at=at,
            headers={"ETag": '"x"'},
        )
        with Session.begin() as session:
            return record_capture(
                session,
                run_id=run_id,
                source="cess",
                kind="article",
                page_url="https://e.org/post/a",
                fetched=fetched,
                content=content,
            )

    assert store("Texte. « Guillemets » et l’apostrophe.", t0) is Outcome.NEW_PAGE
    assert store("Texte. « Guillemets » et l’apostrophe.", t0 + timedelta(hours=1)) is Outcome.UNCHANGED
    assert store("Texte corrigé.", t0 + timedelta(hours=2)) is Outcome.NEW_VERSION
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT number, first_seen, last_seen FROM versions ORDER BY number")).all()
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0][2] - rows[0][1] == timedelta(hours=1)
    engine.dispose()


def test_advisory_crawl_lock(pg_url):
    engine = make_engine(pg_url)
    other = make_engine(pg_url)
    with crawl_lock(engine), pytest.raises(ArchiveLocked), crawl_lock(other):
        pass
    with crawl_lock(other):
        pass
    engine.dispose()
    other.dispose()


def test_crawl_and_export_into_postgresql(fresh_site, pg_url, tmp_path):
    result = crawl(fresh_site, pg_url)
    assert result.exit_code == 0, result.output
    again = crawl(fresh_site, pg_url)
    assert again.exit_code == 0 and "new versions 0" in again.stdout, again.output
    records = export_records(pg_url, tmp_path)
    assert len(records) >= 30 and all(r["version"] == 1 for r in records)
