"""The archive release 0.1.0 made of the local copy, and the site states it went through.

``tests/fixtures/archive-0.1.0/`` holds an archive crawled by the 0.1.0 code (see its README.md): an
xz-compressed SQL dump that :func:`load_010_archive` turns into a new SQLite file. The archive stores
absolute URLs of the origin it crawled, so a test that continues it serves the site at that same origin
(:data:`ORIGIN`, from :func:`legacy_site`).

The site went through :data:`FIXTURE_STEPS`, one crawl each; :data:`NEXT_STEP` is the state a test
crawls next, with the events that crawl must record. Every state happens at a fixed instant of a
:class:`SiteClock`, so a replay rebuilds the dates the fixture saw (publication, modification, build):
pages the steps did not change render the same words and the same ``ETag``.
"""

from __future__ import annotations

import lzma
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tests.site.content_posts import (
    BALKANS,
    BLACK_SEA,
    CLOUD,
    DRONES,
    LNG_TERMINALS,
    ORGANISED_CRIME,
    PORTS,
    SAHEL,
    SPACE,
    TERRORISM,
)
from tests.site.content_seeds import SEED_001
from tests.site.model import UTC
from tests.site.server import LocalSite
from tests.site.state import SiteState

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "archive-0.1.0"
DUMP = FIXTURE_DIR / "archive.sql.xz"
RELEASE_COMMIT = "d40618e"

#: Below Linux's ephemeral ports (32768 and up), so no client socket holds it by chance.
PORT = 28417
ORIGIN = f"http://127.0.0.1:{PORT}"

#: The instant of the first state; each later state comes one day after the one before.
FIRST_INSTANT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)

ADDED_SLUG = "note-de-conjoncture-hiver-2026"
ADDED_PATH = f"/post/{ADDED_SLUG}"
MOVED_SLUG = "drones-et-infrastructures-critiques-nouvelle-adresse"
NEXT_ADDED_SLUG = "note-de-conjoncture-printemps-2027"
NEXT_MOVED_SLUG = "crime-organisé-signaux-faibles-nouvelle-adresse"


class SiteClock:
    """The site's clock: it stands still at the instant of the current state."""

    def __init__(self) -> None:
        self.instant = FIRST_INSTANT

    def __call__(self) -> datetime:
        return self.instant

    def go_to(self, state_number: int) -> None:
        """The instant of state ``state_number`` (1 for the first)."""
        self.instant = FIRST_INSTANT + timedelta(days=state_number - 1)


@dataclass(frozen=True)
class Step:
    """One state of the site and the crawl of it.

    ``change`` turns the previous state into this one; ``faults`` are set for this crawl only (they
    are not part of the state, and are cleared after it). ``events`` are the (kind, decoded path)
    pairs the crawl records, None for the first crawl (every page new).
    """

    name: str
    change: Callable[[SiteState], None]
    events: frozenset[tuple[str, str]] | None
    faults: Callable[[SiteState], None] | None = None
    crawl_args: tuple[str, ...] = ()
    exit_code: int = 0


def _first(state: SiteState) -> None:
    state.reset()


def _five_changes(state: SiteState) -> None:
    state.rebuild()
    state.edit_paragraph(SAHEL.slug, 1, "Ce paragraphe a été entièrement réécrit par la rédaction du Centre.")
    state.set_title(SPACE.slug, "Espace : la guerre des satellites est déjà là")
    state.delete_post(LNG_TERMINALS.slug)
    state.rename_post(DRONES.slug, MOVED_SLUG)
    state.add_post(
        ADDED_SLUG,
        "Note de conjoncture : hiver 2026",
        [
            "Le Centre publie sa note de conjoncture sur les menaces de l’hiver 2026.",
            "Trois tendances se dégagent : la pression hybride, la cybercriminalité et les ingérences.",
        ],
    )


def _edits_restoration_removal(state: SiteState) -> None:
    state.edit_paragraph(SAHEL.slug, 2, "Un deuxième paragraphe réécrit : la rédaction précise ses sources.")
    state.edit_paragraph(BLACK_SEA.slug, -1, "La mer Noire reste le théâtre d’une guerre navale d’un genre nouveau.")
    state.restore_post(LNG_TERMINALS.slug)
    state.delete_post(ADDED_SLUG)


