"""``/downloads``: the dataset exports, in every format ``exports`` writes, of the latest or of every
version, with the filters of ``cess-archive export`` (language, kind, source, since, since a run, as of,
removed pages, untranslated copies); JSON at ``/api/downloads``; the files at ``/downloads/export``.

A file is streamed as the export writes it, never built in memory or on disk: the export runs in a thread
of its own on a session of its own (one read snapshot, like the command), writing into a bounded queue that
the response drains, so memory stays flat whatever the archive's size and the first bytes leave at once.
When the client goes away the export stops; when the export fails midway the response is cut short (the
client sees an incomplete transfer, never a file that looks complete). At most ``MAX_DOWNLOADS`` run at
once; more are told to come back (503).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from archive.content import iso_utc
from archive.reading import NotFound, Selection, count_records, get_run, source_names
from archive.reading.listing import summary
from exports import FORMATS, export

from .. import params
from ..params import BadParameter
from ..rendering import api, href, reading, render

logger = logging.getLogger(__name__)

MAX_DOWNLOADS = 4
CHUNK = 64 * 1024  # bytes handed to the response at a time
QUEUED_CHUNKS = 8  # at most this many chunks wait for the client: the memory a download holds
WAIT = 0.5  # seconds between checks that the client is still there while the queue is full
STALLED = 300.0  # seconds without the client taking anything: the download is abandoned
MAX_VALUES = 20  # values of one repeated filter
KINDS = ("article", "page")
VERSIONS = ("latest", "all")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    description: str


#: What the browser is told of each format of ``exports.FORMATS`` (a format added there shows up as a file).
KNOWN_FORMATS = {
    "jsonl": Format("jsonl", "application/jsonl", ".jsonl", "JSON Lines: one record a line"),
    "json": Format("json", "application/json", ".json", "JSON: one array of records"),
    "csv": Format("csv", "text/csv; charset=utf-8; header=present", ".csv", "CSV (RFC 4180), a header line"),
    "parquet": Format("parquet", "application/vnd.apache.parquet", ".parquet", "Parquet: typed columns"),
    "warc": Format("warc", "application/warc", ".warc.gz", "WARC: the raw captures, with each version's record"),
}


def formats() -> list[Format]:
    return [KNOWN_FORMATS.get(name) or Format(name, "application/octet-stream", f".{name}", name) for name in FORMATS]


class Slots:
    """The places for downloads running at once in this process, and how many are taken."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.running = 0

    def acquire(self, blocking: bool = True) -> bool:
        if not self._free.acquire(blocking=blocking):
            return False
        with self._lock:
            self.running += 1
        return True

    def release(self) -> None:
        with self._lock:
            self.running -= 1
        self._free.release()


_slots = Slots(MAX_DOWNLOADS)


# ------------------------------------------------------------------------------------------- filters


def _values(request: Request, name: str) -> list[str]:
    values = [value.strip() for value in request.query_params.getlist(name) if value.strip()]
    if len(values) > MAX_VALUES:
        raise BadParameter(f"{name}: at most {MAX_VALUES} values")
    for value in values:
        if len(value) > params.MAX_VALUE or "\x00" in value:
            raise BadParameter(f"{name}: a value too long or with a NUL character")
    return list(dict.fromkeys(values))


def _not_future(name: str, value: datetime | None) -> datetime | None:
    if value is not None and value > datetime.now(UTC):
        raise BadParameter(f"{name}: {iso_utc(value)} is in the future")
    return value


