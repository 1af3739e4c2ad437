"""The result of cleaning one page, and the version of the rules that produced it.

Bump :data:`EXTRACTOR_VERSION` whenever a change to this package may change any field of a
:class:`CleanRecord` for an unchanged page: the archive uses it to tell a re-extraction from an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

EXTRACTOR_VERSION = "cess-clean/3"

TEMPLATE_WIX_POST = "wix-post"
TEMPLATE_WIX_PAGE = "wix-page"
TEMPLATE_GENERIC = "generic"


@dataclass(frozen=True)
class CleanRecord:
    """The clean content and metadata of one HTML page."""

    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    text: str
    language: str | None
    language_probability: float | None
    declared_language: str | None
    canonical_url: str | None
    translations: dict[str, str] = field(default_factory=dict)
    template: str = TEMPLATE_GENERIC
    description: str | None = None
    image: str | None = None
