"""The Wix page shell of the local copy: head, header, footer, inline style, warmup data, churn.

Every HTML page is built by :func:`document` following ``MARKUP.md``. What changes *per build* (the inline
stylesheet and ``wix-warmup-data``) derives from the build id only; what changes *per visit* (relative
dates, bylines, counters, the request script) derives from a :class:`Visit`. Rendering the same page with
:data:`STABLE_VISIT` gives the bytes on which ``ETag`` is computed, so churn never moves the ``ETag``.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from html import escape

from .model import RAW, path_in_form, short_hash, utc

SITE_NAME = "Centre Européen de Sécurité et de Stratégie"
LOGO_ALT = "Centre Europe de Sécurité et Stratégie"
CONTACT_EMAIL = "presidence@centre-europeen-securite-strategie.eu"
MEDIA = "https://static.wixstatic.com/media"
LOGO_MEDIA = "b7f4e9_logo0cess7a3d49f2b8c1e6"
STYLE_BYTES = 88_000
WARMUP_FLAGS = 420

# ------------------------------------------------------------------------------------------ origins


@dataclass(frozen=True)
class Origins:
    """The canonical origin (``base``) and the host alias of the same server."""

    base: str
    alias: str

    def url(self, path: str, form: str = RAW, *, alias: bool = False) -> str:
        return (self.alias if alias else self.base) + path_in_form(path, form)


@dataclass(frozen=True)
class Visit:
    """One request of a page: its number among the visits of that path, the time, a request id."""

    number: int
    now: datetime
    request_id: str


STABLE_VISIT = Visit(0, utc(2000, 1, 1), "0" * 32)

# --------------------------------------------------------------------------------------------- i18n

LABELS = {
    "fr": {
        "home": "Accueil",
        "login": "Se connecter",
        "recent": "Posts récents",
        "see_all": "Voir tout",
        "comments": "Commentaires",
        "write_comment": "Écrire un commentaire...",
        "share": "Partager",
        "copy_link": "Copier le lien",
        "views": "{n} vues",
        "view": "{n} vue",
        "comment_count": "{n} commentaires",
        "comment_one": "{n} commentaire",
        "likes": "j'aime",
        "read": "{n} min de lecture",
        "all_posts": "Tous les articles",
        "next": "Page suivante",
        "previous": "Page précédente",
        "load_more": "Charger plus",
        "contact_us": "Nous contacter",
        "menu": "Site",
        "languages": "Sélecteur de langue",
        "more_actions": "Plus d'actions",
        "latest": "Dernières publications",
        "featured": "À la une",
        "domains": "Nos domaines",
        "discover": "Découvrir notre expertise",
        "not_found_title": "Page introuvable",
        "not_found_text": "Cette page n’existe pas ou n’est plus disponible.",
        "back_home": "Retour à l’accueil",
        "blog": "Blog",
        "page": "Page {n}",
    },
    "en": {
        "home": "Home",
        "login": "Log In",
        "recent": "Recent Posts",
        "see_all": "See All",
        "comments": "Comments",
        "write_comment": "Write a comment...",
        "share": "Share",
        "copy_link": "Copy link",
        "views": "{n} views",
        "view": "{n} view",
        "comment_count": "{n} comments",
        "comment_one": "{n} comment",
        "likes": "likes",
        "read": "{n} min read",
        "all_posts": "All Posts",
        "next": "Next page",
        "previous": "Previous page",
        "load_more": "Load more",
        "contact_us": "Contact us",
        "menu": "Site",
        "languages": "Language selector",
        "more_actions": "More actions",
        "latest": "Latest publications",
        "featured": "Featured",
        "domains": "Our fields",
        "discover": "Discover our expertise",
        "not_found_title": "Page not found",
        "not_found_text": "This page does not exist or is no longer available.",
        "back_home": "Back to home",
        "blog": "Blog",
        "page": "Page {n}",
    },
}

MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
SHORT_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def template_lang(lang: str) -> str:
    """Untranslated languages (de, it) show the French template, as on the real site."""
    return lang if lang in LABELS else "fr"


def label(lang: str, key: str, **values: object) -> str:
    return LABELS[template_lang(lang)][key].format(**values)


def counted(lang: str, one: str, many: str, n: int) -> str:
    return label(lang, one if n <= 1 else many, n=n)


def long_date(moment: datetime, lang: str) -> str:
    """``6 mai 2025`` / ``May 6, 2025``: the ``title`` of ``time-ago``."""
    lang = template_lang(lang)
    month = MONTHS[lang][moment.month - 1]
    return f"{month} {moment.day}, {moment.year}" if lang == "en" else f"{moment.day} {month} {moment.year}"


def time_ago(moment: datetime, now: datetime, lang: str) -> str:
    """Wix's relative date: minutes, hours or days ago within a week, then ``18 mai`` within the
    current year, ``18 mai 2025`` before (and for dates in the future)."""
    lang = template_lang(lang)
    seconds = (now - moment).total_seconds()
    if 0 <= seconds < 7 * 86400:
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if seconds >= size:
                return _ago(int(seconds // size), unit, lang)
        return "à l’instant" if lang == "fr" else "just now"
    month = SHORT_MONTHS[lang][moment.month - 1]
    day_month = f"{month} {moment.day}" if lang == "en" else f"{moment.day} {month}"
    if moment.year == now.year and seconds >= 0:
        return day_month
    return f"{day_month}, {moment.year}" if lang == "en" else f"{day_month} {moment.year}"


def _ago(n: int, unit: str, lang: str) -> str:
    if lang == "en":
        return f"{n} {unit}{'s' if n > 1 else ''} ago"
    french = {"day": ("jour", "jours"), "hour": ("heure", "heures"), "minute": ("minute", "minutes")}
    return f"il y a {n} {french[unit][n > 1]}"


def reading_time(words: int, lang: str) -> str:
    return label(lang, "read", n=max(1, math.ceil(words / 200)))


def iso_z(moment: datetime) -> str:
    """``2025-05-06T09:12:44.000Z``, as Wix writes dates in metadata."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def media_url(image: str, width: int = 740, height: int = 493) -> str:
    return (
        f"{MEDIA}/{image}~mv2.jpg/v1/fill/w_{width},h_{height},al_c,q_85,usm_0.66_1.00_0.01,"
        f"enc_avif,quality_auto/{image}~mv2.jpg"
    )


