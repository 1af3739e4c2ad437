"""A real HTTP server for the local copy of the site, on 127.0.0.1, for tests.

``LocalSite`` runs a :class:`http.server.ThreadingHTTPServer` on a free port in a daemon thread::

    with LocalSite() as site:
        site.base_url            # "http://127.0.0.1:PORT", the canonical origin
        site.alias_url           # "http://localhost:PORT", the same pages (the www/no-www alias)
        site.state.edit_paragraph(SEED_000_SLUG, 2, "…")
        site.requests            # every request received, thread-safe

HTTP behaviour: ``text/html; charset=utf-8`` pages (XML for sitemaps, RSS for the feed), a Wix-like 404
page, a weak ``ETag`` and a ``Last-Modified`` that depend only on the page's content and the site build
(never on per-visit churn), ``304`` for a matching ``If-None-Match`` (or, without it, a satisfied
``If-Modified-Since``), gzip when the client accepts it, HTTP/1.1 keep-alive, injected faults
(``state.set_fault``).
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import traceback
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .model import UTC, encode_path
from .routes import HTML, Response, Router
from .state import Fault, SiteState
from .template import STABLE_VISIT, Origins, Visit

COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/json")


# --------------------------------------------------------------------------------------- request log


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it. ``path`` is exactly what the client sent (usually
    percent-encoded), without the query string; ``decoded_path`` is what the router matched."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int

    @property
    def decoded_path(self) -> str:
        return decode_path(self.path)

    @property
    def host(self) -> str:
        return self.headers.get("Host", "")


class RequestLog(Sequence):
    """A thread-safe, append-only list of :class:`RecordedRequest` (iteration reads a snapshot)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._items.append(request)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def __getitem__(self, index):
        return self.snapshot()[index]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def paths(self, *, decoded: bool = True) -> list[str]:
        return [r.decoded_path if decoded else r.path for r in self]


def decode_path(raw_path: str) -> str:
    """Percent-decoded (UTF-8) and NFC-normalised: raw and encoded forms of a slug meet here."""
    return unicodedata.normalize("NFC", unquote(raw_path, errors="replace"))


# ----------------------------------------------------------------------------------------- the site


class LocalSite:
    """The local copy of the site, served over HTTP on 127.0.0.1 (see the module docstring)."""

    def __init__(self, state: SiteState | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        """``port=0`` (the default) picks a free port when the server starts."""
        self.state = state or SiteState()
        self.host = host
        self._requested_port = port
        self.requests = RequestLog()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._versions: dict[str, tuple[str, datetime]] = {}
        self._etags: dict[tuple[str, int], str] = {}
        self._cache_lock = threading.Lock()
        self.port = 0
        self.router: Router | None = None

    # ---------------------------------------------------------------------------------- lifecycle

    def start(self) -> LocalSite:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self.host, self._requested_port), _Handler)
        server.site = self  # type: ignore[attr-defined]
        self._server, self.port = server, server.server_address[1]
        self.router = Router(self.state, Origins(self.base_url, self.alias_url))
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"LocalSite:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------ addresses

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def alias_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def origins(self) -> Origins:
        return Origins(self.base_url, self.alias_url)

    def url(self, path: str, *, alias: bool = False) -> str:
        """An ASCII URL for ``path`` (raw Unicode accepted, a ``?query`` kept), ready for any client."""
        path, mark, query = path.partition("?")
        return (self.alias_url if alias else self.base_url) + encode_path(path) + mark + query

    def post_url(self, slug: str, *, alias: bool = False) -> str:
        return self.url(self.state.post_path(slug), alias=alias)

    def clear_requests(self) -> None:
        self.requests.clear()

    # ------------------------------------------------------------------------------ cache validators

    def validators(self, path: str) -> tuple[str, datetime]:
        """(ETag, Last-Modified) of the current version of ``path``: computed on the page rendered
        without churn, so they move only with content or build. Call with ``state.lock`` held."""
        key = (path, self.state.revision)
        with self._cache_lock:
            if any(revision != key[1] for _, revision in self._etags):  # an older state: forget it
                self._etags.clear()
            etag = self._etags.get(key)
        if etag is None:
            stable = self.router.resolve(path, STABLE_VISIT)
            etag = 'W/"' + hashlib.sha1(stable.body).hexdigest() + '"'
            with self._cache_lock:
                self._etags[key] = etag
        return etag, self._last_modified(path, etag)

    def _last_modified(self, path: str, etag: str) -> datetime:
        """The time this version of the page appeared; strictly later than the previous version's
        (to the second), so ``If-Modified-Since`` never hides a change."""
        with self._cache_lock:
            known = self._versions.get(path)
            if known and known[0] == etag:
                return known[1]
            moment = self.state.last_change
            if known:
                moment = max(moment, known[1] + timedelta(seconds=1))
            self._versions[path] = (etag, moment)
            return moment


