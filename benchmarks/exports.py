"""Export benchmark: time, size and peak memory of ``cess-archive export`` in every format, on generated
archives of growing size. A benchmark, not a timed test (``tests/test_export_memory.py`` only bounds the
memory growth).

Run it from the repository root::

    .venv/bin/python benchmarks/exports.py                    # 1,000 and 30,000 versions
    .venv/bin/python benchmarks/exports.py --pages 500 5000 50000 --text-chars 3000
    .venv/bin/python benchmarks/exports.py --markdown         # the table in Markdown

Each archive holds ``pages`` articles with two versions each, one capture per version (distinct raw
bodies), written with plain inserts (``tests.builders.make_large_archive``). Every export is a
separate run of the real console script with ``--all-versions``; its peak RSS is the process's
``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.builders import make_large_archive, run_measured

TARGETS = ("jsonl", "json", "csv", "parquet", "warc", "dataset")


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[500, 15_000])
    parser.add_argument("--text-chars", type=int, default=3000)
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), choices=TARGETS)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="cess-export-bench-") as tmp:
        tmp_path = Path(tmp)
        for pages in args.pages:
            db_path = tmp_path / f"archive-{pages}.sqlite"
            started = time.perf_counter()
            db_url = make_large_archive(db_path, pages=pages, text_chars=args.text_chars)
            print(
                f"# {pages * 2} versions, archive {db_path.stat().st_size / 2**20:.1f} MiB, "
                f"generated in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
            for target in args.targets:
                out = tmp_path / (f"ds-{pages}" if target == "dataset" else f"out-{pages}.{target}")
                where = ["--dataset", str(out)] if target == "dataset" else ["--format", target, "--output", str(out)]
                started = time.perf_counter()
                status, peak, stderr = run_measured("export", "--db", db_url, "--all-versions", *where)
                elapsed = time.perf_counter() - started
                if status != 0:
                    print(stderr, file=sys.stderr)
                    return status
                rows.append((pages * 2, target, elapsed, size_of(out) / 2**20, peak))

    header = ("versions", "target", "seconds", "output MiB", "peak RSS MiB")
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---:|" * len(header))
        for versions, target, elapsed, size, peak in rows:
            print(f"| {versions} | {target} | {elapsed:.1f} | {size:.1f} | {peak:.0f} |")
    else:
        print(f"{header[0]:>9} {header[1]:<8} {header[2]:>8} {header[3]:>11} {header[4]:>13}")
        for versions, target, elapsed, size, peak in rows:
            print(f"{versions:>9} {target:<8} {elapsed:>8.1f} {size:>11.1f} {peak:>13.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
