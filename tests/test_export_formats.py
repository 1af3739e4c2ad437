"""Exports in every format from real archives, through the real command line.

- The local copy of the site, crawled through four states (several versions, a page removed then restored,
  a page removed for good, a retitled post, an untranslated copy): every format, the JSON Schema, pandas
  round trips, ``warcio check``/``warcio index``, and the exact selections of ``--as-of`` and ``--since``.
- Small hand-made archives for what the site cannot show (identical raw bodies, moves).
- A large generated archive (plain SQL inserts) for flat memory, killed exports and a writer running at
  the same time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pty
import random
import select
import signal
import sqlite3
import struct
import subprocess
import termios
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import CLI, cess, crawl
from tests.site import content as site_content

UTC = UTC
WARCIO = str(Path(CLI).with_name("warcio"))
EVERYTHING = ("--all-versions", "--include-removed", "--include-duplicates")


# --------------------------------------------------------------------------------------------- helpers


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def export_file(db_url: str, out: Path, fmt: str, *args: str) -> Path:
    result = cess("export", "--format", fmt, "--output", str(out), "--db", db_url, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("exported ") and "sha256" in result.stdout, result.stdout
    return out


def export_jsonl(db_url: str, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / f"sel-{len(list(tmp_path.glob('sel-*')))}.jsonl"
    return read_jsonl(export_file(db_url, out, "jsonl", *args))


def keys(records: list[dict]) -> list[tuple[str, int, str]]:
    return [(path_of(r["url"]), r["version"], r["status"]) for r in records]


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_validator():
    from jsonschema import Draft202012Validator

    from exports.schema import json_schema

    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def warc_index(path: Path) -> list[dict]:
    fields = "warc-type,warc-target-uri,warc-date,warc-record-id,warc-refers-to,warc-payload-digest,http:status"
    proc = subprocess.run([WARCIO, "index", "-f", fields, str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True, timeout=300)


def warc_metadata(path: Path) -> dict[str, dict]:
    """The JSON records of the metadata records, by WARC-Refers-To (or record id when there is none)."""
    from warcio.archiveiterator import ArchiveIterator

    found = {}
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "metadata":
                key = record.rec_headers.get_header("WARC-Refers-To") or record.rec_headers.get_header("WARC-Record-ID")
                found.setdefault(key, []).append(json.loads(record.content_stream().read()))
    return found


# pandas: each format loaded as its documentation says, must give the same frame.


def frame_from_jsonl(path: Path):
    import pandas as pd

    from exports.records import DATETIME_FIELDS
    from exports.schema import pandas_dtypes

    frame = pd.read_json(path, lines=True, dtype=pandas_dtypes())
    for column in DATETIME_FIELDS:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.as_unit("us")
    return frame


def frame_from_parquet(path: Path):
    import pandas as pd

    from exports.records import OBJECT_FIELDS

    frame = pd.read_parquet(path)
    for column in OBJECT_FIELDS:
        frame[column] = frame[column].map(json.loads)
    return frame


def frame_from_csv(path: Path):
    import pandas as pd

    from exports.records import DATETIME_FIELDS, OBJECT_FIELDS
    from exports.schema import pandas_dtypes

    frame = pd.read_csv(
        path,
        dtype=pandas_dtypes() | dict.fromkeys(OBJECT_FIELDS, "str"),
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    for column in DATETIME_FIELDS:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.as_unit("us")
    for column in OBJECT_FIELDS:
        frame[column] = frame[column].map(json.loads)
    return frame


# ------------------------------------------------------------------------------------ the local copy


@dataclass
class SiteArchive:
    db_url: str
    db_path: Path
    t1: datetime  # after run 1 (initial state)
    t2: datetime  # after run 2 (seed 000 edited, post X removed)
    t3: datetime  # after run 3 (seed 000 edited again, seed 001 retitled, X restored, Z removed)
    snapshots: dict  # exports made right after runs 1 and 2: (label, time) -> path
    seed0: str
    seed1: str
    removed_then_restored: str  # X
    removed: str  # Z
    copy: str  # the untranslated /de/ copy


def _plain_posts(site) -> list[str]:
    """Posts with no translation and no untranslated copy (deleting them touches nothing else)."""
    copied = {copy.target for copy in site.state.copies()}
    seeds = {post.slug for post in site_content.SEED_POSTS.values()}
    return [
        post.slug
        for post in site.state.live_posts()
        if post.slug not in copied and post.slug not in seeds and not site.state.translations(post)
    ]


@pytest.fixture(scope="module")
def site_archive(site, tmp_path_factory) -> SiteArchive:
    tmp = tmp_path_factory.mktemp("site-archive")
    db_path = tmp / "archive.sqlite"
    db_url = f"sqlite:///{db_path}"
    site.state.reset()
    site.state.clear_faults()
    seed0 = site_content.SEED_POSTS["000"].slug
    seed1 = site_content.SEED_POSTS["001"].slug
    x, z = _plain_posts(site)[-2:]
    snapshots = {}

    def crawl_ok():
        result = crawl(site, db_url)
        assert result.exit_code == 0, result.output
        return datetime.now(UTC)

    def snapshot(label: str):
        snapshots[label, "latest"] = export_file(db_url, tmp / f"{label}-latest.jsonl", "jsonl")
        snapshots[label, "all"] = export_file(db_url, tmp / f"{label}-all.jsonl", "jsonl", *EVERYTHING)

    try:
        t1 = crawl_ok()
        snapshot("t1")
        site.state.edit_paragraph(seed0, 2, "Un paragraphe réécrit par la rédaction après publication.")
        site.state.delete_post(x)
        t2 = crawl_ok()
        snapshot("t2")
        site.state.edit_paragraph(seed0, 3, "Un second paragraphe corrigé, plus tard.")
        site.state.set_title(seed1, "Kazakhstan : un titre revu par la rédaction")
        site.state.restore_post(x)
        site.state.delete_post(z)
        t3 = crawl_ok()
    finally:
        site.state.reset()
        site.state.clear_faults()
    copy = next(c.path for c in site.state.copies() if c.kind == "post")
    return SiteArchive(
        db_url, db_path, t1, t2, t3, snapshots, f"/post/{seed0}", f"/post/{seed1}", f"/post/{x}", f"/post/{z}", copy
    )


def db_rows(archive: SiteArchive, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(archive.db_path) as connection:
        return connection.execute(sql, params).fetchall()


def test_scenario_has_versions_removals_and_a_copy(site_archive, tmp_path):
    records = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING)
    by_path = {}
    for record in records:
        by_path.setdefault(path_of(record["url"]), []).append(record)
    assert [r["version"] for r in by_path[site_archive.seed0]] == [1, 2, 3]
    assert [r["version"] for r in by_path[site_archive.seed1]] == [1, 2]
    assert by_path[site_archive.removed][-1]["status"] == "removed"  # needs removal detection (issue 4)
    assert by_path[site_archive.removed_then_restored][-1]["status"] == "live"
    assert by_path[site_archive.copy][-1]["duplicate_of"] is not None
    events = dict(db_rows(site_archive, "SELECT kind, count(*) FROM events GROUP BY kind"))
    assert events.get("removed") == 2 and events.get("restored") == 1


def test_default_selection_leaves_out_removed_pages_and_copies(site_archive, tmp_path):
    latest = export_jsonl(site_archive.db_url, tmp_path)
    paths = {path_of(r["url"]) for r in latest}
    assert site_archive.removed not in paths and site_archive.copy not in paths
    assert site_archive.removed_then_restored in paths
    assert all(r["status"] == "live" and r["duplicate_of"] is None for r in latest)
    with_removed = {path_of(r["url"]): r for r in export_jsonl(site_archive.db_url, tmp_path, "--include-removed")}
    assert with_removed[site_archive.removed]["status"] == "removed"
    assert set(with_removed) == paths | {site_archive.removed}
    with_copies = {path_of(r["url"]): r for r in export_jsonl(site_archive.db_url, tmp_path, "--include-duplicates")}
    assert set(with_copies) == paths | {site_archive.copy}
    assert path_of(with_copies[site_archive.copy]["duplicate_of"]) == site_archive.copy.removeprefix("/de")


def test_filters(site_archive, tmp_path):
    everything = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING)
    pages = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING, "--kind", "page")
    assert pages and pages == [r for r in everything if r["kind"] == "page"]
    english = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING, "--language", "en")
    assert english and english == [r for r in everything if r["language"] == "en"]
    both = export_jsonl(
        site_archive.db_url,
        tmp_path,
        *EVERYTHING,
        "--language",
        "en",
        "--language",
        "fr",
        "--kind",
        "article",
        "--kind",
        "page",
        "--source",
        "cess",
    )
    assert both == [r for r in everything if r["language"] in ("en", "fr")]
    upper = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING, "--language", "EN")
    assert upper == english  # languages are stored in lower case; the option takes any case
    out = tmp_path / "none.jsonl"
    result = cess(
        "export", "--format", "jsonl", "--output", str(out), "--db", site_archive.db_url, "--source", "no-such-source"
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "cess-archive: error: unknown source 'no-such-source' for --source: known sources "
        "are anne-genetet, cess, mediapart-valette\n"
    )
    assert not out.exists()


def test_every_format_holds_the_same_records(site_archive, tmp_path):
    """JSON, CSV and Parquet give, through pandas, the same values and types as JSONL."""
    import pandas as pd

    paths = {
        fmt: export_file(site_archive.db_url, tmp_path / f"all.{fmt}", fmt, *EVERYTHING)
        for fmt in ("jsonl", "json", "csv", "parquet")
    }
    records = read_jsonl(paths["jsonl"])
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == records
    jsonl = frame_from_jsonl(paths["jsonl"])
    parquet = frame_from_parquet(paths["parquet"])
    csv_frame = frame_from_csv(paths["csv"])
    assert len(jsonl) == len(records) > 30
    pd.testing.assert_frame_equal(parquet, jsonl, check_exact=True)
    pd.testing.assert_frame_equal(csv_frame, jsonl, check_exact=True)
    assert str(parquet["first_seen"].dtype) == "datetime64[us, UTC]"
    assert parquet["version"].dtype == "int64" and parquet["language_mismatch"].dtype == bool


def test_csv_is_rfc_4180(site_archive, tmp_path):
    import csv

    from exports import FIELD_NAMES
    from exports.records import FIELDS

    out = export_file(site_archive.db_url, tmp_path / "all.csv", "csv", *EVERYTHING)
    raw = out.read_bytes()
    raw.decode("utf-8")
    header, _, body = raw.partition(b"\r\n")
    assert header.decode() == ",".join(f'"{name}"' for name in FIELD_NAMES)
    assert body.endswith(b"\r\n")
    records = read_jsonl(export_file(site_archive.db_url, tmp_path / "all.jsonl", "jsonl", *EVERYTHING))
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(FIELD_NAMES) and len(rows) == len(records) + 1
    # every text field is quoted, numbers and booleans are bare, null is an empty bare field
    text_columns = {f.name for f in FIELDS if f.type in ("string", "datetime", "object")}
    for row, record in zip(rfc4180_rows(raw.decode("utf-8"))[1:], records, strict=True):
        for name, (value, quoted) in zip(FIELD_NAMES, row, strict=True):
            expected = record[name]
            if expected is None:
                assert (value, quoted) == ("", False), name
            elif name in text_columns:
                assert quoted, name
                assert (json.loads(value) if isinstance(expected, dict) else value) == expected
            else:
                assert not quoted and value == json.dumps(expected), name


def rfc4180_rows(text: str) -> list[list[tuple[str, bool]]]:
    """A strict RFC 4180 reader that also tells whether each field was quoted."""
    rows, row, i = [], [], 0
    while i < len(text):
        if text[i] == '"':
            value, i = [], i + 1
            while True:
                j = text.index('"', i)
                value.append(text[i:j])
                if text[j + 1 : j + 2] == '"':
                    value.append('"')
                    i = j + 2
                    continue
                i = j + 1
                break
            field = ("".join(value), True)
        else:
            j = i
            while j < len(text) and text[j] not in ",\r":
                j += 1
            field, i = (text[i:j], False), j
        row.append(field)
        if text[i : i + 1] == ",":
            i += 1
        else:
            assert text[i : i + 2] == "\r\n", f"bad line end at {i}: {text[i : i + 10]!r}"
            rows.append(row)
            row, i = [], i + 2
    return rows


def test_parquet_has_typed_columns(site_archive, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from exports import SCHEMA_VERSION

    out = export_file(site_archive.db_url, tmp_path / "all.parquet", "parquet", *EVERYTHING)
    schema = pq.read_schema(out)
    assert schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert schema.field("first_seen").type == pa.timestamp("us", tz="UTC")
    assert schema.field("version").type == pa.int64()
    assert schema.field("language_probability").type == pa.float64()
    assert schema.field("language_mismatch").type == pa.bool_()
    assert schema.field("text").type == pa.string() and not schema.field("text").nullable
    assert schema.metadata[b"cess_archive.schema_version"].decode() == SCHEMA_VERSION
    assert schema.field("url").metadata[b"description"]


def test_every_record_validates_against_the_json_schema(site_archive, tmp_path):
    validator = json_validator()
    bad = {
        **read_jsonl(export_file(site_archive.db_url, tmp_path / "a.jsonl", "jsonl"))[0],
        "first_seen": "2026-13-45T99:00:00Z",
    }
    assert list(validator.iter_errors(bad)), "the format checker does not check date-time"
    records = read_jsonl(export_file(site_archive.db_url, tmp_path / "all.jsonl", "jsonl", *EVERYTHING))
    for record in records:
        errors = [error.message for error in validator.iter_errors(record)]
        assert not errors, (record["url"], errors)


def test_warc_passes_check_and_holds_every_version_capture(site_archive, tmp_path):
    from exports.warc import sha256_digest, warc_date

    out = export_file(site_archive.db_url, tmp_path / "all.warc.gz", "warc", *EVERYTHING)
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    check = warcio_check(out)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "failed" not in check.stdout

    index = warc_index(out)
    assert index[0]["warc-type"] == "warcinfo"
    by_uri_date = {
        (e.get("warc-target-uri"), e.get("warc-date")): e for e in index if e["warc-type"] in ("response", "revisit")
    }
    versions = db_rows(
        site_archive,
        """
        SELECT p.url, v.number, c.url, c.fetched_at, c.raw_sha256
        FROM versions v JOIN pages p ON p.id = v.page_id JOIN captures c ON c.id = v.capture_id""",
    )
    captures = db_rows(site_archive, "SELECT count(*) FROM captures WHERE page_id IS NOT NULL")[0][0]
    assert len(by_uri_date) == captures  # every capture of this archive belongs to the full selection
    metadata = warc_metadata(out)
    records = {
        (r["url"], r["version"]): r
        for r in read_jsonl(export_file(site_archive.db_url, tmp_path / "all.jsonl", "jsonl", *EVERYTHING))
    }
    validator = json_validator()
    for page_url, number, capture_url, fetched_at, raw_sha in versions:
        date = warc_date(datetime.fromisoformat(fetched_at).replace(tzinfo=UTC))
        entry = by_uri_date.get((capture_url, date))
        assert entry is not None, f"capture of {page_url} v{number} not in the WARC index"
        if entry["warc-type"] == "response":
            assert entry["warc-payload-digest"] == sha256_digest(raw_sha)
        linked = metadata[entry["warc-record-id"]]
        assert records[page_url, number] in linked
        for record in linked:
            assert not list(validator.iter_errors(record))
    removal = [e for e in index if e.get("http:status") == "404"]
    assert {path_of(e["warc-target-uri"]) for e in removal} == {
        site_archive.removed,
        site_archive.removed_then_restored,
    }
    requests = [e for e in index if e["warc-type"] == "request"]
    assert len(requests) == captures


def test_as_of_reproduces_the_exports_made_then(site_archive, tmp_path):
    """An export ``--as-of T`` made later is the export that was made at T."""
    for label, at in (("t1", site_archive.t1), ("t2", site_archive.t2)):
        for kind, args in (("latest", ()), ("all", EVERYTHING)):
            then = read_jsonl(site_archive.snapshots[label, kind])
            now = export_jsonl(site_archive.db_url, tmp_path, "--as-of", iso(at), *args)
            assert now == then, (label, kind)


def test_as_of_selects_what_stood_then(site_archive, tmp_path):
    a = site_archive
    at_t2 = {path_of(r["url"]): r for r in export_jsonl(a.db_url, tmp_path, "--as-of", iso(a.t2), "--include-removed")}
    assert at_t2[a.seed0]["version"] == 2
    assert at_t2[a.seed1]["version"] == 1 and "titre revu" not in at_t2[a.seed1]["title"]
    assert at_t2[a.removed_then_restored]["status"] == "removed"
    assert at_t2[a.removed]["status"] == "live"
    assert all(r["last_seen"] <= iso(a.t2) for r in at_t2.values())
    versions_then = db_rows(
        a, "SELECT count(*) FROM versions WHERE first_seen <= ?", a.t2.replace(tzinfo=None).isoformat(sep=" ")
    )[0][0]
    every = export_jsonl(a.db_url, tmp_path, "--as-of", iso(a.t2), *EVERYTHING)
    assert len(every) == versions_then
    before = cess(
        "export", "--format", "jsonl", "--output", str(tmp_path / "x.jsonl"), "--db", a.db_url, "--as-of", "2000-01-01"
    )
    assert before.exit_code == 0 and "the selection is empty" in before.stderr, before.output
    assert (tmp_path / "x.jsonl").read_bytes() == b""


def test_since_selects_exactly_what_changed(site_archive, tmp_path):
    a = site_archive
    changed = {(a.seed0, 3, "live"), (a.seed1, 2, "live"), (a.removed_then_restored, 1, "live")}
    for args in (("--since", iso(a.t1)), ("--since-run", "1")):
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args))) == changed
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args, "--include-removed"))) == changed | {
            (a.removed, 1, "removed")
        }
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args, "--all-versions", "--include-removed"))) == changed | {
            (a.seed0, 2, "live"),
            (a.removed, 1, "removed"),
        }
    for args in (("--since", iso(a.t2)), ("--since-run", "2")):
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args, "--all-versions", "--include-removed"))) == changed | {
            (a.removed, 1, "removed")
        }
    window = export_jsonl(a.db_url, tmp_path, "--since", iso(a.t1), "--as-of", iso(a.t2), *EVERYTHING)
    assert set(keys(window)) == {(a.seed0, 2, "live"), (a.removed_then_restored, 1, "removed")}
    nothing = cess(
        "export", "--format", "jsonl", "--output", str(tmp_path / "n.jsonl"), "--db", a.db_url, "--since-run", "3"
    )
    assert nothing.exit_code == 0, nothing.output  # a quiet night: an empty dump, not a failure
    assert nothing.stdout.startswith("exported 0 records to ")
    assert (
        nothing.stderr.startswith("cess-archive: note: the selection is empty (")
        and "that changed after run 3" in nothing.stderr
        and nothing.stderr.count("\n") == 1
    )
    assert (tmp_path / "n.jsonl").read_bytes() == b""


def test_incremental_dumps_rebuild_the_full_export(site_archive, tmp_path):
    """The export at T1, updated with the ``--since T1 --include-removed`` dump (removed rows dropped),
    is the export of now."""
    a = site_archive
    state = {r["url"]: r for r in read_jsonl(a.snapshots["t1", "latest"])}
    for record in export_jsonl(a.db_url, tmp_path, "--since", iso(a.t1), "--include-removed"):
        if record["status"] == "removed":
            state.pop(record["url"], None)
        else:
            state[record["url"]] = record
    now = {r["url"]: r for r in export_jsonl(a.db_url, tmp_path)}
    assert set(state) == set(now)
    changed = [url for url in now if state[url] != now[url]]
    # unchanged pages were confirmed again, so only their last_seen moved
    assert all({k for k in now[url] if now[url][k] != state[url][k]} == {"last_seen"} for url in changed)


# ------------------------------------------------------------------------------ a large generated archive

WORDS = [
    "sécurité",
    "défense",
    "européenne",
    "stratégie",
    "menace",
    "hybride",
    "cyber",
    "souveraineté",
    "numérique",
    "OTAN",
    "Sahel",
    "Baltique",
    "corridor",
    "résilience",
    "démocratie",
    "ingérence",
    "désinformation",
    "infrastructure",
    "critique",
    "énergie",
    "terrorisme",
    "renseignement",
    "diplomatie",
    "coopération",
    "doctrine",
    "dissuasion",
    "frontière",
    "maritime",
    "câbles",
    "satellite",
    "espace",
    "crime",
    "organisé",
    "ports",
    "trafic",
    "élargissement",
    "Balkans",
    "Arctique",
    "Kazakhstan",
]
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def make_large_archive(path: Path, *, pages: int, versions_per_page: int = 2, text_chars: int = 2500) -> str:
    """An archive of ``pages`` articles with ``versions_per_page`` versions each, one capture per version
    (distinct raw bodies), written with plain inserts. Returns its URL."""
    from sqlalchemy import insert, text

    from archive import make_engine
    from archive.models import Capture, Page, RawBlob, Run, Version

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    rng = random.Random(pages)
    rows: dict = {Page: [], RawBlob: [], Capture: [], Version: []}

    def flush(connection):
        for model in (Page, RawBlob, Capture, Version):
            if rows[model]:
                connection.execute(insert(model), rows[model])
                rows[model].clear()

    with engine.begin() as connection:
        connection.execute(
            insert(Run),
            [
                {
                    "id": 1,
                    "source": "cess",
                    "base_url": "https://www.example.org",
                    "started_at": T0,
                    "finished_at": T0 + timedelta(days=2),
                    "status": "finished",
                }
            ],
        )
        number = 0
        for page_id in range(1, pages + 1):
            page_url = f"https://www.example.org/post/note-{page_id:06d}"
            first = T0 + timedelta(seconds=number + 1)
            last = T0 + timedelta(seconds=number + versions_per_page)
            rows[Page].append(
                {
                    "id": page_id,
                    "url": page_url,
                    "source": "cess",
                    "kind": "article",
                    "status": "live",
                    "first_seen": first,
                    "last_seen": last,
                    "translations": {},
                }
            )
            for version in range(1, versions_per_page + 1):
                number += 1
                at = T0 + timedelta(seconds=number)
                body_text = " ".join(rng.choices(WORDS, k=text_chars // 7))[:text_chars]
                body = f"<html><body><h1>Note {page_id}</h1><p>{body_text}</p></body></html>".encode()
                sha = hashlib.sha256(body).hexdigest()
                rows[RawBlob].append(
                    {"sha256": sha, "size": len(body), "compression": "zlib", "data": zlib.compress(body, 1)}
                )
                rows[Capture].append(
                    {
                        "id": number,
                        "run_id": 1,
                        "page_id": page_id,
                        "requested_url": page_url,
                        "url": page_url,
                        "fetched_at": at,
                        "http_status": 200,
                        "headers": {"Content-Type": "text/html; charset=utf-8"},
                        "content_type": "text/html; charset=utf-8",
                        "raw_sha256": sha,
                        "extraction_status": "ok",
                    }
                )
                rows[Version].append(
                    {
                        "id": number,
                        "page_id": page_id,
                        "number": version,
                        "content_sha256": hashlib.sha256(body_text.encode()).hexdigest(),
                        "title": f"Note {page_id}, version {version}",
                        "author": "Rédaction CESS",
                        "published": T0,
                        "modified": None,
                        "text": body_text,
                        "language": "fr",
                        "language_probability": 0.9999,
                        "declared_language": "fr",
                        "translations": {},
                        "extractor": "generated/1",
                        "reason": "crawl",
                        "first_seen": at,
                        "last_seen": at,
                        "run_id": 1,
                        "capture_id": number,
                    }
                )
            if len(rows[Version]) >= 4000:
                flush(connection)
        flush(connection)
        connection.execute(text("UPDATE captures SET version_id = id"))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return url


# A small launcher process starts the export and reports its peak RSS: measured from the test process, a
# child's high-water mark would include the pages it shares with its (large) parent until it execs.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(*args: str) -> tuple[int, float, str]:
    """Runs the console script; returns its exit status, its peak RSS in MiB and its stderr."""
    import sys
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    with tempfile.TemporaryDirectory(prefix="cess-measure-") as tmp:
        report = Path(tmp) / "report"
        proc = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(report), CLI, *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        status, peak_kib = report.read_text().split()
    return int(status), int(peak_kib) / 1024, proc.stderr


@dataclass
class LargeArchives:
    small: str
    big: str
    big_path: Path
    big_versions: int
    big_text_mib: float


@pytest.fixture(scope="module")
def large_archives(tmp_path_factory) -> LargeArchives:
    tmp = tmp_path_factory.mktemp("large")
    small = make_large_archive(tmp / "small.sqlite", pages=500, text_chars=3000)
    big_path = tmp / "big.sqlite"
    big = make_large_archive(big_path, pages=15_000, text_chars=3000)
    with sqlite3.connect(big_path) as connection:
        query = "SELECT count(*), sum(length(CAST(text AS BLOB))) FROM versions"
        versions, text_bytes = connection.execute(query).fetchone()
    return LargeArchives(small, big, big_path, versions, text_bytes / 2**20)


MEMORY_GROWTH_BOUND_MIB = 20


@pytest.mark.parametrize("target", ["jsonl", "csv", "parquet", "warc", "dataset"])
def test_memory_stays_flat_whatever_the_archive_size(large_archives, tmp_path, target):
    """Peak RSS of the export process barely moves from a 1,000-version archive to a 30,000-version one
    (over 80 MiB of text): records are streamed, never held."""
    assert large_archives.big_versions == 30_000 and large_archives.big_text_mib > 80
    peaks = {}
    for name, db_url in (("small", large_archives.small), ("big", large_archives.big)):
        where = (
            ["--dataset", str(tmp_path / f"{name}-ds")]
            if target == "dataset"
            else ["--format", target, "--output", str(tmp_path / f"{name}.{target}")]
        )
        status, peaks[name], stderr = run_measured("export", "--db", db_url, "--all-versions", *where)
        assert status == 0, stderr
    growth = peaks["big"] - peaks["small"]
    assert growth < MEMORY_GROWTH_BOUND_MIB, f"{target}: peak RSS {peaks['small']:.0f} -> {peaks['big']:.0f} MiB"
    if target == "dataset":
        assert len(read_jsonl(tmp_path / "big-ds" / "data" / "records.jsonl")) == 30_000


def _wait_for_part(directory: Path, prefix: str, proc: subprocess.Popen, min_bytes: int = 1) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for candidate in directory.glob(f"{prefix}*.part"):
            size = (
                candidate.stat().st_size
                if candidate.is_file()
                else sum(p.stat().st_size for p in candidate.rglob("*") if p.is_file())
            )
            if size >= min_bytes:
                return candidate
        assert proc.poll() is None, "the export ended before it could be interrupted"
        time.sleep(0.005)
    raise AssertionError("no temporary output appeared")


def _start_export(db_url: str, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    return subprocess.Popen(
        [CLI, "export", "--db", db_url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "warc"])
def test_killed_export_leaves_no_file_under_the_final_name(large_archives, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    proc = _start_export(large_archives.big, "--all-versions", "--format", fmt, "--output", str(out))
    _wait_for_part(tmp_path, f".{out.name}.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()


def test_killed_export_keeps_the_previous_file_and_dataset(large_archives, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    proc = _start_export(large_archives.big, "--all-versions", "--format", "jsonl", "--output", str(out))
    _wait_for_part(tmp_path, ".out.jsonl.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert out.read_text(encoding="utf-8") == "previous export\n"

    dataset = tmp_path / "ds"
    first = cess("export", "--db", large_archives.small, "--dataset", str(dataset))
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in dataset.rglob("*") if p.is_file()}
    proc = _start_export(large_archives.big, "--all-versions", "--dataset", str(dataset))
    _wait_for_part(tmp_path, ".ds.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert {p: p.read_bytes() for p in dataset.rglob("*") if p.is_file()} == before


def test_terminated_export_cleans_up_and_says_so(large_archives, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("previous export\n", encoding="utf-8")
    proc = _start_export(large_archives.big, "--all-versions", "--format", "csv", "--output", str(out))
    _wait_for_part(tmp_path, ".out.csv.", proc, min_bytes=64 * 1024)
    proc.terminate()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.strip() in ("cess-archive: interrupted", "cess-archive: aborted")
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_export_runs_while_a_crawl_writes(large_archives, tmp_path):
    """In WAL mode the export's read snapshot never blocks a writer, and it exports exactly that snapshot."""
    from archive import Content, Fetched, make_engine, make_sessionmaker, record_capture, start_run

    before = sqlite3.connect(large_archives.big_path).execute("SELECT count(*) FROM versions").fetchone()[0]
    out = tmp_path / "out.parquet"
    proc = _start_export(large_archives.big, "--all-versions", "--format", "parquet", "--output", str(out))
    _wait_for_part(tmp_path, ".out.parquet.", proc)
    engine = make_engine(large_archives.big)
    Session = make_sessionmaker(engine)
    waits = []
    try:
        with Session.begin() as session:
            run = start_run(session, "cess").id
        for i in range(20):
            at = datetime.now(UTC)
            page = f"https://www.example.org/post/written-during-export-{i}"
            started = time.monotonic()
            with Session.begin() as session:
                record_capture(
                    session,
                    run_id=run,
                    source="cess",
                    kind="article",
                    page_url=page,
                    fetched=Fetched(requested_url=page, url=page, status=200, body=page.encode(), fetched_at=at),
                    content=Content(
                        title=f"Pendant l'export {i}",
                        author=None,
                        published=None,
                        modified=None,
                        text=f"Écrit pendant l'export ({i}).",
                        language="fr",
                        extractor="test/1",
                    ),
                )
            waits.append(time.monotonic() - started)
        still_running = proc.poll() is None
    finally:
        engine.dispose()
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert still_running, "the export ended before the writes: the test proves nothing"
    assert max(waits) < 2.0, waits
    import pyarrow.parquet as pq

    assert pq.read_metadata(out).num_rows == before
    assert f"exported {before} records" in stdout
    again = cess(
        "export",
        "--db",
        large_archives.big,
        "--all-versions",
        "--format",
        "jsonl",
        "--output",
        str(tmp_path / "after.jsonl"),
    )
    assert f"exported {before + 20} records" in again.stdout, again.output


