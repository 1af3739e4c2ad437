"""Word-level differences between two texts: the operations, and how much changed.

Pure functions, no database: used to describe an edit when a version is stored (words added and removed,
a similarity ratio that tells a typo fix from a rewrite) and to show a diff to archivists. Words are
whitespace-separated tokens; line breaks are kept as tokens of their own so that paragraphs stay visible.
For the side-by-side view: paragraphs aligned (:func:`align_paragraphs`), cut to the changes with some
context (:func:`with_context`), the metadata that changed (:func:`field_changes`), and the same texts as a
unified diff (:func:`unified_diff`).
"""

from __future__ import annotations

import difflib
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


# ------------------------------------------------------------------------------- side-by-side diffs

PAIR_SIMILARITY = 0.5  # paragraphs at least this similar are one paragraph edited, wherever they moved to
MAX_PAIRINGS = 2500  # beyond this many (old, new) candidates in one changed run, pair paragraphs in order
SHORT_EQUAL = 2  # a run of this many common words or fewer between two changes is shown as changed


@dataclass(frozen=True)
class ParagraphOp:
    """One step of a side-by-side diff: ``op`` is "equal" (``old`` and ``new`` hold the same paragraphs),
    "replace" (one old paragraph and the new one it became, with the word-level ``words``), "delete" (old
    paragraphs only) or "insert" (new paragraphs only). ``old_start``/``new_start``: the index of the first
    paragraph of ``old``/``new`` among the paragraphs of its text."""

    op: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    words: tuple[DiffOp, ...] = ()
    old_start: int = 0
    new_start: int = 0

    def as_dict(self) -> dict:
        return {
            "op": self.op,
            "old": list(self.old),
            "new": list(self.new),
            "words": [{"op": word.kind, "text": join_tokens(word.words)} for word in self.words],
        }


@dataclass(frozen=True)
class Skipped:
    """Unchanged paragraphs left out of a diff shown with context: ``count`` of them, from ``old_start``
    and ``new_start``."""

    count: int
    old_start: int
    new_start: int


@dataclass(frozen=True)
class FieldChange:
    """A metadata field whose value differs between two versions."""

    field: str
    old: object
    new: object


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``: its lines, trimmed, without the blank ones."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def readable_word_diff(old: str, new: str) -> list[DiffOp]:
    """:func:`word_diff` for people: a short run of common words between two changes (a "de", a "la")
    counts as changed, so that a rewritten sentence reads as one deletion and one insertion."""
    ops = word_diff(old, new)
    out: list[DiffOp] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            out.append(DiffOp("delete", tuple(removed)))
        if added:
            out.append(DiffOp("insert", tuple(added)))
        removed.clear()
        added.clear()

    for index, op in enumerate(ops):
        if op.kind == "delete":
            removed.extend(op.words)
        elif op.kind == "insert":
            added.extend(op.words)
        elif (removed or added) and index + 1 < len(ops) and len(op.words) <= SHORT_EQUAL:
            removed.extend(op.words)
            added.extend(op.words)
        else:
            flush()
            out.append(op)
    flush()
    return out


