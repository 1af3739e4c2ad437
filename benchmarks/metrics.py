"""Scores of one extraction against its label: body precision/recall/F1 on word shingles, field
accuracy, leaked template strings.

Body text (shingle metric)
    Both texts are normalised the same way: Unicode NFKC, then ``str.casefold()``. Tokens are the
    maximal runs of Unicode word characters (``re.findall(r"\\w+")``): punctuation, typographic
    quotes and apostrophes, list markers and table separators (" | ") are not tokens, so
    ``l’Europe`` gives ``l``, ``europe`` and ``2,1 %`` gives ``2``, ``1``. Shingles are the
    :data:`SHINGLE` (4) consecutive tokens starting at every token of the whole text (line breaks
    are ignored, so a block split or merged differently costs nothing); a text of 1 to 3 tokens is
    one shingle. Shingles are counted as a multiset: a paragraph extracted twice (a caption read
    once from the image ``alt`` and once from the caption) counts twice.

    ``overlap = Σ min(count_extracted(s), count_expected(s))``;
    precision = overlap / #extracted shingles; recall = overlap / #expected shingles;
    F1 = 2PR / (P + R). Conventions: both texts empty gives P = R = F1 = 1; an empty extraction of a
    non-empty text gives P = R = F1 = 0; a non-empty extraction of an empty text gives P = 0, R = 1.

Fields
    title and author: equal after whitespace normalisation (``" ".join(value.split())``, which also
    folds NBSP), case-sensitive; an expected ``None`` is right only when nothing was found.
    published: the calendar day of the extracted value (a datetime's own date, in the offset the
    page gave; a string's leading ``YYYY-MM-DD``) equals the label's ISO date. language: the
    lower-cased primary subtag equals the label's code.

Leaked template strings
    A template string of the page "leaks" when it occurs in the extracted text (both whitespace
    normalised, case-sensitive) and not in the expected text; the count is the number of distinct
    strings that leak.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

#: Number of tokens in a shingle.
SHINGLE = 4
_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens of ``text`` (NFKC, casefold, runs of ``\\w``)."""
    if not text:
        return []
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str | None, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text`` (one shingle for a shorter, non-empty text)."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < size:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class BodyScore:
    precision: float
    recall: float
    f1: float


def body_score(extracted: str | None, expected: str | None) -> BodyScore:
    """Precision, recall and F1 of ``extracted`` against ``expected`` on word shingles."""
    got, want = shingles(extracted), shingles(expected)
    n_got, n_want = sum(got.values()), sum(want.values())
    if not n_got and not n_want:
        return BodyScore(1.0, 1.0, 1.0)
    if not n_got:
        return BodyScore(0.0, 0.0, 0.0)
    if not n_want:
        return BodyScore(0.0, 1.0, 0.0)
    overlap = sum((got & want).values())
    precision, recall = overlap / n_got, overlap / n_want
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision, recall, f1)


def squash(value: str | None) -> str:
    """Whitespace-normalised text ("" for ``None``)."""
    return " ".join((value or "").split())


def same_text(extracted: str | None, expected: str | None) -> bool:
    """Title/author accuracy: equal after whitespace normalisation; ``None`` expects nothing."""
    return squash(extracted) == squash(expected)


def calendar_day(value: object) -> str | None:
    """``YYYY-MM-DD`` of a datetime, date or ISO-like string, ``None`` when there is none."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
        return match.group(1) if match else None
    return None


def same_day(extracted: object, expected: str | None) -> bool:
    """Published-date accuracy: same calendar day (``None`` expects nothing)."""
    return calendar_day(extracted) == calendar_day(expected)


def same_language(extracted: str | None, expected: str | None) -> bool:
    """Language accuracy: same primary subtag, case-insensitive."""

    def primary(code: str | None) -> str | None:
        return re.split(r"[-_]", code.strip().lower())[0] if code and code.strip() else None

    return primary(extracted) == primary(expected)


def leaked(extracted: str | None, expected: str | None, template_strings: Iterable[str]) -> list[str]:
    """The distinct template strings found in ``extracted`` that are not in ``expected``."""
    got, want = squash(extracted), squash(expected)
    found = []
    for needle in dict.fromkeys(squash(s) for s in template_strings):
        if needle and needle in got and needle not in want:
            found.append(needle)
    return found
