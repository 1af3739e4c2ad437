"""``/diff``: two versions of a page side by side, paragraph by paragraph, with the words deleted and inserted,
the metadata that changed, the changes alone (with some context) or the whole text, and steps to the previous
and next pairs; JSON at ``/api/diff``, the unified diff of the texts at ``/diff.patch``.

A pair named by both numbers never changes: it is sent with an ``ETag`` and cached as immutable (the HTML page
once the newer version has a successor, since the page links to it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.content import iso_utc
from archive.diffing import (
    ChangeStats,
    FieldChange,
    ParagraphOp,
    align_paragraphs,
    change_stats,
    field_changes,
    readable_word_diff,
    unified_diff,
    with_context,
)
from archive.reading import PageInfo, VersionInfo, VersionPair, version_pair

from .. import params
from ..finding import find_page
from ..rendering import IMMUTABLE, REVALIDATE, api, etag_for, href, matches_etag, reading, render

METADATA = ("title", "author", "published", "modified", "language", "description")
DEFAULT_CONTEXT = 1
MAX_CONTEXT = 20
PATCH_CONTEXT = 3  # lines around each change in the unified diff, as ``diff -u``
CONTEXT_CHOICES = (0, 1, 2, 3, 5, 10)


@dataclass(frozen=True)
class Comparison:
    """Two versions compared: ``fixed`` when the request named both, so that the answer never changes."""

    pair: VersionPair
    fixed: bool
    paragraphs: list[ParagraphOp]
    metadata: list[FieldChange]
    stats: ChangeStats

    @property
    def page(self) -> PageInfo:
        return self.pair.page

    @property
    def identity(self) -> str:
        """What the answer depends on: the two versions, and the page's URL the links use."""
        return f"diff:{self.pair.old.id}:{self.pair.new.id}:{self.page.url}"


def _pair(request: Request) -> tuple[VersionPair, bool]:
    url = params.text(request, "url", required=True)
    old = params.integer(request, "from", minimum=1)
    new = params.integer(request, "to", minimum=1)
    if old is not None and new is not None and old >= new:
        raise params.BadParameter(f"from: version {old} is not older than version {new} (to): give the older first")
    assert url is not None
    with reading(request) as session:
        page = find_page(session, url)
        return version_pair(session, page, old, new), old is not None and new is not None


def metadata(version: VersionInfo) -> dict[str, Any]:
    return {name: getattr(version, name) for name in METADATA}


def compare(request: Request) -> Comparison:
    pair, fixed = _pair(request)
    old, new = pair.old, pair.new
    return Comparison(
        pair=pair,
        fixed=fixed,
        paragraphs=align_paragraphs(old.text, new.text),
        metadata=field_changes(metadata(old), metadata(new)),
        stats=change_stats(old.text, new.text),
    )


def exact(value: datetime) -> Markup:
    """An instant to the second (two versions' dates often differ by seconds only), the ISO form on hover."""
    iso = iso_utc(value)
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(iso, value.strftime("%Y-%m-%d %H:%M:%S UTC"))


def _diff_link(request: Request, page: PageInfo, old: int, new: int, **shown: Any) -> str:
    return href(request, "/diff", url=page.url, **{"from": old, "to": new}, **shown)


def diff(request: Request) -> Response:
    whole = params.flag(request, "all")
    context = params.integer(request, "context", default=DEFAULT_CONTEXT, maximum=MAX_CONTEXT)
    assert context is not None
    found = compare(request)
    pair, page = found.pair, found.page
    old, new = pair.old, pair.new
    shown = {"context": context if context != DEFAULT_CONTEXT else None, "all": 1 if whole else None}
    links = {
        "previous": _diff_link(request, page, old.number - 1, old.number, **shown) if old.number > 1 else None,
        "next": _diff_link(request, page, new.number, new.number + 1, **shown) if new.number < pair.latest else None,
        "permalink": _diff_link(request, page, old.number, new.number, **shown),
        "whole": _diff_link(request, page, old.number, new.number, all=1),
        "changes_only": _diff_link(request, page, old.number, new.number, context=shown["context"]),
        "patch": href(request, "/diff.patch", url=page.url, **{"from": old.number, "to": new.number}),
        "json": href(request, "/api/diff", url=page.url, **{"from": old.number, "to": new.number}),
    }
    rows = found.paragraphs if whole else with_context(found.paragraphs, context)
    title_words = readable_word_diff(old.title or "", new.title or "")
    return render(
        request,
        "diff.html",
        {
            "found": found,
            "page": page,
            "old": old,
            "new": new,
            "rows": rows,
            "changed": any(op.op != "equal" for op in found.paragraphs),
            "title_words": title_words,
            "whole": whole,
            "context": context,
            "context_choices": CONTEXT_CHOICES,
            "links": links,
            "exact": exact,
        },
        # The page links to the next pair: it is final once the newer version has a successor.
        etag_of=found.identity if found.fixed and new.number < pair.latest else None,
    )


def diff_api(request: Request) -> Response:
    found = compare(request)
    page, old, new = found.page, found.pair.old, found.pair.new
    data = {
        "url": page.url,
        "from": old.as_dict(page.url, text=False),
        "to": new.as_dict(page.url, text=False),
        "stats": found.stats.as_dict(),
        "metadata": [{"field": change.field, "old": change.old, "new": change.new} for change in found.metadata],
        "paragraphs": [op.as_dict() for op in found.paragraphs],
    }
    return api(request, data, etag_of=found.identity if found.fixed else None)


def patch_name(url: str, old: int, new: int) -> str:
    """A file name for the unified diff: the page's last path segment in plain ASCII, and the versions."""
    segment = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or "page"
    ascii_only = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_only).strip("-.")[:80] or "page"
    return f"{slug}-v{old}-v{new}.patch"


def diff_patch(request: Request) -> Response:
    context = params.integer(request, "context", default=PATCH_CONTEXT, maximum=MAX_CONTEXT)
    assert context is not None
    pair, fixed = _pair(request)
    page, old, new = pair.page, pair.old, pair.new
    headers = {
        "content-disposition": f'inline; filename="{patch_name(page.url, old.number, new.number)}"',
        "cache-control": REVALIDATE,
    }
    if fixed:
        etag = etag_for(f"diff:{old.id}:{new.id}:{page.url}:patch:{request.url.query}")
        if matches_etag(request, etag):
            return Response(status_code=304, headers={"etag": etag, "cache-control": IMMUTABLE})
        headers.update({"etag": etag, "cache-control": IMMUTABLE})
    body = unified_diff(
        old.text,
        new.text,
        f"{page.url}\tversion {old.number}, {iso_utc(old.first_seen)}",
        f"{page.url}\tversion {new.number}, {iso_utc(new.first_seen)}",
        context=context,
    )
    return Response(body, media_type="text/plain; charset=utf-8", headers=headers)


routes = [
    Route("/diff", diff, name="diff"),
    Route("/api/diff", diff_api, name="diff_api"),
    Route("/diff.patch", diff_patch, name="diff_patch"),
]
