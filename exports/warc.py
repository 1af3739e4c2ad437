"""WARC export (ISO 28500:2017, WARC/1.1, one gzip member per record), written with warcio.

The file holds, in capture order:

- one ``warcinfo`` record describing the export;
- for every raw capture behind the selection (see ``archive.reading.captures``): a ``response``
  record with the HTTP status line, the stored response headers and the raw body, and its ``request``
  record (``WARC-Concurrent-To`` the response). A body already written earlier in the file is not written
  again: the capture becomes a ``revisit`` record (identical-payload-digest profile) that refers to the
  first one (``WARC-Refers-To``, ``-Target-URI``, ``-Date``);
- after the capture a version was extracted from, a ``metadata`` record (``application/json``) holding the
  exported record of that version (its cleaned text and fields, the JSON form of ``FIELDS``), with
  ``WARC-Refers-To`` naming the capture's response or revisit record.

Digests are SHA-256 in base 32: a response's ``WARC-Payload-Digest`` is the archive's ``raw_sha256`` of
the body, so a capture can be cited and checked by it. Record ids are UUIDs derived from the capture (or
the version), so exporting the same archive twice gives the same ids.

What the archive does not keep, the WARC does not invent: request records are rebuilt from the URL (method
and ``Host`` only), and bodies are stored decoded, so ``Content-Encoding``/``Transfer-Encoding`` are kept
as ``X-Archive-Orig-*`` headers and ``Content-Length`` is the stored body's length.
"""

from __future__ import annotations

import base64
import json
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from archive.raw import raw_body
from archive.reading import Selection, captured_records, captures, uncaptured_records

from .errors import IntegrityError
from .outputs import BinaryOutput
from .progress import Progress
from .records import SCHEMA_VERSION, json_record, record_from_row

STREAM_BATCH = 200
GZIP_LEVEL = 6
WARC_VERSION = "1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_ID_NAMESPACE = uuid.UUID("8b0f8a3e-52a4-4d0e-9d55-3c2b7f0c1a6e")
_NOT_END_TO_END = ("content-encoding", "transfer-encoding")


def warc_date(value: datetime) -> str:
    """WARC-Date: UTC, seconds, and the microseconds when there are any (WARC/1.1 allows them)."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def sha256_digest(hex_digest: str) -> str:
    """A SHA-256 hex digest as a WARC digest (``sha256:`` and base 32)."""
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


def _record_id(*parts) -> str:
    name = "\x1f".join(str(part) for part in parts)
    return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, name)}>"


def capture_record_id(
    capture_id: int, url: str, fetched_at: datetime, raw_sha256: str | None, role: str = "response"
) -> str:
    """The id of the record of a capture (``role``: ``response`` — also for a revisit — or ``request``)."""
    return _record_id("capture", role, capture_id, url, warc_date(fetched_at), raw_sha256 or "")


def version_record_id(url: str, version: int, content_sha256: str, first_seen: datetime) -> str:
    return _record_id("version", url, version, content_sha256, warc_date(first_seen))


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class GzipMembers:
    """A binary output where every record is its own gzip member (warcio flushes after each record)."""

    def __init__(self, out: BinaryOutput, level: int = GZIP_LEVEL) -> None:
        self.out = out
        self.level = level
        self._compressor: zlib._Compress | None = None

    def write(self, data: bytes) -> None:
        if self._compressor is None:
            self._compressor = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out.write(self._compressor.compress(data))

    def flush(self) -> None:
        if self._compressor is not None:
            self.out.write(self._compressor.flush())
            self._compressor = None
        self.out.flush()


def _writer_class():
    from warcio.utils import Digester
    from warcio.warcwriter import WARCWriter

    class Sha256WARCWriter(WARCWriter):
        """warcio's writer with SHA-256 block and payload digests."""

        @staticmethod
        def _create_digester():
            return Digester("sha256")

    return Sha256WARCWriter


def http_response_headers(status: int, headers: Mapping[str, str] | None, body_length: int):
    from warcio.statusandheaders import StatusAndHeaders

    out = []
    for name, value in (headers or {}).items():
        lower = name.lower()
        if lower in _NOT_END_TO_END:
            out.append((f"X-Archive-Orig-{name}", value))
        elif lower == "content-length":
            if value.strip() != str(body_length):
                out.append((f"X-Archive-Orig-{name}", value))
        else:
            out.append((name, value))
    out.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(f"{status} {_reason(status)}", out, protocol="HTTP/1.1")


def http_request_headers(url: str):
    from warcio.statusandheaders import StatusAndHeaders

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True)


@dataclass
class WarcStats:
    records: int = 0
    captures: int = 0
    responses: int = 0
    revisits: int = 0


