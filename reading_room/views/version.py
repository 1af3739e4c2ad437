"""``/version?url=&version=N``: one version of a page (default: the latest), its cleaned text, metadata and
provenance, with links to its neighbours, its page's timeline and its raw capture; and its downloads:
``/api/version`` (the record ``export`` writes for it, as a file with ``download=1``) and ``/version/warc``
(the WARC of the capture it was extracted from, with its record)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.reading import (
    Memento,
    NotFound,
    PageInfo,
    VersionInfo,
    capture_row,
    get_capture,
    get_version,
    mementos,
    version_row,
)
from exports.exporter import software_name
from exports.records import json_record, record_from_row
from exports.warc import write_version_warc

from .. import params
from ..finding import find_page
from ..rendering import api, reading, render

MAX_FILENAME = 80
URI_SAFE = "/:?#[]@!$&'()*+,;=%~-._"


@dataclass(frozen=True)
class VersionView:
    """A version of a page with the page's other versions in time (``mementos``, oldest first)."""

    page: PageInfo
    version: VersionInfo
    mementos: tuple[Memento, ...]
    raw_missing: str | None  # why there is no raw body to show (None when there is one)

    @property
    def count(self) -> int:
        return len(self.mementos)

    @property
    def previous(self) -> int | None:
        return self.version.number - 1 if self.version.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.version.number + 1 if self.version.number < self.count else None

    @property
    def etag_of(self) -> str | None:
        """A past version (one with a next) never changes; the latest gets a next link one day."""
        return f"version:{self.version.id}:{self.version.number}/{self.count}" if self.next else None


def timestamp14(at: datetime) -> str:
    """The 14 digits that name the second of ``at`` (UTC) in a memento's URL: ``YYYYMMDDhhmmss``."""
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def link_uri(url: str) -> str:
    """``url`` as it can stand in a path or a ``Link`` header: spaces, quotes, ``<``, ``>`` and non-ASCII
    characters percent-encoded, existing escapes and the URL's own delimiters kept."""
    return quote(url, safe=URI_SAFE)


def web_path(request: Request, at: datetime, url: str) -> str:
    """The path of the memento of ``url`` dated ``at`` (the archived URL kept whole, query included)."""
    return f"{request.scope.get('root_path', '')}/web/{timestamp14(at)}/{link_uri(url)}"


def load_view(session: Session, url: str, number: int | None) -> VersionView:
    page = find_page(session, url)
    version = get_version(session, page, number)
    return VersionView(page, version, mementos(session, page), raw_missing(session, version))


def raw_missing(session: Session, version: VersionInfo) -> str | None:
    """Why version has no raw capture to show or download, or None when it has one."""
    if version.capture is None:
        return f"version {version.number} names no capture"
    return get_capture(session, version.capture.id).body_missing


def _wanted(request: Request) -> tuple[str, int | None]:
    url = params.text(request, "url", required=True)
    number = params.integer(request, "version", minimum=1)
    assert url is not None  # required
    return url, number


def version_page(request: Request) -> Response:
    url, number = _wanted(request)
    with reading(request) as session:
        view = load_view(session, url, number)
    return render(request, "version.html", version_context(request, view), etag_of=view.etag_of)


def version_context(request: Request, view: VersionView) -> dict:
    """What ``version.html`` shows of ``view`` (a memento adds ``memento``)."""
    return {
        "view": view,
        "page": view.page,
        "version": view.version,
        "paragraphs": [line for line in view.version.text.split("\n") if line.strip()],
        "permalink": web_path(request, view.version.first_seen, view.page.url),
        "memento": None,
    }


def file_stem(url: str, number: int) -> str:
    """``<last path segment>-v<number>`` in ASCII letters, digits, ``.``, ``_`` and ``-`` (a file name)."""
    segment = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or urlsplit(url).hostname or "page"
    ascii_name = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-")[:MAX_FILENAME] or "page"
    return f"{stem}-v{number}"


def _validator(data: object) -> str:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _unchanged(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match", "")
    return given.strip() == "*" or etag in (tag.strip().removeprefix("W/") for tag in given.split(","))


def version_api(request: Request) -> Response:
    """The version's record, field for field what ``export`` writes for it (the page's current URL and
    status, as in an export made now); revalidated by an ETag of the record itself."""
    url, number = _wanted(request)
    download = params.flag(request, "download")
    with reading(request) as session:
        page = find_page(session, url)
        version = get_version(session, page, number)
        row = version_row(session, version.id)
    assert row is not None  # the version was just read
    record = json_record(record_from_row(row))
    etag = _validator(record)
    if _unchanged(request, etag):
        return Response(status_code=304, headers={"etag": etag, "cache-control": "no-cache"})
    headers = {"etag": etag}
    if download:
        headers["content-disposition"] = f'attachment; filename="{file_stem(page.url, version.number)}.json"'
    return api(request, record, headers=headers)


def version_warc(request: Request) -> Response:
    """The WARC of the version: the capture it was extracted from (response and request) and its record.
    One page's capture: small enough to be written in memory."""
    url, number = _wanted(request)
    with reading(request) as session:
        page = find_page(session, url)
        version = get_version(session, page, number)
        missing = raw_missing(session, version)
        if missing is not None or version.capture is None:
            raise NotFound(f"no raw capture of version {version.number} of {page.url} to write: {missing}")
        record, fetched = version_row(session, version.id), capture_row(session, version.capture.id)
        assert record is not None and fetched is not None  # both were just read
        name = file_stem(page.url, version.number) + ".warc.gz"
        out = io.BytesIO()
        write_version_warc(session, record, fetched, out, filename=name, software=software_name())
    return Response(
        out.getvalue(),
        media_type="application/warc",
        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-cache"},
    )


routes = [
    Route("/version", version_page, name="version"),
    Route("/api/version", version_api, name="version_api"),
    Route("/version/warc", version_warc, name="version_warc"),
]
