"""Answers of the reading room: HTML pages from the Jinja2 templates (every value escaped), their JSON twins,
error pages, links that keep the base path, dates shown in UTC, and validators for immutable pages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from archive.content import iso_utc

from .i18n import negotiate, translator

PACKAGE_DIR = Path(__file__).parent
STATIC_DIR = PACKAGE_DIR / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

templates = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def readable_url(url: str | None) -> str:
    """A URL as people read it: percent-escapes of UTF-8 decoded (only for display; links keep the URL)."""
    if not url:
        return ""
    return unquote(url, errors="replace")


templates.filters["readable_url"] = readable_url


@contextmanager
def reading(request: Request) -> Iterator[Session]:
    """A session on the archive for one request (it only reads; each request sees one consistent state)."""
    with request.app.state.sessions() as session:
        yield session


def href(request: Request, path: str, **params: Any) -> str:
    """The link to ``path`` of the reading room with ``params`` (None values left out), under the base path;
    a language chosen with ``?lang=`` is kept."""
    query = {name: value for name, value in params.items() if value is not None and value != ""}
    lang = request.query_params.get("lang")
    if lang in ("en", "fr") and "lang" not in params:
        query["lang"] = lang
    root = request.scope.get("root_path", "")
    return root + path + (("?" + urlencode(query, doseq=True)) if query else "")


def when(value: datetime | None, language: str = "en") -> Markup:
    """A UTC instant for people: ``2026-03-01 14:03 UTC``, the ISO form in ``datetime`` and on hover."""
    if value is None:
        return Markup("—")
    iso = iso_utc(value)
    shown = value.strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(iso, shown)


def day(value: datetime | None) -> Markup:
    if value is None:
        return Markup("—")
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(iso_utc(value), value.strftime("%Y-%m-%d"))


def number(value: int | float | None, language: str = "en") -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\u202f") if language == "fr" else text


def page_context(request: Request) -> dict[str, Any]:
    language = negotiate(request)
    _ = translator(language)
    return {
        "request": request,
        "lang": language,
        "_": _,
        "href": lambda path, **params: href(request, path, **params),
        "static": lambda name: href(request, f"/static/{name}", lang=None),
        "when": when,
        "day": day,
        "number": lambda value: number(value, language),
        "other_language": "fr" if language == "en" else "en",
        "here_in": lambda language: _here_in(request, language),
    }


def _here_in(request: Request, language: str) -> str:
    query = dict(request.query_params)
    query["lang"] = language
    return (
        request.scope.get("root_path", "")
        + request.url.path[len(request.scope.get("root_path", "")) :]
        + "?"
        + urlencode(query)
    )


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    etag_of: str | None = None,
) -> Response:
    """The HTML page ``template`` with ``context``; ``etag_of``: what identifies an immutable page (its
    version ids), so that a proxy can keep it and a browser revalidate it with ``If-None-Match``."""
    full = {**page_context(request), **context}
    language = full["lang"]
    extra = dict(headers or {})
    extra.setdefault("content-language", language)
    extra.setdefault("vary", "Accept-Language")
    if etag_of is not None:
        etag = etag_for(f"{etag_of}:{language}:{request.url.query}")
        if matches_etag(request, etag):
            return Response(
                status_code=304, headers={"etag": etag, "cache-control": IMMUTABLE, "vary": "Accept-Language"}
            )
        extra.update({"etag": etag, "cache-control": IMMUTABLE})
    else:
        extra.setdefault("cache-control", REVALIDATE)
    html = templates.get_template(template).render(full)
    return Response(html, status_code=status, media_type="text/html; charset=utf-8", headers=extra)


def api(
    request: Request,
    data: Any,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    etag_of: str | None = None,
) -> Response:
    """The JSON twin of a page (UTF-8, not ASCII-escaped)."""
    extra = dict(headers or {})
    if etag_of is not None:
        etag = etag_for(f"{etag_of}:json:{request.url.query}")
        if matches_etag(request, etag):
            return Response(status_code=304, headers={"etag": etag, "cache-control": IMMUTABLE})
        extra.update({"etag": etag, "cache-control": IMMUTABLE})
    else:
        extra.setdefault("cache-control", REVALIDATE)
    body = json.dumps(data, ensure_ascii=False, indent=1, default=_json_default)
    return Response(body + "\n", status_code=status, media_type="application/json", headers=extra)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def etag_for(identity: str) -> str:
    """A strong ETag for an answer that ``identity`` (what it depends on) determines."""
    return '"' + hashlib.sha256(identity.encode()).hexdigest()[:32] + '"'


def matches_etag(request: Request, etag: str) -> bool:
    """The request's ``If-None-Match`` names ``etag`` (or ``*``): the client has the answer already (304)."""
    given = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in given.split(",")) or given.strip() == "*"


def is_api(request: Request) -> bool:
    root = request.scope.get("root_path", "")
    return request.url.path[len(root) :].startswith("/api/")


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    suggestions: tuple[str, ...] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error page (or, under ``/api/``, the JSON ``{"error", "status"}``) for ``status``."""
    if is_api(request):
        data: dict[str, Any] = {"error": message, "status": status}
        if suggestions:
            data["suggestions"] = list(suggestions)
        return api(request, data, status=status, headers=headers)
    return render(
        request,
        "error.html",
        {"status": status, "message": message, "suggestions": suggestions},
        status=status,
        headers=headers,
    )
