"""The list of pages (``archive.reading.listing``) against a model written from its definition, on generated
archives large enough for each way it finds a page of results: the newest changes read first (more than
``FEW`` pages pass), each page looked at (a few pass), every page's last change at once (deep offsets).

The model reads the rows and sorts in Python as the definition says: latest version = highest number; last
change = newest event that is not ``new``; sorted by the key (lower case for titles, as SQLite lowers ASCII
only), pages without one last, then by URL. A second archive has its events moved to midnight, so that many
pages changed at the same instant and the URL decides.
"""

from __future__ import annotations

import random
import sqlite3
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive import make_engine, make_sessionmaker
from archive.reading import listing
from archive.reading.listing import SORTS, PageFilter, page_list, summary
from benchmarks.web_archive import generate
from tests.conftest import cess

PAGES = listing.FEW + 500
ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass
class Row:
    id: int
    url: str
    title: str | None
    kind: str
    status: str
    language: str | None
    versions: int
    first_seen: str
    last_change: str | None


def model(path: Path) -> list[Row]:
    with sqlite3.connect(path) as db:
        latest = {
            page_id: (title, language)
            for page_id, title, language, _ in db.execute(
                "SELECT page_id, title, language, number FROM versions ORDER BY page_id, number"
            )
        }
        counts = dict(db.execute("SELECT page_id, count(*) FROM versions GROUP BY page_id"))
        changes: dict[int, str] = {}
        for page_id, at in db.execute("SELECT page_id, at FROM events WHERE kind != 'new'"):
            changes[page_id] = max(changes.get(page_id, at), at)
        rows = []
        for page_id, url, kind, status, first_seen in db.execute("SELECT id, url, kind, status, first_seen FROM pages"):
            title, language = latest.get(page_id, (None, None))
            versions, last_change = counts.get(page_id, 0), changes.get(page_id)
            rows.append(Row(page_id, url, title, kind, status, language, versions, first_seen, last_change))
        return rows


def expected(rows: list[Row], filters: PageFilter, sort: str, descending: bool | None) -> list[Row]:
    if descending is None:
        descending = sort not in ("title", "url")
    kept = [
        row
        for row in rows
        if (not filters.kind or row.kind == filters.kind)
        and (not filters.status or row.status == filters.status)
        and (not filters.language or (row.language or "").translate(ASCII_LOWER) == filters.language.lower())
        and (filters.changed is None or (row.last_change is not None) == filters.changed)
    ]
    key = {
        "title": lambda row: row.title.translate(ASCII_LOWER) if row.title is not None else None,
        "first_seen": lambda row: row.first_seen,
        "last_change": lambda row: row.last_change,
        "versions": lambda row: row.versions,
        "url": lambda row: row.url,
    }[sort]
    kept.sort(key=lambda row: row.url)
    with_key = sorted((row for row in kept if key(row) is not None), key=key, reverse=descending)
    return with_key + [row for row in kept if key(row) is None]


