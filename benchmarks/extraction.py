"""Extraction benchmark: the cleaning core (``crawler.cleaning.clean_html``) against labelled pages,
side by side with plain ``trafilatura.extract``. A benchmark, not a timed test: nothing is timed.

Run it from the repository root::

    .venv/bin/python benchmarks/extraction.py              # per-page table and summary
    .venv/bin/python benchmarks/extraction.py --markdown   # the summary in Markdown (README)
    .venv/bin/python benchmarks/extraction.py --show amp_article   # both extractions of one page

Labelled set (:mod:`benchmarks.corpus`): every post and static page of the local copy of the CESS
Wix site (``tests/site``, initial state, rendered with per-visit churn), and the hand-written pages
in other markups of ``benchmarks/pages/`` (HTML + JSON label).

Extractors, on the same bytes:

- ``ours``: ``clean_html(decode_html(body, content_type), url)``, as the crawler's pipeline calls it;
  its title, author, published date and detected language are the record's fields.
- ``trafilatura``: ``trafilatura.extract(body)`` with every setting at its default (text output,
  comments and tables included, no URL); its title, author and date are those of
  ``trafilatura.extract_metadata(body)``, its language ``Document.language`` (trafilatura does
  not detect languages by itself, so this field is normally empty and counts as wrong).

Scores per page (:mod:`benchmarks.metrics`, which defines them precisely): precision, recall and
F1 of the body on 4-word shingles (NFKC, casefolded ``\\w+`` tokens, multiset counts), whether
title / author / published day / language are right, and the template strings of the page that
leaked into the text. The summary gives, per group of pages and extractor, the means, the minimum
F1, the field accuracies, the leaks, and the pages where ours is worse than trafilatura by more
than :data:`MARGIN` of F1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from benchmarks.corpus import GROUP_LOCAL_PAGE, GROUP_LOCAL_POST, GROUP_OTHER, LabelledPage, load_pages
from benchmarks.metrics import body_score, leaked, same_day, same_language, same_text
from crawler.cleaning import clean_html, decode_html

#: A page where ours is worse than trafilatura by more than this much F1 is reported (and fails the test).
MARGIN = 0.02
EXTRACTORS = ("ours", "trafilatura")
EXTRACTOR_LABELS = {"ours": "cess-archive `clean_html`", "trafilatura": "`trafilatura.extract` (defaults)"}
GROUP_LABELS = {
    GROUP_LOCAL_POST: "Local copy: blog posts",
    GROUP_LOCAL_PAGE: "Local copy: static pages",
    GROUP_OTHER: "Other markups (hand-written)",
}

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Extraction:
    """What one extractor found on one page."""

    text: str
    title: str | None
    author: str | None
    published: object
    language: str | None


@dataclass(frozen=True)
class Score:
    """How one extraction compares with the page's label."""

    precision: float
    recall: float
    f1: float
    title_ok: bool
    author_ok: bool
    published_ok: bool
    language_ok: bool
    leaks: tuple[str, ...]


@dataclass(frozen=True)
class PageResult:
    page: LabelledPage
    extractions: dict[str, Extraction]
    scores: dict[str, Score]

    @property
    def ours(self) -> Score:
        return self.scores["ours"]

    @property
    def trafilatura(self) -> Score:
        return self.scores["trafilatura"]

    @property
    def delta_f1(self) -> float:
        """Our F1 minus trafilatura's."""
        return self.ours.f1 - self.trafilatura.f1


# ------------------------------------------------------------------------------------------ extractors


def extract_ours(page: LabelledPage) -> Extraction:
    record = clean_html(decode_html(page.html, page.content_type), page.url)
    return Extraction(record.text, record.title, record.author, record.published, record.language)


def extract_trafilatura(page: LabelledPage) -> Extraction:
    text = trafilatura.extract(page.html) or ""
    try:
        metadata = trafilatura.extract_metadata(page.html)
    except Exception:  # noqa: BLE001 - a metadata failure is a wrong answer, not a crash
        metadata = None
    return Extraction(
        text,
        getattr(metadata, "title", None),
        getattr(metadata, "author", None),
        getattr(metadata, "date", None),
        getattr(metadata, "language", None),
    )


EXTRACT = {"ours": extract_ours, "trafilatura": extract_trafilatura}


