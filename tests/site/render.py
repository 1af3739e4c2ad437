"""Renderers of the HTML pages of the local copy: posts, static pages, listings, home, contact, 404.

Each renderer returns a :class:`~tests.site.template.HtmlPage` (head, ``<main>`` content, warmup payload)
that :func:`~tests.site.template.document` wraps in the Wix shell. The structure follows ``MARKUP.md``.

Post bodies come in markup variants (``Post.markup_variant``, bumped by ``change_markup``): each variant
has its own ``viewer-`` ids and classes; odd variants wrap inline text in styled spans, variants ≡ 2
(mod 3) also wrap every block in a ``div``. The words never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Block, Page, Post, Span, short_hash, word_count
from .state import SiteState
from .template import (
    LOGO_MEDIA,
    MEDIA,
    SITE_NAME,
    Head,
    HtmlPage,
    Origins,
    Visit,
    counted,
    esc,
    iso_z,
    label,
    long_date,
    media_url,
    reading_time,
    template_lang,
    time_ago,
)

LISTING_PAGE_SIZE = 8
RECENT_POSTS = 3
HOME_LATEST = 6
API_FEED_PATH = "/_api/blog-frontend-adapter-public/v2/post-feed-page"

# ----------------------------------------------------------------------------------------------- links


def post_url(post: Post, origins: Origins) -> str:
    """The URL of a post as pages link to it (in the post's link form)."""
    return origins.url(post.path, post.link_form)


def span_html(span: Span, origins: Origins) -> str:
    if span.mark == "break":
        return "<br>"
    text = esc(span.text)
    if span.mark == "strong":
        return f"<strong>{text}</strong>"
    if span.mark == "em":
        return f"<em>{text}</em>"
    if span.mark == "link":
        href = origins.url(span.href, alias=span.via_alias) if span.href.startswith("/") else span.href
        return f'<a href="{esc(href)}" target="_blank" rel="noopener noreferrer"><u>{text}</u></a>'
    return text


# --------------------------------------------------------------------------------------- churn values


@dataclass(frozen=True)
class Counters:
    """View, comment and like counts shown for a post during one visit."""

    views: int
    comments: int
    likes: int

    @classmethod
    def of(cls, post: Post, visit: Visit) -> Counters:
        base = int(short_hash("counters", post.post_id), 16)
        n = visit.number
        return cls(views=base % 900 + 40 + 3 * n + (7 * n) % 5, comments=(base + n) % 3, likes=base % 17 + n % 4)


def byline(post: Post, visit: Visit) -> str:
    """The visible author alternates between the author's name and the site's short name."""
    return post.author if visit.number % 2 == 0 else "CESS"


def rotating(posts: list[Post], visit: Visit, count: int, salt: str) -> list[Post]:
    """``count`` posts of ``posts``, a different choice on each visit."""
    if len(posts) <= count:
        return posts
    start = (visit.number * count + int(short_hash(salt), 16)) % len(posts)
    return [posts[(start + i) % len(posts)] for i in range(count)]


def stats_html(post: Post, visit: Visit, lang: str) -> str:
    c = Counters.of(post, visit)
    return (
        f'<span data-hook="view-count">{counted(lang, "view", "views", c.views)}</span> '
        f'<span data-hook="comment-count">{counted(lang, "comment_one", "comment_count", c.comments)}'
        f'</span> <button data-hook="like-button" aria-pressed="false"><span>{c.likes}</span> '
        f"{label(lang, 'likes')}</button>"
    )


# -------------------------------------------------------------------------------------- post markup


class PostMarkup:
    """Markup of one body in one variant: ids, classes and wrappers."""

    def __init__(self, post: Post, origins: Origins) -> None:
        self.post, self.origins, self.variant = post, origins, post.markup_variant

    def ident(self, *where: object) -> str:
        return "viewer-" + short_hash("viewer", self.post.post_id, self.variant, *where, length=5)

    def cls(self, role: str) -> str:
        first = short_hash("class", self.variant, role, length=5)
        second = short_hash("class2", self.variant, role, length=5)
        return f"_{first} _{second} {role}-block"

    def inline(self, spans: Iterable[Span]) -> str:
        html = "".join(span_html(s, self.origins) for s in spans)
        if self.variant % 2 == 1:
            return f'<span style="color:#1A1A1A;letter-spacing:0em">{html}</span>'
        if self.variant % 3 == 2:
            return f'<span class="{self.cls("text")}"><span>{html}</span></span>'
        return html

    def wrap(self, index: int, html: str) -> str:
        if self.variant % 3 == 2:
            return f'<div class="{self.cls("wrapper")}" data-breakout="normal" data-index="{index}">{html}</div>'
        return html

    def block(self, index: int, block: Block) -> str:
        return self.wrap(index, getattr(self, f"_{block.kind}")(index, block))

    def _paragraph(self, index: int, block: Block) -> str:
        return f'<p id="{self.ident(index)}" class="{self.cls("p")}">{self.inline(block.spans)}</p>'

    def _spacer(self, index: int, block: Block) -> str:
        return f'<p id="{self.ident(index)}" class="{self.cls("p")}"><br></p>'

    def _heading(self, tag: str, index: int, block: Block) -> str:
        return (
            f'<{tag} id="{self.ident(index)}" class="{self.cls(tag)}"><span>{self.inline(block.spans)}</span></{tag}>'
        )

    def _h2(self, index: int, block: Block) -> str:
        return self._heading("h2", index, block)

    def _h3(self, index: int, block: Block) -> str:
        return self._heading("h3", index, block)

    def _list(self, tag: str, index: int, block: Block) -> str:
        items = "".join(
            f'<li id="{self.ident(index, k)}" class="{self.cls("li")}">'
            f'<p class="{self.cls("p")}">{self.inline(item)}</p></li>'
            for k, item in enumerate(block.items)
        )
        return f'<{tag} class="{self.cls(tag)}">{items}</{tag}>'

    def _ul(self, index: int, block: Block) -> str:
        return self._list("ul", index, block)

    def _ol(self, index: int, block: Block) -> str:
        return self._list("ol", index, block)

    def _blockquote(self, index: int, block: Block) -> str:
        return (
            f'<blockquote id="{self.ident(index)}" class="{self.cls("quote")}">'
            f'<p class="{self.cls("p")}">{self.inline(block.spans)}</p></blockquote>'
        )

    def _figure(self, index: int, block: Block) -> str:
        return (
            f'<figure data-hook="figure-IMAGE" class="{self.cls("figure")}" id="{self.ident(index)}">'
            f'<div class="{self.cls("image")}" data-hook="imageViewer">'
            f'<img src="{media_url(block.image)}" alt="{esc(block.alt)}" title="{esc(block.alt)}" '
            f'width="740" height="493" loading="lazy"></div>'
            f'<figcaption data-hook="image-caption" class="{self.cls("caption")}">'
            f"<span>{esc(block.caption)}</span></figcaption></figure>"
        )

    def body(self) -> str:
        blocks = "\n".join(self.block(i, b) for i, b in enumerate(self.post.body))
        return (
            f'<section data-hook="post-description" class="{self.cls("description")}">\n'
            f'<div data-id="rich-content-viewer" class="{self.cls("viewer")}">\n{blocks}\n</div>\n'
            f"</section>"
        )


def ricos_nodes(post: Post) -> list[dict]:
    """The body as Wix's rich-content JSON (what the warmup data carries)."""
    kinds = {
        "paragraph": "PARAGRAPH",
        "spacer": "PARAGRAPH",
        "h2": "HEADING",
        "h3": "HEADING",
        "ul": "BULLETED_LIST",
        "ol": "ORDERED_LIST",
        "blockquote": "BLOCKQUOTE",
        "figure": "IMAGE",
    }
    nodes = []
    for index, block in enumerate(post.body):
        texts = block.lines() if block.kind != "figure" else [block.caption]
        nodes.append(
            {
                "type": kinds[block.kind],
                "id": short_hash(post.post_id, index, length=5),
                "nodes": [{"type": "TEXT", "textData": {"text": t, "decorations": []}} for t in texts],
            }
        )
    return nodes


# ------------------------------------------------------------------------------------------ post page


def post_alternates(state: SiteState, post: Post, origins: Origins) -> list[tuple[str, str]]:
    """``hreflang`` links of a post that has translations (empty otherwise)."""
    original = state.post(post.translation_of) if post.translation_of else post
    translations = state.translations(original)
    if not translations:
        return []
    french = post_url(original, origins)
    return [("fr", french)] + [(t.lang, post_url(t, origins)) for t in translations] + [("x-default", french)]


def post_page(
    state: SiteState, post: Post, origins: Origins, visit: Visit, *, lang: str | None = None, path: str | None = None
) -> HtmlPage:
    """A blog post. ``lang``/``path`` serve an untranslated copy: same text, foreign ``lang``, own URL,
    no ``hreflang``."""
    is_copy = lang is not None
    lang = lang or post.lang
    canonical = origins.url(path, post.link_form) if is_copy else post_url(post, origins)
    image = f"{MEDIA}/{post.image}~mv2.jpg"
    head = Head(
        title=post.title,
        description=post.excerpt,
        canonical=canonical,
        lang=lang,
        og_type="article",
        image=post.image,
        published=post.published,
        modified=post.modified,
        alternates=[] if is_copy else post_alternates(state, post, origins),
        json_ld={
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "headline": post.title[:110],
            "description": post.excerpt,
            "image": {"@type": "ImageObject", "url": image, "width": 740, "height": 493},
            "datePublished": iso_z(post.published),
            "dateModified": iso_z(post.modified),
            "author": {"@type": "Person", "name": post.author},
            "publisher": {
                "@type": "Organization",
                "name": SITE_NAME,
                "logo": {"@type": "ImageObject", "url": f"{MEDIA}/{LOGO_MEDIA}~mv2.png"},
            },
        },
    )
    markup = PostMarkup(post, origins)
    main = "\n".join(
        (
            '<div data-hook="post-page" class="post-page">',
            '<article data-hook="post" class="post-article">',
            _post_header(post, visit, lang),
            f'<h1 data-hook="post-title" class="{markup.cls("title")} blog-post-title-font">{esc(post.title)}</h1>',
            markup.body(),
            _post_footer(state, post, origins, visit, lang),
            "</article>",
            _recent_posts(state, post, origins, visit, lang),
            _comments(post, lang),
            "</div>",
        )
    )
    payload = {
        "blog": {
            "post": {
                "id": post.post_id,
                "slug": post.slug,
                "title": post.title,
                "excerpt": post.excerpt,
                "firstPublishedDate": iso_z(post.published),
                "lastPublishedDate": iso_z(post.modified),
                "language": post.lang,
                "content": {"nodes": ricos_nodes(post)},
            }
        }
    }
    return HtmlPage(head, main, payload)


def _post_header(post: Post, visit: Visit, lang: str) -> str:
    return (
        '<div data-hook="post-header" class="post-header">'
        '<div data-hook="avatar-image" class="avatar">'
        f'<img alt="" src="{MEDIA}/avatar_{short_hash(post.author)}.png"></div>'
        f'<span data-hook="user-name" class="user-name">{esc(byline(post, visit))}</span> '
        f'<span data-hook="time-ago" title="{long_date(post.published, lang)}">'
        f"{time_ago(post.published, visit.now, lang)}</span> "
        f'<span data-hook="time-to-read">{reading_time(word_count(post.body), lang)}</span>'
        f'<button data-hook="more-button" aria-label="{label(lang, "more_actions")}">…</button>'
        "</div>"
    )


def _post_footer(state: SiteState, post: Post, origins: Origins, visit: Visit, lang: str) -> str:
    categories = "".join(
        f'<li><a href="{esc(origins.url(category.path))}">{esc(category.name)}</a></li>'
        for category in (state.category(slug) for slug in post.categories)
        if category
    )
    share = "".join(
        f'<button data-hook="share-button" aria-label="{label(lang, "share")} {name}">{name}</button>'
        for name in ("Facebook", "X", "LinkedIn")
    )
    return (
        '<footer data-hook="post-footer" class="post-footer">'
        f'<ul data-hook="post-categories-list">{categories}</ul>'
        f'<div data-hook="post-main-actions"><span>{label(lang, "share")}</span>{share}'
        f'<button data-hook="copy-link">{label(lang, "copy_link")}</button></div>'
        f'<div data-hook="post-stats">{stats_html(post, visit, lang)}</div>'
        "</footer>"
    )


def _recent_posts(state: SiteState, post: Post, origins: Origins, visit: Visit, lang: str) -> str:
    pool = [p for p in state.live_posts(post.lang) if p.slug != post.slug]
    cards = "".join(
        f'<li data-hook="recent-post-list-item"><a href="{esc(post_url(other, origins))}">'
        f'<img alt="" src="{MEDIA}/{other.image}~mv2.jpg/v1/fill/w_292,h_219/cover.jpg">'
        f'<p data-hook="recent-post-title">{esc(other.title)}</p></a>{stats_html(other, visit, lang)}</li>'
        for other in rotating(pool, visit, RECENT_POSTS, post.post_id)
    )
    return (
        f'<div data-hook="recent-posts" class="recent-posts"><h2>{label(lang, "recent")}</h2>'
        f'<a href="{origins.url("/blog")}">{label(lang, "see_all")}</a><ul>{cards}</ul></div>'
    )


def _comments(post: Post, lang: str) -> str:
    title = post.comments_label or label(lang, "comments")
    return (
        f'<div data-hook="comments" class="comments"><h2>{esc(title)}</h2>'
        f'<button data-hook="comment-box">{label(lang, "write_comment")}</button></div>'
    )


# ----------------------------------------------------------------------------------------- rich text


_RICH = "wixui-rich-text__text"


def rich_block(block: Block, origins: Origins) -> str:
    """One block of a Wix static page (a ``richTextElement``)."""

    def inline(spans: Iterable[Span]) -> str:
        return "".join(span_html(s, origins) for s in spans)

    if block.kind == "paragraph":
        return f'<p class="font_8 {_RICH}"><span style="letter-spacing:normal;">{inline(block.spans)}</span></p>'
    if block.kind == "spacer":
        return f'<p class="font_8 {_RICH}"><br></p>'
    if block.kind in ("h2", "h3"):
        font = "font_2" if block.kind == "h2" else "font_4"
        return f'<{block.kind} class="{font} {_RICH}"><span>{inline(block.spans)}</span></{block.kind}>'
    if block.kind in ("ul", "ol"):
        items = "".join(
            f'<li class="{_RICH}"><p class="font_8 {_RICH}">{inline(item)}</p></li>' for item in block.items
        )
        return f'<{block.kind} class="font_8 {_RICH}">{items}</{block.kind}>'
    if block.kind == "blockquote":
        return f'<blockquote class="font_8 {_RICH}">{inline(block.spans)}</blockquote>'
    return f'<p class="font_8 {_RICH}">{esc(block.caption)}</p>'  # figure: only its caption is text


def rich_groups(body: Iterable[Block]) -> list[list[Block]]:
    """Blocks split into rich-text elements: each heading starts a new element, as Wix editors do."""
    groups: list[list[Block]] = []
    for block in body:
        if not groups or (block.kind in ("h2", "h3") and groups[-1]):
            groups.append([])
        groups[-1].append(block)
    return groups


def rich_element(html: str, key: str) -> str:
    return (
        f'<div data-testid="richTextElement" class="wixui-rich-text" id="comp-{short_hash(key, length=8)}">{html}</div>'
    )


def title_element(title: str, key: str) -> str:
    return rich_element(f'<h1 class="font_0 {_RICH}">{esc(title)}</h1>', key + ":title")


def button(href: str, text: str) -> str:
    return (
        f'<div data-testid="linkElement" class="wixui-button"><a href="{esc(href)}" '
        f'class="StylableButton2545352419__root"><span>{esc(text)}</span></a></div>'
    )


def decorative_image(alt: str, key: str) -> str:
    return (
        f'<div class="wixui-image" data-testid="imageX"><img alt="{esc(alt)}" '
        f'src="{MEDIA}/deco_{short_hash(key, length=12)}~mv2.jpg" width="480" height="320"></div>'
    )


# -------------------------------------------------------------------------------------- static pages


def page_alternates(state: SiteState, page: Page, origins: Origins) -> list[tuple[str, str]]:
    original = state.page(page.translation_of) if page.translation_of else page
    translations = state.page_translations(original)
    if not translations:
        return []
    french = origins.url(original.path)
    return [("fr", french)] + [(t.lang, origins.url(t.path)) for t in translations] + [("x-default", french)]


def static_page(state: SiteState, page: Page, origins: Origins, visit: Visit) -> HtmlPage:
    parts = [title_element(page.title, page.path)]
    for number, group in enumerate(rich_groups(page.body)):
        parts.append(rich_element("".join(rich_block(b, origins) for b in group), f"{page.path}:{number}"))
        if number == 0:
            parts.append(decorative_image(page.title, page.path))
    parts.append(button(origins.url("/contact"), label(page.lang, "contact_us")))
    section_id = f"comp-{short_hash(page.path, length=8)}"
    main = f'<section class="wixui-section" id="{section_id}">\n' + "\n".join(parts) + "\n</section>"
    head = Head(
        title=page.title,
        description=page.description,
        canonical=origins.url(page.path),
        lang=page.lang,
        alternates=page_alternates(state, page, origins),
    )
    return HtmlPage(head, main, {"page": {"path": page.path, "title": page.title}})


def contact_page(state: SiteState, page: Page, origins: Origins, visit: Visit) -> HtmlPage:
    intro = rich_element("".join(rich_block(b, origins) for b in page.body), page.path)
    fields = "".join(
        f'<label>{name}<input name="{key}" type="{kind}"></label>'
        for name, key, kind in (("Prénom", "first", "text"), ("Nom", "last", "text"), ("E-mail", "email", "email"))
    )
    form = (
        f'<form data-testid="form" aria-label="Formulaire de contact">{fields}'
        '<label>Message<textarea name="message"></textarea></label>'
        '<button type="submit">Envoyer</button></form>'
    )
    main = (
        f'<section class="wixui-section" id="comp-contact">\n{title_element(page.title, page.path)}\n'
        f"{intro}\n{form}\n</section>"
    )
    head = Head(title=page.title, description=page.description, canonical=origins.url(page.path))
    return HtmlPage(head, main, {"page": {"path": page.path, "form": True}})


# --------------------------------------------------------------------------------------------- cards


def card(post: Post, origins: Origins, visit: Visit, lang: str, href: str | None = None) -> str:
    """A post in a listing: cover, byline, relative date, title, excerpt, counters (all template)."""
    href = href or post_url(post, origins)
    return (
        '<article data-hook="post-list-item" class="post-list-item">'
        f'<a href="{esc(href)}" data-hook="post-list-item-image"><img alt="{esc(post.title)}" '
        f'src="{MEDIA}/{post.image}~mv2.jpg/v1/fill/w_454,h_341/cover.jpg"></a>'
        f'<div data-hook="post-list-item-header"><span data-hook="user-name">{esc(byline(post, visit))}</span> '
        f'<span data-hook="time-ago" title="{long_date(post.published, lang)}">'
        f"{time_ago(post.published, visit.now, lang)}</span></div>"
        f'<a href="{esc(href)}" data-hook="post-list-item-link"><h2 data-hook="post-list-item-title">'
        f"{esc(post.title)}</h2></a>"
        f'<p data-hook="post-list-item-excerpt">{esc(post.excerpt)}</p>'
        f'<div data-hook="post-list-item-footer">{stats_html(post, visit, lang)}</div>'
        "</article>"
    )


# ------------------------------------------------------------------------------------------ listings


def page_count(total: int) -> int:
    return max(1, -(-total // LISTING_PAGE_SIZE))


def listing_path(base_path: str, number: int) -> str:
    return base_path if number == 1 else f"{base_path}/page/{number}"


def listing_page(
    state: SiteState, origins: Origins, visit: Visit, *, base_path: str, title: str, posts: list[Post], number: int
) -> HtmlPage:
    """One page of ``/blog`` or of a category. ``number`` must be in range (the router checks)."""
    pages = page_count(len(posts))
    shown = posts[(number - 1) * LISTING_PAGE_SIZE : number * LISTING_PAGE_SIZE]
    prev_url = origins.url(listing_path(base_path, number - 1)) if number > 1 else ""
    next_url = origins.url(listing_path(base_path, number + 1)) if number < pages else ""
    heading = title if number == 1 else f"{title} – {label('fr', 'page', n=number)}"
    main = "\n".join(
        (
            '<div data-hook="blog-feed-page" class="blog-feed-page">',
            _categories_menu(state, origins),
            f'<h1 data-hook="feed-title" class="feed-title">{esc(title)}</h1>',
            '<div data-hook="post-list" class="post-list">',
            *(card(post, origins, visit, "fr") for post in shown),
            "</div>",
            _pagination(origins, base_path, number, pages, prev_url, next_url),
            _load_more(origins, number) if base_path == "/blog" else "",
            "</div>",
        )
    )
    head = Head(
        title=heading,
        description=f"{title} — {SITE_NAME}",
        canonical=origins.url(listing_path(base_path, number)),
        prev_url=prev_url,
        next_url=next_url,
    )
    return HtmlPage(head, main, {"blog": {"feed": [p.post_id for p in shown], "page": number}})


def _categories_menu(state: SiteState, origins: Origins) -> str:
    links = [f'<li><a href="{origins.url("/blog")}">{label("fr", "all_posts")}</a></li>']
    links += [f'<li><a href="{esc(origins.url(c.path))}">{esc(c.name)}</a></li>' for c in state.content.categories]
    return f'<nav data-hook="categories-menu" aria-label="Catégories"><ul>{"".join(links)}</ul></nav>'


def _pagination(origins: Origins, base_path: str, number: int, pages: int, prev_url: str, next_url: str) -> str:
    if pages == 1:
        return ""
    parts = []
    if prev_url:
        parts.append(f'<a href="{esc(prev_url)}" rel="prev" aria-label="{label("fr", "previous")}">‹</a>')
    for n in range(1, pages + 1):
        current = ' aria-current="page"' if n == number else ""
        parts.append(f'<a href="{esc(origins.url(listing_path(base_path, n)))}"{current}>{n}</a>')
    if next_url:
        parts.append(f'<a href="{esc(next_url)}" rel="next" aria-label="{label("fr", "next")}">›</a>')
    return f'<nav data-hook="pagination" aria-label="Pagination">{"".join(parts)}</nav>'


def _load_more(origins: Origins, number: int) -> str:
    query = f"?includeContent=false&languageCode=fr&page={number + 1}&pageSize={LISTING_PAGE_SIZE}&type=ALL_POSTS"
    return (
        f'<a data-hook="load-more-button" href="{esc(origins.url(API_FEED_PATH) + query)}">'
        f"{label('fr', 'load_more')}</a>"
    )


# ----------------------------------------------------------------------------------------------- home


def home_page(
    state: SiteState, page: Page, origins: Origins, visit: Visit, *, lang: str | None = None, path: str | None = None
) -> HtmlPage:
    """A home page. ``lang``/``path`` serve an untranslated copy (``/de``, ``/it``): French text, foreign
    ``lang``; its featured post links to that language's copy of the post when one exists."""
    is_copy = lang is not None
    lang, path = lang or page.lang, path or page.path
    english = template_lang(lang) == "en"
    intro = rich_element("".join(rich_block(b, origins) for b in page.body), f"{path}:intro")
    # The "discover" button is the page's one link through the host alias (www / no-www on the real site).
    discover = (
        button(origins.url("/en/our-expertise"), label(lang, "discover"))
        if english
        else button(origins.url("/notre-expertise", alias=True), label(lang, "discover"))
    )
    posts = state.live_posts("en" if english else "fr")
    sections = [
        f'<section class="wixui-section" id="comp-hero">{title_element(page.title, path)}{intro}{discover}</section>',
        _domains(origins, lang),
        _featured(state, origins, visit, lang if is_copy else ""),
        f'<section class="wixui-section" id="comp-latest"><h2 class="font_2">{label(lang, "latest")}</h2>'
        + "".join(card(p, origins, visit, lang) for p in posts[:HOME_LATEST])
        + button(origins.url("/blog"), label(lang, "see_all"))
        + "</section>",
    ]
    alternates = [] if is_copy else page_alternates(state, page, origins)
    head = Head(
        title=page.title, description=page.description, canonical=origins.url(path), lang=lang, alternates=alternates
    )
    return HtmlPage(head, "\n".join(s for s in sections if s), {"page": {"path": path, "home": True}})


def _domains(origins: Origins, lang: str) -> str:
    if template_lang(lang) == "en":
        return ""
    links = (
        ("Menaces hybrides", "/menaces-hybrides"),
        ("Sécurité intérieure", "/securite-interieure-crime-organise"),
        ("Mécanismes d’ingérence", "/mecanismes-ingerence"),
        ("Défense & Sécurité européenne", "/copie-de-souveraineté-numérique-ia"),
        ("Activités diplomatiques", "/activites-diplomatiques-rencontres"),
    )
    cards = "".join(button(origins.url(path), text) for text, path in links)
    return (
        f'<section class="wixui-section" id="comp-domains"><h2 class="font_2">{label(lang, "domains")}</h2>'
        f"{cards}</section>"
    )


def _featured(state: SiteState, origins: Origins, visit: Visit, copy_lang: str) -> str:
    """The featured post: the one that has an untranslated copy; a copied home links to the copy."""
    for copy in state.copies():
        if copy.kind != "post" or copy.target not in state.content.posts:
            continue
        post = state.post(copy.target)
        if not state.is_live(post):
            continue
        href = origins.url(copy.path, post.link_form) if copy.lang == copy_lang else None
        if copy_lang and href is None:
            continue
        return (
            f'<section class="wixui-section" id="comp-featured"><h2 class="font_2">'
            f"{label(copy_lang or 'fr', 'featured')}</h2>{card(post, origins, visit, 'fr', href)}</section>"
        )
    return ""


# ----------------------------------------------------------------------------------- other templates


def not_found_page(origins: Origins, path: str) -> HtmlPage:
    main = (
        f'<section class="wixui-section" id="comp-404">'
        f"{title_element(label('fr', 'not_found_title'), '404')}"
        f'<div class="error-text"><p>{label("fr", "not_found_text")}</p></div>'
        f"{button(origins.url('/'), label('fr', 'back_home'))}</section>"
    )
    head = Head(title=label("fr", "not_found_title"), description=SITE_NAME, canonical=origins.url(path))
    return HtmlPage(head, main, {"page": {"error": 404}})


def login_page(origins: Origins, path: str) -> HtmlPage:
    main = (
        '<section class="wixui-section" id="comp-login"><h1>Connexion</h1>'
        '<form data-testid="login-form"><label>E-mail<input type="email" name="email"></label>'
        '<label>Mot de passe<input type="password" name="password"></label>'
        f'<button type="submit">{label("fr", "login")}</button></form></section>'
    )
    head = Head(title="Connexion", description=SITE_NAME, canonical=origins.url(path))
    return HtmlPage(head, main, {"members": {"login": True}})
