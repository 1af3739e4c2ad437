"""Shared by the reading room's tests: an in-process client on an archive, and the archive with hostile
content (``<script>`` in titles, text and raw HTML) that every page must escape."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from starlette.testclient import TestClient

from archive import make_engine
from reading_room import create_app

HOSTILE_TITLE = "<script>alert('title')</script> Défense & <b>sécurité</b>"
HOSTILE_TEXT = "Premier paragraphe <script>alert('text')</script> et <img src=x onerror=alert(1)>.\nSecond paragraphe."
HOSTILE_URL = "https://www.cess.example/post/note-<script>"
HOSTILE_RAW = (
    b"<html><head><title>x</title><script>alert('raw');fetch('http://127.0.0.1:9/leak')</script></head>"
    b"<body><h1>Note</h1><img src='http://127.0.0.1:9/pixel.png'></body></html>"
)


@contextmanager
def web_client(db_url: str, *, base_path: str = "", **headers: str) -> Iterator[TestClient]:
    """A client of the reading room on the archive at ``db_url``, opened read-only as ``serve`` opens it."""
    engine = make_engine(db_url, read_only=True)
    try:
        with TestClient(create_app(engine, base_path=base_path), headers=headers or None) as client:
            yield client
    finally:
        engine.dispose()


def build_hostile_archive(path: Path) -> str:
    """An archive whose one page has markup in its title, text, URL and raw body; two versions and a removal."""
    from tests.builders import HandMade

    made = HandMade(path)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    made.put(HOSTILE_URL, HOSTILE_TEXT, start, body=HOSTILE_RAW, title=HOSTILE_TITLE)
    made.put(
        HOSTILE_URL,
        HOSTILE_TEXT.replace("Second", "<script>alert('edit')</script> Deuxième"),
        start + timedelta(days=2),
        body=HOSTILE_RAW + b"<!-- v2 -->",
        title=HOSTILE_TITLE + " <i>v2</i>",
    )
    made.event(HOSTILE_URL, "removed", start + timedelta(days=3), http_status=410)
    made.close()
    return made.url
