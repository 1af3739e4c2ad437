"""Every format of ``cess-archive export`` on the local copy crawled through several states (``site_archive``):
the formats agree (through pandas), CSV is RFC 4180, Parquet is typed, every record validates against the
JSON Schema, the WARC passes ``warcio check`` and holds every capture, and a dataset verifies."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime

from tests.builders import (
    EVERYTHING,
    db_rows,
    export_file,
    frame_from_csv,
    frame_from_jsonl,
    frame_from_parquet,
    iso,
    json_validator,
    read_jsonl,
    warc_index,
    warc_metadata,
    warcio_check,
)
from tests.conftest import cess, path_of


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
