"""The initial content of the local copy, and how tests find their way in it.

How a test finds slugs and expected texts:

* :data:`SEED_000_SLUG`, :data:`SEED_001_SLUG` (and :data:`SEED_POSTS` ``{"000": Post, "001": Post}``)
  name the two real posts; their expected clean text is :func:`expected_seed_text` (hand-written files
  in ``expected/``);
* :func:`live_posts` lists the French posts of the initial state, newest first; ``post.path`` is the
  URL path (raw Unicode), ``post.text`` the expected clean text;
* for a site whose state was changed, ask the state instead: ``site.state.post(slug)``,
  ``site.state.expected_text(slug)``, ``site.state.live_posts()``, ``site.url(path)``.

Hard cases of ``SITE.md`` and where they live:

==========================================  =====================================================
slug cut at 100 characters                  seed 000 (:data:`SEED_000_SLUG`)
sitemap percent-encoded, links raw          every post with accents except the two below
sitemap raw, links percent-encoded          ``PORTS``, ``MILITARY_AI`` (:data:`RAW_SITEMAP_SLUGS`)
Wix duplicate page                          ``/copie-de-souveraineté-numérique-ia``
English translations (hreflang both ways)   seed 001, ``ARCTIC``, ``/notre-expertise``, home
untranslated copies (``lang`` = de / it)    ``/de/post/<BLACK_SEA slug>``, ``/de``, ``/it``
old slug answering 301                      :data:`OLD_SLUG_PATH` (linked from ``DRONES``)
host alias link                             the home page links to the alias origin
disallowed links                            login link in the header, ``/_api/…`` on ``/blog``
==========================================  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import content_pages
from .content_posts import BALTIC, BALTIC_OLD_SLUG, BLACK_SEA, ORIGINAL_POSTS
from .content_seeds import SEED_000, SEED_000_SLUG, SEED_001, SEED_001_SLUG
from .model import RAW, Category, LanguageCopy, Page, Post

__all__ = [
    "CATEGORIES",
    "EXPECTED_DIR",
    "OLD_SLUG_PATH",
    "RAW_SITEMAP_SLUGS",
    "SEED_000_SLUG",
    "SEED_001_SLUG",
    "SEED_POSTS",
    "SiteContent",
    "expected_seed_text",
    "initial_content",
    "live_posts",
    "post_path",
]

EXPECTED_DIR = Path(__file__).with_name("expected")

SEED_POSTS: dict[str, Post] = {"000": SEED_000, "001": SEED_001}

CATEGORIES = (
    Category("analyses", "Analyses"),
    Category("notes-stratégiques", "Notes stratégiques"),
    Category("tribunes", "Tribunes"),
    Category("barometres", "Baromètres"),
    Category("diplomatie", "Diplomatie"),
    Category("cybersécurité", "Cybersécurité"),
)

#: The post published first under another slug; that URL answers 301 to the post's current URL.
OLD_SLUG_PATH = f"/post/{BALTIC_OLD_SLUG}"

RAW_SITEMAP_SLUGS = tuple(p.slug for p in ORIGINAL_POSTS if p.sitemap_form == RAW)

#: Untranslated copies under a foreign prefix: French text, foreign ``lang``, no ``hreflang``.
LANGUAGE_COPIES = (
    LanguageCopy("de", BLACK_SEA.slug, "post"),
    LanguageCopy("de", "/", "home"),
    LanguageCopy("it", "/", "home"),
)


@dataclass
class SiteContent:
    """Everything the site serves, as the state holds it. Posts and pages themselves are immutable."""

    posts: dict[str, Post]  # French posts by slug
    translated_posts: dict[str, Post]  # translations by their own slug
    pages: dict[str, Page]  # static, contact, home and translated pages by path
    categories: tuple[Category, ...]
    copies: tuple[LanguageCopy, ...]
    redirects: dict[str, str]  # old path -> current path (301)
    deleted: set[str] = field(default_factory=set)  # slugs of deleted French posts


def initial_content() -> SiteContent:
    """A fresh copy of the initial content (the state mutates its own copy)."""
    posts = sorted((SEED_000, SEED_001, *ORIGINAL_POSTS), key=lambda p: p.published)
    pages = (content_pages.HOME, content_pages.HOME_EN, *content_pages.STATIC_PAGES, *content_pages.TRANSLATED_PAGES)
    return SiteContent(
        posts={p.slug: p for p in posts},
        translated_posts={p.slug: p for p in content_pages.TRANSLATED_POSTS},
        pages={p.path: p for p in pages},
        categories=CATEGORIES,
        copies=LANGUAGE_COPIES,
        redirects={OLD_SLUG_PATH: BALTIC.path},
    )


def live_posts() -> list[Post]:
    """The French posts of the initial state, newest first (translations and copies excluded)."""
    return sorted(initial_content().posts.values(), key=lambda p: p.published, reverse=True)


def post_path(slug: str) -> str:
    """The URL path (raw Unicode) of a French post of the initial state."""
    return f"/post/{slug}"


def expected_seed_text(seed: str) -> str:
    """The hand-written expected clean text of seed ``"000"`` or ``"001"``."""
    return (EXPECTED_DIR / f"seed-{seed}.txt").read_text(encoding="utf-8")
