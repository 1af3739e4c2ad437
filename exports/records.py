"""The exported record: its fields, documented once, and how a stored version becomes one.

``FIELDS`` is the single description of the record; the README table and later schemas are generated from
it, so the documentation and the exports cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.content import iso_utc
from archive.models import Page, Version


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "string", "integer", "number", "boolean", "datetime", "object"
    nullable: bool
    description: str


FIELDS: tuple[Field, ...] = (
    Field("url", "string", False, "Canonical URL of the page: its identity in the archive."),
    Field("kind", "string", False, '"article" for blog posts, "page" for other content pages.'),
    Field("status", "string", False, '"live", or "removed" once the page answers 404/410.'),
    Field("version", "integer", False, "Version number of this content for the page: 1, 2, …"),
    Field("title", "string", True, "Title of the page (og:title or the visible h1, never a cut headline)."),
    Field("author", "string", True, "Author from the page's structured data."),
    Field("published", "datetime", True, "Publication date from the page's metadata (ISO 8601)."),
    Field("modified", "datetime", True, "Last-modified date the page declared when this version was captured."),
    Field("language", "string", True, "Language detected on the text (ISO 639-1)."),
    Field("language_probability", "number", True, "Probability langdetect gave to that language."),
    Field("declared_language", "string", True, "Language the page declares (<html lang>)."),
    Field("text", "string", False, "Body text without the title, one paragraph a line."),
    Field("content_sha256", "string", False, "SHA-256 of the versioned content (title, author, published, text)."),
    Field("first_seen", "datetime", False, "When this content was first captured (UTC)."),
    Field("last_seen", "datetime", False, "When this content was last confirmed (UTC)."),
    Field("source", "string", False, "Name of the source the page was archived from."),
    Field("language_mismatch", "boolean", False,
          "True when the detected language differs from the declared one (e.g. French text under /de/)."),
    Field("translations", "object", False, "Translations of the page from its hreflang links: language -> canonical URL."),
    Field("duplicate_of", "string", True, "Canonical URL of the original when this page is an untranslated copy of it."),
)

FIELD_NAMES = tuple(field.name for field in FIELDS)


def to_record(version: Version, page: Page, duplicate_of: str | None = None) -> dict:
    """The exported record of one version, with fields in ``FIELDS`` order."""
    values = {
        "url": page.url,
        "kind": page.kind,
        "status": page.status,
        "version": version.number,
        "title": version.title,
        "author": version.author,
        "published": iso_utc(version.published),
        "modified": iso_utc(version.modified),
        "language": version.language,
        "language_probability": version.language_probability,
        "declared_language": version.declared_language,
        "text": version.text,
        "content_sha256": version.content_sha256,
        "first_seen": iso_utc(version.first_seen),
        "last_seen": iso_utc(version.last_seen),
        "source": page.source,
        "language_mismatch": bool(version.language and version.declared_language
                                  and version.language != version.declared_language),
        "translations": dict(page.translations or {}),
        "duplicate_of": duplicate_of,
    }
    return {name: values[name] for name in FIELD_NAMES}