# --------------------------------------------------------------------------------------------- scoring


def score(page: LabelledPage, extraction: Extraction) -> Score:
    body = body_score(extraction.text, page.text)
    return Score(
        precision=body.precision,
        recall=body.recall,
        f1=body.f1,
        title_ok=same_text(extraction.title, page.title),
        author_ok=same_text(extraction.author, page.author),
        published_ok=same_day(extraction.published, page.published),
        language_ok=same_language(extraction.language, page.language),
        leaks=tuple(leaked(extraction.text, page.text, page.template_strings)),
    )


def evaluate(pages: Iterable[LabelledPage]) -> list[PageResult]:
    """Both extractors on every page, scored."""
    results = []
    for page in pages:
        extractions = {name: EXTRACT[name](page) for name in EXTRACTORS}
        scores = {name: score(page, extraction) for name, extraction in extractions.items()}
        results.append(PageResult(page, extractions, scores))
    return results


def run(local: bool = True, other: bool = True) -> list[PageResult]:
    """Loads the labelled set and evaluates it."""
    return evaluate(load_pages(local=local, other=other))


@dataclass(frozen=True)
class GroupSummary:
    group: str
    extractor: str
    pages: int
    precision: float
    recall: float
    f1: float
    min_f1: float
    title: int
    author: int
    published: int
    language: int
    leaked_strings: int
    pages_with_leaks: int


def summarize(results: Sequence[PageResult], group: str, extractor: str) -> GroupSummary:
    scores = [r.scores[extractor] for r in results if r.page.group == group]
    n = len(scores)
    if not n:
        raise ValueError(f"no page in group {group!r}")
    return GroupSummary(
        group=group,
        extractor=extractor,
        pages=n,
        precision=sum(s.precision for s in scores) / n,
        recall=sum(s.recall for s in scores) / n,
        f1=sum(s.f1 for s in scores) / n,
        min_f1=min(s.f1 for s in scores),
        title=sum(s.title_ok for s in scores),
        author=sum(s.author_ok for s in scores),
        published=sum(s.published_ok for s in scores),
        language=sum(s.language_ok for s in scores),
        leaked_strings=sum(len(s.leaks) for s in scores),
        pages_with_leaks=sum(bool(s.leaks) for s in scores),
    )


def worse_than_trafilatura(results: Sequence[PageResult], margin: float = MARGIN) -> list[PageResult]:
    """Pages where our F1 is below trafilatura's by more than ``margin``."""
    return [r for r in results if r.delta_f1 < -margin]


def groups_of(results: Sequence[PageResult]) -> list[str]:
    present = {r.page.group for r in results}
    return [g for g in (GROUP_LOCAL_POST, GROUP_LOCAL_PAGE, GROUP_OTHER) if g in present]


# ---------------------------------------------------------------------------------------------- tables


NAME_WIDTH = 48


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _fields(s: Score) -> str:
    return "".join(_mark(x) for x in (s.title_ok, s.author_ok, s.published_ok, s.language_ok))


def per_page_table(results: Sequence[PageResult]) -> str:
    """One line a page: both extractors' P/R/F1, fields (title, author, date, language), leaks."""
    width = min(NAME_WIDTH, max(len(r.page.name) for r in results))
    head = (
        f"{'page':<{width}}  {'ours P':>6} {'R':>5} {'F1':>5} {'TADL':>4} {'leak':>4}   "
        f"{'traf P':>6} {'R':>5} {'F1':>5} {'TADL':>4} {'leak':>4}   {'ΔF1':>6}"
    )
    lines = [head, "-" * len(head)]
    group = None
    for r in results:
        if r.page.group != group:
            group = r.page.group
            lines.append(f"[{GROUP_LABELS[group]}]")
        o, t = r.ours, r.trafilatura
        flag = "  <-- worse" if r.delta_f1 < -MARGIN else ""
        lines.append(
            f"{_short(r.page.name, width):<{width}}  {o.precision:6.3f} {o.recall:5.3f} {o.f1:5.3f} {_fields(o):>4} {len(o.leaks):4d}   "
            f"{t.precision:6.3f} {t.recall:5.3f} {t.f1:5.3f} {_fields(t):>4} {len(t.leaks):4d}   {r.delta_f1:+6.3f}{flag}"
        )
    lines.append("TADL = title, author, published date, language (✓ right, ✗ wrong); leak = template strings leaked")
    return "\n".join(lines)