def _similarity(a: list[str], b: list[str]) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < PAIR_SIMILARITY or matcher.quick_ratio() < PAIR_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _similar_pairs(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """The pairs (i, j) of similar paragraphs, in order on both sides, with the greatest total similarity."""
    if len(old) * len(new) > MAX_PAIRINGS:
        return []
    a = [tokenize(p) for p in old]
    b = [tokenize(p) for p in new]
    best = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    paired = [[False] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            best[i][j] = max(best[i - 1][j], best[i][j - 1])
            similarity = _similarity(a[i - 1], b[j - 1])
            if similarity >= PAIR_SIMILARITY and best[i - 1][j - 1] + similarity > best[i][j]:
                best[i][j] = best[i - 1][j - 1] + similarity
                paired[i][j] = True
    pairs: list[tuple[int, int]] = []
    i, j = len(a), len(b)
    while i and j:
        if paired[i][j]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _changed_run(old: list[str], new: list[str], i0: int, j0: int) -> list[ParagraphOp]:
    """A run of changed paragraphs, aligned: similar paragraphs are paired wherever they are; between them,
    paragraphs are paired in order, and what is left over on one side was deleted or inserted."""
    ops: list[ParagraphOp] = []

    def replace(i: int, j: int) -> None:
        words = tuple(readable_word_diff(old[i], new[j]))
        ops.append(ParagraphOp("replace", (old[i],), (new[j],), words, i0 + i, j0 + j))

    i = j = 0
    for next_i, next_j in [*_similar_pairs(old, new), (len(old), len(new))]:
        together = min(next_i - i, next_j - j)
        for k in range(together):
            replace(i + k, j + k)
        if next_i - i > together:
            ops.append(ParagraphOp("delete", tuple(old[i + together : next_i]), (), (), i0 + i + together, j0 + next_j))
        if next_j - j > together:
            ops.append(ParagraphOp("insert", (), tuple(new[j + together : next_j]), (), i0 + next_i, j0 + j + together))
        if next_i < len(old):
            replace(next_i, next_j)
        i, j = next_i + 1, next_j + 1
    return ops


def align_paragraphs(old: str, new: str) -> list[ParagraphOp]:
    """The paragraphs of ``old`` and ``new`` side by side: unchanged runs, and changed runs where each edited
    paragraph faces the one it became (with its word-level diff), the others being deleted or inserted."""
    a, b = paragraphs(old), paragraphs(new)
    ops: list[ParagraphOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(ParagraphOp("equal", tuple(a[i1:i2]), tuple(b[j1:j2]), (), i1, j1))
        elif tag == "delete":
            ops.append(ParagraphOp("delete", tuple(a[i1:i2]), (), (), i1, j1))
        elif tag == "insert":
            ops.append(ParagraphOp("insert", (), tuple(b[j1:j2]), (), i1, j1))
        else:
            ops.extend(_changed_run(a[i1:i2], b[j1:j2], i1, j1))
    return ops


def with_context(ops: list[ParagraphOp], context: int) -> list[ParagraphOp | Skipped]:
    """The changes of ``ops`` with ``context`` unchanged paragraphs around each; the unchanged paragraphs
    in between become :class:`Skipped`. No change at all: everything is skipped."""
    out: list[ParagraphOp | Skipped] = []
    for index, op in enumerate(ops):
        if op.op != "equal":
            out.append(op)
            continue
        count = len(op.old)
        before = min(context, count) if index > 0 else 0
        after = min(context, count - before) if index < len(ops) - 1 else 0
        if before + after >= count:
            out.append(op)
            continue
        if before:
            out.append(ParagraphOp("equal", op.old[:before], op.new[:before], (), op.old_start, op.new_start))
        out.append(Skipped(count - before - after, op.old_start + before, op.new_start + before))
        if after:
            start = count - after
            out.append(
                ParagraphOp("equal", op.old[start:], op.new[start:], (), op.old_start + start, op.new_start + start)
            )
    return out


def field_changes(old: dict, new: dict) -> list[FieldChange]:
    """The fields of ``old`` (in its order) whose value in ``new`` differs."""
    return [FieldChange(name, value, new.get(name)) for name, value in old.items() if new.get(name) != value]


def unified_diff(old: str, new: str, old_name: str, new_name: str, context: int = 3) -> str:
    """A unified diff of the lines of two texts, as ``diff -u`` writes it, under the header names given (a
    tab separates a name from what follows it, such as a date); the headers even when nothing changed."""
    names = [" ".join(name.splitlines()) for name in (old_name, new_name)]
    lines = [f"--- {names[0]}", f"+++ {names[1]}"]
    hunks = difflib.unified_diff(old.splitlines(), new.splitlines(), n=context, lineterm="")
    lines.extend(list(hunks)[2:])
    return "\n".join(lines) + "\n"
