"""Untranslated copies: pages of a source whose latest text is the same as another page's.

Wix serves some pages under a foreign language prefix without translating them (``/de/post/…`` declares
``lang="de"`` but the text is French). Such a page keeps its own identity and history, and names its
original in ``duplicate_of``. The original is the page whose detected language agrees with the language it
declares, then the first seen, then the shortest URL.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Page, Version, latest_number

MIN_DUPLICATE_CHARS = 200  # short texts (a two-line page) may agree by chance


def _original_key(version: Version, page: Page) -> tuple:
    consistent = bool(version.language and version.language == version.declared_language)
    return (not consistent, page.first_seen, len(page.url), page.url)


def mark_duplicates(session: Session, source: str) -> int:
    """Sets ``duplicate_of`` on the live pages of ``source`` that copy another page; returns their count."""
    groups: dict[str, list[tuple[Version, Page]]] = defaultdict(list)
    query = (
        select(Version, Page)
        .join(Page, Version.page_id == Page.id)
        .where(Version.number == latest_number(Version.page_id), Page.source == source, Page.status == "live")
        .order_by(Page.url)
    )
    for version, page in session.execute(query):
        text = version.text.strip()
        if len(text) >= MIN_DUPLICATE_CHARS:
            groups[hashlib.sha256(text.encode("utf-8")).hexdigest()].append((version, page))

    duplicate_of: dict[int, int] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda pair: _original_key(*pair))
        original = members[0][1]
        for _, page in members[1:]:
            duplicate_of[page.id] = original.id

    for page in session.scalars(select(Page).where(Page.source == source)):
        wanted = duplicate_of.get(page.id)
        if page.duplicate_of_id != wanted:
            page.duplicate_of_id = wanted
    return len(duplicate_of)
