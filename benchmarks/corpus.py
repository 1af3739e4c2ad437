"""The labelled pages of the extraction benchmark.

Two sources:

- ``local``: every blog post (the French posts, their English translations and the untranslated
  ``/de/`` copy) and every static page of the local copy of the CESS site (``tests/site``), in its
  initial state, rendered without a server through the site's own router. Visits are numbered 1, 2,
  3 in turn, so bylines, counts, relative dates and recent posts differ from page to page (the
  per-visit churn of the real site). The expected text, title, author and date come from the
  site's content model (``post.text``, ``page.text``), never from the cleaner. The expected
  language is the language of the text: French for the ``/de/`` copy, which declares ``de``.
  Template strings: the fixed strings of the Wix shell (``MARKUP.md``), plus every text node and
  image ``alt``/``title`` of the rendered page outside the article body (post description, or
  rich-text elements), of 4 characters or more, that is neither the title nor part of the
  expected text; so the visit's byline, counts, relative date, reading time, recent-post titles,
  category names and buttons are all checked.
- ``other``: hand-written pages in other markups, ``benchmarks/pages/<name>.html`` with their
  labels ``<name>.json`` (``url``, ``markup``, ``title``, ``author``, ``published``, ``language``,
  ``template_strings``, ``text``: the body one block a line). The HTML files are read as bytes,
  as a crawler receives them (one of them is windows-1252).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from lxml import html as lxml_html

PAGES_DIR = Path(__file__).with_name("pages")
LOCAL_ORIGIN = "https://www.centre-europeen-securite-strategie.eu"
LOCAL_ALIAS = "https://centre-europeen-securite-strategie.eu"

GROUP_LOCAL_POST = "local-post"
GROUP_LOCAL_PAGE = "local-page"
GROUP_OTHER = "other"

#: Strings of the Wix shell (MARKUP.md) that must never reach a clean text.
WIX_TEMPLATE_STRINGS = (
    "top of page", "bottom of page", "Se connecter", "Log In", "Paris / Bruxelles", "Instagram", "TikTok",
    "LinkedIn", "Facebook", "YouTube", "presidence@centre-europeen-securite-strategie.eu",
    "Any use of", "prior written consent", "© 2025", "Institutions de référence stratégique",
    "CONSEIL DE L'EUROPE", "OSCE", "Logos affichés à titre informatif", "Centre Europe de Sécurité et Stratégie",
    "Commentaires", "Comentarios", "Comments", "Écrire un commentaire", "Write a comment", "Posts récents",
    "Recent Posts", "Voir tout", "See All", "min de lecture", "min read", "Partager", "Copier le lien",
    "Copy link", "j'aime", "Nous contacter", "Contact us",
)  # fmt: skip
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title"})


@dataclass(frozen=True)
class LabelledPage:
    """One page of the benchmark and what a careful reader would extract from it."""

    name: str
    group: str
    url: str
    html: bytes
    text: str
    title: str | None
    author: str | None
    published: str | None  # ISO calendar day
    language: str | None
    template_strings: tuple[str, ...] = ()
    markup: str = ""
    content_type: str | None = None  # the HTTP header a server would send, when known

    @property
    def is_local(self) -> bool:
        return self.group in (GROUP_LOCAL_POST, GROUP_LOCAL_PAGE)


@dataclass
class _Renderer:
    """Renders paths of a fresh local copy, one visit each, without a server."""

    visit_cycle: int = 3
    _count: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        from tests.site.routes import Router
        from tests.site.state import INITIAL_BUILD_TIME, SiteState
        from tests.site.template import Origins

        moment = INITIAL_BUILD_TIME + timedelta(days=3, hours=5)
        self.state = SiteState(clock=lambda: moment)
        self.origins = Origins(LOCAL_ORIGIN, LOCAL_ALIAS)
        self.router = Router(self.state, self.origins)

    def render(self, path: str) -> bytes:
        from tests.site.template import Visit

        self._count += 1
        visit = Visit(1 + (self._count - 1) % self.visit_cycle, self.state.now(), f"{self._count:032x}")
        response = self.router.resolve(path, visit)
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return response.body


def _squash(value: str) -> str:
    return " ".join(value.split())


def page_template_strings(
    html: bytes, body_xpath: str, title: str, expected: str, extra: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Text of a rendered page outside its article body (see the module docstring)."""
    root = lxml_html.document_fromstring(html)
    for element in root.xpath(body_xpath):
        element.getparent().remove(element)
    pieces: list[str] = list(extra)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag not in _NOT_TEXT and not any(a.tag in _NOT_TEXT for a in element.iterancestors()):
            pieces.append(element.text or "")
        if element.getparent() is not None and element.getparent().tag not in _NOT_TEXT:
            pieces.append(element.tail or "")
        if element.tag == "img":
            pieces.extend((element.get("alt") or "", element.get("title") or ""))
    expected_flat, title_key = _squash(expected), _squash(title)
    kept = []
    for piece in map(_squash, pieces):
        if len(piece) < 4 or not any(c.isalnum() for c in piece) or piece == title_key or piece in expected_flat:
            continue
        kept.append(piece)
    return tuple(dict.fromkeys(kept))


