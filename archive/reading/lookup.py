"""Finding a page from any form of its URL: :func:`lookup_page` (what a URL names: one page, several, or
none and the closest), :func:`resolve_page` (the one page, or :class:`NotFound` saying why).

People paste URLs in every form: raw Unicode or percent-encoded (upper or lower case hex), with or without
``www``, http or https, a trailing slash, tracking parameters, a ``lang`` parameter, a fragment, or a path
alone. Archived URLs are the crawler's one spelling, so instead of guessing that spelling the lookup compares
*match keys*: decoded, NFC-normalised paths without trailing slash, hosts without ``www`` and default port,
queries without tracking parameters. This module does not import the crawler.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import filterfalse
from urllib.parse import parse_qsl, unquote, urlsplit

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from ..models import Page, PageAlias
from .pages import NotFound, PageInfo, page_info

_TRACKING_PARAM = re.compile(r"^(?:utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid)$", re.I)
_LANG_PARAM = "lang"
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_LOOPBACK = {"localhost": "127.0.0.1"}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d|//)", re.I)
MAX_SUGGESTIONS = 3
STREAMED_ROWS = 500


@dataclass(frozen=True)
class UrlForm:
    """A URL (or a path alone, ``host`` None) reduced to what identifies a page, plus what ranks matches."""

    host: str | None  # lower case, without ``www.``, user info and default port
    path: str  # percent-decoded, NFC, without trailing slash ("" for the root)
    query: tuple[tuple[str, str], ...]  # decoded, sorted, without tracking and ``lang`` parameters
    scheme: str | None = None
    exact_host: str | None = None  # lower case, as given (``www.`` kept)
    slash: bool = False  # the path ended with a slash
    lang: tuple[str, ...] = ()  # values of the ``lang`` parameter

    @property
    def key(self) -> tuple:
        return self.path, self.query

    @property
    def slug(self) -> str:
        """The decoded last path segment (``post/<slug>`` → ``<slug>``)."""
        return self.path.rsplit("/", 1)[-1]


def _decode(part: str) -> str:
    return unicodedata.normalize("NFC", unquote(part, errors="replace"))


def url_form(text: str, *, path_only: bool = False) -> UrlForm | None:
    """The match key of ``text``: an http(s) URL, ``//host/path``, ``host/path``, or (with ``path_only``)
    a path. None when ``text`` is no such thing (another scheme, an unparsable URL)."""
    text = text.strip()
    if path_only:
        text = "/" + text.lstrip("/")
    elif text.startswith("//"):
        text = "https:" + text
    elif _OTHER_SCHEME.match(text):  # mailto:…, urn:…: not a page of a web site (host:port/… is)
        return None
    elif not _SCHEME.match(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        if not path_only:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    host = exact_host = scheme = None
    if not path_only:
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.netloc:
            return None
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
        name, sep, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
        if not sep or not port.isdigit():
            name, port = netloc, ""
        if port == _DEFAULT_PORTS[scheme]:
            port = ""
        exact_host = name + (f":{port}" if port else "")
        name = name.removeprefix("www.")
        name = _LOOPBACK.get(name, name)
        host = name + (f":{port}" if port else "")
    raw_path = parts.path or "/"
    path = _decode(raw_path).rstrip("/")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    lang = tuple(sorted(v for k, v in pairs if k.lower() == _LANG_PARAM))
    query = tuple(
        sorted((_decode(k), _decode(v)) for k, v in pairs if not _TRACKING_PARAM.match(k) and k.lower() != _LANG_PARAM)
    )
    return UrlForm(
        host=host,
        path=path,
        query=query,
        scheme=scheme,
        exact_host=exact_host,
        slash=raw_path.endswith("/") and raw_path != "/",
        lang=lang,
    )


def looks_like_path(text: str) -> bool:
    """True for ``/post/slug`` and ``post/slug``; False for ``https://…``, ``//host/…`` and ``host.tld/…``."""
    text = text.strip()
    if _SCHEME.match(text) or text.startswith("//"):
        return False
    if text.startswith("/"):
        return True
    first = re.split(r"[/?#]", text, maxsplit=1)[0]
    return not ("." in first or ":" in first or first.lower() == "localhost")


