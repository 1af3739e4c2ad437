"""The Wix rules: recognising a Wix blog post or static page, and taking its text from the markup.

A Wix page wraps the article in a template that changes between visits (visible byline, relative
date, view/comment/like counts, recent posts, build ids), so the text is taken only from the
elements that hold the article, selected by ``data-hook`` / ``data-testid`` attributes:

- blog post: ``[data-hook=post] [data-hook=post-description]`` (the rule needs no generator meta:
  that structure is Wix's own). Its blocks (``p``, ``h1``…``h6``, ``li``, ``blockquote``,
  ``figcaption``, ``pre``) in document order, each once; image ``alt``/``title`` never. The title is
  ``h1[data-hook=post-title]``.
- static page (generator meta says Wix, no post structure): the blocks of every
  ``[data-testid=richTextElement]`` of ``main#PAGES_CONTAINER`` in order, without a leading heading
  that repeats the page title. Buttons (``linkElement``) and images are not rich text.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from .dom import elements
from .text import HEADINGS, TEXT_BLOCKS, Block, collect_blocks, element_text, join_lines, normalize_inline

_POST_BODY = './/*[@data-hook="post-description"]'
_POST_TITLE = './/h1[@data-hook="post-title"]'
_RICH_TEXT = './/*[@data-testid="richTextElement"]'


def is_wix(root: HtmlElement) -> bool:
    """Whether the generator meta names Wix ("Wix.com Website Builder")."""
    for meta in elements(root, "meta"):
        if (meta.get("name") or "").strip().lower() == "generator" and "wix" in (meta.get("content") or "").lower():
            return True
    return False


def find_post(root: HtmlElement) -> tuple[etree._Element, etree._Element] | None:
    """(the ``[data-hook=post]`` element, its ``post-description``) of a Wix blog post, else ``None``."""
    for post in root.xpath('//*[@data-hook="post"]'):
        bodies = post.xpath(_POST_BODY)
        if bodies:
            return post, bodies[0]
    if is_wix(root):  # a Wix template variant without the [data-hook=post] wrapper
        bodies = root.xpath('//*[@data-hook="post-description"]')
        if bodies:
            return bodies[0], bodies[0]
    return None


def post_title(root: HtmlElement, post: etree._Element) -> str | None:
    """The text of the post's ``h1[data-hook=post-title]``."""
    for scope in (post, root):
        for heading in scope.xpath(_POST_TITLE):
            title = element_text(heading)
            if title:
                return title
    return None


def post_text(body: etree._Element) -> str:
    """The article text of a post's ``post-description``, one block a line."""
    return join_lines(block.text for block in collect_blocks(body, TEXT_BLOCKS))


def find_rich_texts(root: HtmlElement) -> list[etree._Element] | None:
    """The outermost rich-text elements of ``main#PAGES_CONTAINER``, ``None`` when there are none."""
    found: list[etree._Element] = []
    for main in root.xpath('//main[@id="PAGES_CONTAINER"]'):
        for element in main.xpath(_RICH_TEXT):
            if not any(ancestor in found for ancestor in element.iterancestors()):
                found.append(element)
    return found or None


def _same_title(text: str, titles: Iterable[str | None]) -> bool:
    key = normalize_inline(text).casefold()
    return any(key == normalize_inline(title).casefold() for title in titles if title)


def page_text(rich_texts: list[etree._Element], titles: Iterable[str | None]) -> str:
    """The text of a static page's rich-text elements, without a leading heading equal to a title."""
    blocks: list[Block] = []
    for element in rich_texts:
        blocks.extend(collect_blocks(element, TEXT_BLOCKS))
    if blocks and blocks[0].tag in HEADINGS and _same_title(blocks[0].text, list(titles)):
        blocks = blocks[1:]
    return join_lines(block.text for block in blocks)


def page_heading(rich_texts: list[etree._Element]) -> str | None:
    """The first ``h1`` of the rich text (a fallback title for a static page without metadata)."""
    for element in rich_texts:
        for heading in element.xpath(".//h1"):
            text = element_text(heading)
            if text:
                return text
    return None
