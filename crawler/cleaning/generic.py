"""The generic rule: trafilatura's main-content extraction, for every page no site rule recognises.

trafilatura gets a copy of the already parsed tree (so both see the same decoding), with two changes:
figure captions become paragraphs (trafilatura deletes figures whole, and a caption is article text:
the Wix rule keeps it too; the image ``alt`` is never kept), and tables used for page layout become
``div``s (with tables on, trafilatura would otherwise glue an old page's menu column to its article).
Settings, chosen by measuring on the fixtures:

- ``include_comments=False``: reader comments are not the article;
- ``include_tables=True``: a data table in an article is content (with ``False`` the tables of
  ``wordpress_article.html`` and ``cp1252_page.html`` are lost); rendered one row a line, cells
  joined by " | ";
- balanced mode (neither ``favor_precision`` nor ``favor_recall``): same text as precision on the
  fixtures, while recall adds the footer of ``cp1252_page.html``; trafilatura 2.3 already retries
  a short extraction with recall settings;
- ``include_images=False``, ``include_links=False``, ``include_formatting=False``.

Before trafilatura, the page's template landmarks (navigation, asides, the site's header and footer) are
removed: on a page whose article is empty, trafilatura's fallbacks would return them as the text.

The text is rendered from trafilatura's XML body with the same block walk as the Wix rule (one
paragraph, heading, list item, quote or table row a line, no "- " list markers, line breaks inside a
paragraph read as spaces), so that both rules produce the same kind of text. Lines without a letter
or digit (a stray "-" or "|" of a menu button, markup read as text) are dropped. trafilatura's metadata
pass is used only for the author and title of pages that declare none.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from .text import collect_blocks, element_text, join_lines, normalize_inline, normalize_lines

try:  # trafilatura is a hard dependency; the guard only keeps clean_html from raising if it breaks.
    import trafilatura
except ImportError:  # pragma: no cover
    trafilatura = None

#: The keyword arguments given to ``trafilatura.bare_extraction`` (part of the extractor's behaviour:
#: changing them requires bumping ``EXTRACTOR_VERSION``).
TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "favor_precision": False,
    "favor_recall": False,
    "deduplicate": False,
}
# htmldate's "extensive" search reads dates out of the text; the date is not used, keep it cheap.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# Blocks of trafilatura's XML output (see trafilatura's "xml" output format).
_OUTPUT_BLOCKS = frozenset({"p", "head", "item", "quote", "row", "code"})
_OUTPUT_SKIPPED = frozenset({"graphic"})

logging.getLogger("trafilatura").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class GenericResult:
    """Text and metadata trafilatura found."""

    text: str = ""
    author: str | None = None
    title: str | None = None


def captions_as_paragraphs(tree: HtmlElement) -> None:
    """Keep figure captions, which trafilatura deletes with their figure.

    A media-only ``<figure>`` with a caption becomes ``<div><p>caption</p></div>``; the caption of a
    figure that holds a table (which trafilatura keeps) becomes a ``<p>`` right after the figure.
    Other figures (pull quotes, which repeat the text; embeds) are left to trafilatura.
    """
    for figure in list(tree.iter("figure")):
        if figure.getparent() is None or any(a.tag == "figure" for a in figure.iterancestors()):
            continue
        caption = next(figure.iter("figcaption"), None)
        caption_text = element_text(caption)
        if not caption_text:
            continue
        paragraph = etree.Element("p")  # no attributes: a "caption" class makes trafilatura drop it
        paragraph.text = caption_text
        if next(figure.iter("table"), None) is not None:
            caption.getparent().remove(caption)  # keeps no tail: a figcaption's tail is whitespace
            paragraph.tail = figure.tail
            figure.tail = None
            figure.addnext(paragraph)
            continue
        if element_text(figure) != caption_text:
            continue  # the figure holds more than media and its caption
        replacement = etree.Element("div")
        replacement.append(paragraph)
        replacement.tail = figure.tail
        figure.getparent().replace(figure, replacement)


_LAYOUT_MARKERS = (
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "div", "table", "blockquote", "form",
    "section", "article", "nav", "header", "footer", "main", "aside",
)  # fmt: skip
_TABLE_PARTS = frozenset({"tbody", "thead", "tfoot", "tr", "td", "th", "caption"})


def _own_parts(table: etree._Element) -> list[etree._Element]:
    """The rows, cells and row groups of ``table`` that do not belong to a nested table."""
    parts = []
    for element in table.iter(*_TABLE_PARTS):
        owner = next(element.iterancestors("table"), None)
        if owner is table:
            parts.append(element)
    return parts


def _is_layout_cell(cell: etree._Element) -> bool:
    """A cell holding page structure (a heading, a list, a div, a table …) or several paragraphs;
    a cell with one ``<p>`` (tables pasted from a word processor) is still data."""
    if next(cell.iter(*_LAYOUT_MARKERS), None) is not None:
        return True
    return len(list(cell.iter("p"))) > 1


def layout_tables_as_divs(tree: HtmlElement) -> None:
    """Turn tables used for page layout into plain ``div``s, so that trafilatura reads them as page
    structure (its table handling would glue the menu column to the article), not as data."""
    for table in list(tree.iter("table")):
        parts = _own_parts(table)
        if not any(_is_layout_cell(part) for part in parts if part.tag in ("td", "th")):
            continue
        for part in parts:
            part.tag = "div"
            for attr in ("colspan", "rowspan"):
                part.attrib.pop(attr, None)
        table.tag = "div"


def render_body(body: etree._Element | None) -> str:
    """trafilatura's XML body as text: one block a line, table rows as "cell | cell"."""
    if body is None:
        return ""
    for row in list(body.iter("row")):
        cells = [element_text(cell) for cell in row.iter("cell")]
        tail = row.tail
        row.clear()
        row.text = " | ".join(cell for cell in cells if cell)
        row.tail = tail
    return join_lines(block.text for block in collect_blocks(body, _OUTPUT_BLOCKS, _OUTPUT_SKIPPED))