@pytest.fixture(scope="module", params=["as generated", "changes at midnight"])
def archive(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("list") / "archive.sqlite"
    generate(path, pages=PAGES, versions=PAGES * 2, runs=8, seed=3)
    if request.param == "changes at midnight":
        with sqlite3.connect(path) as db:
            db.execute("UPDATE events SET at = substr(at, 1, 10) || ' 00:00:00.000000'")
    return path


def test_the_generated_archive_is_an_archive_at_head(archive):
    assert cess("db", "check", "--db", str(archive)).exit_code == 0
    with sqlite3.connect(archive) as db:
        kinds = {kind for (kind,) in db.execute("SELECT DISTINCT kind FROM events")}
        assert kinds == {"new", "edited", "retitled", "moved", "removed", "restored", "extractor-change"}
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT count(*) FROM versions").fetchone() == (PAGES * 2,)
        gaps = "SELECT page_id FROM versions GROUP BY page_id HAVING max(number) != count(*) OR min(number) != 1"
        assert db.execute(gaps).fetchall() == []
        moved = db.execute(
            "SELECT count(*) FROM events e JOIN page_aliases a ON a.url = json_extract(e.details, '$.from_url') "
            "AND a.page_id = e.page_id WHERE e.kind = 'moved'"
        ).fetchone()[0]
        assert moved == db.execute("SELECT count(*) FROM events WHERE kind = 'moved'").fetchone()[0] > 0


WAYS = {  # (FEW, NEWEST_FIRST_WALK): how the page of results is found, whatever the numbers
    "as configured": (listing.FEW, listing.NEWEST_FIRST_WALK),
    "newest changes first": (0, 10**9),
    "each page looked at": (10**9, 10**9),
    "every last change at once": (0, 0),
}


@pytest.mark.parametrize("way", WAYS)
def test_page_list_is_the_model(archive, way, monkeypatch):
    monkeypatch.setattr(listing, "FEW", WAYS[way][0])
    monkeypatch.setattr(listing, "NEWEST_FIRST_WALK", WAYS[way][1])
    rows = model(archive)
    by_id = {row.id: row for row in rows}
    changed = sum(row.last_change is not None for row in rows)
    rng = random.Random(5)
    engine = make_engine(f"sqlite:///{archive}", read_only=True)
    combinations = [(PageFilter(), sort, None, 50, offset) for sort in SORTS for offset in (0, 40, 1990, PAGES - 30)]
    for filters in (PageFilter(), PageFilter(status="live"), PageFilter(changed=True), PageFilter(changed=False)):
        for offset in (changed - 20, changed - 1, changed, changed + 30):  # where the changed pages end
            combinations += [(filters, "last_change", None, 50, offset), (filters, "last_change", True, 7, offset)]
    for _ in range(60):
        filters = PageFilter(
            kind=rng.choice([None, "article", "page"]),
            language=rng.choice([None, "FR", "en", "xx"]),
            status=rng.choice([None, "live", "removed"]),
            changed=rng.choice([None, True, False]),
        )
        limit, offset = rng.choice([1, 7, 50, 500]), rng.choice([0, 3, 45, 499, 2100, PAGES - 5, PAGES + 10])
        combinations.append((filters, rng.choice(SORTS), rng.choice([None, True, False]), limit, offset))
    try:
        with make_sessionmaker(engine)() as session:
            for filters, sort, descending, limit, offset in combinations:
                found = page_list(session, filters, sort=sort, descending=descending, limit=limit, offset=offset)
                wanted = expected(rows, filters, sort, descending)
                context = (filters, sort, descending, limit, offset)
                assert found.total == len(wanted), context
                assert [page.id for page in found.pages] == [row.id for row in wanted[offset : offset + limit]], context
                for page in found.pages:
                    row = by_id[page.id]
                    assert (page.url, page.title, page.language, page.versions) == (
                        row.url,
                        row.title,
                        row.language,
                        row.versions,
                    ), context
                    stored = datetime.fromisoformat(row.last_change).replace(tzinfo=UTC) if row.last_change else None
                    assert page.last_change == stored, context
    finally:
        engine.dispose()


def test_summary_is_the_model(archive):
    rows = model(archive)
    engine = make_engine(f"sqlite:///{archive}", read_only=True)
    try:
        with make_sessionmaker(engine)() as session:
            counted = summary(session)
    finally:
        engine.dispose()
    languages: dict[str, int] = {}
    for row in rows:
        languages[row.language or "?"] = languages.get(row.language or "?", 0) + 1
    assert counted.pages == len(rows) and counted.removed == sum(row.status == "removed" for row in rows)
    assert counted.languages == languages
    assert list(counted.languages.values()) == sorted(languages.values(), reverse=True)
    assert counted.kinds == {kind: sum(row.kind == kind for row in rows) for kind in sorted({r.kind for r in rows})}
    assert counted.first_seen == datetime.fromisoformat(min(row.first_seen for row in rows)).replace(tzinfo=UTC)
