"""The generic rule: trafilatura's main-content extraction, for every page no site rule recognises.

trafilatura gets a copy of the already parsed tree (so both see the same decoding) and these
settings, chosen by measuring on the fixtures (see the report in ``tests/test_cleaning.py``):

- ``include_comments=False``: reader comments are not the article;
- ``include_tables=True``: a table in an article is content (trafilatura renders a row a line);
- ``favor_precision`` / ``favor_recall`` off (balanced): trafilatura 2.3 retries a short
  extraction with recall settings by itself;
- ``include_images=False``, ``include_links=False``, ``include_formatting=False``: plain text, one
  paragraph, heading or list item a line, no markdown.

Its metadata pass is used only for the author of pages that declare none.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

from lxml.html import HtmlElement

from .text import normalize_inline, normalize_lines

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

logging.getLogger("trafilatura").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class GenericResult:
    """Text and metadata trafilatura found."""

    text: str = ""
    author: str | None = None
    title: str | None = None


def extract_generic(root: HtmlElement, url: str | None) -> GenericResult:
    """trafilatura's main text of the page, one block a line, and its author/title guesses."""
    if trafilatura is None:
        return GenericResult()
    try:
        document = trafilatura.bare_extraction(
            copy.deepcopy(root),
            url=url or None,
            with_metadata=True,
            output_format="python",
            date_extraction_params=_DATE_PARAMS,
            **TRAFILATURA_OPTIONS,
        )
    except Exception:  # noqa: BLE001 - a third-party failure on one bad page must not stop a crawl
        return GenericResult()
    if document is None:
        return GenericResult()
    text = normalize_lines(getattr(document, "text", None) or "")
    author = normalize_inline(getattr(document, "author", None) or "") or None
    title = normalize_inline(getattr(document, "title", None) or "") or None
    return GenericResult(text=text, author=author, title=title)