# ------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xml", "--output", "{tmp}/x.json"], "'xml' is not one of"),
        (["--format", "csv", "--output", "/nonexistent-dir/out.csv"], "does not exist"),
        (["--format", "csv", "--output", "{tmp}"], "directory"),
        (["--format", "parquet", "--output", "/proc/cess-archive-export.parquet"], "cannot write"),
        (["--format", "jsonl"], "Missing option '--output'"),
        (["--output", "{tmp}/x.jsonl"], "Missing option '--format'"),
        (["--format", "jsonl", "--dataset", "{tmp}/ds"], "--format does not apply to --dataset"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--dataset", "{tmp}/ds"], "cannot be used together"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--since-run", "99"], "no run 99 in the archive"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--since-run", "x"], "'x' is not a valid integer"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--since", "yesterday"], "--since expects an ISO 8601"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--as-of", "2026-02-30"], "--as-of expects an ISO 8601"),
        (
            ["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--since", "2026-01-01", "--since-run", "1"],
            "cannot be used together",
        ),
        (
            ["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--since", "2026-03-01", "--as-of", "2026-02-01"],
            "--since must be before --as-of",
        ),
        (["--format", "warc", "--output", "{tmp}/x.warc.gz", "--since", "2100-01-01"], "is in the future"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--as-of", "2100-01-01"], "is in the future"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--source", "nope"], "known sources are"),
        (["--format", "jsonl", "--output", "{tmp}/x.jsonl", "--kind", "blog"], "'blog' is not one of"),
        (["--dataset", "{tmp}/taken", "--language", "fr"], "not a dataset written by cess-archive"),
        (["--dataset", "{tmp}/ds", "--language", "e n"], "--language expects a language code"),
    ],
)
def test_bad_input_is_one_line_and_status_2(large_archives, tmp_path, args, message):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = cess("export", "--db", large_archives.small, *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_cli_offers_every_format():
    from exports import FORMATS

    result = cess("export", "--help")
    assert f"[{'|'.join(FORMATS)}]" in result.stdout


# ------------------------------------------------------------------------------------------- progress


def run_on_terminal(*args: str) -> tuple[int, str, str]:
    """Runs the console script with stderr on a pseudo-terminal; returns status, stdout, terminal output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=60)
    return proc.returncode, stdout, b"".join(chunks).decode(errors="replace")


def test_progress_bar_only_on_a_terminal(large_archives, tmp_path):
    status, stdout, terminal = run_on_terminal(
        "export",
        "--db",
        large_archives.small,
        "--all-versions",
        "--format",
        "jsonl",
        "--output",
        str(tmp_path / "a.jsonl"),
    )
    assert status == 0, terminal
    assert "exporting:" in terminal and "/1000 [" in terminal
    assert stdout.startswith("exported 1000 records to ")
    status, stdout, terminal = run_on_terminal(
        "export", "--db", large_archives.small, "--quiet", "--format", "jsonl", "--output", str(tmp_path / "b.jsonl")
    )
    assert status == 0 and terminal == "" and stdout.startswith("exported 500 records to ")
    plain = cess("export", "--db", large_archives.small, "--format", "jsonl", "--output", str(tmp_path / "c.jsonl"))
    assert plain.exit_code == 0 and plain.stderr == ""
    assert plain.stdout.count("\n") == 1
    size = (tmp_path / "c.jsonl").stat().st_size
    digest = hashlib.sha256((tmp_path / "c.jsonl").read_bytes()).hexdigest()
    assert plain.stdout.strip() == f"exported 500 records to {tmp_path / 'c.jsonl'} ({size} bytes, sha256 {digest})"


# ------------------------------------------------------------------------------- hand-made archives


class HandMade:
    """A small archive written through the archive's own functions, with events added by hand (as change
    tracking records them). ``target``: an SQLite file, or a database URL."""

    def __init__(self, target: Path | str) -> None:
        from archive import make_engine, make_sessionmaker, start_run

        self.path = target if isinstance(target, Path) else None
        self.url = f"sqlite:///{target}" if isinstance(target, Path) else target
        self.engine = make_engine(self.url)
        self.Session = make_sessionmaker(self.engine)
        with self.Session.begin() as session:
            self.run = start_run(session, "cess").id

    def put(self, page: str, text: str, at: datetime, body: bytes | None = None, title: str = "Note") -> None:
        from archive import Content, Fetched, record_capture

        fetched = Fetched(
            requested_url=page,
            url=page,
            status=200,
            body=body if body is not None else text.encode(),
            fetched_at=at,
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        content = Content(
            title=title,
            author="Rédaction CESS",
            published=T0,
            modified=None,
            text=text,
            language="fr",
            declared_language="fr",
            extractor="test/1",
        )
        with self.Session.begin() as session:
            record_capture(
                session, run_id=self.run, source="cess", kind="article", page_url=page, fetched=fetched, content=content
            )

    def event(self, page: str, kind: str, at: datetime, **details) -> None:
        """A removal, restoration or move of ``page``: its event row, and the page's new status or URL."""
        from sqlalchemy import insert, select, update

        from archive.models import Event, Page

        with self.engine.begin() as connection:
            page_id = connection.execute(select(Page.id).where(Page.url == page)).scalar_one()
            connection.execute(
                insert(Event).values(run_id=None, page_id=page_id, kind=kind, at=at, url=page, details=details)
            )
            if kind in ("removed", "restored"):
                connection.execute(
                    update(Page).where(Page.id == page_id).values(status="removed" if kind == "removed" else "live")
                )
            if kind == "moved":
                connection.execute(update(Page).where(Page.id == page_id).values(url=details["to_url"]))

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def hand_made(tmp_path):
    archive = HandMade(tmp_path / "hand.sqlite")
    yield archive
    archive.close()


