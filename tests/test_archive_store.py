"""The versioned store on a real SQLite file: identity, versions, raw captures, run counters."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from archive import Content, Fetched, Outcome, make_engine, make_sessionmaker, record_capture, start_run
from archive.models import Capture, Page, PageAlias, RawBlob, Run, Version

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def Session(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    yield make_sessionmaker(engine)
    engine.dispose()


def content(text="Premier paragraphe.\nSecond paragraphe.", title="Titre", **extra) -> Content:
    fields = dict(
        title=title,
        author="Thierry-Paul Valette",
        published=T0 - timedelta(days=3),
        modified=T0 - timedelta(days=1),
        text=text,
        language="fr",
        extractor="test/1",
    )
    fields.update(extra)
    return Content(**fields)


def fetched(url="https://example.org/post/a", body=b"<html>raw</html>", at=T0) -> Fetched:
    return Fetched(
        requested_url=url,
        url=url,
        status=200,
        body=body,
        fetched_at=at,
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"'},
    )


def store(
    Session, run_id, item_content, *, at=T0, body=b"<html>raw</html>", url="https://example.org/post/a", aliases=()
):
    with Session.begin() as session:
        return record_capture(
            session,
            run_id=run_id,
            source="cess",
            kind="article",
            page_url=url,
            fetched=fetched(url, body, at),
            content=item_content,
            aliases=aliases,
        )


def new_run(Session) -> int:
    with Session.begin() as session:
        return start_run(session, "cess").id


def test_sqlite_pragmas(Session):
    with Session() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_same_content_moves_last_seen_only(Session):
    run = new_run(Session)
    assert store(Session, run, content()) is Outcome.NEW_PAGE
    later = T0 + timedelta(days=1)
    # the template around the text changed: other raw bytes, same cleaned content
    assert store(Session, run, content(modified=later), at=later, body=b"<html>other build</html>") is Outcome.UNCHANGED
    with Session() as session:
        versions = session.scalars(select(Version)).all()
        assert len(versions) == 1
        assert versions[0].first_seen == T0 and versions[0].last_seen == later
        page = session.scalars(select(Page)).one()
        assert page.last_seen == later
        captures = session.scalars(select(Capture).order_by(Capture.id)).all()
        assert [c.version_id for c in captures] == [versions[0].id, versions[0].id]
        run_row = session.get(Run, run)
        assert (run_row.fetched, run_row.new_pages, run_row.new_versions, run_row.unchanged) == (2, 1, 1, 1)


@pytest.mark.parametrize(
    "change",
    [
        dict(text="Premier paragraphe.\nSecond paragraphe, corrigé."),
        dict(title="Nouveau titre"),
        dict(author="Rédaction CESS"),
        dict(published=T0),
    ],
)
def test_each_content_field_makes_one_new_version(Session, change):
    run = new_run(Session)
    store(Session, run, content())
    assert store(Session, run, content(**change), at=T0 + timedelta(hours=1)) is Outcome.NEW_VERSION
    assert store(Session, run, content(**change), at=T0 + timedelta(hours=2)) is Outcome.UNCHANGED
    with Session() as session:
        assert [v.number for v in session.scalars(select(Version).order_by(Version.number))] == [1, 2]


@pytest.mark.parametrize(
    "change",
    [
        dict(modified=T0 + timedelta(days=9)),
        dict(language="de", language_probability=0.5),
        dict(image="https://static.example.org/new.jpg", description="autre"),
    ],
)
def test_non_content_fields_make_no_version(Session, change):
    run = new_run(Session)
    store(Session, run, content())
    assert store(Session, run, content(**change), at=T0 + timedelta(hours=1)) is Outcome.UNCHANGED


def test_raw_capture_kept_compressed_with_sha256(Session):
    import hashlib

    body = ("<html>" + "é" * 5000 + "</html>").encode()
    run = new_run(Session)
    store(Session, run, content(), body=body)
    store(Session, run, content(), body=body, at=T0 + timedelta(hours=1))
    with Session() as session:
        blob = session.scalars(select(RawBlob)).one()  # identical bodies are stored once
        assert blob.sha256 == hashlib.sha256(body).hexdigest()
        assert zlib.decompress(blob.data) == body and len(blob.data) < len(body)
        assert session.scalar(select(func.count()).select_from(Capture)) == 2


def test_empty_extraction_keeps_capture_without_version(Session):
    run = new_run(Session)
    with Session.begin() as session:
        outcome = record_capture(
            session,
            run_id=run,
            source="cess",
            kind="article",
            page_url="https://example.org/post/x",
            fetched=fetched("https://example.org/post/x"),
            content=None,
            error="ValueError: boom",
        )
    assert outcome is Outcome.FAILED
    with Session() as session:
        capture = session.scalars(select(Capture)).one()
        assert capture.extraction_status == "failed" and capture.version_id is None
        assert capture.raw_sha256 is not None
        assert session.scalar(select(func.count()).select_from(Version)) == 0
        assert session.get(Run, run).errors == 1


def test_alias_finds_the_same_page(Session):
    run = new_run(Session)
    store(Session, run, content(), url="https://example.org/post/a", aliases=["https://example.org/post/old-slug"])
    outcome = store(Session, run, content(), url="https://example.org/post/old-slug", at=T0 + timedelta(hours=1))
    assert outcome is Outcome.UNCHANGED
    with Session() as session:
        assert session.scalar(select(func.count()).select_from(Page)) == 1
        assert session.scalars(select(PageAlias.url)).all() == ["https://example.org/post/old-slug"]


def test_naive_datetimes_are_refused(Session):
    run = new_run(Session)
    with pytest.raises(Exception, match="naive datetime"):
        store(Session, run, content(published=datetime(2025, 1, 1)))
    with Session() as session:
        assert session.scalar(select(func.count()).select_from(Version)) == 0
