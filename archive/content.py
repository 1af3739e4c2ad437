"""What the archive calls "the content" of a page, and its digest.

:class:`Content` declares the fields of a page version, once: ``Version`` has a column of the same name
for each (the store copies them by name), the crawler's cleaning record is converted to it by name
(:func:`content_from`), and the exported record has each of them but ``ARCHIVE_ONLY_FIELDS``, as the
selection's columns of the same names. ``tests/test_page_shape.py`` checks that they all agree.

Only the fields an edit by the organisation can change take part in the digest: title, author, publication
date and text. Everything else (modified date, which Wix bumps on republishing; detected language; image)
is kept with the version but never decides whether a new version exists.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

DIGEST_FIELDS = ("title", "author", "published", "text")


@dataclass(frozen=True)
class Content:
    """A cleaned page, as the archive receives it from an extractor."""

    title: str | None
    author: str | None
    published: datetime | None
    modified: datetime | None
    text: str
    language: str | None = None
    language_probability: float | None = None
    declared_language: str | None = None
    description: str | None = None
    image: str | None = None
    translations: dict[str, str] = field(default_factory=dict)
    template: str | None = None
    extractor: str = "unknown"


#: The fields of a page version, in their declared order.
CONTENT_FIELDS = tuple(f.name for f in fields(Content))
#: The fields kept with each version for the archive's own use, but not part of the exported record.
ARCHIVE_ONLY_FIELDS = ("description", "image", "template", "extractor")


def content_from(source: object, **given: Any) -> Content:
    """The ``Content`` with the fields ``given``, the others from the attributes of the same names of
    ``source`` (a ``Version`` row, the cleaning's record)."""
    return Content(**{name: getattr(source, name) for name in CONTENT_FIELDS if name not in given}, **given)


def content_values(content: Content) -> dict[str, Any]:
    """The fields of ``content`` by name (the columns of its ``Version`` row), each value copied so that
    a row never shares a mutable value (``translations``) with the content."""
    return {name: copy.copy(getattr(content, name)) for name in CONTENT_FIELDS}


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, seconds precision unless there is a fraction."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    text = value.isoformat()
    return text.replace("+00:00", "Z")


def parse_instant(text: str, option: str | None = None, *, hint: str = "") -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime; ``ValueError`` (saying why) otherwise.

    A date alone is midnight UTC at the start of that day; a date-time without an offset is UTC; ``Z`` and
    offsets such as ``+02:00`` are honoured. An instant that UTC cannot express (before year 1, after 9999)
    is out of range.

    The value of a command's ``option`` (``--since``, ``--as-of``) must also not be in the future, and the
    error is the one line the command prints, naming the option (and ending with ``hint`` for a future
    instant, when given).
    """
    try:
        parsed = _parse_iso(text)
    except ValueError as exc:
        if option is None:
            raise
        raise ValueError(
            f"{option} expects an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T12:00:00Z), "
            f"got {text!r}: {exc}"
        ) from None
    now = datetime.now(UTC)
    if option is not None and parsed > now:
        raise ValueError(
            f"{option} {iso_utc(parsed)} is in the future (it is now {iso_utc(now.replace(microsecond=0))})"
            + (f": {hint}" if hint else "")
        )
    return parsed


def _parse_iso(text: str) -> datetime:
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError("not an ISO 8601 date or date-time") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once converted to UTC") from None


def content_digest(title: str | None, author: str | None, published: datetime | None, text: str) -> str:
    """SHA-256 of the canonical JSON of the digest fields."""
    payload = {
        "title": (title or "").strip(),
        "author": (author or "").strip(),
        "published": iso_utc(published),
        "text": text.strip(),
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def digest_of(content: Content) -> str:
    return content_digest(*(getattr(content, name) for name in DIGEST_FIELDS))
