"""``cess-archive export --dataset DIR``: a directory ready to publish, and one description of the record
that the docs, the schemas and every export agree with."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from exports import FIELD_NAMES, FIELDS, SCHEMA_VERSION
from tests.builders import (
    T0,
    HandMade,
    export_file,
    frame_from_jsonl,
    frame_from_parquet,
    json_validator,
    read_jsonl,
)
from tests.conftest import cess

README = Path(__file__).resolve().parent.parent / "README.md"
DATASET_FILES = {
    "data/records.jsonl",
    "data/records.parquet",
    "schema/record.schema.json",
    "datapackage.json",
    "README.md",
    "SHA256SUMS",
}


@pytest.fixture
def archive(tmp_path):
    """Two sources, French and English, articles and a page, two versions, a removed page, a copy."""
    made = HandMade(tmp_path / "archive.sqlite")
    site = "https://www.centre-europeen-securite-strategie.eu"
    made.put(f"{site}/post/sahel", "Le retrait des forces européennes du Sahel.", T0)
    made.put(f"{site}/post/sahel", "Le retrait des forces européennes du Sahel, corrigé.", T0 + timedelta(hours=6))
    made.put(f"{site}/en/post/sahel", "The withdrawal of European forces from the Sahel.", T0 + timedelta(hours=1))
    made.put(f"{site}/post/baltique", "Câbles sous-marins et guerre hybride.", T0 + timedelta(hours=2))
    made.put(f"{site}/de/post/sahel", "Le retrait des forces européennes du Sahel, corrigé.", T0 + timedelta(hours=7))
    made.event(f"{site}/post/baltique", "removed", T0 + timedelta(hours=8), http_status=404)
    with sqlite3.connect(made.path) as connection:
        connection.execute(
            "UPDATE versions SET language = 'en', declared_language = 'en' WHERE page_id = "
            "(SELECT id FROM pages WHERE url LIKE '%/en/post/sahel')"
        )
        connection.execute(
            "UPDATE pages SET duplicate_of_id = (SELECT id FROM pages WHERE url = ?) WHERE url LIKE '%/de/post/sahel'",
            (f"{site}/post/sahel",),
        )
        connection.execute(
            "UPDATE pages SET translations = json_object('en', ?) WHERE url = ?",
            (f"{site}/en/post/sahel", f"{site}/post/sahel"),
        )
    from archive import finish_run, start_run

    with made.Session.begin() as session:
        finish_run(session, made.run, "finished")
        run = start_run(session, "anne-genetet", "https://www.annegenetet.fr").id
    from archive import Content, Fetched, record_capture

    page = "https://www.annegenetet.fr/ue-kazakhstan"
    with made.Session.begin() as session:
        record_capture(
            session,
            run_id=run,
            source="anne-genetet",
            kind="page",
            page_url=page,
            fetched=Fetched(
                requested_url=page,
                url=page,
                status=200,
                body=b"<html>...</html>",
                fetched_at=T0 + timedelta(days=1, minutes=1),
            ),
            content=Content(
                title="UE – Kazakhstan",
                author="Anne Genetet",
                published=None,
                modified=None,
                text="Les rencontres entre l'Union et le Kazakhstan.",
                language="fr",
                declared_language="fr",
                extractor="test/1",
            ),
        )
        finish_run(session, run, "finished")
    yield made
    made.close()


def export_dataset(db_url: str, directory: Path, *args: str):
    result = cess("export", "--db", db_url, "--dataset", str(directory), *args)
    assert result.exit_code == 0, result.output
    return result


def files_in(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}


def test_dataset_directory_is_complete_and_verifiable(archive, tmp_path):
    directory = tmp_path / "cess-dataset"
    result = export_dataset(archive.url, directory)
    assert files_in(directory) == DATASET_FILES
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    sums = (directory / "SHA256SUMS").read_bytes()
    assert result.stdout.strip().endswith(f"SHA256SUMS sha256 {hashlib.sha256(sums).hexdigest()})")
    assert result.stdout.startswith("exported 3 records to dataset ")

    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=directory, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert sorted(line.split(": ")[0] for line in check.stdout.splitlines()) == sorted(DATASET_FILES - {"SHA256SUMS"})
    (directory / "data" / "records.jsonl").write_text("tampered\n", encoding="utf-8")
    tampered = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=directory, capture_output=True, text=True)
    assert tampered.returncode != 0 and "data/records.jsonl: FAILED" in tampered.stdout


def test_datapackage_describes_the_data(archive, tmp_path):
    directory = tmp_path / "ds"
    export_dataset(archive.url, directory)
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package" and re.fullmatch(r"[a-z0-9._-]+", package["name"])
    assert package["created"].endswith("Z") and package["schema_version"] == SCHEMA_VERSION
    assert package["licenses"] and "placeholder" in package["licenses"][0]["title"].lower()
    assert {s["name"]: s.get("path") for s in package["sources"]} == {
        "cess": None,
        "anne-genetet": "https://www.annegenetet.fr",
    }
    titles = {s["name"]: s["title"] for s in package["sources"]}
    assert titles["cess"] == "Centre Européen de Sécurité et de Stratégie"
    assert set(titles) == {"cess", "anne-genetet"}
    assert package["crawl_period"]["start"] <= package["crawl_period"]["end"]
    assert package["records"] == 3 and package["pages"] == 3
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == {"data/records.jsonl", "data/records.parquet", "schema/record.schema.json"}
    for path, resource in resources.items():
        data = (directory / path).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    for path in ("data/records.jsonl", "data/records.parquet"):
        fields = resources[path]["schema"]["fields"]
        assert [f["name"] for f in fields] == list(FIELD_NAMES)
        assert [f["description"] for f in fields] == [f.description for f in FIELDS]
        assert {f["name"]: f["type"] for f in fields}["first_seen"] == "datetime"
        assert resources[path]["schema"]["primaryKey"] == ["url", "version"]


def test_dataset_records_validate_and_load_as_the_readme_says(archive, tmp_path, monkeypatch):
    import pandas as pd

    directory = tmp_path / "ds"
    export_dataset(archive.url, directory, "--all-versions", "--include-removed", "--include-duplicates")
    schema = json.loads((directory / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    assert schema["schema_version"] == SCHEMA_VERSION
    records = read_jsonl(directory / "data" / "records.jsonl")
    assert len(records) == 6
    validator = json_validator()
    assert validator.schema == schema
    for record in records:
        assert not list(validator.iter_errors(record)), record
    pd.testing.assert_frame_equal(
        frame_from_parquet(directory / "data" / "records.parquet"),
        frame_from_jsonl(directory / "data" / "records.jsonl"),
        check_exact=True,
    )

    readme = (directory / "README.md").read_text(encoding="utf-8")
    pandas_block = re.search(r"With pandas:\n\n```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(directory)
    scope: dict = {}
    exec(compile(pandas_block, "README.md", "exec"), scope)  # the documented loading code, as written
    loaded = scope["df"]
    assert len(loaded) == 6 and str(loaded["last_seen"].dtype) == "datetime64[us, UTC]"
    assert 'load_dataset("parquet", data_files="data/records.parquet"' in readme


def test_dataset_readme_says_what_when_how_many(archive, tmp_path):
    directory = tmp_path / "ds"
    export_dataset(archive.url, directory)
    readme = (directory / "README.md").read_text(encoding="utf-8")
    assert "| `cess` | 2 |" in readme and "| `anne-genetet` | 1 |" in readme
    assert "| `cess` | `en` | 1 |" in readme and "| `cess` | `fr` | 1 |" in readme
    assert "| `anne-genetet` | `fr` | 1 |" in readme
    assert "**Records**: 3 (3 pages" in readme
    assert "**Crawl period**: 2026-" in readme and "**Created**: " in readme
    assert "sha256sum -c SHA256SUMS" in readme
    from exports.schema import markdown_field_table

    assert markdown_field_table() in readme
    sums = dict(line.split("  ")[::-1] for line in (directory / "SHA256SUMS").read_text().splitlines())
    assert f"`{sums['data/records.jsonl']}`" in readme


def test_dataset_replaces_a_previous_dataset_and_nothing_else(archive, tmp_path):
    directory = tmp_path / "ds"
    directory.mkdir()  # an empty directory is fine
    export_dataset(archive.url, directory)
    first = (directory / "SHA256SUMS").read_text()
    export_dataset(archive.url, directory, "--all-versions")
    assert files_in(directory) == DATASET_FILES and (directory / "SHA256SUMS").read_text() != first
    assert len(read_jsonl(directory / "data" / "records.jsonl")) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

    (directory / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    refused = cess("export", "--db", archive.url, "--dataset", str(directory))
    assert refused.exit_code == 2 and "not a dataset written by cess-archive" in refused.stderr
    assert (directory / "notes.txt").read_text() == "my own notes\n"
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    assert cess("export", "--db", archive.url, "--dataset", str(a_file)).exit_code == 2
    assert a_file.read_text() == "x"


def test_an_empty_selection_makes_a_valid_empty_dataset(archive, tmp_path):
    """Nothing selected is exit 0 and a dataset that verifies: empty data files with their full schema,
    datapackage.json and SHA256SUMS that describe them, and one note on stderr."""
    import pyarrow.parquet as pq

    directory = tmp_path / "ds"
    result = cess(
        "export", "--db", archive.url, "--dataset", str(directory), "--source", "anne-genetet", "--kind", "article"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"exported 0 records to dataset {directory} (6 files, ")
    assert (
        result.stderr.startswith("cess-archive: note: the selection is empty (")
        and result.stderr.rstrip().endswith("wrote a dataset with empty data files")
        and result.stderr.count("\n") == 1
    )
    assert files_in(directory) == DATASET_FILES
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=directory, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (directory / "data" / "records.jsonl").read_bytes() == b""
    table = pq.read_table(directory / "data" / "records.parquet")
    assert table.num_rows == 0 and table.schema.names == list(FIELD_NAMES)
    assert frame_from_parquet(directory / "data" / "records.parquet").empty
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert package["records"] == 0 and package["pages"] == 0
    assert package["captured"] == {"first_seen": None, "last_seen": None}
    assert package["crawl_period"]["start"] <= package["crawl_period"]["end"]  # of the source asked for
    for resource in package["resources"]:
        data = (directory / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data) and resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    readme = (directory / "README.md").read_text(encoding="utf-8")
    assert "**Records**: 0 (0 pages)" in readme and "the selection is empty" in readme
    assert "None" not in readme.split("## Files")[0]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------------- one description, no drift


def test_docs_schemas_and_exports_cannot_drift(archive, tmp_path):
    """README, JSON Schema, Frictionless schema, Parquet schema, CSV header, JSON keys and the WARC
    metadata all come from FIELDS, in its order."""
    import pyarrow.parquet as pq

    from exports.records import record_from_row
    from exports.schema import arrow_schema, json_schema, markdown_field_table, table_schema

    readme = README.read_text(encoding="utf-8")
    assert markdown_field_table() in readme, "README.md's field table is not `python -m exports.schema`"
    types = {
        "string": "string",
        "integer": "integer",
        "number": "number",
        "boolean": "boolean",
        "datetime": "string",
        "object": "object",
    }
    schema = json_schema()
    assert list(schema["properties"]) == list(FIELD_NAMES) == schema["required"]
    for field in FIELDS:
        prop = schema["properties"][field.name]
        assert prop["description"] == field.description
        assert prop["type"] == ([types[field.type], "null"] if field.nullable else types[field.type])
    assert [f["name"] for f in table_schema()["fields"]] == list(FIELD_NAMES)
    assert arrow_schema().names == list(FIELD_NAMES)
    assert [f.nullable for f in arrow_schema()] == [f.nullable for f in FIELDS]

    outputs = {
        fmt: export_file(archive.url, tmp_path / f"all.{fmt}", fmt, "--all-versions")
        for fmt in ("json", "jsonl", "csv", "parquet")
    }
    assert all(list(r) == list(FIELD_NAMES) for r in read_jsonl(outputs["jsonl"]))
    assert all(list(r) == list(FIELD_NAMES) for r in json.loads(outputs["json"].read_text(encoding="utf-8")))
    header = outputs["csv"].read_bytes().decode("utf-8").split("\r\n", 1)[0]
    assert header == ",".join(f'"{name}"' for name in FIELD_NAMES)
    assert pq.read_schema(outputs["parquet"]).names == list(FIELD_NAMES)
    assert pq.read_schema(outputs["parquet"]).remove_metadata().equals(arrow_schema().remove_metadata())
    from tests.builders import warc_metadata

    warc = export_file(archive.url, tmp_path / "all.warc.gz", "warc", "--all-versions")
    assert all(list(r) == list(FIELD_NAMES) for linked in warc_metadata(warc).values() for r in linked)
    row = dict.fromkeys(FIELD_NAMES) | {"version_id": 1, "page_id": 1, "capture_id": 1}
    assert list(record_from_row(row)) == list(FIELD_NAMES)