class WarcRecords:
    """The records of one WARC file, written to ``handle`` in order: its ``warcinfo`` record first (saying
    what the file holds: ``selection``, ``total_records``), then :meth:`capture` and :meth:`metadata` as the
    rows come (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        handle: BinaryOutput,
        *,
        filename: str,
        software: str,
        selection: str,
        total_records: int,
    ) -> None:
        self.session = session
        self.writer = _writer_class()(GzipMembers(handle), gzip=False, warc_version=WARC_VERSION)
        self.stats = WarcStats()
        info = self.writer.create_warcinfo_record(
            filename,
            {
                "software": software,
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "isPartOf": "cess-archive",
                "description": (
                    "Raw captures of the archived pages (response/revisit with their request) and, in "
                    "metadata records (application/json), the record of each version extracted from "
                    "them, linked by WARC-Refers-To."
                ),
                "selection": selection,
                "records": str(total_records),  # as text: warcio leaves out falsy values, and 0 is a count
                "schema-version": SCHEMA_VERSION,
                "note": (
                    "Request records are rebuilt from the URL: the original request headers were not kept. "
                    "Bodies are stored decoded: Content-Encoding and Transfer-Encoding appear as "
                    "X-Archive-Orig-* headers."
                ),
            },
        )
        self.writer.write_record(info)
        self.warcinfo_id = info.rec_headers.get_header("WARC-Record-ID")

    def capture(self, row: Mapping) -> None:
        """A capture (a row of ``archive.reading.captures``): its response, or a revisit of the first
        capture of the same body, and its request."""
        writer, stats = self.writer, self.stats
        url, fetched_at, sha = row["capture_url"], row["fetched_at"], row["raw_sha256"]
        response_id = capture_record_id(row["capture_id"], url, fetched_at, sha)
        request_id = capture_record_id(row["capture_id"], url, fetched_at, sha, "request")
        date = warc_date(fetched_at)
        common = {"WARC-Date": date, "WARC-Warcinfo-ID": self.warcinfo_id}
        revisit = sha is not None and row["original_id"] != row["capture_id"]
        if revisit:
            size = row["raw_size"] or 0
            original_id = capture_record_id(row["original_id"], row["original_url"], row["original_fetched_at"], sha)
            record = writer.create_revisit_record(
                url,
                sha256_digest(sha),
                row["original_url"],
                warc_date(row["original_fetched_at"]),
                http_headers=http_response_headers(row["http_status"], row["headers"], size),
                warc_headers_dict={"WARC-Record-ID": response_id, **common, "WARC-Refers-To": original_id},
            )
            stats.revisits += 1
        else:
            body = raw_body(self.session, sha) if sha is not None else b""
            if body is None:
                raise IntegrityError(
                    f"the raw body {sha} of capture {row['capture_id']} is missing: the archive is damaged"
                )
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http_response_headers(row["http_status"], row["headers"], len(body)),
                warc_headers_dict={"WARC-Record-ID": response_id, **common},
            )
            if sha is not None and record.rec_headers.get_header("WARC-Payload-Digest") != sha256_digest(sha):
                raise IntegrityError(
                    f"the raw body {sha} of capture {row['capture_id']} does not match its "
                    f"SHA-256: the archive is damaged"
                )
            stats.responses += 1
        request = writer.create_warc_record(
            url,
            "request",
            http_headers=http_request_headers(url),
            warc_headers_dict={"WARC-Record-ID": request_id, **common},
        )
        writer.write_request_response_pair(request, record)
        stats.captures += 1

    def metadata(self, row: Mapping) -> None:
        """The record of a version (a row of ``archive.reading.records``), referring to its capture's record
        when the row names one (``capture_id``, ``capture_url``, ``capture_fetched_at``, ``capture_raw_sha256``)."""
        writer = self.writer
        record = json_record(record_from_row(row))
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "WARC-Record-ID": version_record_id(
                record["url"], record["version"], record["content_sha256"], row["first_seen"]
            ),
            "WARC-Date": warc_date(row["first_seen"]),
            "WARC-Warcinfo-ID": self.warcinfo_id,
        }
        if row.get("capture_id") is not None:
            capture_url, fetched_at = row["capture_url"], row["capture_fetched_at"]
            headers.update(
                {
                    "WARC-Refers-To": capture_record_id(
                        row["capture_id"], capture_url, fetched_at, row["capture_raw_sha256"]
                    ),
                    "WARC-Refers-To-Target-URI": capture_url,
                    "WARC-Refers-To-Date": warc_date(fetched_at),
                }
            )
        writer.write_record(
            writer.create_warc_record(
                record["url"],
                "metadata",
                payload=BytesIO(body),
                length=len(body),
                warc_content_type="application/json",
                warc_headers_dict=headers,
            )
        )
        self.stats.records += 1


def write_warc(
    session: Session,
    selection: Selection,
    handle: BinaryOutput,
    *,
    filename: str,
    software: str,
    total_records: int,
    progress: Progress | None = None,
) -> WarcStats:
    """Writes the selection's captures and records to ``handle`` (see the module docstring)."""
    out = WarcRecords(
        session,
        handle,
        filename=filename,
        software=software,
        selection=selection.describe(),
        total_records=total_records,
    )
    # Two streams in the same order (capture time, capture id): each version's metadata record follows
    # the capture it was extracted from.
    records = captured_records(session, selection, STREAM_BATCH)
    pending = next(records, None)
    for row in captures(session, selection, STREAM_BATCH):
        out.capture(row)
        if progress is not None:
            progress.advance()
        while pending is not None and pending["capture_id"] == row["capture_id"]:
            out.metadata(pending)
            pending = next(records, None)
    while pending is not None:  # not expected: every selected version's capture is in the captures
        out.metadata(pending)
        pending = next(records, None)
    for row in uncaptured_records(session, selection, STREAM_BATCH):
        out.metadata(row)
    return out.stats


def write_version_warc(
    session: Session, record: Mapping, capture: Mapping, handle: BinaryOutput, *, filename: str, software: str
) -> WarcStats:
    """The WARC of one version: its warcinfo, the capture it was extracted from (a ``response``, its body
    written whole, and its ``request``), and its record (``metadata``). ``record``: a row of
    ``archive.reading.version_row``; ``capture``: one of ``archive.reading.capture_row``."""
    out = WarcRecords(
        session,
        handle,
        filename=filename,
        software=software,
        selection=f"version {record['version']} of {record['url']}",
        total_records=1,
    )
    out.capture(capture)
    out.metadata(record)
    return out.stats
