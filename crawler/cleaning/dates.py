"""Parsing machine-readable dates (JSON-LD, ``article:*_time`` meta) into timezone-aware datetimes.

Only formats meant for machines are accepted: ISO 8601 (``2025-05-06T09:12:44.000Z``,
``2025-05-06T11:12:44+02:00``, ``2025-05-06``, ``20250506T091244Z`` …) and RFC 2822 (feeds). A value
without an offset is taken as UTC. Human text such as "il y a 2 jours" or "18 mai" gives ``None``:
it is relative to the visit, so it is never a date.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# "+0200" / "+02" offsets and lower-case separators, normalised before fromisoformat.
_SHORT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_HOUR_OFFSET = re.compile(r"([T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?[+-]\d{2})$")
_ISO_START = re.compile(r"^\d{4}-?\d{2}-?\d{2}")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        return value.replace(tzinfo=UTC)
    return value


def _parse_iso(value: str) -> datetime | None:
    candidate = value.strip()
    if not _ISO_START.match(candidate):
        return None
    candidate = candidate.replace("t", "T").replace("z", "Z")
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    if _HOUR_OFFSET.search(candidate):
        candidate += ":00"
    elif "T" in candidate or " " in candidate:
        candidate = _SHORT_OFFSET.sub(r"\1:\2", candidate)
    candidate = candidate.replace(",", ".")
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    # Fractions longer than microseconds, which fromisoformat refuses.
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", candidate)
    try:
        return datetime.fromisoformat(trimmed)
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime for an ISO 8601 or RFC 2822 string, else ``None``."""
    if isinstance(value, datetime):
        return _aware(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    parsed = _parse_iso(value)
    if parsed is None and re.search(r"\d{4}", value) and re.search(r"\d{1,2}:\d{2}", value):
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        return None
    try:
        return _aware(parsed)
    except (OverflowError, ValueError):
        return None
