"""Content model of the local copy: plain dataclasses, block builders and the clean-text rules.

A post or page body is a tuple of :class:`Block` objects. A block holds inline :class:`Span` runs (plain
text, bold, italics, links, line breaks), list items, or an image with its alt text and caption. The
*clean text* of a body (what the archive must extract) follows ``MARKUP.md``: one line per paragraph,
heading, list item, quotation and caption, whitespace collapsed, line breaks as a single space, empty
blocks dropped, image alt text never included.

Everything is immutable: the mutable state of the site (``state.py``) replaces objects with
:func:`dataclasses.replace` instead of editing them in place, so resetting the site is trivial.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

UTC = UTC

BLOCK_KINDS = ("paragraph", "h2", "h3", "ul", "ol", "blockquote", "figure", "spacer")
MARKS = ("", "strong", "em", "link", "break")

#: How a path is written in an ``href`` or a ``<loc>``: the raw Unicode text, or percent-encoded UTF-8.
RAW, ENCODED = "raw", "encoded"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def collapse(text: str) -> str:
    """Whitespace runs (including no-break spaces) become one space; the ends are trimmed."""
    return " ".join(text.split())


def short_hash(*parts: object, length: int = 8) -> str:
    """A stable hexadecimal digest of ``parts`` (never Python's randomised ``hash``)."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


def encode_path(path: str) -> str:
    """Percent-encodes the non-ASCII characters of a path as UTF-8 (``é`` → ``%C3%A9``)."""
    return quote(path, safe="/-._~!$&'()*+,;=:@%")


def path_in_form(path: str, form: str) -> str:
    return encode_path(path) if form == ENCODED else path


# --------------------------------------------------------------------------------------------- inline


@dataclass(frozen=True)
class Span:
    """A run of inline text. ``mark`` is one of :data:`MARKS`; links carry ``href`` (a site path or an
    absolute URL). ``via_alias`` makes a site link use the host alias instead of the canonical origin."""

    text: str
    mark: str = ""
    href: str = ""
    via_alias: bool = False

    def __post_init__(self) -> None:
        if self.mark not in MARKS:
            raise ValueError(f"unknown mark {self.mark!r}")


BREAK = Span("", "break")


def strong(text: str) -> Span:
    return Span(text, "strong")


def em(text: str) -> Span:
    return Span(text, "em")


def link(href: str, text: str, *, via_alias: bool = False) -> Span:
    return Span(text, "link", href, via_alias)


Inline = str | Span


def spans_of(parts: Iterable[Inline]) -> tuple[Span, ...]:
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts)


def plain(spans: Iterable[Span]) -> str:
    """The clean text of inline runs: a line break counts as one space, whitespace is collapsed."""
    return collapse("".join(" " if s.mark == "break" else s.text for s in spans))


# --------------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    kind: str
    spans: tuple[Span, ...] = ()
    items: tuple[tuple[Span, ...], ...] = ()
    alt: str = ""
    caption: str = ""
    image: str = ""

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")

    @property
    def text(self) -> str:
        return plain(self.spans)

    def lines(self) -> list[str]:
        """The clean-text lines this block contributes (none for spacers and empty blocks)."""
        if self.kind in ("ul", "ol"):
            candidates = [plain(item) for item in self.items]
        elif self.kind == "figure":
            candidates = [collapse(self.caption)]
        elif self.kind == "spacer":
            candidates = []
        else:
            candidates = [self.text]
        return [line for line in candidates if line]


def paragraph(*parts: Inline) -> Block:
    return Block("paragraph", spans_of(parts))


def h2(text: str) -> Block:
    return Block("h2", (Span(text),))


def h3(text: str) -> Block:
    return Block("h3", (Span(text),))


def ul(*items: Inline | tuple[Inline, ...]) -> Block:
    return Block("ul", items=_items(items))


def ol(*items: Inline | tuple[Inline, ...]) -> Block:
    return Block("ol", items=_items(items))


def _items(items: Iterable[Inline | tuple[Inline, ...]]) -> tuple[tuple[Span, ...], ...]:
    return tuple(spans_of(item if isinstance(item, tuple) else (item,)) for item in items)


def blockquote(*parts: Inline) -> Block:
    return Block("blockquote", spans_of(parts))


