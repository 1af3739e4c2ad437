"""The ASGI application: its routes, the archive it reads, its error pages and the headers of every answer."""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from archive import make_sessionmaker
from archive.reading import NotFound

from .guard import Guard
from .params import BadParameter
from .rendering import STATIC_DIR, error_response
from .views import ROUTES

logger = logging.getLogger(__name__)

BASE_PATH_ENV_VAR = "CESS_ARCHIVE_BASE_PATH"


def create_app(engine: Engine, *, base_path: str = "") -> Guard:
    """The reading room on the archive behind ``engine`` (opened read-only by the caller), answering under
    ``base_path`` (``""``, or a path such as ``/archive`` that a reverse proxy passes on unchanged)."""
    base_path = normalize_base_path(base_path)
    routes: list[BaseRoute] = [*ROUTES, Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static")]
    if base_path:
        routes = [Mount(base_path, routes=routes)]
    app = Starlette(
        routes=routes,
        exception_handlers={
            BadParameter: _bad_parameter,
            NotFound: _not_found,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.sessions = make_sessionmaker(engine)
    app.state.engine = engine
    app.state.base_path = base_path
    # Outside Starlette's own error middleware, so that error pages get the security headers too.
    return Guard(app)


def normalize_base_path(value: str) -> str:
    """``archive/`` → ``/archive``; ``/`` and ``""`` → ``""``."""
    value = (value or "").strip().strip("/")
    return f"/{value}" if value else ""


def _bad_parameter(request: Request, exc: Exception) -> Response:
    return error_response(request, 400, str(exc))


def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, str(exc), suggestions=getattr(exc, "suggestions", ()))


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(request, exc.status_code, exc.detail, headers=exc.headers)


def _server_error(request: Request, exc: Exception) -> Response:
    # Starlette raises the exception again once this page is sent: the server logs it with its traceback.
    return error_response(request, 500, "the reading room failed to answer this request")
