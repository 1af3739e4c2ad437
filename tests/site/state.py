"""The mutable state of the local copy: what tests change between two crawls.

:class:`SiteState` owns a :class:`~tests.site.content.SiteContent`, the current site :class:`Build`, the
per-path visit counters (which drive the per-visit template churn) and the injected faults. Every change
is made under one lock and is visible to the next request. Posts are keyed by their slug as in the
content model (raw Unicode); ``edit_paragraph`` counts the ``paragraph`` blocks of a body (spacers,
headings, lists and figures are not paragraphs), negative indexes count from the end.

``revision`` increases with every change (including :meth:`SiteState.reset`), so a cache keyed by it is
never stale.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .content import SiteContent, initial_content
from .model import UTC, Block, Category, LanguageCopy, Page, Post, blocks_of, paragraph, short_hash, utc

#: When the initial build of the site was published (the base of ``Last-Modified``).
INITIAL_BUILD_TIME = utc(2026, 11, 2, 6, 0, 0)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Build:
    """One publication of the site template. A rebuild changes the inline style and the warmup data."""

    number: int
    created: datetime

    @property
    def build_id(self) -> str:
        return f"1.{16380 + self.number}.0-{short_hash('build', self.number, length=7)}"


@dataclass
class Fault:
    """An injected failure: answer ``status`` (or, when None, the normal page) after ``delay`` seconds,
    with extra ``headers``, ``remaining`` more times (None: until cleared)."""

    status: int | None
    remaining: int | None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float | None = None


class SiteState:
    """The site as it is now. All public methods are thread-safe."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or utc_now
        self.revision = 0
        self._faults: dict[str, Fault] = {}
        self.reset()

    # ------------------------------------------------------------------------------------ lifecycle

    def reset(self) -> None:
        """Back to the initial content and build; visit counters and faults cleared."""
        with self.lock:
            self.content: SiteContent = initial_content()
            self.build = Build(1, INITIAL_BUILD_TIME)
            self.last_change = INITIAL_BUILD_TIME
            self.visits: Counter[str] = Counter()
            self._faults.clear()
            self.revision += 1

    def now(self) -> datetime:
        return self.clock().astimezone(UTC).replace(microsecond=0)

    def _changed(self) -> None:
        self.revision += 1
        self.last_change = max(self.now(), self.last_change)

    # -------------------------------------------------------------------------------------- queries

    def post(self, slug: str) -> Post:
        """A post (French or translated) by slug, live or deleted. KeyError when unknown."""
        with self.lock:
            if slug in self.content.posts:
                return self.content.posts[slug]
            return self.content.translated_posts[slug]

    def is_live(self, post: Post) -> bool:
        """A translation lives as long as its French original."""
        return (post.translation_of or post.slug) not in self.content.deleted

    def live_posts(self, lang: str = "fr") -> list[Post]:
        """Live posts of one language, newest first (French: the blog's own posts)."""
        with self.lock:
            pool = self.content.posts if lang == "fr" else self.content.translated_posts
            posts = [p for p in pool.values() if p.lang == lang and self.is_live(p)]
        return sorted(posts, key=lambda p: p.published, reverse=True)

    def post_path(self, slug: str) -> str:
        return self.post(slug).path

    def expected_text(self, slug: str) -> str:
        """The clean text the archive should extract from the post now."""
        return self.post(slug).text

    def page(self, path: str) -> Page:
        with self.lock:
            return self.content.pages[path]

    def page_text(self, path: str) -> str:
        return self.page(path).text

    def category(self, slug: str) -> Category | None:
        return next((c for c in self.content.categories if c.slug == slug), None)

    def posts_in_category(self, slug: str) -> list[Post]:
        return [p for p in self.live_posts() if slug in p.categories]

    def translations(self, post: Post) -> list[Post]:
        """The live translations of a French post."""
        with self.lock:
            return [
                p for p in self.content.translated_posts.values() if p.translation_of == post.slug and self.is_live(p)
            ]

    def page_translations(self, page: Page) -> list[Page]:
        with self.lock:
            return [p for p in self.content.pages.values() if p.translation_of == page.path]

    def copies(self) -> tuple[LanguageCopy, ...]:
        return self.content.copies

    def redirect_target(self, path: str) -> str | None:
        with self.lock:
            return self.content.redirects.get(path)

    def next_visit(self, path: str) -> int:
        """Counts a visit of ``path`` and returns its number (1 for the first visit)."""
        with self.lock:
            self.visits[path] += 1
            return self.visits[path]

    # ------------------------------------------------------------------------------------- mutations

    def _replace_post(self, slug: str, **changes) -> Post:
        with self.lock:
            post = self.post(slug)
            updated = replace(post, **changes)
            pool = self.content.posts if slug in self.content.posts else self.content.translated_posts
            pool[slug] = updated
            self._changed()
            return updated

    def edit_paragraph(self, slug: str, index: int, text: str, *, bump_modified: bool = True) -> Post:
        """Replaces the text of the ``index``-th paragraph (see the module docstring for the counting).
        Like an edit published from the Wix editor, it bumps ``dateModified`` unless told not to."""
        with self.lock:
            post = self.post(slug)
            position = post.paragraph_positions()[index]
            body = list(post.body)
            body[position] = paragraph(text)
            return self._replace_post(slug, body=tuple(body), **self._bump(post, bump_modified))

    def set_title(self, slug: str, title: str, *, bump_modified: bool = True) -> Post:
        with self.lock:
            return self._replace_post(slug, title=title, **self._bump(self.post(slug), bump_modified))

    def republish(self, slug: str) -> Post:
        """Publishes the post again without any change: only ``dateModified`` moves."""
        with self.lock:
            return self._replace_post(slug, **self._bump(self.post(slug), True))

    def _bump(self, post: Post, bump: bool) -> dict[str, datetime]:
        if not bump:
            return {}
        return {"modified": max(self.now(), post.modified + timedelta(seconds=1))}

    def change_markup(self, slug: str) -> Post:
        """Same words, other markup: new ``viewer-`` ids and classes, extra wrapping spans and divs."""
        with self.lock:
            return self._replace_post(slug, markup_variant=self.post(slug).markup_variant + 1)

    def rebuild(self) -> Build:
        """A template-only change: new build id, inline style and warmup data; no content change."""
        with self.lock:
            self.build = Build(self.build.number + 1, max(self.now(), self.build.created))
            self._changed()
            return self.build

    def delete_post(self, slug: str) -> None:
        """The post (and its translations and copies) answers 404 and leaves sitemaps, feed, listings."""
        with self.lock:
            if slug not in self.content.posts:
                raise KeyError(slug)
            self.content.deleted.add(slug)
            self._changed()

    def restore_post(self, slug: str) -> None:
        with self.lock:
            self.content.deleted.discard(slug)
            self._changed()

    def rename_post(self, slug: str, new_slug: str) -> Post:
        """Gives a French post a new slug; its old URL (and its copies' old URLs) answer 301 to the new
        ones. The post keeps its id and dates; links in other posts keep pointing at the old URL."""
        with self.lock:
            post = self.content.posts.pop(slug)
            renamed = replace(post, slug=new_slug)
            self.content.posts[new_slug] = renamed
            if slug in self.content.deleted:
                self.content.deleted.discard(slug)
                self.content.deleted.add(new_slug)
            self._retarget_translations(slug, new_slug)
            self._retarget_copies(slug, new_slug)
            self._add_redirect(post.path, renamed.path)
            self._changed()
            return renamed

    def _retarget_translations(self, slug: str, new_slug: str) -> None:
        pool = self.content.translated_posts
        for key, post in list(pool.items()):
            if post.translation_of == slug:
                pool[key] = replace(post, translation_of=new_slug)

    def _retarget_copies(self, slug: str, new_slug: str) -> None:
        copies = []
        for copy in self.content.copies:
            if copy.kind == "post" and copy.target == slug:
                moved = replace(copy, target=new_slug)
                self._add_redirect(copy.path, moved.path)
                copy = moved
            copies.append(copy)
        self.content.copies = tuple(copies)

    def _add_redirect(self, old_path: str, new_path: str) -> None:
        redirects = self.content.redirects
        for source, target in list(redirects.items()):
            if target == old_path:
                redirects[source] = new_path
        redirects.pop(new_path, None)
        redirects[old_path] = new_path

    def add_post(
        self,
        slug: str,
        title: str,
        body: Iterable[Block | str],
        *,
        author: str = "Rédaction CESS",
        published: datetime | None = None,
        categories: tuple[str, ...] = ("analyses",),
        **fields,
    ) -> Post:
        """Publishes a new French post (plain strings in ``body`` become paragraphs). ``published``
        defaults to now; other :class:`~tests.site.model.Post` fields may be given as keywords."""
        with self.lock:
            if slug in self.content.posts:
                raise ValueError(f"a post with slug {slug!r} exists")
            post = Post(
                slug=slug,
                title=title,
                author=author,
                published=published or self.now(),
                body=blocks_of(body),
                categories=tuple(categories),
                **fields,
            )
            self.content.posts[slug] = post
            self._changed()
            return post

    # ---------------------------------------------------------------------------------------- faults

    def set_fault(
        self,
        path: str,
        status: int | None = 503,
        times: int | None = None,
        headers: Mapping[str, str] | None = None,
        delay: float | None = None,
    ) -> None:
        """Makes ``path`` (decoded, without query; a trailing ``*`` matches a prefix) answer ``status``
        ``times`` times (None: until :meth:`clear_faults`), then normally. ``headers`` are added to the
        faulty answers (e.g. ``Retry-After``); ``delay`` seconds pass before answering. With
        ``status=None`` the normal page is served, only late."""
        with self.lock:
            self._faults[path] = Fault(status, times, dict(headers or {}), delay)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def take_fault(self, path: str) -> Fault | None:
        """The fault that applies to this request of ``path``, counting it as used."""
        with self.lock:
            key = self._fault_key(path)
            if key is None:
                return None
            fault = self._faults[key]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[key]
            return replace(fault)

    def _fault_key(self, path: str) -> str | None:
        if path in self._faults:
            return path
        prefixes = [k for k in self._faults if k.endswith("*") and path.startswith(k[:-1])]
        return max(prefixes, key=len, default=None)