@dataclass(frozen=True)
class PageLookup:
    """What a URL typed by someone names: one ``page``, several pages (``ambiguous``, their URLs), or none
    (``suggestions``: up to three archived pages with the closest slug)."""

    query: str
    page: PageInfo | None = None
    ambiguous: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    @property
    def problem(self) -> str | None:
        """One line saying why no single page was found, or None when one was."""
        if self.page is not None:
            return None
        shown = _shown(self.query)
        if not self.query.strip():
            return "no URL given: give a page's URL or its path"
        if self.ambiguous:
            return (
                f"{shown} is ambiguous: it matches {len(self.ambiguous)} archived pages "
                f"({', '.join(self.ambiguous)}); give the full URL"
            )
        message = f"no archived page at {shown}"
        if self.suggestions:
            message += "; closest: " + ", ".join(self.suggestions)
        return message


def _shown(text: str) -> str:
    """``text`` for a one-line message: quoted when it holds control or other invisible characters."""
    return text if text.isprintable() else repr(text)


def _streamed(session: Session, query: Select) -> Iterator[Row]:
    """The rows of ``query`` a few hundred at a time: an archive has thousands of URLs, never all in memory."""
    yield from session.connection().execution_options(yield_per=STREAMED_ROWS).execute(query)


def _may_have_path(url: str, paths: set[str]) -> bool:
    """False when ``url``'s path (as :func:`url_form` decodes it) is certainly none of ``paths``: a path is
    part of its URL, and decoding the whole URL decodes the path the same way (percent-escapes and
    normalisation do not reach across the ``/``, ``?`` and ``#`` around it). Cheaper than parsing the URL."""
    if "%" in url or not url.isascii() or not url.isprintable():
        url = _decode(url.replace("\t", "").replace("\r", "").replace("\n", ""))  # as urlsplit drops them
    return any(path in url for path in paths)


def _best_matches(wanted: UrlForm, rows: list[tuple[UrlForm, int, bool]]) -> list[int]:
    """Ids of the pages whose URL matches ``wanted`` best (several only when they tie)."""
    ranked = []
    for form, page_id, own in rows:
        if form.key != wanted.key or (wanted.host is not None and form.host != wanted.host):
            continue
        rank = (
            form.exact_host == wanted.exact_host,
            form.scheme == wanted.scheme,
            form.lang == wanted.lang,
            form.slash == wanted.slash,
        )
        ranked.append((rank, own, page_id))
    if not ranked:
        return []
    best = max(rank for rank, _, _ in ranked)
    ids = [page_id for rank, _, page_id in ranked if rank == best]
    if len(set(ids)) > 1:  # an alias that names another page than an archived URL: the page's own URL wins
        owned = [page_id for rank, own, page_id in ranked if rank == best and own]
        ids = owned or ids
    return list(dict.fromkeys(ids))


def _plain(slug: str) -> str:
    """A slug compared without case and accents (``baromètre`` and ``Barometre`` are close)."""
    decomposed = unicodedata.normalize("NFKD", slug.casefold())
    return "".join(filterfalse(unicodedata.combining, decomposed))


def _positions(text: str) -> dict[str, int]:
    """Where each character of ``text`` is, as the bits of an integer (for :func:`_common_length`)."""
    positions: dict[str, int] = {}
    for i, char in enumerate(text):
        positions[char] = positions.get(char, 0) | (1 << i)
    return positions


