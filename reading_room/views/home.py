"""``/``: the archive at a glance (counts, the last runs, the latest changes); JSON at ``/api/summary``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.reading.listing import recent_changes, recent_runs, summary

from ..rendering import api, reading, render

RECENT_RUNS = 5
RECENT_CHANGES = 15


def _overview(request: Request):
    with reading(request) as session:
        return summary(session), recent_runs(session, RECENT_RUNS), recent_changes(session, RECENT_CHANGES)


def home(request: Request) -> Response:
    counts, runs, changes = _overview(request)
    return render(request, "home.html", {"summary": counts, "runs": runs, "changes": changes})


def home_api(request: Request) -> Response:
    counts, runs, changes = _overview(request)
    return api(
        request,
        {
            **counts.as_dict(),
            "recent_runs": [run.as_dict(run.exit_status) for run in runs],
            "recent_changes": [event.as_dict() for event in changes],
        },
    )


routes = [Route("/", home, name="home"), Route("/api/summary", home_api, name="home_api")]
