"""Which trafilatura settings measure best for the generic path? A sweep over the other markups.

Runs ``clean_html`` on the hand-written pages of ``benchmarks/pages/`` once per variant of
``crawler.cleaning.generic.TRAFILATURA_OPTIONS`` (changed in this process only, restored after)
and prints the F1 of every page per variant, the mean, and the pages where a variant falls more
than 0.02 below plain ``trafilatura.extract``. The local copy is left out: its pages are handled by
the Wix rules, which these options do not touch.

    .venv/bin/python benchmarks/generic_settings.py
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import load_other_pages
from benchmarks.extraction import MARGIN, extract_ours, extract_trafilatura, score
from crawler.cleaning import generic

VARIANTS: dict[str, dict[str, bool]] = {
    "current": {},
    "favor_precision": {"favor_precision": True},
    "favor_recall": {"favor_recall": True},
    "no tables": {"include_tables": False},
    "comments": {"include_comments": True},
    "deduplicate": {"deduplicate": True},
}


def sweep(
    variants: dict[str, dict[str, bool]] = VARIANTS,
) -> tuple[list[str], dict[str, dict[str, float]], dict[str, float]]:
    """(page names, {variant: {page: our F1}}, {page: plain trafilatura F1})."""
    pages = load_other_pages()
    baseline = {p.name: score(p, extract_trafilatura(p)).f1 for p in pages}
    saved = dict(generic.TRAFILATURA_OPTIONS)
    table: dict[str, dict[str, float]] = {}
    try:
        for label, change in variants.items():
            generic.TRAFILATURA_OPTIONS.clear()
            generic.TRAFILATURA_OPTIONS.update({**saved, **change})
            table[label] = {p.name: score(p, extract_ours(p)).f1 for p in pages}
    finally:
        generic.TRAFILATURA_OPTIONS.clear()
        generic.TRAFILATURA_OPTIONS.update(saved)
    return [p.name for p in pages], table, baseline


def main() -> int:
    names, table, baseline = sweep()
    labels = list(table)
    width = max(map(len, names))
    print(f"{'page':<{width}}" + "".join(f"{label:>17}" for label in labels) + f"{'trafilatura':>13}")
    for name in names:
        print(
            f"{name:<{width}}" + "".join(f"{table[label][name]:17.3f}" for label in labels) + f"{baseline[name]:13.3f}"
        )
    mean = {label: sum(values.values()) / len(values) for label, values in table.items()}
    print(
        f"{'mean F1':<{width}}"
        + "".join(f"{mean[label]:17.4f}" for label in labels)
        + f"{sum(baseline.values()) / len(baseline):13.4f}"
    )
    for label in labels:
        worse = [n for n in names if table[label][n] < baseline[n] - MARGIN]
        print(f"{label}: worse than trafilatura by more than {MARGIN}: {', '.join(worse) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