# -------------------------------------------------------------------------------------- the handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Pepyaka"
    sys_version = ""
    timeout = 30

    @property
    def site(self) -> LocalSite:
        return self.server.site  # type: ignore[attr-defined]

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _refuse(self) -> None:
        self.close_connection = True
        self._send(Response(405, b"Method Not Allowed", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"}))

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    # ------------------------------------------------------------------------------------- serving

    def _split_target(self) -> tuple[str, str]:
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form request target
            parts = urlsplit(target)
            return parts.path or "/", parts.query
        raw_path, _, query = target.partition("?")
        return raw_path, query

    def _serve(self, *, send_body: bool) -> None:
        raw_path, _ = self._split_target()
        path = decode_path(raw_path)
        state = self.site.state
        fault = state.take_fault(path)
        if fault and fault.delay:
            threading.Event().wait(fault.delay)
        if fault and fault.status is not None:
            self._send(self._fault_response(fault), send_body)
            return
        try:
            response = self._respond(path)
        except Exception:  # noqa: BLE001 - a bug in the copy: say so loudly, answer 500
            traceback.print_exc(file=sys.stderr)
            response = Response(500, b"Internal Server Error", "text/plain; charset=utf-8")
        self._send(response, send_body)

    def _respond(self, path: str) -> Response:
        state = self.site.state
        with state.lock:
            visit = Visit(state.next_visit(path), state.now(), uuid.uuid4().hex)
            response = self.site.router.resolve(path, visit)
            if response.status != 200 or not response.cacheable:
                return response
            etag, modified = self.site.validators(path)
        response.headers.update(
            {
                "ETag": etag,
                "Last-Modified": format_datetime(modified, usegmt=True),
                "Cache-Control": "private, max-age=0, must-revalidate",
            }
        )
        if self._not_modified(etag, modified):
            return Response(304, b"", response.content_type, response.headers)
        return response

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag.removeprefix("W/") in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            return modified <= since
        return False

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        body = (
            f"<!DOCTYPE html><html><head><title>{fault.status}</title></head>"
            f"<body><h1>{fault.status}</h1><p>Temporary failure</p></body></html>"
        )
        return Response(fault.status, body.encode("utf-8"), HTML, dict(fault.headers))

    def _accepts_gzip(self) -> bool:
        for token in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = token.strip().partition(";")
            if name.strip().lower() in ("gzip", "x-gzip") and params.replace(" ", "") not in ("q=0", "q=0.0"):
                return True
        return False

    def _send(self, response: Response, send_body: bool = True) -> None:
        body, headers = response.body, dict(response.headers)
        if response.status == 200 and response.cacheable:
            headers["Vary"] = "Accept-Encoding"
        if body and self._accepts_gzip() and response.content_type.startswith(COMPRESSIBLE):
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self._record(response.status)  # before answering: a client that got the answer sees the record
        try:
            self.send_response(response.status)
            if response.status != 304:
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Wix-Request-Id", uuid.uuid4().hex)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body and response.status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _record(self, status: int) -> None:
        raw_path, query = self._split_target()
        self.site.requests.append(RecordedRequest(self.command, raw_path, query, dict(self.headers.items()), status))
