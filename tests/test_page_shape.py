"""One page shape: the fields of a page version are declared once, by ``archive.content.Content``.

What copies them by name (the store, the crawler's conversion, the export selection) is derived from that
declaration; what has to describe them again (the ``versions`` table, the cleaning's record, the exported
record's ``FIELDS``) is checked against it here.
"""

from __future__ import annotations

import inspect
import types
import typing
from dataclasses import fields
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Float, String, TypeDecorator

from archive.content import (
    ARCHIVE_ONLY_FIELDS,
    CONTENT_FIELDS,
    DIGEST_FIELDS,
    Content,
    content_digest,
    content_from,
    content_values,
)
from archive.models import Version
from archive.reading import Selection
from archive.reading.selection import _records_query
from crawler.cleaning import CleanRecord
from crawler.extraction import to_content
from exports.records import FIELD_NAMES, FIELDS_BY_NAME

#: The fields of an exported record that are not fields of ``Content``: the page's identity and state, the
#: version's number, digest and dates, and what the export computes (``language_mismatch``).
RECORD_ONLY_FIELDS = {
    "url",
    "kind",
    "status",
    "version",
    "content_sha256",
    "first_seen",
    "last_seen",
    "source",
    "language_mismatch",
    "duplicate_of",
}
#: The fields of ``Content`` that the cleaning does not give: the crawler names the extractor.
NOT_FROM_CLEANING = {"extractor"}

_COLUMN_TYPES = {str: String, float: Float, datetime: DateTime, dict: JSON}
_RECORD_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", datetime: "datetime", dict: "object"}


def _hint(name: str) -> tuple[type, bool]:
    """The Python type of a field of ``Content`` (``dict`` for ``dict[str, str]``) and whether it may be None."""
    hint = typing.get_type_hints(Content)[name]
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    nullable = type(None) in args
    [base] = [typing.get_origin(arg) or arg for arg in args if arg is not type(None)]
    return base, nullable


SAMPLE = Content(
    title="Titre",
    author="Auteur",
    published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    modified=datetime(2026, 2, 3, tzinfo=UTC),
    text="Un paragraphe.\nUn autre.",
    language="fr",
    language_probability=0.99,
    declared_language="fr",
    description="Résumé",
    image="https://example.org/image.jpg",
    translations={"en": "https://example.org/en/page"},
    template="wix-post",
    extractor="test-extractor",
)


def test_every_field_of_content_is_a_version_column_of_the_same_type_and_nullability() -> None:
    columns = Version.__table__.c
    for name in CONTENT_FIELDS:
        assert name in columns, f"Content.{name} has no column in the versions table"
        base, nullable = _hint(name)
        column_type = columns[name].type
        if isinstance(column_type, TypeDecorator):  # UTCDateTime
            column_type = column_type.impl_instance
        assert isinstance(column_type, _COLUMN_TYPES[base]), name
        assert columns[name].nullable == nullable, name


def test_a_version_row_holds_its_content_and_gives_it_back() -> None:
    assert all(getattr(SAMPLE, name) is not None for name in CONTENT_FIELDS), "the sample sets every field"
    version = Version(**content_values(SAMPLE))
    assert content_from(version) == SAMPLE
    assert version.translations is not SAMPLE.translations  # the row does not share the content's dict


def test_the_cleaning_record_has_every_field_of_content_the_crawler_does_not_add() -> None:
    record_fields = {f.name for f in fields(CleanRecord)}
    assert set(CONTENT_FIELDS) - NOT_FROM_CLEANING <= record_fields
    record = CleanRecord(
        **{name: getattr(SAMPLE, name) for name in CONTENT_FIELDS if name not in NOT_FROM_CLEANING},
        canonical_url="https://example.org/page",
    )
    assert to_content(record, extractor=SAMPLE.extractor) == SAMPLE
    other = {"de": "https://example.org/de/page"}
    assert to_content(record, other, "x").translations == other


def test_the_exported_record_describes_every_field_of_content_but_the_archive_only_ones() -> None:
    assert set(ARCHIVE_ONLY_FIELDS) <= set(CONTENT_FIELDS)
    exported = [name for name in CONTENT_FIELDS if name not in ARCHIVE_ONLY_FIELDS]
    assert set(FIELD_NAMES) == set(exported) | RECORD_ONLY_FIELDS
    assert not set(ARCHIVE_ONLY_FIELDS) & set(FIELD_NAMES)
    for name in exported:
        base, nullable = _hint(name)
        field = FIELDS_BY_NAME[name]
        assert (field.type, field.nullable) == (_RECORD_TYPES[base], nullable), name


def test_the_selection_gives_every_field_of_the_record_but_the_computed_one() -> None:
    for selection in (Selection(), Selection(as_of=datetime(2026, 1, 1, tzinfo=UTC))):
        columns = set(_records_query(selection).selected_columns.keys())
        assert set(FIELD_NAMES) - {"language_mismatch"} <= columns
        assert not set(ARCHIVE_ONLY_FIELDS) & columns


def test_the_digest_fields_are_fields_of_content_and_the_digest_s_parameters() -> None:
    assert set(DIGEST_FIELDS) <= set(CONTENT_FIELDS)
    assert tuple(inspect.signature(content_digest).parameters) == DIGEST_FIELDS
    described = FIELDS_BY_NAME["content_sha256"].description
    assert all(name in described for name in DIGEST_FIELDS), described
