"""``/raw?capture=ID``: a raw capture byte for byte as archived, for evidence; ``/raw/view?capture=ID``: its
evidence (URL, time, HTTP status and headers, SHA-256) with the page shown in a sandboxed frame; JSON at
``/api/raw``.

Archived pages carry their site's scripts, and some of their titles and texts hold markup. None of it may
run in the reading room's origin: the bytes are sent as ``text/plain`` by default (``as=source``); as a page
(``as=page``, what the frame shows) they come with ``Content-Security-Policy: sandbox`` (an opaque origin,
no scripts, no forms, no popups) and ``default-src 'none'`` (nothing is fetched: no image, script, font or
beacon leaves), and ``X-Content-Type-Options: nosniff`` on both.
"""

from __future__ import annotations

import base64
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.reading import CaptureEvidence, capture_body, get_capture

from .. import params
from ..rendering import IMMUTABLE, api, href, reading, render

RAW_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
VIEWS = ("source", "page")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _capture_id(request: Request) -> int:
    value = params.integer(request, "capture", required=True, minimum=1)
    assert value is not None  # required
    return value


def media_type(content_type: str | None) -> str:
    """The stored Content-Type's media type when it is a well-formed one, else ``application/octet-stream``."""
    main = (content_type or "").split(";", 1)[0].strip().lower()
    return main if _MEDIA_TYPE.match(main) else "application/octet-stream"


def charset(content_type: str | None) -> str | None:
    found = _CHARSET.search(content_type or "")
    return found.group(1).lower() if found else None


def _unchanged(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match", "")
    return given.strip() == "*" or etag in (tag.strip().removeprefix("W/") for tag in given.split(","))


def raw(request: Request) -> Response:
    """The bytes as stored: ``text/plain`` (``as=source``, the default) or, sandboxed, as the page they were
    (``as=page``). Immutable: the capture and its body (named by its SHA-256) never change."""
    capture_id = _capture_id(request)
    view = params.choice(request, "as", VIEWS, default="source")
    with reading(request) as session:
        evidence = get_capture(session, capture_id)
        body = capture_body(session, evidence)
    capture = evidence.capture
    assert capture.raw_sha256 is not None  # capture_body found the body
    etag = f'"{capture.raw_sha256}"'
    headers = {
        "etag": etag,
        "cache-control": IMMUTABLE,
        "content-security-policy": RAW_POLICY,
        "x-content-type-options": "nosniff",
        "cross-origin-resource-policy": "same-origin",
        "repr-digest": "sha-256=:" + base64.b64encode(bytes.fromhex(capture.raw_sha256)).decode() + ":",
        "content-disposition": f'inline; filename="capture-{capture.id}.raw"',
    }
    if _unchanged(request, etag):
        return Response(status_code=304, headers=headers)
    kind = media_type(capture.content_type) if view == "page" else "text/plain"
    encoding = charset(capture.content_type)
    if encoding and (kind.startswith("text/") or kind.endswith("+xml")):
        kind += f"; charset={encoding}"
    return Response(body, media_type=kind, headers=headers)


def _evidence(request: Request) -> CaptureEvidence:
    capture_id = _capture_id(request)
    with reading(request) as session:
        return get_capture(session, capture_id)


def raw_view(request: Request) -> Response:
    evidence = _evidence(request)
    return render(request, "raw.html", {"evidence": evidence, "capture": evidence.capture})


def raw_api(request: Request) -> Response:
    evidence = _evidence(request)
    data = evidence.as_dict()
    missing = evidence.body_missing
    data["raw"] = None if missing else href(request, "/raw", capture=evidence.capture.id, lang=None)
    data["raw_missing"] = missing
    return api(request, data)


routes = [
    Route("/raw", raw, name="raw"),
    Route("/raw/view", raw_view, name="raw_view"),
    Route("/api/raw", raw_api, name="raw_api"),
]
