"""``/runs`` and ``/runs/ID``: each crawl run, its status, counts, duration and errors with their URLs; JSON
at ``/api/runs`` and ``/api/runs/ID``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.reading import RunInfo, get_run
from archive.reading.listing import run_page

from .. import params
from ..params import BadParameter
from ..rendering import api, reading, render

PER_PAGE = 50


def _run_id(request: Request) -> int:
    text = request.path_params["run_id"]
    if not text.isdigit() or len(text) > 19:
        raise BadParameter(f"run: expected a run number, got {text[:40]!r}")
    return int(text)


def _runs(request: Request):
    offset = params.integer(request, "offset", default=0, maximum=10_000_000) or 0
    with reading(request) as session:
        return run_page(session, limit=PER_PAGE, offset=offset)


def runs(request: Request) -> Response:
    found = _runs(request)
    return render(request, "runs.html", {"found": found})


def runs_api(request: Request) -> Response:
    found = _runs(request)
    return api(
        request,
        {
            "total": found.total,
            "offset": found.offset,
            "runs": [run.as_dict(run.exit_status) for run in found.runs],
        },
    )


def _one(request: Request) -> RunInfo:
    with reading(request) as session:
        return get_run(session, _run_id(request))


def run(request: Request) -> Response:
    info = _one(request)
    return render(request, "run.html", {"run": info})


def run_api(request: Request) -> Response:
    info = _one(request)
    return api(request, info.as_dict(info.exit_status))


routes = [
    Route("/runs", runs, name="runs"),
    Route("/runs/{run_id}", run, name="run"),
    Route("/api/runs", runs_api, name="runs_api"),
    Route("/api/runs/{run_id}", run_api, name="run_api"),
]
