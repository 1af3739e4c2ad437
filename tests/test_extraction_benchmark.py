"""The thresholds of the extraction benchmark (``benchmarks/extraction.py``), asserted on its results.

Nothing is timed: the benchmark is run once for the module (a few seconds) and its scores checked.

- Local copy of the CESS site (every post, its translations and the untranslated ``/de/`` copy,
  rendered with per-visit churn): body F1 >= 0.99 on every post, no template string leaked, and
  title, author, published day and language right. Static pages: the same bar.
- Hand-written pages in other markups (``benchmarks/pages/``, at least 18): mean F1 at least that
  of plain ``trafilatura.extract``, and no page worse than it by more than 0.02 F1.

A failure message names the pages and shows their scores; ``benchmarks/extraction.py --show NAME``
prints both extractions of a page next to its label.
"""

from __future__ import annotations

import pytest

from benchmarks.corpus import GROUP_LOCAL_PAGE, GROUP_LOCAL_POST, GROUP_OTHER, load_other_pages
from benchmarks.extraction import MARGIN, PageResult, run, summarize, worse_than_trafilatura
from benchmarks.metrics import body_score, leaked, same_day, shingles

pytestmark = pytest.mark.slow  # cleans the whole labelled corpus

MIN_LOCAL_F1 = 0.99
MIN_OTHER_PAGES = 18


@pytest.fixture(scope="module")
def results() -> list[PageResult]:
    return run()


def _of(results: list[PageResult], group: str) -> list[PageResult]:
    return [r for r in results if r.page.group == group]


def _describe(result: PageResult) -> str:
    s = result.ours
    return (
        f"{result.page.name}: F1={s.f1:.3f} (P={s.precision:.3f} R={s.recall:.3f}) title={s.title_ok} "
        f"author={s.author_ok} published={s.published_ok} language={s.language_ok} leaks={list(s.leaks)}"
    )


# ------------------------------------------------------------------------------------- the labelled set


def test_labelled_set_covers_the_local_copy_and_other_markups(results):
    from tests.site.state import SiteState

    state = SiteState()
    posts = _of(results, GROUP_LOCAL_POST)
    expected_posts = len(state.content.posts) + len(state.content.translated_posts)
    expected_posts += sum(1 for copy in state.copies() if copy.kind == "post")
    assert len(posts) == expected_posts
    assert len(_of(results, GROUP_LOCAL_PAGE)) == sum(1 for p in state.content.pages.values() if p.kind == "page")
    others = load_other_pages()
    assert len(others) >= MIN_OTHER_PAGES
    for page in others:
        assert page.text.strip() and page.title and page.language and page.url.startswith("http"), page.name
        assert page.template_strings, page.name
    assert {p.language for p in others} >= {"fr", "en", "de"}


# ----------------------------------------------------------------------------------------- local copy


def test_every_local_post_is_extracted_exactly(results):
    failures = [
        _describe(r)
        for r in _of(results, GROUP_LOCAL_POST)
        if r.ours.f1 < MIN_LOCAL_F1
        or r.ours.leaks
        or not (r.ours.title_ok and r.ours.author_ok and r.ours.published_ok and r.ours.language_ok)
    ]
    assert not failures, "\n".join(failures)


def test_every_local_static_page_is_extracted_exactly(results):
    failures = [
        _describe(r)
        for r in _of(results, GROUP_LOCAL_PAGE)
        if r.ours.f1 < MIN_LOCAL_F1 or r.ours.leaks or not (r.ours.title_ok and r.ours.language_ok)
    ]
    assert not failures, "\n".join(failures)


def test_local_template_strings_include_the_visit_churn(results):
    """The leak check sees the byline, counts and recent posts of the visit, not only fixed strings."""
    post = _of(results, GROUP_LOCAL_POST)[0].page
    assert any(s.endswith(" vues") for s in post.template_strings)
    assert "Posts récents" in post.template_strings and "top of page" in post.template_strings


# ------------------------------------------------------------------------------------- other markups


def test_other_markups_mean_f1_is_at_least_trafilatura(results):
    ours = summarize(results, GROUP_OTHER, "ours")
    theirs = summarize(results, GROUP_OTHER, "trafilatura")
    assert ours.f1 >= theirs.f1, f"mean F1 {ours.f1:.4f} < trafilatura {theirs.f1:.4f}"


def test_no_other_markup_is_worse_than_trafilatura(results):
    worse = [r for r in worse_than_trafilatura(results) if r.page.group == GROUP_OTHER]
    assert not worse, "\n".join(
        f"{r.page.name}: ours F1={r.ours.f1:.3f}, trafilatura F1={r.trafilatura.f1:.3f} (margin {MARGIN})"
        for r in worse
    )


# ------------------------------------------------------------------------------------------- the metric


def test_shingle_metric_ignores_punctuation_case_and_line_breaks():
    assert body_score("L’Europe, la Défense :\nune priorité.", "l'europe la défense une priorité").f1 == 1.0
    assert shingles("a b c") == shingles("A, b; c") and sum(shingles("a b c d e").values()) == 2


def test_shingle_metric_counts_duplicates_and_missing_text():
    text = "un deux trois quatre cinq six sept huit"
    doubled = body_score(text + "\n" + text, text)
    assert doubled.recall == 1.0 and doubled.precision < 0.6
    half = body_score("un deux trois quatre cinq", text)
    assert half.precision == 1.0 and half.recall == pytest.approx(2 / 5)
    assert body_score("", text).f1 == 0.0 and body_score("", "").f1 == 1.0 and body_score(text, "").f1 == 0.0


def test_leaks_and_dates():
    assert leaked("Texte. Posts récents", "Texte.", ["Posts récents", "Texte"]) == ["Posts récents"]
    assert same_day("2025-05-06", "2025-05-06") and not same_day(None, "2025-05-06") and same_day(None, None)