def esc(text: str) -> str:
    return escape(text, quote=True)


def script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


# ----------------------------------------------------------------------------------------- per build


@lru_cache(maxsize=16)
def stylesheet(build_id: str) -> str:
    """A large inline stylesheet (about 88 KB) whose selectors and values depend on the build id."""
    rng = random.Random(f"style:{build_id}")
    rules = [
        f"/* Wix Thunderbolt {build_id} */",
        ":root{--wix-ads-height:0px;--site-width:980px;--main-bg:255,255,255;--font_0:normal normal "
        "normal 48px/1.2em playfair display,serif;--font_8:normal normal normal 16px/1.6em "
        "avenir-lt-w01_35-light1475496,sans-serif}",
    ]
    size = sum(map(len, rules))
    while size < STYLE_BYTES:
        rule = _style_rule(rng)
        rules.append(rule)
        size += len(rule) + 1
    return "\n".join(rules)


def _style_rule(rng: random.Random) -> str:
    comp = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
    red, green, blue = (rng.randint(0, 255) for _ in range(3))
    return (
        f"#comp-{comp}{{--rd:{rng.randint(0, 16)}px;--brw:{rng.randint(0, 3)}px;"
        f"--bg:{red},{green},{blue};--alpha-bg:{rng.random():.2f};--shd:none;"
        f"width:{rng.randint(40, 980)}px;height:{rng.randint(10, 600)}px;"
        f"--l_display:var(--comp-display,block);margin-top:{rng.randint(-20, 120)}px}}"
    )


@lru_cache(maxsize=16)
def _warmup_base(build_id: str) -> dict:
    rng = random.Random(f"warmup:{build_id}")
    words = (
        "viewer",
        "blog",
        "seo",
        "ssr",
        "fonts",
        "bolt",
        "media",
        "members",
        "forms",
        "router",
        "gallery",
        "tpa",
        "lightbox",
        "wixCode",
        "a11y",
        "menus",
        "animations",
        "consent",
    )
    flags = {
        f"specs.thunderbolt.{rng.choice(words)}{rng.choice(words).title()}{i}": rng.random() < 0.5
        for i in range(WARMUP_FLAGS)
    }
    return {
        "buildId": build_id,
        "siteAssets": {
            "modulesParams": {"dataFixersParams": {"ck": short_hash(build_id, "ck", length=6)}},
            "cacheHash": short_hash(build_id, "assets", length=40),
        },
        "experiments": flags,
    }


def warmup(build_id: str, path: str, payload: dict) -> str:
    """The ``wix-warmup-data`` JSON: build data, hashes, and the page's own data (e.g. the post)."""
    data = dict(_warmup_base(build_id))
    data["ssrCacheHash"] = short_hash(build_id, path, length=32)
    data["appsWarmupData"] = payload
    return script_json(data)


