"""Bad input to ``cess-archive export``: one line on stderr, status 2, nothing written."""

from __future__ import annotations

import pytest

from tests.builders import build_small_archive
from tests.conftest import cess


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory) -> str:
    """A generated archive of 1,000 versions (the small one of ``test_export_memory.py``)."""
    return build_small_archive(tmp_path_factory.mktemp("small"))


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
def test_bad_input_is_one_line_and_status_2(small_archive, tmp_path, args, message):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = cess("export", "--db", small_archive, *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_cli_offers_every_format():
    from exports import FORMATS

    result = cess("export", "--help")
    assert f"[{'|'.join(FORMATS)}]" in result.stdout
