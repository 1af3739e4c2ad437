"""Exports of small archives made by hand (``HandMade``), for what the local copy cannot show: identical
raw bodies written once (WARC revisits), ``--as-of`` across removals, restorations and moves, versions made
outside runs, empty selections in every format, and the same archive on PostgreSQL and SQLite."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from tests.builders import (
    EVERYTHING,
    T0,
    HandMade,
    export_file,
    export_jsonl,
    frame_from_csv,
    frame_from_jsonl,
    frame_from_parquet,
    iso,
    warc_index,
    warc_metadata,
    warcio_check,
)
from tests.conftest import cess


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


# --------------------------------------------------------------------------------------- PostgreSQL


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
