"""Exports of large generated archives, each in a process of its own: memory stays flat whatever the
archive's size, a killed or terminated export leaves nothing under the final name (and keeps the previous
file or dataset), an export runs while a crawl writes, and the progress bar shows only on a terminal."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import time
from datetime import UTC, datetime

import pytest

from tests.builders import (
    BIG_PAGES,
    LargeArchives,
    build_large_archives,
    read_jsonl,
    run_measured,
    run_on_terminal,
    start_export,
    wait_for_part,
)
from tests.conftest import cess


@pytest.fixture(scope="module")
def large_archives(tmp_path_factory) -> LargeArchives:
    return build_large_archives(tmp_path_factory.mktemp("large"))


MEMORY_GROWTH_BOUND_MIB = 20


@pytest.mark.slow
@pytest.mark.parametrize("target", ["jsonl", "csv", "parquet", "warc", "dataset"])
def test_memory_stays_flat_whatever_the_archive_size(large_archives, tmp_path, target):
    """Peak RSS of the export process barely moves from a 1,000-version archive to a 10,000-version one
    (over 25 MiB of text, held as Python strings more than the bound): records are streamed, never held.
    ``benchmarks/exports.py`` measures time and memory on larger archives."""
    assert large_archives.big_versions == 2 * BIG_PAGES and large_archives.big_text_mib > 25
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
        assert len(read_jsonl(tmp_path / "big-ds" / "data" / "records.jsonl")) == 2 * BIG_PAGES


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "warc"])
def test_killed_export_leaves_no_file_under_the_final_name(large_archives, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    proc = start_export(large_archives.big, "--all-versions", "--format", fmt, "--output", str(out))
    wait_for_part(tmp_path, f".{out.name}.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()


def test_killed_export_keeps_the_previous_file_and_dataset(large_archives, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    proc = start_export(large_archives.big, "--all-versions", "--format", "jsonl", "--output", str(out))
    wait_for_part(tmp_path, ".out.jsonl.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert out.read_text(encoding="utf-8") == "previous export\n"

    dataset = tmp_path / "ds"
    first = cess("export", "--db", large_archives.small, "--dataset", str(dataset))
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in dataset.rglob("*") if p.is_file()}
    proc = start_export(large_archives.big, "--all-versions", "--dataset", str(dataset))
    wait_for_part(tmp_path, ".ds.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert {p: p.read_bytes() for p in dataset.rglob("*") if p.is_file()} == before


def test_terminated_export_cleans_up_and_says_so(large_archives, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("previous export\n", encoding="utf-8")
    proc = start_export(large_archives.big, "--all-versions", "--format", "csv", "--output", str(out))
    wait_for_part(tmp_path, ".out.csv.", proc, min_bytes=64 * 1024)
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
    proc = start_export(large_archives.big, "--all-versions", "--format", "parquet", "--output", str(out))
    wait_for_part(tmp_path, ".out.parquet.", proc)
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