def _summary_rows(results: Sequence[PageResult]) -> list[list[str]]:
    rows = []
    for group in groups_of(results):
        for extractor in EXTRACTORS:
            s = summarize(results, group, extractor)
            rows.append(
                [
                    GROUP_LABELS[group],
                    EXTRACTOR_LABELS[extractor],
                    str(s.pages),
                    f"{s.precision:.3f}",
                    f"{s.recall:.3f}",
                    f"{s.f1:.3f}",
                    f"{s.min_f1:.3f}",
                    f"{s.title}/{s.pages}",
                    f"{s.author}/{s.pages}",
                    f"{s.published}/{s.pages}",
                    f"{s.language}/{s.pages}",
                    (
                        f"{s.leaked_strings} on {s.pages_with_leaks} page{'s' if s.pages_with_leaks > 1 else ''}"
                        if s.leaked_strings
                        else "0"
                    ),
                ]
            )
    return rows


SUMMARY_HEADER = [
    "pages",
    "extractor",
    "n",
    "mean P",
    "mean R",
    "mean F1",
    "min F1",
    "title",
    "author",
    "published",
    "language",
    "leaked template strings",
]


METRIC_NOTE = (
    "P/R/F1: precision, recall and F1 of the extracted body against the hand-checked expected body, on "
    "4-word shingles (NFKC, casefolded `\\w+` tokens, so punctuation and line breaks do not count; shingles "
    "counted as a multiset, so duplicated text costs precision). title/author: exact match after whitespace "
    "normalisation; published: same calendar day; language: same ISO 639-1 code (trafilatura detects none). "
    "A template string leaks when it appears in the extracted text but not in the expected one."
)


def _worse_line(results: Sequence[PageResult]) -> str:
    worse = worse_than_trafilatura(results)
    if not worse:
        return f"Pages where ours is worse than trafilatura by more than {MARGIN} F1: none."
    listed = ", ".join(f"{r.page.name} ({r.delta_f1:+.3f})" for r in worse)
    return f"Pages where ours is worse than trafilatura by more than {MARGIN} F1: {listed}."


def summary_table(results: Sequence[PageResult], markdown: bool = False) -> str:
    rows = _summary_rows(results)
    if markdown:
        lines = [
            "| " + " | ".join(SUMMARY_HEADER) + " |",
            "|" + "|".join("---" if i < 2 else "---:" for i in range(len(SUMMARY_HEADER))) + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines += ["", _worse_line(results), "", METRIC_NOTE]
        return "\n".join(lines)
    widths = [max(len(SUMMARY_HEADER[i]), *(len(row[i]) for row in rows)) for i in range(len(SUMMARY_HEADER))]

    def fmt(row: list[str]) -> str:
        return "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=False))
        )

    lines = [fmt(SUMMARY_HEADER), "  ".join("-" * w for w in widths)] + [fmt(row) for row in rows]
    return "\n".join([*lines, "", _worse_line(results)])


def show(result: PageResult) -> str:
    """Both extractions of one page, with its label, for inspecting a score."""
    parts = [
        f"# {result.page.name} ({result.page.url})",
        f"## expected ({result.page.title!r}, {result.page.author!r}, {result.page.published}, {result.page.language})",
        result.page.text,
    ]
    for name in EXTRACTORS:
        e, s = result.extractions[name], result.scores[name]
        parts += [
            f"## {name}: P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} title={e.title!r} "
            f"author={e.author!r} published={e.published!r} language={e.language!r} leaks={list(s.leaks)}",
            e.text,
        ]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--markdown", action="store_true", help="print the summary table in Markdown")
    parser.add_argument("--only", choices=("local", "other"), help="evaluate one part of the labelled set")
    parser.add_argument("--show", metavar="NAME", help="print both extractions of the pages whose name contains NAME")
    args = parser.parse_args(argv)
    results = run(local=args.only != "other", other=args.only != "local")
    if args.show:
        for result in results:
            if args.show in result.page.name:
                print(show(result), end="\n\n")
        return 0
    if args.markdown:
        print(summary_table(results, markdown=True))
        return 0
    print(per_page_table(results))
    print()
    print(summary_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
