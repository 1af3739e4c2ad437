"""``/pages``: every page, filtered (kind, language, status, changed or not), sorted and paginated; JSON at
``/api/pages``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.models import PAGE_STATUSES
from archive.reading.listing import SORTS, PageFilter, PageList, page_list, summary

from .. import params
from ..rendering import api, reading, render

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


def _listing(request: Request) -> tuple[PageList, dict, dict]:
    changed = params.choice(request, "changed", ("yes", "no"))
    filters = PageFilter(
        kind=params.text(request, "kind"),
        language=params.text(request, "language"),
        status=params.choice(request, "status", PAGE_STATUSES),
        changed=None if changed is None else changed == "yes",
    )
    sort = params.choice(request, "sort", SORTS, default="last_change")
    order = params.choice(request, "order", ("asc", "desc"))
    limit = params.integer(request, "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)
    offset = params.integer(request, "offset", default=0, maximum=MAX_OFFSET)
    assert sort is not None and limit is not None and offset is not None
    with reading(request) as session:
        found = page_list(
            session,
            filters,
            sort=sort,
            descending=None if order is None else order == "desc",
            limit=limit,
            offset=offset,
        )
        counts = summary(session)
    chosen = {
        "kind": filters.kind,
        "language": filters.language,
        "status": filters.status,
        "changed": changed,
        "sort": sort,
        "order": order,
        "limit": limit if limit != DEFAULT_LIMIT else None,
    }
    choices = {"kinds": sorted(counts.kinds), "languages": [x for x in counts.languages if x != "?"]}
    return found, chosen, choices


def pages(request: Request) -> Response:
    found, chosen, choices = _listing(request)
    return render(request, "pages.html", {"found": found, "chosen": chosen, "choices": choices, "sorts": SORTS})


def pages_api(request: Request) -> Response:
    found, _chosen, _choices = _listing(request)
    return api(request, found.as_dict())


routes = [Route("/pages", pages, name="pages"), Route("/api/pages", pages_api, name="pages_api")]