def _common_length(a: str, positions: dict[str, int], b: str) -> int:
    """The length of the longest common subsequence of ``a`` (whose :func:`_positions` are given) and ``b``:
    bit-parallel, one step per character of ``b``."""
    full = (1 << len(a)) - 1
    row = full
    for char in b:
        matched = row & positions.get(char, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(a) - row.bit_count()


def _ratio(matches: int, length: int) -> float:
    """A score as difflib computes it from a number of matching characters and the two lengths' sum."""
    return 2.0 * matches / length if length else 1.0


class _CloseMatches:
    """``difflib.get_close_matches(word, candidates, n, cutoff)`` over candidates offered one at a time (each
    once): the same list, without keeping the candidates nor scoring most of them.

    Once ``n`` are found, a candidate is scored only when upper bounds of its score can still reach the
    ``n``-th best: difflib's own (its length; the letters in common, in any order), then the longest common
    subsequence with ``word`` (the blocks difflib matches are one)."""

    def __init__(self, word: str, n: int, cutoff: float) -> None:
        self.word, self.n, self.cutoff = word, n, cutoff
        self.matcher = difflib.SequenceMatcher()
        self.matcher.set_seq2(word)
        self.letters, self.positions = Counter(word), _positions(word)
        self.best: list[tuple[float, str]] = []  # the n highest (score, candidate), lowest first

    def __contains__(self, candidate: str) -> bool:
        return any(kept == candidate for _, kept in self.best)

    def offer(self, candidate: str) -> tuple[bool, str | None]:
        """(whether ``candidate`` is among the closest now, the one it pushed out)."""
        floor = self.best[0][0] if len(self.best) == self.n else self.cutoff
        length = len(candidate) + len(self.word)
        if (
            _ratio(min(len(candidate), len(self.word)), length) < floor  # real_quick_ratio
            or _ratio((Counter(candidate) & self.letters).total(), length) < floor  # quick_ratio
            or _ratio(_common_length(self.word, self.positions, candidate), length) < floor
        ):
            return False, None
        self.matcher.set_seq1(candidate)
        scored = (self.matcher.ratio(), candidate)
        if scored[0] < self.cutoff:
            return False, None
        if len(self.best) < self.n:
            heapq.heappush(self.best, scored)
            return True, None
        if scored > self.best[0]:
            return True, heapq.heapreplace(self.best, scored)[1]
        return False, None

    def matches(self) -> list[str]:
        return [candidate for _, candidate in sorted(self.best, reverse=True)]


class _Shortest:
    """The ``size`` shortest strings offered, the first offered first among those of a length."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.kept: list[tuple[int, int, str]] = []  # (-length, -order, text), the longest and last first

    def __contains__(self, text: str) -> bool:
        return any(kept == text for _, _, kept in self.kept)

    def offer(self, text: str, order: int) -> tuple[bool, str | None]:
        """(whether ``text``, offered ``order``-th, is among the shortest now, the one it pushed out)."""
        item = (-len(text), -order, text)
        if len(self.kept) < self.size:
            heapq.heappush(self.kept, item)
            return True, None
        if item > self.kept[0]:
            return True, heapq.heapreplace(self.kept, item)[2]
        return False, None

    def texts(self) -> list[str]:
        return [text for _, _, text in sorted(self.kept, reverse=True)]


_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(/[^?#\s]*)?")


def _page_slug(url: str) -> str | None:
    """``url_form(url).slug`` (None when ``url_form`` gives None), found without parsing a URL of the plain
    shape archived URLs have: http(s), a lower-case host without port, a path, no query, no blanks."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is None:
        form = url_form(url)
        return form.slug if form is not None else None
    return _decode(plain[1] or "/").rstrip("/").rsplit("/", 1)[-1]


def _suggestions(slug: str, urls: Iterable[str]) -> tuple[str, ...]:
    """Up to three of the pages' ``urls`` whose decoded last path segment is closest to ``slug`` (difflib
    ratio, then the segments that begin with it, then those that contain it, shortest first); accents and
    case do not count.

    ``urls`` are read once, keeping only the segments that can still be suggested and their URLs: the three
    closest, the six shortest that begin with ``slug`` and the twelve shortest that contain it (each segment
    has URLs of its own, so these give three URLs whichever are also among the closest)."""
    if not slug:
        return ()
    wanted = _plain(slug)
    closest = _CloseMatches(wanted, MAX_SUGGESTIONS, 0.5)
    by_part = len(wanted) >= 3  # a slug cut short ("sahel" for "sahel-ce-que-le-retrait-…") is too short for difflib
    beginning, containing = _Shortest(2 * MAX_SUGGESTIONS), _Shortest(4 * MAX_SUGGESTIONS)
    kept: dict[str, list[str]] = {}  # URLs of the segments that can still be suggested
    for order, url in enumerate(urls):
        page_slug = _page_slug(url)
        if not page_slug:
            continue
        segment = _plain(page_slug)
        if segment not in kept:  # seen first now (or left out for good before)
            offers = [closest.offer(segment)]
            if by_part and wanted in segment:
                offers.append(containing.offer(segment, order))
                if segment.startswith(wanted):
                    offers.append(beginning.offer(segment, order))
            for _, out in offers:
                if out is not None and out not in closest and out not in beginning and out not in containing:
                    del kept[out]
            if not any(taken for taken, _ in offers):
                continue
            kept[segment] = []
        kept[segment].append(url)
    order_of = closest.matches() + (beginning.texts() + containing.texts() if by_part else [])
    found = [url for segment in dict.fromkeys(order_of) for url in sorted(kept[segment])]
    return tuple(dict.fromkeys(found))[:MAX_SUGGESTIONS]


def lookup_page(session: Session, text: str) -> PageLookup:
    """The archived page that ``text`` names, in any form a person may give (see the comment above).

    A full URL matches a page's URL or one of its aliases (an old slug keeps working). A path alone
    (``/post/slug`` or ``post/slug``) is resolved against every archived origin: when pages of several
    origins or sources have it, the lookup is ambiguous and lists them.
    """
    query = text
    text = text.strip()
    if not text:
        return PageLookup(query=query)
    exact = session.scalar(select(Page).where(Page.url == text)) or session.scalar(
        select(Page).join(PageAlias, PageAlias.page_id == Page.id).where(PageAlias.url == text)
    )
    if exact is not None:
        return PageLookup(query=query, page=page_info(session, exact))
    attempts = []
    if looks_like_path(text):
        attempts.append(url_form(text, path_only=True))
    else:
        attempts.append(url_form(text))
        if "://" not in text and not text.startswith("//"):  # "page.html" is more likely a path than a host
            attempts.append(url_form(text, path_only=True))
    paths = {wanted.path for wanted in attempts if wanted is not None}
    rows = []
    for own, archived in ((True, select(Page.id, Page.url)), (False, select(PageAlias.page_id, PageAlias.url))):
        for page_id, url in _streamed(session, archived):
            if _may_have_path(url, paths) and (form := url_form(url)) is not None:
                rows.append((form, page_id, own))
    for wanted in filter(None, attempts):
        ids = _best_matches(wanted, rows)
        if len(ids) == 1:
            return PageLookup(query=query, page=page_info(session, session.get_one(Page, ids[0])))
        if ids:
            urls = sorted(session.scalars(select(Page.url).where(Page.id.in_(ids))))
            return PageLookup(query=query, ambiguous=tuple(urls))
    first = next(filter(None, attempts), None)
    slug = first.slug if first is not None else _decode(text.rstrip("/").rsplit("/", 1)[-1])
    pages = (url for _, url in _streamed(session, select(Page.id, Page.url)))
    return PageLookup(query=query, suggestions=_suggestions(slug, pages))


def resolve_page(session: Session, text: str) -> PageInfo:
    """The page ``text`` names in any form; :class:`NotFound` saying why not (an unknown URL suggests the
    archived pages with the closest slug, an ambiguous path lists the pages it matches)."""
    found = lookup_page(session, text)
    if found.page is None:
        raise NotFound(found.problem)
    return found.page
