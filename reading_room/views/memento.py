"""Memento (RFC 7089), so that web archive tools can ask for a page as it was: each version of a page is a
memento dated when its content was first captured.

- TimeMap ``/timemap/link/URL`` (``application/link-format``): the original URL, the TimeGate, itself, and
  one ``memento`` per version with its datetime (the first and last also marked so); JSON twin at
  ``/api/timemap?url=``.
- TimeGate ``/timegate/URL``: a 302 to the memento current at the ``Accept-Datetime`` asked for (RFC 1123;
  the latest without one; a malformed one is a 400), ``Vary: accept-datetime``.
- Mementos ``/web/TIMESTAMP/URL``: the version page of the version current at that instant, with
  ``Memento-Datetime`` and ``Link`` headers (original, TimeGate, TimeMap, first/previous/next/last
  mementos). It shows the cleaned text, not a replay of the raw page (that is ``/raw``).

Timestamps and instants name a period: 14 digits ``YYYYMMDDhhmmss`` a second, fewer digits (4, 6, … 12, as
the Wayback Machine allows) a year, a month, a day…; the version current at the *end* of that period is
chosen (the latest first seen by then; before the first version, the first). Each memento has one URL: a
timestamp that is not the chosen version's own (its ``first_seen`` to the second), or a URL in another
form than the page's canonical one, is redirected (302) to it, as pywb and the Wayback Machine do, so that
caches and citations share one address. ``/web/*/URL`` leads to the page's timeline.

The URL part is any form the lookup understands and is taken from the raw request path and query string
(its ``?query`` belongs to the archived URL, not to the reading room); an ``https:/`` that a proxy
collapsed from ``https://`` is restored.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from archive.reading import Memento, PageInfo, get_version, mementos, version_at

from .. import params
from ..finding import find_page
from ..params import BadParameter
from ..rendering import api, href, reading, render
from .version import VersionView, link_uri, raw_missing, timestamp14, version_context

LINK_FORMAT = "application/link-format"
_TIMESTAMP = re.compile(r"^\d{4}(?:\d\d){0,5}$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HTTP_DATE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (" + "|".join(_MONTHS) + r") (\d{4}) (\d\d):(\d\d):(\d\d) GMT$"
)
_COLLAPSED_SCHEME = re.compile(r"^(https?):/+(?=[^/])", re.IGNORECASE)
_ONE_SECOND = timedelta(seconds=1)


def http_date(at: datetime) -> str:
    """``at`` as an HTTP date (RFC 1123, GMT): ``Mon, 05 Jan 2026 08:00:00 GMT``."""
    return format_datetime(at.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_http_date(text: str) -> datetime:
    """An ``Accept-Datetime`` value (RFC 1123 date in GMT) as an aware datetime; :class:`BadParameter`
    otherwise."""
    found = _HTTP_DATE.match(text.strip())
    try:
        if found is None:
            raise ValueError("not an RFC 1123 date")
        day, month, year, hour, minute, second = found.groups()
        return datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError as exc:
        raise BadParameter(
            f"Accept-Datetime: expected an RFC 1123 date such as 'Thu, 01 Jan 2026 12:00:00 GMT', "
            f"got {text[:60]!r} ({exc})"
        ) from None


def period_end(timestamp: str) -> datetime:
    """The last instant of the period a Wayback-style timestamp names (4 to 14 digits, by pairs after the
    year); :class:`BadParameter` for anything else."""
    if not _TIMESTAMP.match(timestamp):
        raise BadParameter(
            f"timestamp: expected 4 to 14 digits YYYYMMDDhhmmss (a year, a month, … a second), got {timestamp[:40]!r}"
        )
    parts = [int(timestamp[:4])] + [int(timestamp[i : i + 2]) for i in range(4, len(timestamp), 2)]
    year, month, day, hour, minute, second = parts + [1, 1, 0, 0, 0][len(parts) - 1 :]
    try:
        start = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise BadParameter(f"timestamp: {timestamp} is not a date ({exc})") from None
    try:
        if len(parts) == 1:
            following = start.replace(year=year + 1)
        elif len(parts) == 2:
            following = start.replace(year=year + month // 12, month=month % 12 + 1)
        else:
            steps = (timedelta(days=1), timedelta(hours=1), timedelta(minutes=1), _ONE_SECOND)
            following = start + steps[len(parts) - 3]
    except (ValueError, OverflowError):  # the end of year 9999
        return datetime.max.replace(tzinfo=UTC)
    return following - timedelta(microseconds=1)


def _second_end(at: datetime) -> datetime:
    """The last instant of the second ``at`` names (an HTTP date has no fraction of a second)."""
    return at.replace(microsecond=999_999)


def archived_url(request: Request, prefix: str) -> str:
    """The URL after ``prefix`` in the request's path, as the client sent it (raw path and query string)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("utf-8", "replace") if raw else quote(request.scope["path"])
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    url = path[len(prefix) :] if path.startswith(prefix) else ""
    query = request.scope.get("query_string", b"").decode("utf-8", "replace")
    if query:
        url += "?" + query
    return url


def original_url(text: str, example: str) -> str:
    """The archived URL given in a path, its ``https:/`` restored if a proxy collapsed the double slash;
    :class:`BadParameter` (naming an ``example`` of the path) when there is none."""
    if not text.strip():
        raise BadParameter(f"url: give the archived URL after the path, e.g. {example}")
    return _COLLAPSED_SCHEME.sub(lambda found: found.group(1) + "://", text)


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}"


