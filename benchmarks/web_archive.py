"""A large generated archive for the reading room's benchmark (``benchmarks/web.py``), written with plain inserts.

Its shape is that of a site crawled every week for months: French and English articles of 400 to 1,500 words in
paragraphs, static pages, English translations linked both ways, untranslated ``/de/`` copies, a second source
crawled once a month; every run fetches every page it reaches (a new version, or a 304 that confirms the latest
one), some runs have errors, one is interrupted and one fetched nothing. Versions are spread unevenly (most pages
change little, a few change every week), and the archive has events of every kind: ``new``, ``edited`` (words
added and removed, similarity), ``retitled``, ``moved`` (the old URL kept as an alias), ``removed`` (404 or 410,
the response kept), ``restored``, and ``extractor-change`` (one re-extraction of a part of the archive between two
runs). Some pages have other aliases (the host without ``www``, another spelling of a percent-encoded path), and a
few have ``<script>`` in their title and text, as archived pages do.

The archive is made by :func:`archive.make_engine` (the schema at its head revision), then filled in batches,
each page's rows in one transaction. Same sizes and seed, same archive.

    .venv/bin/python benchmarks/web_archive.py --output data/bench/web.sqlite            # 10,000 pages, 50,000 versions
    .venv/bin/python benchmarks/web_archive.py --pages 1000 --versions 5000 --output small.sqlite

:class:`Inserts` (rows buffered per table, written with ``executemany``) is also used by
``tests.builders.make_large_archive``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Connection, insert, update

from archive import make_engine
from archive.content import content_digest
from archive.models import Capture, Event, Page, PageAlias, RawBlob, Run, Version

#: Changes whenever the shape of the generated archive changes (``benchmarks/web.py`` regenerates its cache).
SHAPE = "web-archive/2"

T0 = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)
RUN_EVERY = timedelta(days=7)
CAPTURE_EVERY = timedelta(milliseconds=450)  # a crawl of 10,000 pages takes 75 minutes
MAIN = ("securite-strategie", "https://www.securite-strategie.example")
BLOG = ("blog-valette", "https://blogs.example.net")
BLOG_EVERY = 4  # the second source is crawled every fourth week
EXTRACTORS = ("cess-clean/2", "cess-clean/3")  # before and after the re-extraction


class Inserts:
    """Rows buffered per table, written with one ``executemany`` per table when :meth:`flush` is called.

    Versions and the captures they come from point at each other: foreign keys are not enforced while the
    rows are written (on this connection only), and :meth:`check` checks them all at the end."""

    ORDER = (Run, Page, PageAlias, RawBlob, Capture, Version, Event)

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
        connection.commit()
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.pending = 0

    def add(self, model: type, row: dict) -> dict:
        self.rows[model].append(row)
        self.pending += 1
        return row

    def flush(self) -> None:
        if not self.pending:
            return
        with self.connection.begin():
            for model in self.ORDER:
                if self.rows[model]:
                    self.connection.execute(insert(model), self.rows[model])
                    self.rows[model].clear()
        self.pending = 0

    def check(self) -> None:
        """Every row written points at rows that exist; ``ValueError`` naming the first that do not."""
        self.flush()
        dangling = self.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
        self.connection.commit()
        if dangling:
            raise ValueError(f"rows that point at nothing (table, rowid, table pointed at, key): {dangling}")


# ------------------------------------------------------------------------------------------------- words

FRENCH = {
    "det": "le la les un une des ce cette ces leur notre chaque plusieurs",
    "noun": (
        "sécurité défense stratégie menace frontière coopération dissuasion doctrine souveraineté résilience "
        "infrastructure énergie renseignement diplomatie alliance commission conseil parlement gouvernement "
        "armée marine satellite câble port corridor région crise conflit accord traité sanction élection "
        "campagne réseau opinion influence désinformation ingérence cyberattaque budget industrie munition "
        "présidence sommet délégation analyse rapport chercheur observatoire partenariat voisinage transition"
    ),
    "adj": (
        "européenne stratégique hybride numérique militaire civile maritime régionale durable commune "
        "nouvelle ancienne critique majeure fragile nécessaire politique économique spatiale arctique "
        "baltique orientale africaine centrale nationale collective"
    ),
    "verb": (
        "renforce menace protège redéfinit soutient fragilise engage révèle mobilise transforme surveille "
        "finance questionne accompagne limite prolonge annonce relance coordonne expose"
    ),
    "prep": "de du dans pour avec sans entre contre vers selon depuis sur",
    "link": "et mais donc or car puis ainsi cependant toutefois",
    "places": "Sahel Baltique Balkans Arctique Kazakhstan Ukraine Moldavie Géorgie Bruxelles Strasbourg Paris",
}
ENGLISH = {
    "det": "the a an this that these their our each several every",
    "noun": (
        "security defence strategy threat border cooperation deterrence doctrine sovereignty resilience "
        "infrastructure energy intelligence diplomacy alliance commission council parliament government "
        "army navy satellite cable port corridor region crisis conflict agreement treaty sanction election "
        "campaign network opinion influence disinformation interference cyberattack budget industry supply "
        "presidency summit delegation analysis report researcher observatory partnership neighbourhood"
    ),
    "adj": (
        "european strategic hybrid digital military civilian maritime regional lasting common new former "
        "critical major fragile necessary political economic spatial arctic baltic eastern african central "
        "national collective"
    ),
    "verb": (
        "strengthens threatens protects reshapes supports weakens commits reveals mobilises transforms "
        "monitors funds questions follows limits extends announces revives coordinates exposes"
    ),
    "prep": "of in for with without between against towards along since on",
    "link": "and but so yet because then thus however still",
    "places": "Sahel Baltic Balkans Arctic Kazakhstan Ukraine Moldova Georgia Brussels Strasbourg Paris",
}
AUTHORS = (
    "Rédaction du Centre",
    "Claire Aubertin",
    "Jonas Meyrieu",
    "Inès Valdréa",
    "Paul-Henri Desmarais",
    "Sofia Lindqvist",
    "Mathis Karadec",
    "Léa Bonnefoy",
    "Thierry-Paul Valette",
    "Anaïs Corbel",
)
STATIC_PAGES = ("À propos", "L'équipe", "Nos publications", "Mentions légales", "Partenaires", "Événements")
SCRIPT_IN_TEXT = "<script>alert('archived script')</script>"


class Writer:
    """Sentences, paragraphs, texts and titles of one language, from a pool of generated sentences."""

    def __init__(self, words: dict[str, str], rng: random.Random, pool: int = 12_000) -> None:
        self.words = {category: listed.split() for category, listed in words.items()}
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(pool)]

    def _phrase(self) -> list[str]:
        w, rng = self.words, self.rng
        phrase = [rng.choice(w["det"]), rng.choice(w["noun"])]
        if rng.random() < 0.6:
            phrase.append(rng.choice(w["adj"]))
        return phrase

    def _sentence(self) -> str:
        w, rng = self.words, self.rng
        words = [*self._phrase(), rng.choice(w["verb"]), *self._phrase()]
        for _ in range(rng.randint(0, 3)):
            words += [rng.choice(w["prep"] if rng.random() < 0.7 else w["link"]), *self._phrase()]
        if rng.random() < 0.25:
            words += [rng.choice(w["prep"]), rng.choice(w["places"])]
        words[0] = words[0].capitalize()
        return " ".join(words) + rng.choice("....?")

    def sentence(self) -> str:
        return self.rng.choice(self.sentences)

    def paragraph(self, sentences: int | None = None) -> list[str]:
        return self.rng.choices(self.sentences, k=sentences or self.rng.randint(2, 7))

    def text(self, words: int) -> list[list[str]]:
        """Paragraphs (lists of sentences; a one-sentence paragraph is a heading) of about ``words`` words."""
        paragraphs: list[list[str]] = []
        count = 0
        while count < words:
            if paragraphs and self.rng.random() < 0.08:
                paragraph = [" ".join(self.sentence().split()[:5]).rstrip(".?")]  # a subheading
            else:
                paragraph = self.paragraph()
            paragraphs.append(paragraph)
            count += sum(len(s.split()) for s in paragraph)
        return paragraphs

    def title(self) -> str:
        words = self.sentence().rstrip(".?").split()
        return " ".join(words[: self.rng.randint(4, 11)])


def joined(paragraphs: list[list[str]]) -> str:
    return "\n".join(" ".join(paragraph) for paragraph in paragraphs)


def count_words(paragraphs: list[list[str]]) -> int:
    return sum(len(sentence.split()) for paragraph in paragraphs for sentence in paragraph)


def slugify(title: str) -> str:
    return "-".join("".join(c for c in word.lower() if c.isalnum()) for word in title.split()[:7])


# ------------------------------------------------------------------------------------------------- plan


@dataclass
class RunPlan:
    id: int
    source: str
    base_url: str
    start: datetime
    reach: float = 1.0  # the share of the source's pages it fetched (an interrupted run stops early)
    status: str = "finished"
    finish_reason: str | None = "finished"
    errors: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class PagePlan:
    id: int
    source: str
    kind: str
    language: str
    url: str  # its URL now
    position: int  # its place in each crawl of its source
    discovered: int = 0  # index in its source's runs
    old_url: str | None = None
    moved: int | None = None
    removed: int | None = None
    restored: int | None = None
    gone_status: int = 404
    translations: dict[str, str] = field(default_factory=dict)
    duplicate_of: int | None = None
    aliases: tuple[str, ...] = ()
    extractor_change: bool = False
    edits: list[int] = field(default_factory=list)  # indexes of the runs that found a new version
    script: bool = False


@dataclass
class Shape:
    """What was generated, for the record."""

    pages: int = 0
    versions: int = 0
    captures: int = 0
    events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    runs: int = 0
    aliases: int = 0
    blobs: int = 0


class Generator:
    def __init__(self, pages: int, versions: int, runs: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.writers = {"fr": Writer(FRENCH, self.rng), "en": Writer(ENGLISH, self.rng)}
        self.total_pages = pages
        self.total_versions = versions
        self.runs = self._runs(runs)
        self.source_runs = {name: [run for run in self.runs if run.source == name] for name in (MAIN[0], BLOG[0])}
        self.pages: list[PagePlan] = []
        self.shape = Shape()
        self.capture_id = 0
        self.version_id = 0
        self.blob_seen: set[str] = set()
        main_runs = self.source_runs[MAIN[0]]
        middle = main_runs[len(main_runs) // 2]
        self.reextracted_at = middle.start + timedelta(days=3)  # between two runs

    # ------------------------------------------------------------------------- runs and pages

    def _runs(self, count: int) -> list[RunPlan]:
        runs: list[RunPlan] = []
        for week in range(count):
            start = T0 + week * RUN_EVERY
            runs.append(RunPlan(len(runs) + 1, MAIN[0], MAIN[1], start))
            if week % BLOG_EVERY == 1 and week < count - 1:
                runs.append(RunPlan(len(runs) + 1, BLOG[0], BLOG[1], start + timedelta(hours=2)))
        main = [run for run in runs if run.source == MAIN[0]]
        if len(main) > 6:
            failed, interrupted = main[-4], main[-6]
            failed.reach, failed.status, failed.finish_reason = 0.0, "failed", "nothing_fetched"
            interrupted.reach, interrupted.status, interrupted.finish_reason = 0.6, "interrupted", "shutdown"
        return runs

    def _url(self, base: str, path: str) -> str:
        return base + quote(path, safe="/-")

    def plan_pages(self) -> None:
        rng = self.rng
        blog_pages = max(1, self.total_pages // 20) if self.total_pages >= 40 else 0
        main_pages = self.total_pages - blog_pages
        plans: list[PagePlan] = []
        taken: set[str] = set()

        def add(source: str, base: str, kind: str, language: str, path: str) -> PagePlan:
            url = self._url(base, path)
            if url in taken:
                url = self._url(base, path + f"-{len(plans) + 1}")
            taken.add(url)
            plan = PagePlan(len(plans) + 1, source, kind, language, url, position=len(plans))
            plans.append(plan)
            return plan

        static = 0
        while len(plans) < main_pages:
            left = main_pages - len(plans)
            roll = rng.random()
            if static < len(STATIC_PAGES) * 4 and roll < 0.02:
                name = STATIC_PAGES[static % len(STATIC_PAGES)]
                suffix = "" if static < len(STATIC_PAGES) else f"-{static // len(STATIC_PAGES) + 1}"
                add(MAIN[0], MAIN[1], "page", "fr", "/" + slugify(name) + suffix)
                static += 1
                continue
            fr_path = f"/post/{slugify(self.writers['fr'].title())}"
            fr = add(MAIN[0], MAIN[1], "article", "fr", fr_path)
            if left >= 2 and roll < 0.22:  # translated into English, both pages linking each other
                en = add(MAIN[0], MAIN[1], "article", "en", f"/en/post/{slugify(self.writers['en'].title())}")
                fr.translations = en.translations = {"en": en.url, "fr": fr.url}
            elif left >= 2 and roll < 0.25:  # an untranslated copy under /de/
                copy = add(MAIN[0], MAIN[1], "article", "fr", "/de" + fr_path)
                copy.duplicate_of = fr.id
        while len(plans) < self.total_pages:
            day = (T0 + timedelta(days=rng.randint(0, 300))).strftime("%d%m%y")
            add(BLOG[0], BLOG[1], "article", "fr", f"/valette/blog/{day}/{slugify(self.writers['fr'].title())}")
        self.pages = plans
        self.counts = {source: sum(1 for plan in plans if plan.source == source) for source in self.source_runs}
        for source, runs in self.source_runs.items():
            mine = [plan for plan in plans if plan.source == source]
            for position, plan in enumerate(mine):
                plan.position = position
            self._histories(mine, runs)

    def reaches(self, run: RunPlan, page: PagePlan) -> bool:
        """Whether ``run`` fetched ``page`` (an interrupted run stops part of the way through)."""
        return page.position < run.reach * self.counts[page.source]

    def _histories(self, pages: list[PagePlan], runs: list[RunPlan]) -> None:
        """When each page was first found, moved, removed and restored."""
        rng = self.rng
        by_id = {page.id: page for page in self.pages}
        for page in pages:
            if rng.random() < 0.6 or len(runs) == 1:
                page.discovered = 0
            else:
                page.discovered = rng.randrange(1, len(runs))
            original = by_id.get(page.duplicate_of or 0)
            partner = by_id.get(page.id - 1) if page.language == "en" else None
            for earlier in (original, partner):
                if earlier is not None:
                    page.discovered = max(page.discovered, earlier.discovered)
            while not self.reaches(runs[page.discovered], page) and page.discovered + 1 < len(runs):
                page.discovered += 1
            later = [i for i in range(page.discovered + 1, len(runs)) if self.reaches(runs[i], page)]
            roll = rng.random()
            if len(later) >= 3 and roll < 0.04:
                page.removed = rng.choice(later[:-1])
                page.gone_status = rng.choice((404, 404, 410))
                if rng.random() < 0.5:
                    page.restored = rng.choice([i for i in later if i > page.removed])
            elif len(later) >= 2 and roll < 0.065 and page.kind == "article":
                page.moved = rng.choice(later)
                page.old_url = page.url
                base, _, _slug = page.url.rpartition("/")
                page.url = f"{base}/{quote(slugify(self.writers[page.language].title()), safe='-')}-{page.id}"
            aliases = []
            if page.old_url:
                aliases.append(page.old_url)
            if rng.random() < 0.05 and page.source == MAIN[0]:
                aliases.append(page.url.replace("://www.", "://", 1))
            if "%" in page.url and rng.random() < 0.3:
                aliases.append(page.url.replace("%C3%A9", "%c3%a9"))
            page.aliases = tuple(dict.fromkeys(a for a in aliases if a != page.url))
            page.script = rng.random() < 0.004

    def live_runs(self, page: PagePlan) -> list[int]:
        """Indexes of the runs of its source that fetched the page and could find a new version."""
        runs = self.source_runs[page.source]
        found = []
        for index in range(page.discovered + 1, len(runs)):
            if page.removed is not None and page.removed <= index < (page.restored or len(runs)):
                continue
            if not self.reaches(runs[index], page):
                continue
            found.append(index)
        return found

    def allocate_versions(self) -> None:
        """Which runs found a new version of each page: a heavy-tailed share of the versions beyond the first."""
        rng = self.rng
        slots = [self.live_runs(page) for page in self.pages]
        for page in self.pages:
            alive = page.removed is None or page.restored is not None
            before = self.source_runs[page.source][page.discovered].start < self.reextracted_at
            page.extractor_change = page.source == MAIN[0] and before and alive and rng.random() < 0.06
        extra = self.total_versions - len(self.pages) - sum(page.extractor_change for page in self.pages)
        weights = [rng.paretovariate(1.3) for _ in self.pages]
        if self.pages:
            weights[0] = max(weights) * 10  # the first page changes at every run it can: the longest timeline
        counts = [0] * len(self.pages)
        active = [i for i, runs in enumerate(slots) if runs]
        while extra > 0 and active:
            total = sum(weights[i] for i in active)
            given = 0
            for i in active:
                share = min(len(slots[i]) - counts[i], int(extra * weights[i] / total))
                counts[i] += share
                given += share
            if given == 0:
                for i in sorted(active, key=lambda i: -weights[i])[:extra]:
                    counts[i] += 1
                    given += 1
            extra -= given
            active = [i for i in active if counts[i] < len(slots[i])]
        for page, runs, count in zip(self.pages, slots, counts, strict=True):
            page.edits = sorted(rng.sample(runs, count))

    # ------------------------------------------------------------------------- rows

    def _blob(self, inserts: Inserts, body: bytes) -> str:
        sha = hashlib.sha256(body).hexdigest()
        if sha not in self.blob_seen:
            self.blob_seen.add(sha)
            inserts.add(
                RawBlob, {"sha256": sha, "size": len(body), "compression": "zlib", "data": zlib.compress(body, 1)}
            )
            self.shape.blobs += 1
        return sha

    def _html(self, page: PagePlan, title: str, author: str, text: str) -> bytes:
        links = "".join(f'<link rel="alternate" hreflang="{k}" href="{v}">' for k, v in page.translations.items())
        script = SCRIPT_IN_TEXT if page.script else ""
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
        return (
            f'<!doctype html><html lang="{page.language}"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="canonical" href="{page.url}">{links}<meta name="author" content="{author}">'
            f"<script>window.dataLayer=window.dataLayer||[];fetch('/collect?p={page.id}')</script></head>"
            f"<body><article><h1>{title}</h1>{script}{paragraphs}</article></body></html>"
        ).encode()

    def _capture(self, inserts: Inserts, run: RunPlan | None, page: PagePlan, at: datetime, **row) -> dict:
        self.capture_id += 1
        self.shape.captures += 1
        url = row.pop("url", page.url)
        base = {
            "id": self.capture_id,
            "run_id": run.id if run is not None else None,
            "page_id": page.id,
            "version_id": None,
            "requested_url": row.pop("requested_url", url),
            "url": url,
            "fetched_at": at,
            "headers": {},
            "etag": None,
            "last_modified": None,
            "content_type": None,
            "raw_sha256": None,
            "extraction_error": None,
        }
        base.update(row)
        return inserts.add(Capture, base)

    def _event(self, inserts: Inserts, run: RunPlan | None, page: PagePlan, kind: str, at: datetime, url: str, **more):
        self.shape.events[kind] += 1
        inserts.add(
            Event,
            {
                "run_id": run.id if run is not None else None,
                "page_id": page.id,
                "version_id": more.pop("version_id", None),
                "kind": kind,
                "at": at,
                "url": url,
                "details": more,
            },
        )

    def write_page(self, inserts: Inserts, page: PagePlan) -> None:
        rng = self.rng
        runs = self.source_runs[page.source]
        writer = self.writers[page.language]
        paragraphs = writer.text(rng.randint(400, 1500))
        if page.script:
            paragraphs.insert(1, [f"Exemple de code relevé sur un site piégé : {SCRIPT_IN_TEXT}"])
        title = writer.title()
        if page.script:
            title = f"{title} {SCRIPT_IN_TEXT}"
        author = rng.choice(AUTHORS)
        published = None if page.kind == "page" else runs[page.discovered].start - timedelta(days=rng.randint(0, 90))
        edits = set(page.edits)
        version: dict | None = None
        number = 0
        first_seen = last_seen = None
        status = "live"
        url = page.old_url or page.url

        def new_version(run: RunPlan | None, at: datetime, capture: dict, reason: str) -> dict:
            nonlocal number
            number += 1
            self.version_id += 1
            self.shape.versions += 1
            text = joined(paragraphs)
            translations = dict(page.translations)
            return inserts.add(
                Version,
                {
                    "id": self.version_id,
                    "page_id": page.id,
                    "number": number,
                    "content_sha256": content_digest(title, author, published, text),
                    "title": title,
                    "author": author,
                    "published": published,
                    "modified": at - timedelta(hours=rng.randint(2, 100)) if published else None,
                    "text": text,
                    "language": page.language,
                    "language_probability": round(rng.uniform(0.93, 1.0), 4),
                    "declared_language": page.language if rng.random() < 0.9 else None,
                    "description": paragraphs[0][0],
                    "image": f"{MAIN[1]}/media/{page.id}.jpg" if rng.random() < 0.5 else None,
                    "translations": translations,
                    "template": "wix-post" if page.source == MAIN[0] and page.kind == "article" else "generic",
                    "extractor": EXTRACTORS[at >= self.reextracted_at],
                    "reason": reason,
                    "first_seen": at,
                    "last_seen": at,
                    "run_id": run.id if run is not None else None,
                    "capture_id": capture["id"],
                },
            )

        def fetched_body(run: RunPlan, at: datetime, **row) -> dict:
            text = joined(paragraphs)
            body = self._html(page, title, author, text)
            sha = self._blob(inserts, body)
            etag = f'W/"{sha[:16]}"'
            headers = {"Content-Type": "text/html; charset=utf-8", "ETag": etag}
            return self._capture(
                inserts,
                run,
                page,
                at,
                http_status=200,
                headers=headers,
                etag=etag,
                content_type="text/html; charset=utf-8",
                raw_sha256=sha,
                extraction_status="ok",
                **row,
            )

        for index in range(page.discovered, len(runs)):
            run = runs[index]
            if not self.reaches(run, page):
                continue
            at = run.start + page.position * CAPTURE_EVERY
            if version is not None and page.extractor_change and version["first_seen"] < self.reextracted_at <= at:
                version = self._reextract(inserts, page, version, paragraphs, new_version)
                number = version["number"]
            if index == page.discovered:
                capture = fetched_body(run, at, url=url)
                version = new_version(run, at, capture, "crawl")
                capture["version_id"] = version["id"]
                self._event(inserts, run, page, "new", at, url, version_id=version["id"], title=title)
                run.counts["fetched"] += 1
                run.counts["new_pages"] += 1
                run.counts["new_versions"] += 1
                first_seen = last_seen = at
                for alias in page.aliases:
                    if alias != page.old_url:
                        inserts.add(PageAlias, {"url": alias, "page_id": page.id, "first_seen": at})
                continue
            assert version is not None
            if status == "removed" and index != page.restored:
                continue
            if index == page.removed:
                body = f"<html><body><h1>{page.gone_status}</h1><p>Page introuvable</p></body></html>".encode()
                capture = self._capture(
                    inserts,
                    run,
                    page,
                    at,
                    url=url,
                    http_status=page.gone_status,
                    headers={"Content-Type": "text/html"},
                    content_type="text/html",
                    raw_sha256=self._blob(inserts, body),
                    extraction_status="gone",
                )
                self._event(
                    inserts, run, page, "removed", at, url, http_status=page.gone_status, capture_id=capture["id"]
                )
                status = "removed"
                continue
            moved_now = index == page.moved
            if moved_now:
                assert page.old_url is not None
                self._event(
                    inserts,
                    run,
                    page,
                    "moved",
                    at,
                    page.old_url,
                    from_url=page.old_url,
                    to_url=page.url,
                    http_status=301,
                )
                inserts.add(PageAlias, {"url": page.old_url, "page_id": page.id, "first_seen": at})
                url = page.url
            if index == page.restored:
                self._event(inserts, run, page, "restored", at, url, http_status=200)
                status = "live"
            last_seen = at
            if index in edits:
                previous_number, previous_title, previous_author = number, title, author
                old_words = count_words(paragraphs)
                added, removed = self._edit(writer, paragraphs)
                kind = "edited"
                if rng.random() < 0.1:
                    title = writer.title()
                    kind = "retitled"
                if rng.random() < 0.03:
                    author = rng.choice(AUTHORS)
                request = {"requested_url": page.old_url} if moved_now else {}
                capture = fetched_body(run, at, url=url, **request)
                version = new_version(run, at, capture, "crawl")
                capture["version_id"] = version["id"]
                new_words = count_words(paragraphs)
                details: dict = {"from_version": previous_number}
                if added or removed:
                    matched = max(0, old_words - removed)
                    details.update(
                        words_added=added,
                        words_removed=removed,
                        similarity=round(2 * matched / max(1, old_words + new_words), 4),
                    )
                if author != previous_author:
                    details["fields"] = ["author"]
                if kind == "retitled":
                    details.update(old_title=previous_title, new_title=title)
                self._event(inserts, run, page, kind, at, url, version_id=version["id"], **details)
                run.counts["fetched"] += 1
                run.counts["new_versions"] += 1
            elif moved_now or index == page.restored:
                capture = fetched_body(run, at, url=url, **({"requested_url": page.old_url} if moved_now else {}))
                capture["version_id"] = version["id"]
                version["last_seen"] = at
                run.counts["fetched"] += 1
                run.counts["unchanged"] += 1
            else:
                etag = f'W/"{version["content_sha256"][:16]}"'
                self._capture(
                    inserts,
                    run,
                    page,
                    at,
                    url=url,
                    version_id=version["id"],
                    http_status=304,
                    headers={"ETag": etag},
                    etag=etag,
                    extraction_status="not-modified",
                )
                version["last_seen"] = at
                run.counts["not_modified"] += 1
        inserts.add(
            Page,
            {
                "id": page.id,
                "url": page.url,
                "source": page.source,
                "kind": page.kind,
                "status": status,
                "first_seen": first_seen,
                "last_seen": last_seen,
                "translations": dict(page.translations),
                "duplicate_of_id": page.duplicate_of,
            },
        )
        self.shape.pages += 1
        self.shape.aliases += len(page.aliases)

    def _reextract(self, inserts: Inserts, page: PagePlan, version: dict, paragraphs, new_version) -> dict:
        """The re-extraction between two runs: the new extractor reads the same capture a little differently."""
        at = self.reextracted_at + page.position * timedelta(milliseconds=20)
        if self.rng.random() < 0.5:
            paragraphs.append(["Crédit photo : archives du Centre."])
        else:
            paragraphs.insert(1, [self.writers[page.language].sentence()])
        capture = {"id": version["capture_id"]}
        made = new_version(None, at, capture, "extractor-change")
        self._event(
            inserts,
            None,
            page,
            "extractor-change",
            at,
            page.old_url or page.url,
            version_id=made["id"],
            from_version=version["number"],
        )
        return made

    def _edit(self, writer: Writer, paragraphs: list[list[str]]) -> tuple[int, int]:
        """Changes ``paragraphs`` as an editor would; returns (words added, words removed)."""
        rng = self.rng
        added = removed = 0
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            roll = rng.random()
            target = rng.randrange(len(paragraphs))
            paragraph = paragraphs[target]
            if roll < 0.5:  # a sentence rewritten
                place = rng.randrange(len(paragraph))
                new = writer.sentence()
                removed += len(paragraph[place].split())
                added += len(new.split())
                paragraph[place] = new
            elif roll < 0.65:  # a typo fixed
                place = rng.randrange(len(paragraph))
                words = paragraph[place].split()
                spot = rng.randrange(len(words))
                words[spot] = words[spot][::-1] if len(words[spot]) > 3 else words[spot] + "s"
                paragraph[place] = " ".join(words)
                added += 1
                removed += 1
            elif roll < 0.82:  # a paragraph added
                new_paragraph = writer.paragraph()
                paragraphs.insert(target, new_paragraph)
                added += sum(len(s.split()) for s in new_paragraph)
            elif roll < 0.92 and len(paragraphs) > 4:  # a paragraph cut
                removed += sum(len(s.split()) for s in paragraphs.pop(target))
            else:  # a part rewritten
                for index in rng.sample(range(len(paragraphs)), max(1, len(paragraphs) // 4)):
                    old = paragraphs[index]
                    paragraphs[index] = writer.paragraph(len(old))
                    removed += sum(len(s.split()) for s in old)
                    added += sum(len(s.split()) for s in paragraphs[index])
        return added, removed

    def write(self, connection: Connection) -> Shape:
        self.plan_pages()
        self.allocate_versions()
        inserts = Inserts(connection)
        for run in self.runs:
            inserts.add(Run, {"id": run.id, "source": run.source, "base_url": run.base_url, "started_at": run.start})
        inserts.flush()
        for page in self.pages:
            self.write_page(inserts, page)
            if inserts.pending >= 20_000:
                inserts.flush()
        inserts.check()
        self._finish_runs(connection)
        self.shape.runs = len(self.runs)
        return self.shape

    def _finish_runs(self, connection: Connection) -> None:
        rng = self.rng
        with connection.begin():
            for run in self.runs:
                counts = run.counts
                of = self.counts[run.source]
                errors: list[dict] = []
                if run.status == "failed":
                    errors = [{"url": run.base_url + "/", "error": "connection refused", "kind": "connection refused"}]
                elif rng.random() < 0.3:
                    for _ in range(rng.randint(1, 6)):
                        page = rng.choice(self.pages)
                        errors.append({"url": page.url, "error": "HTTP 503", "kind": "HTTP 503"})
                at = run.start + max(1, int(of * run.reach)) * CAPTURE_EVERY
                for error in errors:
                    error["at"] = at.isoformat()
                stats = {
                    f"archive/fetch_errors/{e['kind']}": sum(1 for x in errors if x["kind"] == e["kind"])
                    for e in errors
                }
                connection.execute(
                    update(Run)
                    .where(Run.id == run.id)
                    .values(
                        finished_at=at + timedelta(seconds=30),
                        status=run.status,
                        finish_reason=run.finish_reason,
                        fetched=counts["fetched"],
                        new_pages=counts["new_pages"],
                        new_versions=counts["new_versions"],
                        unchanged=counts["unchanged"],
                        not_modified=counts["not_modified"],
                        errors=len(errors),
                        error_details=errors or None,
                        stats=stats,
                    )
                )


def generate(path: Path, *, pages: int = 10_000, versions: int = 50_000, runs: int = 40, seed: int = 12) -> Shape:
    """Writes the archive to the new SQLite file ``path``; returns what it holds."""
    if path.exists():
        raise FileExistsError(f"{path} exists: remove it first")
    if versions < pages:
        raise ValueError("every page has at least one version: --versions must be at least --pages")
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            shape = Generator(pages, versions, runs, seed).write(connection)
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return shape


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, required=True, help="the SQLite file to create")
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=40, help="weekly runs of the main source")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    args = parser.parse_args(argv)
    if args.force:
        for leftover in (args.output, Path(f"{args.output}-wal"), Path(f"{args.output}-shm")):
            leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    shape = generate(args.output, pages=args.pages, versions=args.versions, runs=args.runs, seed=args.seed)
    events = ", ".join(f"{kind} {count}" for kind, count in sorted(shape.events.items()))
    print(
        f"{args.output}: {shape.pages} pages, {shape.versions} versions, {shape.captures} captures "
        f"({shape.blobs} raw bodies), {shape.aliases} aliases, {shape.runs} runs; events: {events}; "
        f"{args.output.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
