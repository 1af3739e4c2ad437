"""URL identity: one spelling per page whatever form a link, sitemap or feed used, and which page a fetch is.

Normalising maps host aliases (with/without ``www``, the other loopback name of a local copy) to the
source's own origin, percent-encodes the path one way (UTF-8, upper-case hex), drops the fragment and
tracking parameters (``utm_*`` and the like), and keeps every other query parameter in order. A trailing
slash is kept as it was written.

:meth:`UrlRules.identity` decides which page a fetched URL is, and of what kind, once its
``rel=canonical`` is known: the spider asks it before the page is cleaned, the extraction pipeline after.
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urlsplit, urlunsplit

from .sources import CONTENT_KINDS, Source

logger = logging.getLogger(__name__)

TRACKING_PARAM = re.compile(r"^(?:utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid)$", re.I)
PATH_SAFE = "/:@!$&'()*+,;=-._~"
QUERY_SAFE = ":@!$'()*+,;/?-._~"
DEFAULT_PORTS = {"http": "80", "https": "443"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def _netloc(scheme: str, netloc: str) -> str:
    netloc = netloc.lower().rsplit("@", 1)[-1]
    host, _, port = netloc.partition(":")
    if port and port == DEFAULT_PORTS.get(scheme):
        return host
    return netloc


def _alias_netlocs(netloc: str) -> set[str]:
    """The spellings of a host that name the same site: with/without ``www.``, the other loopback name."""
    host, sep, port = netloc.partition(":")
    hosts = {host, host[4:] if host.startswith("www.") else f"www.{host}"}
    if host in LOOPBACK_HOSTS:
        hosts.update(LOOPBACK_HOSTS)
    return {f"{h}{sep}{port}" for h in hosts}


def _requote(part: str, safe: str) -> str:
    return quote(unquote_to_bytes(part), safe=safe)


class PageIdentity(NamedTuple):
    url: str  # the page's URL, normalised: what the archive knows it by
    kind: str  # "article", "page", "listing" or "excluded" (Source.kind_of); only the first two are archived


class UrlRules:
    """A source's URL rules: normalises URLs for its origin (and host aliases), tells which belong to it, and
    decides which page a fetched URL is."""

    def __init__(self, source: Source):
        self.source = source
        base = urlsplit(source.base_url)
        self.scheme = base.scheme.lower()
        self.netloc = _netloc(self.scheme, base.netloc)
        own = _alias_netlocs(self.netloc)
        for alias in source.host_aliases:
            own |= _alias_netlocs(alias.lower())
        self.own_netlocs = frozenset(own)
        self.origin = f"{self.scheme}://{self.netloc}"

    def identity(self, fetched_url: str, canonical_url: str | None = None) -> PageIdentity:
        """The page ``fetched_url`` is: its ``rel=canonical`` when that is a content URL of the same source,
        else the fetched URL, normalised; with the kind of that URL.

        A canonical pointing off the site, at a listing or at an excluded URL (a template that names the
        home page as every page's canonical) is ignored.
        """
        if canonical_url:
            canonical = self.normalize(canonical_url)
            if canonical and self.is_own(canonical):
                kind = self.source.kind_of(canonical)
                if kind in CONTENT_KINDS:
                    return PageIdentity(canonical, kind)
            logger.debug("ignoring canonical %s of %s", canonical_url, fetched_url)
        fetched = self.normalize(fetched_url) or fetched_url
        return PageIdentity(fetched, self.source.kind_of(fetched))

    def normalize(self, url: str) -> str | None:
        """The one spelling of ``url``, or None when it is not an http(s) URL."""
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.netloc:
            return None
        netloc = _netloc(scheme, parts.netloc)
        if netloc in self.own_netlocs:
            scheme, netloc = self.scheme, self.netloc
        path = _requote(parts.path or "/", PATH_SAFE)
        pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAM.match(k)]
        query = urlencode(pairs, quote_via=quote, safe=QUERY_SAFE)
        return urlunsplit((scheme, netloc, path, query, ""))

    def is_own(self, url: str) -> bool:
        """True when ``url`` is on the source's origin or one of its aliases."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return _netloc(parts.scheme.lower(), parts.netloc) in self.own_netlocs

    def absolute(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return self.origin + "/" + path_or_url.lstrip("/")
