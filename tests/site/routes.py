"""The router of the local copy: a decoded path and a visit in, a :class:`Response` out.

It knows nothing of HTTP mechanics (conditional requests, compression, faults, logging: ``server.py``).
Rendering the same path with :data:`~tests.site.template.STABLE_VISIT` gives bytes free of per-visit
churn, from which the server derives ``ETag``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import discovery, render
from .model import LanguageCopy, encode_path
from .state import SiteState
from .template import HtmlPage, Origins, Visit, document

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"

_POST = re.compile(r"^(?:/(?P<lang>[a-z]{2}))?/post/(?P<slug>[^/]+)$")
_BLOG = re.compile(r"^/blog(?:/page/(?P<number>\d+))?$")
_CATEGORY = re.compile(r"^/blog/categories/(?P<slug>[^/]+)(?:/page/(?P<number>\d+))?$")


@dataclass
class Response:
    """What to answer. ``cacheable`` responses get ``ETag``/``Last-Modified`` and may answer 304."""

    status: int
    body: bytes
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    cacheable: bool = False


class Router:
    """Resolves paths against a :class:`SiteState`, for one pair of origins."""

    def __init__(self, state: SiteState, origins: Origins) -> None:
        self.state, self.origins = state, origins

    def resolve(self, path: str, visit: Visit) -> Response:
        """``path`` is percent-decoded, NFC-normalised, without query string."""
        with self.state.lock:
            return (
                self._document(path, visit)
                or self._redirect(path)
                or self._post(path, visit)
                or self._listing(path, visit)
                or self._page(path, visit)
                or self._private(path, visit)
                or self.not_found(path, visit)
            )

    # ---------------------------------------------------------------------------------------- helpers

    def _html(self, page: HtmlPage, path: str, visit: Visit, status: int = 200) -> Response:
        html = document(page, build_id=self.state.build.build_id, origins=self.origins, visit=visit, path=path)
        return Response(status, html.encode("utf-8"), HTML, cacheable=status == 200)

    def _moved(self, target: str) -> Response:
        location = self.origins.url(target, "encoded")
        body = f'<html><body>Moved Permanently: <a href="{location}">{location}</a></body></html>'
        return Response(301, body.encode("utf-8"), HTML, {"Location": location})

    def not_found(self, path: str, visit: Visit) -> Response:
        return self._html(render.not_found_page(self.origins, path), path, visit, status=404)

    # ----------------------------------------------------------------------------------------- routes

    def _document(self, path: str, visit: Visit) -> Response | None:
        state, origins = self.state, self.origins
        producers = {
            "/robots.txt": (TEXT, lambda: discovery.robots_txt(origins)),
            "/sitemap.xml": (XML, lambda: discovery.sitemap_index(state, origins)),
            "/pages-sitemap.xml": (XML, lambda: discovery.pages_sitemap(state, origins)),
            "/blog-posts-sitemap.xml": (XML, lambda: discovery.posts_sitemap(state, origins)),
            "/blog-categories-sitemap.xml": (XML, lambda: discovery.categories_sitemap(state, origins)),
            "/blog-feed.xml": (RSS, lambda: discovery.rss_feed(state, origins, visit)),
        }
        if path not in producers:
            return None
        content_type, produce = producers[path]
        return Response(200, produce().encode("utf-8"), content_type, cacheable=True)

    def _redirect(self, path: str) -> Response | None:
        target = self.state.redirect_target(path)
        return self._moved(target) if target else None

    def _post(self, path: str, visit: Visit) -> Response | None:
        match = _POST.match(path)
        if not match:
            return None
        lang, slug = match["lang"], match["slug"]
        content = self.state.content
        if lang is None:
            post = content.posts.get(slug)
        elif lang == "en":
            post = content.translated_posts.get(slug)
        else:
            return self._post_copy(LanguageCopy(lang, slug, "post"), path, visit)
        if post is None or not self.state.is_live(post) or post.path != path:
            return self.not_found(path, visit)
        return self._html(render.post_page(self.state, post, self.origins, visit), path, visit)

    def _post_copy(self, copy: LanguageCopy, path: str, visit: Visit) -> Response:
        post = self.state.content.posts.get(copy.target)
        if copy not in self.state.copies() or post is None or not self.state.is_live(post):
            return self.not_found(path, visit)
        page = render.post_page(self.state, post, self.origins, visit, lang=copy.lang, path=copy.path)
        return self._html(page, path, visit)

    def _listing(self, path: str, visit: Visit) -> Response | None:
        blog, category = _BLOG.match(path), _CATEGORY.match(path)
        if blog:
            base_path, title, posts, raw_number = "/blog", "Blog", self.state.live_posts(), blog["number"]
        elif category:
            found = self.state.category(category["slug"])
            if found is None:
                return self.not_found(path, visit)
            base_path, title = found.path, found.name
            posts, raw_number = self.state.posts_in_category(found.slug), category["number"]
        else:
            return None
        number = int(raw_number) if raw_number else 1
        if raw_number == "1":
            return self._moved(base_path)
        if not 1 <= number <= render.page_count(len(posts)):
            return self.not_found(path, visit)
        page = render.listing_page(
            self.state, self.origins, visit, base_path=base_path, title=title, posts=posts, number=number
        )
        return self._html(page, path, visit)

    def _page(self, path: str, visit: Visit) -> Response | None:
        page = self.state.content.pages.get(path)
        if page is not None:
            renderer = {"home": render.home_page, "contact": render.contact_page}.get(page.kind, render.static_page)
            return self._html(renderer(self.state, page, self.origins, visit), path, visit)
        copy = next((c for c in self.state.copies() if c.kind == "home" and c.path == path), None)
        if copy is None:
            return None
        home = self.state.content.pages["/"]
        return self._html(
            render.home_page(self.state, home, self.origins, visit, lang=copy.lang, path=path), path, visit
        )

    def _private(self, path: str, visit: Visit) -> Response | None:
        """The member area and the internal API exist (robots.txt only asks crawlers to stay out)."""
        if path.startswith("/account/"):
            return self._html(render.login_page(self.origins, path), path, visit)
        if path.startswith("/_api/"):
            body = json.dumps({"posts": [], "metaData": {"path": encode_path(path)}}).encode("utf-8")
            return Response(200, body, JSON)
        return None
