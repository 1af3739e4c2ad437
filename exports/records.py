"""The exported record: its fields, documented once, and how a stored version becomes one.

``FIELDS`` is the single description of the record. The README table, the JSON Schema, the Frictionless
table schema, the Parquet schema and the CSV header are all generated from it (``exports.schema``), so the
documentation and the exports cannot drift apart; ``tests/test_dataset.py`` checks it. The fields that
come from a version's ``Content`` (``archive.content``, the declaration of a page's fields) must be those
of ``Content`` but ``ARCHIVE_ONLY_FIELDS``, with the same types: ``tests/test_page_shape.py`` checks it.

A record exists in two forms: *typed* (datetimes are aware ``datetime`` objects, as Parquet and the
datasets want them) and *JSON* (datetimes are ISO 8601 strings in UTC with a ``Z``), for JSON, JSONL, CSV
and WARC metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from archive.content import iso_utc

#: Version of the record's schema (semantic versioning): the major number changes when a field is removed,
#: renamed or changes type or meaning; the minor number when a field is added; the patch number for
#: documentation only. Exported in ``schema/record.schema.json``, ``datapackage.json`` and Parquet metadata.
SCHEMA_VERSION = "1.0.0"

TYPES = ("string", "integer", "number", "boolean", "datetime", "object")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # one of TYPES
    nullable: bool
    description: str
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: str | None = None  # "uri": an absolute URL (for strings, or the values of an object)


FIELDS: tuple[Field, ...] = (
    Field("url", "string", False, "Canonical URL of the page: its identity in the archive.", format="uri"),
    Field(
        "kind", "string", False, '"article" for blog posts, "page" for other content pages.', enum=("article", "page")
    ),
    Field("status", "string", False, '"live", or "removed" once the page answers 404/410.', enum=("live", "removed")),
    Field("version", "integer", False, "Version number of this content for the page: 1, 2, …", minimum=1),
    Field("title", "string", True, "Title of the page (og:title or the visible h1, never a cut headline)."),
    Field("author", "string", True, "Author from the page's structured data."),
    Field("published", "datetime", True, "Publication date from the page's metadata (ISO 8601)."),
    Field("modified", "datetime", True, "Last-modified date the page declared when this version was captured."),
    Field("language", "string", True, "Language detected on the text (ISO 639-1)."),
    Field(
        "language_probability", "number", True, "Probability langdetect gave to that language.", minimum=0, maximum=1
    ),
    Field("declared_language", "string", True, "Language the page declares (<html lang>)."),
    Field("text", "string", False, "Body text without the title, one paragraph a line."),
    Field(
        "content_sha256",
        "string",
        False,
        "SHA-256 of the versioned content (title, author, published, text).",
        pattern="^[0-9a-f]{64}$",
    ),
    Field("first_seen", "datetime", False, "When this content was first captured (UTC)."),
    Field("last_seen", "datetime", False, "When this content was last confirmed (UTC)."),
    Field("source", "string", False, "Name of the source the page was archived from."),
    Field(
        "language_mismatch",
        "boolean",
        False,
        "True when the detected language differs from the declared one (e.g. French text under /de/).",
    ),
    Field(
        "translations",
        "object",
        False,
        "Translations of the page from its hreflang links: language -> canonical URL.",
        format="uri",
    ),
    Field(
        "duplicate_of",
        "string",
        True,
        "Canonical URL of the original when this page is an untranslated copy of it.",
        format="uri",
    ),
)

FIELD_NAMES = tuple(field.name for field in FIELDS)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
DATETIME_FIELDS = tuple(field.name for field in FIELDS if field.type == "datetime")
OBJECT_FIELDS = tuple(field.name for field in FIELDS if field.type == "object")


def language_mismatch(language: str | None, declared_language: str | None) -> bool:
    return bool(language and declared_language and language != declared_language)


def record_from_row(row: Mapping) -> dict:
    """The *typed* record of one row of ``archive.reading.records`` (datetimes stay datetimes)."""
    values = dict(row)
    values["translations"] = dict(values.get("translations") or {})
    values["language_mismatch"] = language_mismatch(values["language"], values["declared_language"])
    return {name: values[name] for name in FIELD_NAMES}


def json_record(record: Mapping) -> dict:
    """The JSON form of a record: datetimes as ISO 8601 strings in UTC. JSON-form records pass unchanged."""
    out = dict(record)
    for name in DATETIME_FIELDS:
        value = out[name]
        if isinstance(value, datetime):
            out[name] = iso_utc(value)
    return out