def selection_of(request: Request) -> Selection:
    """The selection the query asks for, checked as ``cess-archive export`` checks its options."""
    languages = [value.lower().replace("_", "-") for value in _values(request, "language")]
    for language in languages:
        if not _LANGUAGE.match(language):
            raise BadParameter(f"language: expected a language code such as fr, en or zh-cn, got {language[:20]!r}")
    kinds = _values(request, "kind")
    for kind in kinds:
        if kind not in KINDS:
            raise BadParameter(f"kind: expected one of {', '.join(KINDS)}, got {kind[:20]!r}")
    since = _not_future("since", params.instant(request, "since"))
    as_of = _not_future("as_of", params.instant(request, "as_of"))
    since_run = params.integer(request, "since_run", minimum=1)
    if since is not None and since_run is not None:
        raise BadParameter("since, since_run: give one or the other")
    if since is not None and as_of is not None and since >= as_of:
        raise BadParameter("since: must be before as_of")
    return Selection(
        all_versions=params.choice(request, "versions", VERSIONS, default="latest") == "all",
        as_of=as_of,
        since=since,
        since_run=since_run,
        sources=tuple(_values(request, "source")),
        kinds=tuple(kinds),
        languages=tuple(dict.fromkeys(languages)),
        include_removed=params.flag(request, "include_removed"),
        include_duplicates=params.flag(request, "include_duplicates"),
    )


def check_in_archive(session, selection: Selection) -> None:
    """The sources and the run named exist (a typo is a 400 naming what there is, not an empty file)."""
    known = source_names(session)
    for source in selection.sources:
        if source not in known:
            raise BadParameter(f"source: unknown source {source[:40]!r}; the archive has {', '.join(sorted(known))}")
    if selection.since_run is not None:
        try:
            get_run(session, selection.since_run)
        except NotFound as exc:
            raise BadParameter(f"since_run: {exc}") from None


def query_of(selection: Selection) -> dict:
    """The query parameters that ask for ``selection`` (for links)."""
    return {
        "versions": "all" if selection.all_versions else None,
        "language": list(selection.languages) or None,
        "kind": list(selection.kinds) or None,
        "source": list(selection.sources) or None,
        "since": selection.since.isoformat().replace("+00:00", "Z") if selection.since else None,
        "since_run": selection.since_run,
        "as_of": selection.as_of.isoformat().replace("+00:00", "Z") if selection.as_of else None,
        "include_removed": 1 if selection.include_removed else None,
        "include_duplicates": 1 if selection.include_duplicates else None,
    }


# ------------------------------------------------------------------------------------------- pages


def _overview(request: Request) -> dict:
    selection = selection_of(request)
    with reading(request) as session:
        check_in_archive(session, selection)
        counts = summary(session)
        sources = sorted(source_names(session))
        records = count_records(session, selection)
    query = query_of(selection)
    return {
        "selection": selection,
        "query": query,
        "records": records,
        "formats": formats(),
        "languages": sorted(language for language in counts.languages if language != "?"),
        "kinds": [kind for kind in KINDS if kind in counts.kinds] or list(KINDS),
        "sources": sources,
        "links": {
            fmt.name: {
                versions: href(request, "/downloads/export", format=fmt.name, **{**query, "versions": versions})
                for versions in VERSIONS
            }
            for fmt in formats()
        },
    }


def downloads(request: Request) -> Response:
    return render(request, "downloads.html", _overview(request))


def downloads_api(request: Request) -> Response:
    overview = _overview(request)
    selection: Selection = overview["selection"]
    chosen = "all" if selection.all_versions else "latest"
    return api(
        request,
        {
            "selection": selection.describe(),
            "records": overview["records"],
            "running": _slots.running,  # downloads being sent by this server process now
            "limit": MAX_DOWNLOADS,
            "formats": [
                {
                    "format": fmt.name,
                    "media_type": fmt.media_type,
                    "extension": fmt.extension,
                    "description": fmt.description,
                    "href": overview["links"][fmt.name][chosen],
                }
                for fmt in overview["formats"]
            ],
        },
    )


# ------------------------------------------------------------------------------------------- files


class _Stopped(Exception):
    """The client went away: the export stops."""