def test_identical_raw_bodies_are_written_once(hand_made, tmp_path):
    page = "https://www.example.org/post/note"
    body = "<html><body><p>Le même corps, octet pour octet.</p></body></html>".encode()
    for hours in (0, 1, 2):
        hand_made.put(page, "Le même corps, octet pour octet.", T0 + timedelta(hours=hours), body=body)
    hand_made.put("https://www.example.org/post/other", "Autre texte.", T0 + timedelta(hours=3))
    out = export_file(hand_made.url, tmp_path / "a.warc.gz", "warc", "--all-versions")
    check = warcio_check(out)
    assert check.returncode == 0, check.stdout
    index = warc_index(out)
    responses = [e for e in index if e["warc-type"] == "response" and e["warc-target-uri"] == page]
    revisits = [e for e in index if e["warc-type"] == "revisit"]
    assert len(responses) == 1 and len(revisits) == 2
    digest = "sha256:" + __import__("base64").b32encode(hashlib.sha256(body).digest()).decode()
    assert responses[0]["warc-payload-digest"] == digest
    for revisit in revisits:
        assert revisit["warc-refers-to"] == responses[0]["warc-record-id"]
        assert revisit["warc-payload-digest"] == digest
    from warcio.archiveiterator import ArchiveIterator

    with open(out, "rb") as handle:
        headers = [r.rec_headers for r in ArchiveIterator(handle) if r.rec_type == "revisit"]
    assert {h.get_header("WARC-Profile") for h in headers} == {
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    }
    assert {h.get_header("WARC-Refers-To-Date") for h in headers} == {responses[0]["warc-date"]}
    again = export_file(hand_made.url, tmp_path / "b.warc.gz", "warc", "--all-versions")
    ids = [e["warc-record-id"] for e in index[1:]]
    assert [e["warc-record-id"] for e in warc_index(again)[1:]] == ids  # stable record ids


