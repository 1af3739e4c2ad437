"""The reading room in a real browser (Debian's Chromium driven by Playwright), as an archivist uses it: the
home page, a page that was edited, its timeline, the diff with the removed and added words marked, stepping
to the next change with the keyboard, the raw capture with no archived script running, and French.

Screenshots of the home, timeline and diff pages go to ``$CESS_SCREENSHOTS_DIR`` (default
``build/screenshots``), which CI keeps. Without Chromium the test skips, except under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_serve_command import Served
from tests.web import HOSTILE_URL, build_hostile_archive

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("CESS_SCREENSHOTS_DIR", "build/screenshots"))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing under CI: .ci/run installs Debian's chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright  # a test dependency (pyproject.toml)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Watch:
    """What a page did besides what we asked: dialogs it opened, requests that left for anywhere but the
    reading room (the browser's Content-Security-Policy stops an archived page's requests before they are
    sent; one that gets past it is recorded here, and aborted), and errors of the reading room's scripts."""

    def __init__(self, page, origin: str) -> None:
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.route(lambda url: not url.startswith(origin), self._leave)

    def _leave(self, route) -> None:
        self.foreign.append(route.request.url)
        route.abort()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.fixture(scope="module")
def served(site_archive, tmp_path_factory):
    copy = tmp_path_factory.mktemp("browser") / "archive.sqlite"
    shutil.copyfile(site_archive.db_path, copy)
    served = Served("--db", str(copy))
    yield served
    assert served.stop() == 0


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def test_an_archivist_reads_an_edited_page(browser, served, site_archive):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch = Watch(page, origin_of(served.url))

    page.goto(served.url)
    assert page.locator("h1").inner_text() == "The archive at a glance"
    shot(page, "home")

    # The edited seed is among the latest changes: follow it to its timeline.
    edited = page.locator("li.event", has=page.locator(".kind-edited")).first
    edited.locator("a").first.click()
    page.wait_for_url("**/page?url=*")
    assert page.locator("ol.timeline > li.entry").count() == 3
    assert page.locator("ol.strip > li").count() == 3
    shot(page, "timeline")

    # The diff of the latest change: the rewritten paragraph's words are marked.
    page.locator("a", has_text="Compare with version 2").click()
    page.wait_for_url("**/diff?*")
    inserted = " ".join(page.locator("ins").all_inner_texts())
    deleted = " ".join(page.locator("del").all_inner_texts())
    assert "corrigé" in inserted and deleted.strip()
    shot(page, "diff")

    # Back to the first change, then one key to the next one.
    page.goto(page.url.replace("to=3", "to=2").replace("from=2", "from=1"))
    assert "réécrit" in " ".join(page.locator("ins").all_inner_texts())
    page.locator("main").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**to=3*")
    assert "corrigé" in " ".join(page.locator("ins").all_inner_texts())

    # The raw capture: shown for evidence, its scripts never run.
    page.go_back()
    page.goto(served.url + page.url.split("/", 3)[3].replace("diff?", "page?", 1).split("&")[0])
    page.locator("a", has_text="Raw capture").first.click()
    page.wait_for_load_state("load")
    assert page.locator("iframe[sandbox]").count() == 1

    # In French.
    page.goto(served.url)
    page.locator("a.lang-switch").click()
    page.wait_for_url("**lang=fr*")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "L’archive en un coup d’œil"

    assert watch.dialogs == [] and watch.foreign == [] and watch.errors == []
    context.close()


def test_archived_scripts_never_run_in_the_reading_room(browser, tmp_path):
    url = build_hostile_archive(tmp_path / "archive.sqlite")
    served = Served("--db", url)
    try:
        context = browser.new_context(viewport={"width": 360, "height": 800})
        page = context.new_page()
        watch = Watch(page, origin_of(served.url))
        for path in ("", "pages", f"page?url={HOSTILE_URL}"):
            page.goto(served.url + path)
            page.wait_for_load_state("load")
        page.locator("a", has_text="Raw capture").first.click()
        page.wait_for_load_state("load")
        frame = page.frame_locator("iframe[sandbox]")
        assert frame.locator("h1").inner_text() == "Note"
        for path in ("diff?url=" + HOSTILE_URL + "&from=1&to=2", "version?url=" + HOSTILE_URL + "&version=2"):
            page.goto(served.url + path)
            page.wait_for_load_state("load")
        assert watch.dialogs == [], watch.dialogs
        assert watch.foreign == [], watch.foreign
        context.close()
    finally:
        assert served.stop() == 0