def load_local_pages() -> list[LabelledPage]:
    """Every post and static page of the local copy in its initial state (needs the ``tests`` package)."""
    renderer = _Renderer()
    state = renderer.state
    posts = sorted(state.content.posts.values(), key=lambda p: p.published)
    posts += sorted(state.content.translated_posts.values(), key=lambda p: p.published)
    entries = [(post, post.path, post.lang, post.path) for post in posts]
    for copy in state.copies():
        if copy.kind == "post":
            post = state.content.posts[copy.target]
            entries.append((post, copy.path, post.lang, f"{copy.path} (untranslated copy)"))
    pages: list[LabelledPage] = []
    extra = (*WIX_TEMPLATE_STRINGS, state.build.build_id)
    for post, path, language, name in entries:
        html = renderer.render(path)
        pages.append(
            LabelledPage(
                name=name,
                group=GROUP_LOCAL_POST,
                url=renderer.origins.url(path, "encoded"),
                html=html,
                text=post.text,
                title=post.title,
                author=post.author,
                published=post.published.date().isoformat(),
                language=language,
                markup="Wix blog post (local copy)",
                content_type="text/html; charset=utf-8",
                template_strings=page_template_strings(
                    html, '//*[@data-hook="post-description"]', post.title, post.text, extra
                ),
            )
        )
    for path, page in state.content.pages.items():
        if page.kind != "page":
            continue  # home pages and the contact form are not static articles
        html = renderer.render(path)
        pages.append(
            LabelledPage(
                name=path,
                group=GROUP_LOCAL_PAGE,
                url=renderer.origins.url(path, "encoded"),
                html=html,
                text=page.text,
                title=page.title,
                author=None,
                published=None,
                language=page.lang,
                markup="Wix static page (local copy)",
                content_type="text/html; charset=utf-8",
                template_strings=page_template_strings(
                    html, '//*[@data-testid="richTextElement"]', page.title, page.text, extra
                ),
            )
        )
    return pages


def load_other_pages(directory: Path = PAGES_DIR) -> list[LabelledPage]:
    """The hand-written pages and their labels, in name order."""
    pages = []
    for label_path in sorted(directory.glob("*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        html = label_path.with_suffix(".html").read_bytes()
        text = label["text"]
        template = tuple(label.get("template_strings") or ())
        inside = [s for s in template if _squash(s) in _squash(text)]
        if inside:
            raise ValueError(f"{label_path.name}: template strings found in the expected text: {inside}")
        pages.append(
            LabelledPage(
                name=label_path.stem,
                group=GROUP_OTHER,
                url=label["url"],
                html=html,
                text=text,
                title=label.get("title"),
                author=label.get("author"),
                published=label.get("published"),
                language=label.get("language"),
                template_strings=template,
                markup=label.get("markup", ""),
            )
        )
    return pages


def load_pages(local: bool = True, other: bool = True) -> list[LabelledPage]:
    """The labelled set: the local copy's posts and static pages, then the other markups."""
    return (load_local_pages() if local else []) + (load_other_pages() if other else [])