def test_as_of_follows_removals_restorations_and_moves(hand_made, tmp_path):
    old, new = "https://www.example.org/post/ancien", "https://www.example.org/post/nouveau"
    hand_made.put(old, "Première version.", T0)
    hand_made.put(old, "Première version.", T0 + timedelta(hours=1))  # confirmed
    hand_made.put(old, "Deuxième version.", T0 + timedelta(hours=2))
    hand_made.event(old, "moved", T0 + timedelta(hours=3), from_url=old, to_url=new)
    hand_made.event(new, "removed", T0 + timedelta(hours=4), http_status=404)
    hand_made.event(new, "restored", T0 + timedelta(hours=5), http_status=200)
    url = hand_made.url

    def at(hours: float, *args: str) -> list[tuple]:
        instant = iso(T0 + timedelta(hours=hours))
        return [
            (r["url"], r["version"], r["status"], r["last_seen"])
            for r in export_jsonl(url, tmp_path, "--as-of", instant, *args)
        ]

    assert at(0.5) == [(old, 1, "live", iso(T0))]
    assert at(1.5) == [(old, 1, "live", iso(T0 + timedelta(hours=1)))]
    assert at(2.5) == [(old, 2, "live", iso(T0 + timedelta(hours=2)))]
    assert at(3.5) == [(new, 2, "live", iso(T0 + timedelta(hours=2)))]
    assert at(4.5, "--include-removed") == [(new, 2, "removed", iso(T0 + timedelta(hours=2)))]
    assert at(5.5) == [(new, 2, "live", iso(T0 + timedelta(hours=2)))]
    assert at(2.5, "--all-versions") == [
        (old, 1, "live", iso(T0 + timedelta(hours=1))),
        (old, 2, "live", iso(T0 + timedelta(hours=2))),
    ]
    empty = cess(
        "export",
        "--format",
        "jsonl",
        "--output",
        str(tmp_path / "e.jsonl"),
        "--db",
        url,
        "--as-of",
        iso(T0 + timedelta(hours=4.5)),
    )
    assert empty.exit_code == 0 and "the selection is empty" in empty.stderr, empty.output
    assert (tmp_path / "e.jsonl").read_bytes() == b""
    # a move, a removal and a restoration are changes: the page's latest version comes back
    assert [
        (r["url"], r["version"]) for r in export_jsonl(url, tmp_path, "--since", iso(T0 + timedelta(hours=2.5)))
    ] == [(new, 2)]
    date_only = export_jsonl(url, tmp_path, "--as-of", (T0 + timedelta(days=1)).date().isoformat())
    assert [(r["url"], r["version"]) for r in date_only] == [(new, 2)]


