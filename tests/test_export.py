"""Exports from a real SQLite archive: JSON and JSONL content, selection, atomic writing, documentation."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive import Content, Fetched, make_engine, make_sessionmaker, record_capture, start_run
from exports import FIELD_NAMES, FIELDS
from exports.exporter import export
from tests.conftest import cess

T0 = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def archive(tmp_path):
    """An archive of two pages, one of them in two versions."""
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    engine = make_engine(url)
    Session = make_sessionmaker(engine)
    with Session.begin() as session:
        run = start_run(session, "cess").id

    def put(page, text, at):
        fetched = Fetched(requested_url=page, url=page, status=200, body=text.encode(), fetched_at=at)
        content = Content(
            title="Note « stratégique »",
            author="Rédaction CESS",
            published=T0 - timedelta(days=2),
            modified=None,
            text=text,
            language="fr",
            extractor="test/1",
        )
        with Session.begin() as session:
            record_capture(
                session, run_id=run, source="cess", kind="article", page_url=page, fetched=fetched, content=content
            )

    put("https://example.org/post/b", "Texte B.\nAvec l’apostrophe.", T0)
    put("https://example.org/post/a", "Texte A.", T0)
    put("https://example.org/post/a", "Texte A, corrigé.", T0 + timedelta(hours=5))
    yield url, Session
    engine.dispose()


def test_jsonl_latest_versions(archive, tmp_path):
    url, _ = archive
    out = tmp_path / "out.jsonl"
    result = cess("export", "--format", "jsonl", "--output", str(out), "--db", url)
    assert result.exit_code == 0, result.output
    assert "exported 2 records" in result.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["url"], r["version"]) for r in records] == [
        ("https://example.org/post/a", 2),
        ("https://example.org/post/b", 1),
    ]
    assert records[0]["text"] == "Texte A, corrigé."
    assert records[0]["first_seen"] == "2026-02-01T17:00:00Z"
    assert records[1]["published"] == "2026-01-30T12:00:00Z"
    assert "l’apostrophe" in lines[1]  # UTF-8, not \u escapes
    assert list(records[0]) == list(FIELD_NAMES)


def test_json_all_versions_is_one_array(archive, tmp_path):
    url, _ = archive
    out = tmp_path / "out.json"
    result = cess("export", "--format", "json", "--output", str(out), "--db", url, "--all-versions")
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["url"], r["version"]) for r in records] == [
        ("https://example.org/post/a", 1),
        ("https://example.org/post/a", 2),
        ("https://example.org/post/b", 1),
    ]


def test_interrupted_export_leaves_previous_file(archive, tmp_path, monkeypatch):
    _, Session = archive
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    import exports.exporter as export_module

    def exploding(records):
        for i, record in enumerate(records):
            if i == 1:
                raise KeyboardInterrupt
            yield record

    real = export_module.iter_records
    monkeypatch.setattr(export_module, "iter_records", lambda *a, **k: exploding(real(*a, **k)))
    with Session() as session, pytest.raises(KeyboardInterrupt):
        export(session, "jsonl", out)
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_empty_archive_exports_an_empty_file_with_a_note(tmp_path):
    """An empty selection is a quiet night, not an error: a valid empty output, exit 0, one note."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    make_engine(url).dispose()
    out = tmp_path / "out.jsonl"
    result = cess("export", "--format", "jsonl", "--output", str(out), "--db", url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"exported 0 records to {out} (0 bytes, sha256 ")
    assert result.stderr.startswith("cess-archive: note: the selection is empty (")
    assert result.stderr.count("\n") == 1 and result.stderr.rstrip().endswith("wrote an empty jsonl file")
    assert out.read_bytes() == b""
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        assert export(session, "json", tmp_path / "out.json").records == 0
    engine.dispose()
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == []
    no_run = cess("export", "--format", "jsonl", "--output", str(out), "--db", url, "--since-run", "1")
    assert no_run.exit_code == 2, no_run.output
    assert (
        no_run.stderr == "cess-archive: error: no run 1 in the archive (the archive has no run); "
        "'cess-archive runs' lists them\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xml", "--output", "{tmp}/x.json"], "'xml' is not one of"),
        (["--format", "jsonl", "--output", "/nonexistent-dir/out.jsonl"], "does not exist"),
        (["--format", "jsonl"], "Missing option '--output'"),
        (["--format", "jsonl", "--output", "{tmp}/x.json", "--bogus"], "No such option '--bogus'"),
    ],
)
def test_bad_export_usage_is_one_line(archive, tmp_path, args, message):
    url, _ = archive
    result = cess("export", "--db", url, *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_missing_archive_is_not_created(tmp_path):
    missing = tmp_path / "missing.sqlite"
    result = cess("runs", "--db", f"sqlite:///{missing}")
    assert result.exit_code == 2, result.output
    assert "no archive at" in result.stderr
    assert not missing.exists()


def test_readme_documents_every_field():
    readme = README.read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2).replace("`", "")
        for m in re.finditer(r"^\| `([a-z_0-9]+)` \| [^|]+ \| (.+) \|$", readme, re.M)
    }
    for field in FIELDS:
        assert field.name in rows, f"README does not document {field.name}"
        assert rows[field.name] == field.description.replace("`", ""), field.name
