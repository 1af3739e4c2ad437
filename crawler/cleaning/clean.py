"""``clean_html``: one HTML page in, one :class:`CleanRecord` out.

Pure: no Scrapy, no database, no network, no clock. The same HTML and URL always give the same record.
The steps: parse (:mod:`.dom`), read the head metadata (:mod:`.metadata`), pick the rule whose
template is recognised (:mod:`.wix` for Wix posts and pages, :mod:`.generic` otherwise), drop a
leading line that repeats the title, detect the language (:mod:`.language`). A broken step degrades
its own fields; an unusable document gives an empty record (text ``""``); nothing raises.
"""

from __future__ import annotations

import logging

from lxml.html import HtmlElement

from .dom import parse_html
from .encoding import decode_html
from .generic import extract_generic
from .language import detect_language
from .metadata import PageMetadata, extract_metadata, strip_site_suffix
from .record import TEMPLATE_GENERIC, TEMPLATE_WIX_PAGE, TEMPLATE_WIX_POST, CleanRecord
from .text import normalize_inline
from .wix import find_post, find_rich_texts, is_wix, page_heading, page_text, post_text, post_title

LOGGER = logging.getLogger(__name__)


def _empty_record(metadata: PageMetadata | None = None) -> CleanRecord:
    metadata = metadata or PageMetadata()
    return CleanRecord(
        title=metadata.title,
        author=metadata.author,
        published=metadata.published,
        modified=metadata.modified,
        text="",
        language=None,
        language_probability=None,
        declared_language=metadata.declared_language,
        canonical_url=metadata.canonical_url,
        translations=dict(metadata.translations),
        template=TEMPLATE_GENERIC,
        description=metadata.description,
        image=metadata.image,
    )


def drop_leading_title(text: str, title: str | None) -> str:
    """``text`` without its first line when that line is the title (trafilatura often keeps the h1)."""
    if not text or not title:
        return text
    first, _, rest = text.partition("\n")
    if normalize_inline(first).casefold() == normalize_inline(title).casefold():
        return rest
    return text


def _content(root: HtmlElement, url: str, metadata: PageMetadata) -> tuple[str, str | None, str | None, str]:
    """(template, title, author, text) by the first rule whose template is recognised."""
    title, author = metadata.title, metadata.author
    post = find_post(root)
    rich_texts = None if post else (find_rich_texts(root) if is_wix(root) else None)
    if post is not None:
        return TEMPLATE_WIX_POST, post_title(root, post[0]) or title, author, post_text(post[1])
    if rich_texts is not None:
        title = title or page_heading(rich_texts)
        titles = {title, strip_site_suffix(title, metadata.site_names, pipe_always=True)}
        return TEMPLATE_WIX_PAGE, title, author, page_text(rich_texts, titles)
    generic = extract_generic(root, url)
    title = title or generic.title
    return TEMPLATE_GENERIC, title, author or generic.author, drop_leading_title(generic.text, title)


def clean_html(html: str, url: str) -> CleanRecord:
    """The clean record of one page; never raises (an unusable document gives text ``""``)."""
    try:
        return _clean(html, url or "")
    except Exception:
        LOGGER.exception("cleaning failed for %s", url)
        return _empty_record()


def _clean(html: str, url: str) -> CleanRecord:
    if isinstance(html, (bytes, bytearray)):
        html = decode_html(bytes(html))
    root = parse_html(html)
    if root is None:
        return _empty_record()
    try:
        metadata = extract_metadata(root, url)
    except Exception:
        LOGGER.exception("metadata extraction failed for %s", url)
        metadata = PageMetadata()

    try:
        template, title, author, text = _content(root, url, metadata)
    except Exception:
        LOGGER.exception("text extraction failed for %s", url)
        template, title, author, text = TEMPLATE_GENERIC, metadata.title, metadata.author, ""

    language, probability = detect_language(text, title, metadata.description)
    return CleanRecord(
        title=title,
        author=author,
        published=metadata.published,
        modified=metadata.modified,
        text=text,
        language=language,
        language_probability=probability,
        declared_language=metadata.declared_language,
        canonical_url=metadata.canonical_url,
        translations=dict(metadata.translations),
        template=template,
        description=metadata.description,
        image=metadata.image,
    )