def test_since_run_counts_versions_made_outside_runs(hand_made, tmp_path):
    """A version made by no run (a re-extraction) after run N ended is a change since run N."""
    from archive import finish_run

    page = "https://www.example.org/post/note"
    hand_made.put(page, "Texte.", T0)
    with hand_made.Session.begin() as session:
        finish_run(session, hand_made.run, "finished")
    later = datetime.now(UTC) + timedelta(seconds=1)
    with sqlite3.connect(hand_made.path) as connection:
        row = connection.execute("SELECT page_id, capture_id FROM versions").fetchone()
        connection.execute(
            "INSERT INTO versions (page_id, number, content_sha256, title, text, translations, extractor, reason, "
            "first_seen, last_seen, run_id, capture_id) VALUES (?, 2, ?, 'Note', 'Texte ré-extrait.', '{}', "
            "'test/2', 'extractor-change', ?, ?, NULL, ?)",
            (
                row[0],
                "0" * 64,
                later.replace(tzinfo=None).isoformat(sep=" "),
                later.replace(tzinfo=None).isoformat(sep=" "),
                row[1],
            ),
        )
    records = export_jsonl(hand_made.url, tmp_path, "--since-run", "1")
    assert [(r["version"], r["text"]) for r in records] == [(2, "Texte ré-extrait.")]
    out = export_file(hand_made.url, tmp_path / "x.warc.gz", "warc", "--since-run", "1")
    assert warcio_check(out).returncode == 0
    metadata = warc_metadata(out)
    (linked,) = metadata.values()
    assert linked[0]["text"] == "Texte ré-extrait."  # linked to the capture it was re-extracted from
    assert any(e["warc-type"] == "response" for e in warc_index(out))


