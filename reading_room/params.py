"""Reading query parameters: each is checked and bounded, and a bad one is :class:`BadParameter` (a 400
page or JSON error naming the parameter), never a server error."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from starlette.requests import Request

from archive.content import parse_instant

MAX_VALUE = 2048  # characters of one parameter
MAX_INT = 2**63 - 1


class BadParameter(ValueError):
    """A query parameter the reading room cannot use; the message names it and says what it takes."""


def text(request: Request, name: str, *, required: bool = False, default: str | None = None) -> str | None:
    value = request.query_params.get(name)
    if value is None or value.strip() == "":
        if required:
            raise BadParameter(f"{name}: this parameter is required")
        return default
    if len(value) > MAX_VALUE:
        raise BadParameter(f"{name}: at most {MAX_VALUE} characters")
    if "\x00" in value:
        raise BadParameter(f"{name}: a NUL character is not allowed")
    return value.strip()


def integer(
    request: Request,
    name: str,
    *,
    default: int | None = None,
    required: bool = False,
    minimum: int = 0,
    maximum: int = MAX_INT,
) -> int | None:
    value = text(request, name, required=required)
    if value is None:
        return default
    try:
        number = int(value, 10)
    except ValueError:
        raise BadParameter(f"{name}: expected a whole number, got {value[:40]!r}") from None
    if not minimum <= number <= maximum:
        raise BadParameter(f"{name}: expected a number from {minimum} to {maximum}, got {number}")
    return number


def choice(request: Request, name: str, choices: Iterable[str], *, default: str | None = None) -> str | None:
    value = text(request, name)
    if value is None:
        return default
    allowed = tuple(choices)
    if value not in allowed:
        raise BadParameter(f"{name}: expected one of {', '.join(allowed)}, got {value[:40]!r}")
    return value


def instant(request: Request, name: str) -> datetime | None:
    """A date or an instant (ISO 8601; UTC when no offset is given)."""
    value = text(request, name)
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise BadParameter(
            f"{name}: expected an ISO 8601 date or date-time (2026-03-01, 2026-03-01T12:00:00Z), got {value[:40]!r}: {exc}"
        ) from None


def flag(request: Request, name: str, *, default: bool = False) -> bool:
    value = text(request, name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise BadParameter(f"{name}: expected 1 or 0, got {value[:40]!r}")
