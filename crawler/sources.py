"""Sources as data: the TOML file that says what to crawl, and the rules it implies for each URL.

A source names its origin, its host aliases, where discovery starts (robots.txt sitemaps, sitemaps, feeds,
start URLs) and, by regular expressions on the decoded path, its scope (nothing outside is requested),
which URLs are articles, which are listings (followed for links, never archived) and which are never
requested.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_SOURCE = "cess"
CONTENT_KINDS = ("article", "page")  # the kinds of URL that are archived (listings are only followed)


class SourceError(ValueError):
    """The sources file is missing, malformed, or does not name the wanted source."""


@dataclass(frozen=True)
class Source:
    name: str
    base_url: str
    title: str = ""
    host_aliases: tuple[str, ...] = ()
    sitemaps_from_robots: bool = True
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ("/",)
    follow_links: bool = True
    scope_paths: tuple[re.Pattern, ...] = ()
    article_paths: tuple[re.Pattern, ...] = ()
    listing_paths: tuple[re.Pattern, ...] = ()
    exclude_paths: tuple[re.Pattern, ...] = field(default=())

    def kind_of(self, url: str) -> str:
        """ "article", "page", "listing" or "excluded" for a URL of this source."""
        path = unquote(urlsplit(url).path) or "/"
        if self.scope_paths and not any(p.search(path) for p in self.scope_paths):
            return "excluded"
        if any(p.search(path) for p in self.exclude_paths):
            return "excluded"
        if any(p.search(path) for p in self.article_paths):
            return "article"
        if any(p.search(path) for p in self.listing_paths):
            return "listing"
        return "page"

    def at(self, base_url: str) -> Source:
        """The same source served from another origin (a local copy, a test server)."""
        aliases = tuple(dict.fromkeys((*self.host_aliases, urlsplit(self.base_url).netloc)))
        return replace(self, base_url=base_url.rstrip("/"), host_aliases=aliases)


def _string(table: dict, key: str, name: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise SourceError(f"source {name!r}: {key} must be a string")
    return value


def _flag(table: dict, key: str, name: str) -> bool:
    value = table.get(key, True)
    if not isinstance(value, bool):
        raise SourceError(f"source {name!r}: {key} must be true or false")
    return value


def _strings(table: dict, key: str, name: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourceError(f"source {name!r}: {key} must be a list of strings")
    return tuple(value)


def _patterns(table: dict, key: str, name: str) -> tuple[re.Pattern, ...]:
    try:
        return tuple(re.compile(p) for p in _strings(table, key, name))
    except re.error as exc:
        raise SourceError(f"source {name!r}: bad regular expression in {key}: {exc}") from None


KNOWN_FIELDS = {
    "name",
    "title",
    "base_url",
    "host_aliases",
    "sitemaps_from_robots",
    "sitemaps",
    "feeds",
    "start_urls",
    "follow_links",
    "scope_paths",
    "article_paths",
    "listing_paths",
    "exclude_paths",
}


def _source_from_table(table: dict) -> Source:
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise SourceError("every [[source]] needs a name")
    base_url = table.get("base_url")
    if not isinstance(base_url, str) or urlsplit(base_url).scheme not in ("http", "https"):
        raise SourceError(f"source {name!r}: base_url must be an http(s) URL")
    unknown = sorted(set(table) - KNOWN_FIELDS)
    if unknown:
        raise SourceError(f"source {name!r}: unknown field(s) {', '.join(unknown)}")
    return Source(
        name=name,
        title=_string(table, "title", name),
        base_url=base_url.rstrip("/"),
        host_aliases=_strings(table, "host_aliases", name),
        sitemaps_from_robots=_flag(table, "sitemaps_from_robots", name),
        sitemaps=_strings(table, "sitemaps", name),
        feeds=_strings(table, "feeds", name),
        start_urls=_strings(table, "start_urls", name) or ("/",),
        follow_links=_flag(table, "follow_links", name),
        scope_paths=_patterns(table, "scope_paths", name),
        article_paths=_patterns(table, "article_paths", name),
        listing_paths=_patterns(table, "listing_paths", name),
        exclude_paths=_patterns(table, "exclude_paths", name),
    )


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """All sources of ``path`` (default: the file shipped with the package), by name."""
    try:
        if path is None:
            text = resources.files("crawler").joinpath("sources.toml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise SourceError(f"cannot read sources file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SourceError(f"sources file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"sources file {path or 'sources.toml'} is not valid TOML: {exc}") from None
    tables = data.get("source", [])
    if not isinstance(tables, list) or not tables:
        raise SourceError("the sources file declares no [[source]]")
    sources: dict[str, Source] = {}
    for table in tables:
        if not isinstance(table, dict):
            raise SourceError("each source must be a [[source]] table, with name = … and base_url = …")
        source = _source_from_table(table)
        if source.name in sources:
            raise SourceError(f"source {source.name!r} is declared twice")
        sources[source.name] = source
    return sources


def get_source(name: str = DEFAULT_SOURCE, path: str | Path | None = None, base_url: str | None = None) -> Source:
    sources = load_sources(path)
    if name not in sources:
        raise SourceError(f"unknown source {name!r} (known: {', '.join(sorted(sources))})")
    source = sources[name]
    return source.at(base_url) if base_url else source
