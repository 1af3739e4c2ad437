"""Checking the filters people type on the command line: languages in any case, known source names only."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from archive.reading import source_names

from .errors import CliError

_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


def normalize_languages(values: Iterable[str]) -> tuple[str, ...]:
    """``--language`` values as stored (lower case: ``EN`` and ``en`` are the same), without repeats."""
    languages = []
    for value in values:
        code = value.strip().lower().replace("_", "-")
        if not _LANGUAGE.match(code):
            raise CliError(f"--language expects a language code such as fr, en or zh-cn, got {value!r}")
        languages.append(code)
    return tuple(dict.fromkeys(languages))


def known_sources(session: Session | None) -> list[str]:
    """Source names this archive holds (pages or runs), together with those of the shipped sources file."""
    from crawler.sources import SourceError, load_sources

    names: set[str] = set()
    with contextlib.suppress(SourceError):  # pragma: no cover - the shipped file is tested
        names.update(load_sources())
    if session is not None:
        names.update(source_names(session))
    return sorted(names)


def check_sources(session: Session | None, names: Iterable[str], option: str = "--source") -> tuple[str, ...]:
    """``names`` without repeats; an unknown one is a usage error (exit 2) that lists the known ones."""
    wanted = tuple(dict.fromkeys(name.strip() for name in names))
    if not wanted:
        return wanted
    known = known_sources(session)
    for name in wanted:
        if name not in known:
            raise CliError(f"unknown source {name!r} for {option}: known sources are {', '.join(known) or 'none'}")
    return wanted


def one_source(session: Session, source: str | None) -> str | None:
    """``--source NAME`` checked like :func:`check_sources`; None when not given."""
    return check_sources(session, [source])[0] if source is not None else None
