"""The reading room speaks English and French: the language of a request (``?lang=``, else the
``Accept-Language`` header) and the French for every English message of the interface.

Messages are written in English in the templates and views (``_("Pages")``); their French is in
``translations/*.toml`` (one file per part of the interface, the English text as the key). A message
without French is shown in English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from starlette.requests import Request

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = Path(__file__).with_name("translations")


@cache
def french() -> dict[str, str]:
    """English message → French, from every ``translations/*.toml`` file."""
    messages: dict[str, str] = {}
    for path in sorted(TRANSLATIONS_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            messages.update(tomllib.load(handle))
    return messages


def negotiate(request: Request) -> str:
    """``?lang=en|fr`` when given, else the preferred of English and French by ``Accept-Language``
    (q-values honoured), else English."""
    asked = (request.query_params.get("lang") or "").strip().lower()
    if asked in LANGUAGES:
        return asked
    return preferred(request.headers.get("accept-language", ""))


def preferred(header: str) -> str:
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # the earlier of equal preferences wins
        if language in LANGUAGES and q > best_q:
            best, best_q = language, q
    return best


def translator(language: str) -> Callable[[str], str]:
    """The function that gives a message in ``language``."""
    if language != "fr":
        return lambda message: message
    messages = french()
    return lambda message: messages.get(message, message)
