"""Whitespace and character normalisation, and the walk that turns an HTML subtree into text blocks.

Everything that becomes part of a :class:`CleanRecord` string goes through :func:`normalize_inline`
(one line: Unicode NFC, zero-width and control characters removed, every run of whitespace, including
NBSP and the narrow NBSP of French typography, collapsed to one space) or :func:`normalize_lines`
(several lines: the same per line, empty lines dropped). Typographic characters (’ « » – — •) are
kept as they are.

:func:`collect_blocks` walks a subtree without recursion (pages can be deeply nested) and emits one
:class:`Block` per text block: the text of a block element (``p``, ``li``, ``h2`` …) minus the text of
the block elements nested in it, which are emitted on their own, so that nothing is emitted twice.
Text outside any block element is not emitted. ``<br>`` becomes a space; attributes (``alt``,
``title``) are never read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

# Invisible characters that carry no text: zero-width space, word joiner, BOM / zero-width no-break space.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
# C0/C1 control characters other than the whitespace ones (tab, newline, carriage return) that
# str.split() already treats as separators.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")

#: Block elements whose text is emitted as one line.
TEXT_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre"})
#: Headings (a subset of the blocks).
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Structural elements that end the current line without being blocks themselves: text directly
#: inside them is only emitted when they sit inside a block (``<li>a<div>b</div></li>`` gives "a", "b").
_BREAKS = frozenset(
    {
        "div", "section", "article", "aside", "main", "header", "footer", "nav", "figure",
        "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "caption", "hr", "address", "details", "summary", "form", "fieldset",
    }
)  # fmt: skip
#: Line breaks inside a block: HTML ``br`` and trafilatura's ``lb``, both read as a space.
LINE_BREAKS = frozenset({"br", "lb"})
#: Subtrees whose text is never content.
SKIPPED = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "button", "select", "option",
        "textarea", "input", "iframe", "object", "embed", "canvas", "video", "audio", "head", "title",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Block:
    """One line of text and the tag of the block element it came from."""

    tag: str
    text: str


def normalize_inline(value: str | None) -> str:
    """One line of clean text: NFC, no invisible or control characters, whitespace collapsed."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    value = _CONTROL.sub("", value)
    return " ".join(value.split())


def normalize_optional(value: str | None) -> str | None:
    """:func:`normalize_inline`, with ``None`` for an empty result."""
    return normalize_inline(value) or None


def normalize_lines(value: str | None) -> str:
    """Several lines of clean text: each line normalised, empty lines dropped, joined by newlines."""
    if not value:
        return ""
    return join_lines(normalize_inline(line) for line in value.splitlines())


def join_lines(lines: Iterable[str]) -> str:
    """Join non-empty lines with single newlines."""
    return "\n".join(line for line in lines if line)


def tag_name(element: etree._Element) -> str | None:
    """Lower-case local tag name, or ``None`` for comments, processing instructions and entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def _events(root: etree._Element, skip: frozenset[str] = SKIPPED) -> Iterator[tuple[bool, etree._Element]]:
    """(is_start, element) events in document order, without descending into skipped subtrees."""
    yield True, root
    if tag_name(root) in skip:
        yield False, root
        return
    stack = [(root, iter(root))]
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield False, element
            continue
        yield True, child
        if tag_name(child) in skip or tag_name(child) is None:
            yield False, child
        else:
            stack.append((child, iter(child)))


def collect_blocks(
    root: etree._Element, block_tags: frozenset[str] = TEXT_BLOCKS, skip: frozenset[str] = SKIPPED
) -> list[Block]:
    """The text blocks of ``root`` in document order, each block element's own text once.

    ``root`` itself may be a block. Text that is not inside a block element, or inside an element
    named in ``skip``, is ignored.
    """
    blocks: list[Block] = []
    parts: list[str] = []
    open_blocks: list[str] = []

    def flush() -> None:
        if parts:
            text = normalize_inline("".join(parts))
            parts.clear()
            if text and open_blocks:
                blocks.append(Block(open_blocks[-1], text))

    for is_start, element in _events(root, skip):
        tag = tag_name(element)
        if is_start:
            if tag in block_tags:
                flush()
                open_blocks.append(tag)
            elif tag in _BREAKS:
                flush()
            elif tag in LINE_BREAKS and open_blocks:
                parts.append(" ")
            if tag is not None and tag not in skip and element.text and open_blocks:
                parts.append(element.text)
        else:
            if tag in block_tags:
                flush()
                open_blocks.pop()
            elif tag in _BREAKS:
                flush()
            if element is not root and element.tail and open_blocks:
                parts.append(element.tail)
    flush()
    return blocks


def element_text(element: etree._Element | None) -> str:
    """All the visible text of an element on one line (no attributes, no script/style)."""
    if element is None:
        return ""
    parts: list[str] = []
    for is_start, node in _events(element):
        tag = tag_name(node)
        if is_start:
            if tag in LINE_BREAKS:
                parts.append(" ")
            elif tag is not None and tag not in SKIPPED and node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return normalize_inline("".join(parts))