# ---------------------------------------------------------------------------------------- the shell


@dataclass
class Head:
    """What goes into ``<head>`` besides the constant Wix parts."""

    title: str
    description: str
    canonical: str
    lang: str = "fr"
    og_type: str = "website"
    image: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)
    prev_url: str = ""
    next_url: str = ""
    json_ld: dict | None = None


@dataclass
class HtmlPage:
    """A whole HTML page: head, the content of ``<main>``, and the warmup payload."""

    head: Head
    main: str
    warmup_payload: dict = field(default_factory=dict)


def document(page: HtmlPage, *, build_id: str, origins: Origins, visit: Visit, path: str) -> str:
    head = page.head
    return "".join(
        (
            f'<!DOCTYPE html>\n<html lang="{esc(head.lang)}">\n<head>\n',
            _head(head, build_id, origins),
            "</head>\n<body>\n",
            '<div id="SCROLL_TO_TOP" class="Qg8SAm" role="region" aria-label="top of page" tabindex="-1">'
            '<span class="LHrbPP">top of page</span></div>\n',
            '<div id="SITE_CONTAINER"><div id="main_MF" class="main_MF"><div id="site-root">\n',
            _header(head.lang, origins),
            f'<main id="PAGES_CONTAINER" tabindex="-1">\n{page.main}\n</main>\n',
            _footer(),
            "</div></div></div>\n",
            '<div id="SCROLL_TO_BOTTOM" class="Qg8SAm" role="region" aria-label="bottom of page" '
            'tabindex="-1"><span class="LHrbPP">bottom of page</span></div>\n',
            f'<script type="application/json" id="wix-warmup-data">'
            f"{warmup(build_id, path, page.warmup_payload)}</script>\n",
            _visit_script(visit),
            "</body>\n</html>\n",
        )
    )


def _head(head: Head, build_id: str, origins: Origins) -> str:
    image = f"{MEDIA}/{head.image or LOGO_MEDIA}~mv2.jpg"
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Wix.com Website Builder">',
        f"<title>{esc(head.title)} | CESS</title>",
        f'<meta name="description" content="{esc(head.description)}">',
        f'<link rel="canonical" href="{esc(head.canonical)}">',
        f'<meta property="og:title" content="{esc(head.title)}">',
        f'<meta property="og:description" content="{esc(head.description)}">',
        f'<meta property="og:image" content="{esc(image)}">',
        f'<meta property="og:url" content="{esc(head.canonical)}">',
        f'<meta property="og:site_name" content="{esc(SITE_NAME)}">',
        f'<meta property="og:type" content="{head.og_type}">',
    ]
    if head.published and head.modified:
        lines += [
            f'<meta property="article:published_time" content="{iso_z(head.published)}">',
            f'<meta property="article:modified_time" content="{iso_z(head.modified)}">',
        ]
    lines += [f'<link rel="alternate" hreflang="{code}" href="{esc(url)}">' for code, url in head.alternates]
    if head.prev_url:
        lines.append(f'<link rel="prev" href="{esc(head.prev_url)}">')
    if head.next_url:
        lines.append(f'<link rel="next" href="{esc(head.next_url)}">')
    lines += [
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:title" content="{esc(head.title)}">',
        f'<link rel="alternate" type="application/rss+xml" title="{esc(SITE_NAME)} - RSS" '
        f'href="{origins.base}/blog-feed.xml">',
        f'<link rel="icon" sizes="192x192" href="{MEDIA}/b7f4e9_favicon~mv2.png/v1/fill/w_192,h_192/'
        f'favicon.png" type="image/png">',
    ]
    if head.json_ld:
        lines.append(f'<script type="application/ld+json">{script_json(head.json_ld)}</script>')
    lines.append(f'<style id="css_masterPage" data-build="{build_id}">{stylesheet(build_id)}</style>')
    return "\n".join(lines) + "\n"


def _menu(lang: str) -> list[tuple[str, str]]:
    if lang == "en":
        return [("Home", "/en"), ("Our expertise", "/en/our-expertise"), ("Blog", "/blog"), ("Contact", "/contact")]
    return [
        ("Accueil", "/"),
        ("Notre expertise", "/notre-expertise"),
        ("Menaces hybrides", "/menaces-hybrides"),
        ("Sécurité intérieure", "/securite-interieure-crime-organise"),
        ("Ingérences", "/mecanismes-ingerence"),
        ("Diplomatie", "/activites-diplomatiques-rencontres"),
        ("Défense & Sécurité européenne", "/copie-de-souveraineté-numérique-ia"),
        ("Souveraineté numérique & IA", "/souveraineté-numérique-ia"),
        ("Blog", "/blog"),
        ("Contact", "/contact"),
    ]