def figure(caption: str, alt: str = "", image: str = "") -> Block:
    """An image with its caption. ``alt`` defaults to the caption, as Wix does when nobody edits it."""
    return Block("figure", alt=alt or caption, caption=caption, image=image or short_hash(caption, length=6))


def spacer() -> Block:
    return Block("spacer")


def blocks_of(parts: Iterable[Block | str]) -> tuple[Block, ...]:
    """Plain strings become paragraphs; blocks are kept."""
    return tuple(p if isinstance(p, Block) else paragraph(p) for p in parts)


def clean_lines(body: Iterable[Block]) -> list[str]:
    return [line for block in body for line in block.lines()]


def clean_text(body: Iterable[Block]) -> str:
    """The expected clean text of a body, one block per line, no trailing newline."""
    return "\n".join(clean_lines(body))


def excerpt(body: Iterable[Block], limit: int = 160) -> str:
    """The first paragraph, cut on a word boundary near ``limit`` characters (Wix's og:description)."""
    first = next((b.text for b in body if b.kind == "paragraph" and b.text), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def word_count(body: Iterable[Block]) -> int:
    return sum(len(line.split()) for line in clean_lines(body))


# ---------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Category:
    slug: str
    name: str

    @property
    def path(self) -> str:
        return f"/blog/categories/{self.slug}"


@dataclass(frozen=True)
class Post:
    """A blog post. ``slug`` is the last segment of its URL path, as raw Unicode text.

    ``prefix`` is the language prefix of the path ("" for French, "/en" for a translation);
    ``translation_of`` names the slug of the French original of a translation. ``sitemap_form`` says how
    the posts sitemap writes the path (:data:`RAW` or :data:`ENCODED`); links in pages use the other form.
    ``feed_tracking`` adds ``utm_`` parameters to the post's link in the RSS feed. ``comments_label``
    overrides the header of the comment widget (seed 000 shows the Spanish "Comentarios").
    ``markup_variant`` selects how the body is marked up (see ``render.py``); it never changes the text.
    """

    slug: str
    title: str
    author: str
    published: datetime
    body: tuple[Block, ...]
    categories: tuple[str, ...] = ()
    modified: datetime | None = None
    lang: str = "fr"
    prefix: str = ""
    translation_of: str = ""
    sitemap_form: str = ENCODED
    feed_tracking: bool = False
    comments_label: str = ""
    markup_variant: int = 0
    post_id: str = field(default="")
    image: str = field(default="")

    def __post_init__(self) -> None:
        if self.modified is None:
            object.__setattr__(self, "modified", self.published)
        if not self.post_id:
            object.__setattr__(self, "post_id", short_hash("post", self.prefix, self.slug, length=24))
        if not self.image:
            object.__setattr__(
                self,
                "image",
                f"{short_hash('cover', self.post_id, length=6)}_{short_hash('media', self.post_id, length=32)}",
            )

    @property
    def path(self) -> str:
        return f"{self.prefix}/post/{self.slug}"

    @property
    def link_form(self) -> str:
        """How pages write links to this post: the opposite of the sitemap's form."""
        return RAW if self.sitemap_form == ENCODED else ENCODED

    @property
    def text(self) -> str:
        return clean_text(self.body)

    @property
    def excerpt(self) -> str:
        return excerpt(self.body)

    def paragraph_positions(self) -> list[int]:
        """Indexes in ``body`` of the paragraphs (the blocks ``edit_paragraph`` counts)."""
        return [i for i, block in enumerate(self.body) if block.kind == "paragraph"]


@dataclass(frozen=True)
class Page:
    """A static page (``kind="page"``), the contact form (``kind="contact"``) or a home page
    (``kind="home"``). ``translation_of`` is the path of the French original of a translation."""

    path: str
    title: str
    body: tuple[Block, ...]
    lang: str = "fr"
    kind: str = "page"
    translation_of: str = ""
    description: str = ""

    @property
    def text(self) -> str:
        return clean_text(self.body)


@dataclass(frozen=True)
class LanguageCopy:
    """An untranslated copy: the French ``target`` (a post slug, or a page path) served under a foreign
    language prefix with ``lang`` declared, the French text unchanged, and no ``hreflang`` links."""

    lang: str
    target: str
    kind: str = "post"

    @property
    def path(self) -> str:
        if self.kind == "post":
            return f"/{self.lang}/post/{self.target}"
        return f"/{self.lang}" + ("" if self.target == "/" else self.target)