def timemap_uri(request: Request, page: PageInfo) -> str:
    return f"{_origin(request)}/timemap/link/{link_uri(page.url)}"


def timegate_uri(request: Request, page: PageInfo) -> str:
    return f"{_origin(request)}/timegate/{link_uri(page.url)}"


def memento_uri(request: Request, page: PageInfo, at: datetime) -> str:
    return f"{_origin(request)}/web/{timestamp14(at)}/{link_uri(page.url)}"


def _memento_links(request: Request, page: PageInfo, found: tuple[Memento, ...], number: int | None) -> list[str]:
    """``memento`` links: the first and last, and around version ``number`` the previous and next (one link
    per memento, its relations together)."""
    rels: dict[int, list[str]] = {}
    if found:
        rels.setdefault(0, []).append("first")
        rels.setdefault(len(found) - 1, []).append("last")
    if number is not None:
        if number > 1:
            rels.setdefault(number - 2, []).append("prev")
        if number < len(found):
            rels.setdefault(number, []).append("next")
    return [
        f'<{memento_uri(request, page, found[i].at)}>; rel="{" ".join(names)} memento"; '
        f'datetime="{http_date(found[i].at)}"'
        for i, names in sorted(rels.items())
    ]


def _original_links(request: Request, page: PageInfo, *, timegate: bool = True) -> list[str]:
    links = [f'<{link_uri(page.url)}>; rel="original"']
    if timegate:
        links.append(f'<{timegate_uri(request, page)}>; rel="timegate"')
    links.append(f'<{timemap_uri(request, page)}>; rel="timemap"; type="{LINK_FORMAT}"')
    return links


def timemap(request: Request) -> Response:
    url = original_url(archived_url(request, "/timemap/link/"), "/timemap/link/https://example.org/page")
    with reading(request) as session:
        page = find_page(session, url)
        found = mementos(session, page)
    self_link = f'<{timemap_uri(request, page)}>; rel="self"; type="{LINK_FORMAT}"'
    if found:
        self_link += f'; from="{http_date(found[0].at)}"; until="{http_date(found[-1].at)}"'
    lines = [
        f'<{link_uri(page.url)}>; rel="original"',
        f'<{timegate_uri(request, page)}>; rel="timegate"',
        self_link,
    ]
    for index, memento in enumerate(found):
        rel = " ".join([*(["first"] if index == 0 else []), *(["last"] if index == len(found) - 1 else []), "memento"])
        lines.append(f'<{memento_uri(request, page, memento.at)}>; rel="{rel}"; datetime="{http_date(memento.at)}"')
    return Response(",\n".join(lines) + "\n", media_type=LINK_FORMAT, headers={"cache-control": "no-cache"})


def timemap_api(request: Request) -> Response:
    url = params.text(request, "url", required=True)
    assert url is not None  # required
    with reading(request) as session:
        page = find_page(session, url)
        found = mementos(session, page)
    return api(
        request,
        {
            "original": page.url,
            "timegate": timegate_uri(request, page),
            "timemap": timemap_uri(request, page),
            "mementos": [
                {
                    "version": memento.number,
                    "datetime": http_date(memento.at),
                    "first_seen": memento.at,
                    "memento": memento_uri(request, page, memento.at),
                }
                for memento in found
            ],
        },
    )


def timegate(request: Request) -> Response:
    url = original_url(archived_url(request, "/timegate/"), "/timegate/https://example.org/page")
    asked = request.headers.get("accept-datetime")
    instant = _second_end(parse_http_date(asked)) if asked else None
    with reading(request) as session:
        page = find_page(session, url)
        version = version_at(session, page, instant) if instant is not None else get_version(session, page)
        found = mementos(session, page)
    links = _original_links(request, page, timegate=False) + _memento_links(request, page, found, None)
    return Response(
        status_code=302,
        headers={
            "location": memento_uri(request, page, version.first_seen),
            "vary": "accept-datetime",
            "link": ", ".join(links),
            "cache-control": "no-cache",
        },
    )


def memento(request: Request) -> Response:
    timestamp, _, given = archived_url(request, "/web/").partition("/")
    url = original_url(given, "/web/2026/https://example.org/page")
    if timestamp == "*":
        return RedirectResponse(href(request, "/page", url=url, lang=None), status_code=302)
    end = period_end(timestamp)
    with reading(request) as session:
        page = find_page(session, url)
        version = version_at(session, page, end)
        view = VersionView(page, version, mementos(session, page), raw_missing(session, version))
    if timestamp != timestamp14(version.first_seen) or unquote(url) != unquote(page.url):
        return Response(
            status_code=302,
            headers={
                "location": memento_uri(request, page, version.first_seen),
                "link": ", ".join(_original_links(request, page)),
                "cache-control": "no-cache",
            },
        )
    links = _original_links(request, page) + _memento_links(request, page, view.mementos, version.number)
    context = version_context(request, view)
    context["memento"] = {"at": version.first_seen, "timemap": timemap_uri(request, page)}
    # The interface's language cannot ride on this URL (its query is the archived URL's): switch on /version.
    context["here_in"] = lambda language: href(request, "/version", url=page.url, version=version.number, lang=language)
    return render(
        request,
        "version.html",
        context,
        headers={"memento-datetime": http_date(version.first_seen), "link": ", ".join(links)},
        etag_of=view.etag_of,
    )


routes = [
    Route("/timemap/link/{rest:path}", timemap, name="timemap"),
    Route("/api/timemap", timemap_api, name="timemap_api"),
    Route("/timegate/{rest:path}", timegate, name="timegate"),
    Route("/web/{rest:path}", memento, name="memento"),
]