def _header(lang: str, origins: Origins) -> str:
    items = "".join(
        f'<li class="wixui-dropdown-menu__item"><a href="{esc(origins.url(path))}" '
        f'class="StylableButton2545352419__link"><span>{esc(text)}</span></a></li>'
        for text, path in _menu(lang)
    )
    switcher = "".join(
        f'<a href="{origins.url(path)}" hreflang="{code}" lang="{code}">{code.upper()}</a>'
        for code, path in (("fr", "/"), ("en", "/en"), ("de", "/de"), ("it", "/it"))
    )
    return (
        '<header id="SITE_HEADER" class="xU8fqS SITE_HEADER wixui-header" tabindex="-1">\n'
        f'<div id="comp-logo" class="wixui-image"><a href="{origins.url("/")}" aria-label="{LOGO_ALT}">'
        f'<img src="{MEDIA}/{LOGO_MEDIA}~mv2.png/v1/fill/w_96,h_96/logo.png" '
        f'alt="{LOGO_ALT}" width="96" height="96"></a></div>\n'
        f'<nav aria-label="{label(lang, "menu")}" class="wixui-dropdown-menu"><ul>{items}</ul></nav>\n'
        f'<div data-testid="languages-dropdown" aria-label="{label(lang, "languages")}">{switcher}</div>\n'
        f'<div data-testid="login-bar"><a href="{origins.url("/account/login")}" data-testid="login-button">'
        f"<span>{label(lang, 'login')}</span></a></div>\n"
        "</header>\n"
    )


_SOCIAL = ("Instagram", "TikTok", "LinkedIn", "Facebook", "Twitter", "YouTube")
_INSTITUTIONS = (
    ("Logo du Conseil Européen", "UE"),
    ("Icône de coopération internationale et diplomatie européenne", "OTAN"),
    ("Logo du Conseil de l'Europe", "CONSEIL<br>DE L'EUROPE"),
    ("Logo des Nations Unies", "ONU"),
    ("Logo OSCE", "OSCE"),
)


def _footer() -> str:
    # Social links point at reserved ".invalid" hosts: off-site like the real ones, never reachable.
    social = "".join(
        f'<li><a href="https://{name.lower()}.invalid/centre.europeen.securite" target="_blank" '
        f'aria-label="{name}"><img alt="{name}" src="{MEDIA}/social_{name.lower()}.png"></a>'
        f'<span class="visually-hidden">{name}</span></li>'
        for name in _SOCIAL
    )
    logos = "".join(
        f'<div class="wixui-image"><img alt="{esc(alt)}" src="{MEDIA}/inst_{short_hash(alt)}.png">'
        f'</div><div class="wixui-rich-text footer-caption"><p>{caption}&nbsp; &nbsp;</p></div>'
        for alt, caption in _INSTITUTIONS
    )
    return (
        '<footer id="SITE_FOOTER" class="SITE_FOOTER wixui-footer" tabindex="-1">\n'
        f'<div class="footer-brand"><img alt="{LOGO_ALT}" src="{MEDIA}/b7f4e9_logo_white.png">'
        f'<p class="font_9">{LOGO_ALT}</p></div>\n'
        '<p class="font_9">Paris / Bruxelles</p>\n'
        f'<ul class="wixui-social-bar" aria-label="Barre des réseaux sociaux">{social}</ul>\n'
        '<p class="font_9">Centre Européen de Sécurité et Stratégie</p>\n'
        f'<p class="font_9"><a href="mailto:{CONTACT_EMAIL}">{CONTACT_EMAIL}</a></p><p>&nbsp;</p>\n'
        '<p class="font_9">Any use of&nbsp; logo requires prior written consent.</p>\n'
        '<p class="font_9">© 2025</p>\n'
        '<section class="footer-institutions"><h2 class="font_6">Institutions de référence stratégique</h2>'
        '<p class="font_9">Le CESS inscrit son action dans le respect des priorités stratégiques portées par '
        "les grandes institutions européennes et internationales.</p>"
        f"{logos}</section>\n"
        '<p class="font_9">© 2025&nbsp; CESS</p>\n'
        '<p class="font_9">&nbsp;*Logos affichés à titre informatif. Aucune affiliation officielle n’est '
        "revendiquée.</p>\n"
        "</footer>\n"
    )


def _visit_script(visit: Visit) -> str:
    data = {"requestId": visit.request_id, "visit": visit.number, "renderedAt": iso_z(visit.now)}
    return f"<script>window.viewerModel={script_json(data)};</script>\n"