def _republication(state: SiteState) -> None:
    state.republish(CLOUD.slug)


def _unavailable_post(state: SiteState) -> None:
    state.set_fault(PORTS.path, status=503)


def _next_changes(state: SiteState) -> None:
    state.edit_paragraph(SEED_001.slug, 1, "Ce paragraphe de la note a été réécrit après la publication.")
    state.set_title(TERRORISM.slug, "Terrorisme : la menace endogène change de visage")
    state.restore_post(ADDED_SLUG)
    state.delete_post(BALKANS.slug)
    state.rename_post(ORGANISED_CRIME.slug, NEXT_MOVED_SLUG)
    state.add_post(
        NEXT_ADDED_SLUG,
        "Note de conjoncture : printemps 2027",
        [
            "Le Centre publie sa note de conjoncture sur les menaces du printemps 2027.",
            "La pression hybride demeure la première menace pour les infrastructures européennes.",
        ],
    )


FIXTURE_STEPS: tuple[Step, ...] = (
    Step("first crawl", _first, None),
    Step(
        "rebuild, edit, retitling, removal, move, new post",
        _five_changes,
        frozenset(
            {
                ("edited", SAHEL.path),
                ("retitled", SPACE.path),
                ("removed", LNG_TERMINALS.path),
                ("moved", f"/post/{MOVED_SLUG}"),
                ("new", ADDED_PATH),
            }
        ),
    ),
    Step(
        "second edit, an original with its untranslated copy, a restoration, a removal",
        _edits_restoration_removal,
        frozenset(
            {
                ("edited", SAHEL.path),
                ("edited", BLACK_SEA.path),
                ("edited", f"/de/post/{BLACK_SEA.slug}"),
                ("restored", LNG_TERMINALS.path),
                ("removed", ADDED_PATH),
            }
        ),
    ),
    # only the republished post and the failing one change: every other page answers 304
    Step(
        "a republication while a post answers 503",
        _republication,
        frozenset(),
        faults=_unavailable_post,
        crawl_args=("--set", "RETRY_TIMES=1"),
        exit_code=1,
    ),
)

NEXT_STEP = Step(
    "after the upgrade: edit, retitling, restoration, removal, move, new post",
    _next_changes,
    frozenset(
        {
            ("edited", SEED_001.path),
            ("retitled", TERRORISM.path),
            ("restored", ADDED_PATH),
            ("removed", BALKANS.path),
            ("moved", f"/post/{NEXT_MOVED_SLUG}"),
            ("new", f"/post/{NEXT_ADDED_SLUG}"),
        }
    ),
)


def legacy_site() -> LocalSite:
    """The local copy at the fixture's origin, in its initial state, on a :class:`SiteClock` (not started)."""
    return LocalSite(SiteState(clock=SiteClock()), port=PORT)


def apply_step(site: LocalSite, number: int, step: Step) -> None:
    """Brings the site to state ``number`` (1 for the first) by ``step``'s change."""
    site.state.clock.go_to(number)
    step.change(site.state)


def replay(site: LocalSite, steps: tuple[Step, ...] = FIXTURE_STEPS) -> None:
    """Brings a :func:`legacy_site` to the state the fixture ended in (or the end of ``steps``)."""
    for number, step in enumerate(steps, start=1):
        apply_step(site, number, step)


def go_next(site: LocalSite) -> None:
    """From the fixture's last state to :data:`NEXT_STEP`'s."""
    apply_step(site, len(FIXTURE_STEPS) + 1, NEXT_STEP)


def load_010_archive(path: Path, *, wal: bool = True) -> Path:
    """Makes ``path`` (a new file) the 0.1.0 archive. ``wal``: in write-ahead-log mode, as 0.1.0 leaves
    every archive it wrote (the dump does not keep the journal mode)."""
    if path.exists():
        raise FileExistsError(path)
    script = lzma.decompress(DUMP.read_bytes()).decode("utf-8")
    connection = sqlite3.connect(path)
    try:
        connection.executescript(script)
        if wal:
            connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    return path
