"""Parsing the export command's values: instants for ``--as-of`` and ``--since``."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from .errors import ExportError

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_instant(text: str, option: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime.

    A date alone is midnight UTC at the start of that day; a date-time without an offset is UTC;
    ``Z`` and offsets such as ``+02:00`` are honoured.
    """
    value = text.strip()
    try:
        if _DATE_ONLY.match(value):
            return datetime.combine(date.fromisoformat(value), time(0, 0), tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ExportError(f"{option} expects an ISO 8601 date or date-time (e.g. 2026-03-01 or "
                          f"2026-03-01T12:00:00Z), got {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
