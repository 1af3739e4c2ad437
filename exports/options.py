"""Parsing the export command's values: instants for ``--as-of`` and ``--since``."""

from __future__ import annotations

from datetime import datetime

from archive.content import parse_instant as parse_iso

from .errors import ExportError


def parse_instant(text: str, option: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (see ``archive.content.parse_instant``)."""
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise ExportError(
            f"{option} expects an ISO 8601 date or date-time (e.g. 2026-03-01 or "
            f"2026-03-01T12:00:00Z), got {text!r}: {exc}"
        ) from None