_LANDMARK_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search")
_CONTENT_CONTAINERS = frozenset({"article", "main"})


def prune_landmarks(tree: HtmlElement) -> None:
    """Remove the page's template landmarks, which are never article text.

    ``nav``, ``aside``, ARIA navigation/banner/contentinfo/complementary/search regions, and a ``header``
    or ``footer`` that is not inside an ``article`` or ``main`` (the site's, not the article's). When an
    article is empty, trafilatura's fallbacks would otherwise return the menu or the footer as its text.
    """
    doomed = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        role = (element.get("role") or "").strip().lower() if tag else ""
        if (
            tag in ("nav", "aside")
            or role in _LANDMARK_ROLES
            or (
                tag in ("header", "footer")
                and not any(ancestor.tag in _CONTENT_CONTAINERS for ancestor in element.iterancestors())
            )
        ):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None and not any(ancestor in doomed for ancestor in element.iterancestors()):
            element.drop_tree()


def extract_generic(root: HtmlElement, url: str | None) -> GenericResult:
    """trafilatura's main text of the page, one block a line, and its author/title guesses."""
    if trafilatura is None:
        return GenericResult()
    try:
        tree = copy.deepcopy(root)
        prune_landmarks(tree)
        captions_as_paragraphs(tree)
        layout_tables_as_divs(tree)
        document = trafilatura.bare_extraction(
            tree,
            url=url or None,
            with_metadata=True,
            output_format="python",
            date_extraction_params=_DATE_PARAMS,
            **TRAFILATURA_OPTIONS,
        )
        if document is None:
            return GenericResult()
        text = render_body(getattr(document, "body", None)) or normalize_lines(getattr(document, "text", None))
        text = join_lines(line for line in text.split("\n") if any(char.isalnum() for char in line))
    except Exception:  # noqa: BLE001 - a third-party failure on one bad page must not stop a crawl
        return GenericResult()
    author = normalize_inline(getattr(document, "author", None) or "") or None
    title = normalize_inline(getattr(document, "title", None) or "") or None
    return GenericResult(text=text, author=author, title=title)
