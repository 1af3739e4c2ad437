"""Word-level differences between two texts: the operations, and how much changed.

Pure functions, no database: used to describe an edit when a version is stored (words added and removed,
a similarity ratio that tells a typo fix from a rewrite) and to show a diff to archivists. Words are
whitespace-separated tokens; line breaks are kept as tokens of their own so that paragraphs stay visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\n|[^\s]+")


@dataclass(frozen=True)
class DiffOp:
    """One run of the diff: ``kind`` is "equal", "insert" or "delete"; ``words`` the tokens concerned."""

    kind: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class ChangeStats:
    words_added: int
    words_removed: int
    similarity: float  # 1.0 = same words in the same order

    def as_dict(self) -> dict:
        return {"words_added": self.words_added, "words_removed": self.words_removed, "similarity": self.similarity}


def tokenize(text: str) -> list[str]:
    """Words and line breaks of ``text``, in order."""
    return _TOKEN.findall(text.replace("\r\n", "\n"))


def word_diff(old: str, new: str) -> list[DiffOp]:
    """The word-level diff from ``old`` to ``new`` (a replacement is a delete then an insert)."""
    a, b = tokenize(old), tokenize(new)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(DiffOp("equal", tuple(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(DiffOp("delete", tuple(a[i1:i2])))
        if j2 > j1:
            ops.append(DiffOp("insert", tuple(b[j1:j2])))
    return ops


def _words(tokens: tuple[str, ...]) -> int:
    return sum(1 for token in tokens if token != "\n")


def change_stats(old: str, new: str) -> ChangeStats:
    """Words added and removed from ``old`` to ``new``, and their similarity (rounded to 4 places)."""
    a, b = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += _words(tuple(a[i1:i2]))
            added += _words(tuple(b[j1:j2]))
    similarity = round(matcher.ratio(), 4) if (a or b) else 1.0
    return ChangeStats(words_added=added, words_removed=removed, similarity=similarity)


def join_tokens(tokens: tuple[str, ...] | list[str]) -> str:
    """Tokens back to text: words separated by spaces, line breaks as they were."""
    out: list[str] = []
    for token in tokens:
        if token == "\n":
            out.append("\n")
        else:
            if out and out[-1] != "\n":
                out.append(" ")
            out.append(token)
    return "".join(out)


@dataclass(frozen=True)
class Hunk:
    """Paragraphs that are the same in both texts ("equal", with ``lines``) or a changed run ("change",
    with the word-level ``ops`` of just those paragraphs)."""

    kind: str
    lines: tuple[str, ...] = ()
    ops: tuple[DiffOp, ...] = ()


def paragraph_diff(old: str, new: str) -> list[Hunk]:
    """The diff as runs of unchanged paragraphs and word-level diffs of the changed ones."""
    a, b = old.splitlines(), new.splitlines()
    hunks: list[Hunk] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            hunks.append(Hunk("equal", lines=tuple(a[i1:i2])))
        else:
            ops = word_diff("\n".join(a[i1:i2]), "\n".join(b[j1:j2]))
            hunks.append(Hunk("change", ops=tuple(ops)))
    return hunks