class QueueOutput:
    """A binary file the export writes to: its bytes go to ``chunks`` in pieces of ``CHUNK``, waiting
    while the queue is full (the client reads slower than the export writes) until ``stopped``, or until
    the client has taken nothing for ``STALLED`` seconds."""

    name = "<download>"

    def __init__(self, chunks: queue.Queue, stopped: threading.Event) -> None:
        self.chunks = chunks
        self.stopped = stopped
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.pending += data
        while len(self.pending) >= CHUNK:
            self.send(bytes(self.pending[:CHUNK]))
            del self.pending[:CHUNK]
        return len(data)

    def flush(self) -> None:
        """Writers flush often (WARC: after every record); the bytes leave by whole chunks all the same."""

    def close(self) -> None:
        if self.pending:
            self.send(bytes(self.pending))
            self.pending.clear()

    def send(self, item: object) -> None:
        """Hands ``item`` (bytes, the end, or the export's failure) to the response, waiting for room."""
        waited = 0.0
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=WAIT)
                return
            except queue.Full:
                waited += WAIT
                if waited >= STALLED:  # the client reads nothing (or the response never started)
                    break
        raise _Stopped


_END = object()


def _export_thread(
    sessions: Callable, fmt: str, selection: Selection, chunks: queue.Queue, stopped: threading.Event
) -> None:
    out = QueueOutput(chunks, stopped)
    try:
        with sessions() as session:
            export(session, fmt, selection=selection, stream=out)  # type: ignore[arg-type]  # a binary file
        out.close()
        out.send(_END)
    except _Stopped:
        pass
    except BaseException as exc:  # the response is cut short; the server log says why
        logger.exception("download of %s (%s) failed", fmt, selection.describe())
        with contextlib.suppress(_Stopped):
            out.send(exc)
    finally:
        _slots.release()


async def _chunks(chunks: queue.Queue) -> AsyncIterator[bytes]:
    limiter = anyio.CapacityLimiter(1)  # waiting for the export takes no thread from the shared pool
    while True:
        item = await anyio.to_thread.run_sync(chunks.get, abandon_on_cancel=True, limiter=limiter)
        if item is _END:
            return
        if isinstance(item, BaseException):
            raise RuntimeError("the export failed while it was being sent") from item
        yield item


class ExportResponse(StreamingResponse):
    """The export's bytes as the export writes them; however the response ends (sent, failed, the client
    gone while a chunk was being sent), the export is told to stop and its queue emptied, so that a writer
    waiting for room sees it."""

    def __init__(self, chunks: queue.Queue, stopped: threading.Event, *, media_type: str, headers: dict) -> None:
        super().__init__(_chunks(chunks), media_type=media_type, headers=headers)
        self.chunks = chunks
        self.stopped = stopped

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.stopped.set()
            with contextlib.suppress(queue.Empty):
                while True:
                    self.chunks.get_nowait()
            # A thread still waiting for the next chunk of a response that ended (the client went away) wakes
            # up and ends, instead of keeping the server from shutting down.
            with contextlib.suppress(queue.Full):
                self.chunks.put_nowait(_END)


def download(request: Request) -> Response:
    fmt = params.choice(request, "format", FORMATS)
    if fmt is None:
        raise BadParameter(f"format: this parameter is required (one of {', '.join(FORMATS)})")
    selection = selection_of(request)
    with reading(request) as session:
        check_in_archive(session, selection)
    info = next(f for f in formats() if f.name == fmt)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"cess-archive-{'all' if selection.all_versions else 'latest'}-{stamp}{info.extension}"
    headers = {"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}
    if request.method == "HEAD":
        return Response(media_type=info.media_type, headers=headers)
    if not _slots.acquire(blocking=False):
        return Response(
            f"503 Service Unavailable: {MAX_DOWNLOADS} downloads are running; try again in a minute\n",
            status_code=503,
            media_type="text/plain; charset=utf-8",
            headers={"retry-after": "60"},
        )
    chunks: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
    stopped = threading.Event()
    worker = threading.Thread(
        target=_export_thread,
        args=(request.app.state.sessions, fmt, selection, chunks, stopped),
        name=f"download-{fmt}",
        daemon=True,
    )
    try:
        worker.start()
    except BaseException:
        _slots.release()
        raise
    return ExportResponse(chunks, stopped, media_type=info.media_type, headers=headers)


routes = [
    Route("/downloads", downloads, name="downloads"),
    Route("/api/downloads", downloads_api, name="downloads_api"),
    Route("/downloads/export", download, name="download"),
]
