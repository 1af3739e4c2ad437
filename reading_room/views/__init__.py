"""The routes of the reading room, one module per part: each HTML page and its JSON twin under ``/api/``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import changes, diff, downloads, home, memento, page, pages, raw, runs, version

ROUTES: list[BaseRoute] = [
    *home.routes,
    *pages.routes,
    *page.routes,
    *version.routes,
    *diff.routes,
    *changes.routes,
    *runs.routes,
    *raw.routes,
    *downloads.routes,
    *memento.routes,
]