def test_an_empty_selection_writes_a_valid_empty_file_in_every_format(hand_made, tmp_path):
    """A quiet night (nothing changed since the last run, no page of that kind) is exit 0: every format
    gets a valid, empty file that its readers load, with its full schema, and one note on stderr."""
    import pandas as pd
    from warcio.archiveiterator import ArchiveIterator

    from exports import FIELD_NAMES

    hand_made.put("https://www.example.org/post/note", "Texte.", T0)
    selection = ("--kind", "page")  # the archive holds one article
    full = export_file(hand_made.url, tmp_path / "full.parquet", "parquet")
    assert len(pd.read_parquet(full)) == 1
    outputs = {}
    for fmt, name in (
        ("jsonl", "e.jsonl"),
        ("json", "e.json"),
        ("csv", "e.csv"),
        ("parquet", "e.parquet"),
        ("warc", "e.warc.gz"),
    ):
        out = tmp_path / name
        result = cess("export", "--format", fmt, "--output", str(out), "--db", hand_made.url, *selection)
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            f"exported 0 records to {out} ({out.stat().st_size} bytes, sha256 "
            f"{hashlib.sha256(out.read_bytes()).hexdigest()})\n"
        )
        assert (
            result.stderr.startswith("cess-archive: note: the selection is empty (") and result.stderr.count("\n") == 1
        ), result.stderr
        assert f"wrote an empty {fmt} file" in result.stderr
        outputs[fmt] = out
    assert outputs["jsonl"].read_bytes() == b""
    assert json.loads(outputs["json"].read_text(encoding="utf-8")) == []
    assert outputs["csv"].read_bytes() == (",".join(f'"{name}"' for name in FIELD_NAMES) + "\r\n").encode()
    for frame in (frame_from_csv(outputs["csv"]), frame_from_parquet(outputs["parquet"])):
        assert len(frame) == 0 and list(frame.columns) == list(FIELD_NAMES)
    import pyarrow.parquet as pq

    assert pq.read_schema(outputs["parquet"]).equals(pq.read_schema(full), check_metadata=True)
    pd.testing.assert_series_equal(pd.read_parquet(outputs["parquet"]).dtypes, pd.read_parquet(full).dtypes)
    assert warcio_check(outputs["warc"]).returncode == 0
    with open(outputs["warc"], "rb") as handle:
        records = [(r.rec_type, r.content_stream().read().decode()) for r in ArchiveIterator(handle)]
    assert [kind for kind, _ in records] == ["warcinfo"]
    assert "records: 0\r\n" in records[0][1]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_dataset_of_the_local_copy_verifies(site_archive, tmp_path):
    directory = tmp_path / "dataset"
    result = cess("export", "--db", site_archive.db_url, "--dataset", str(directory), *EVERYTHING)
    assert result.exit_code == 0, result.output
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=directory, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 5
    records = read_jsonl(directory / "data" / "records.jsonl")
    assert records == read_jsonl(export_file(site_archive.db_url, tmp_path / "all.jsonl", "jsonl", *EVERYTHING))
    validator = json_validator()
    assert validator.schema == json.loads((directory / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    assert all(not list(validator.iter_errors(record)) for record in records)
    readme = (directory / "README.md").read_text(encoding="utf-8")
    french = sum(1 for r in records if r["language"] == "fr")
    english = sum(1 for r in records if r["language"] == "en")
    assert f"| `cess` | `fr` | {french} |" in readme and f"| `cess` | `en` | {english} |" in readme
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert package["records"] == len(records)
    assert (
        package["crawl_period"]["start"] < iso(site_archive.t1) < package["crawl_period"]["end"] <= iso(site_archive.t3)
    )


# ------------------------------------------------------------------------------------------ PostgreSQL


def _same_story(archive: HandMade) -> None:
    old, new = "https://www.example.org/post/ancien", "https://www.example.org/post/nouveau"
    same = b"<html><body><p>Octet pour octet.</p></body></html>"
    archive.put(old, "Première version.", T0)
    archive.put(old, "Première version.", T0 + timedelta(hours=1))
    archive.put(old, "Deuxième version.", T0 + timedelta(hours=2))
    archive.event(old, "moved", T0 + timedelta(hours=3), from_url=old, to_url=new)
    archive.put("https://www.example.org/post/stable", "Octet pour octet.", T0 + timedelta(hours=1), body=same)
    archive.put("https://www.example.org/post/stable", "Octet pour octet.", T0 + timedelta(hours=5), body=same)
    archive.put("https://www.example.org/post/retire", "Bientôt retiré.", T0 + timedelta(hours=2))
    archive.event("https://www.example.org/post/retire", "removed", T0 + timedelta(hours=4), http_status=404)


def test_exports_agree_on_postgresql_and_sqlite(pg_url, tmp_path):
    """The same archive on PostgreSQL and on SQLite gives the same records in every selection, and valid
    files in every format."""
    archives = {"pg": HandMade(pg_url), "sqlite": HandMade(tmp_path / "same.sqlite")}
    try:
        for archive in archives.values():
            _same_story(archive)
        selections = [
            EVERYTHING,
            (),
            ("--as-of", iso(T0 + timedelta(hours=2.5)), *EVERYTHING),
            ("--as-of", iso(T0 + timedelta(hours=4.5))),
            ("--since", iso(T0 + timedelta(hours=1.5))),
        ]
        for args in selections:
            assert export_jsonl(archives["pg"].url, tmp_path, *args) == export_jsonl(
                archives["sqlite"].url, tmp_path, *args
            ), args
        for fmt in ("csv", "parquet"):
            export_file(archives["pg"].url, tmp_path / f"pg.{fmt}", fmt, *EVERYTHING)
        import pandas as pd

        jsonl = frame_from_jsonl(export_file(archives["pg"].url, tmp_path / "pg.jsonl", "jsonl", *EVERYTHING))
        pd.testing.assert_frame_equal(frame_from_parquet(tmp_path / "pg.parquet"), jsonl, check_exact=True)
        pd.testing.assert_frame_equal(frame_from_csv(tmp_path / "pg.csv"), jsonl, check_exact=True)
        warcs = {
            name: export_file(a.url, tmp_path / f"{name}.warc.gz", "warc", *EVERYTHING) for name, a in archives.items()
        }
        assert warcio_check(warcs["pg"]).returncode == 0
        assert warc_index(warcs["pg"])[1:] == warc_index(warcs["sqlite"])[1:]  # same records, same ids
        assert sum(1 for e in warc_index(warcs["pg"]) if e["warc-type"] == "revisit") == 2
        result = cess("export", "--db", archives["pg"].url, "--dataset", str(tmp_path / "ds"))
        assert result.exit_code == 0, result.output
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "ds", capture_output=True)
        assert check.returncode == 0
    finally:
        for archive in archives.values():
            archive.close()
