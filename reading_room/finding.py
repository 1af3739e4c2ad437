"""The page a request names, in any form of its URL a person may paste (as in the CLI)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request

from archive.reading import NotFound, PageInfo, lookup_page

from . import params


class PageNotFound(NotFound):
    """No single archived page has that URL: the 404 page lists ``suggestions`` (the closest archived pages,
    or the pages an ambiguous path matches)."""

    def __init__(self, message: str, suggestions: tuple[str, ...]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


def find_page(session: Session, url: str) -> PageInfo:
    """The page ``url`` names in any form; :class:`PageNotFound` otherwise."""
    found = lookup_page(session, url)
    if found.page is None:
        raise PageNotFound(found.problem or f"no archived page at {url}", found.suggestions or found.ambiguous)
    return found.page


def page_named(session: Session, request: Request, name: str = "url") -> PageInfo:
    """The page named by the query parameter ``name`` (required)."""
    text = params.text(request, name, required=True)
    assert text is not None
    return find_page(session, text)
