"""``make screenshots``: the README's pictures of the reading room, taken in Chromium on the demo archive
(``make demo`` makes it) and written to ``docs/screenshots/``."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.test_serve_command import Served

DEMO = Path("data") / "demo" / "archive.sqlite"
OUT = Path("docs") / "screenshots"
SIZE = {"width": 1000, "height": 760}


def main() -> None:
    if not DEMO.exists():
        sys.exit(f"{DEMO} is missing: run 'make demo' first")
    OUT.mkdir(parents=True, exist_ok=True)
    served = Served("--db", str(DEMO))
    try:
        with urllib.request.urlopen(served.url + "api/changes?kind=edited", timeout=30) as response:
            edited = json.load(response)["events"][0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport=SIZE)
            page.goto(served.url)
            page.screenshot(path=str(OUT / "home.png"))
            page.goto(served.url + "page?url=" + urllib.request.quote(edited["url"], safe=""))
            page.locator("#strip-h").scroll_into_view_if_needed()
            page.screenshot(path=str(OUT / "timeline.png"))
            number = edited["version"]
            page.goto(
                f"{served.url}diff?url={urllib.request.quote(edited['url'], safe='')}&from={number - 1}&to={number}"
            )
            page.get_by_role("heading", name="Metadata").evaluate("heading => heading.scrollIntoView()")
            page.screenshot(path=str(OUT / "diff.png"))
            browser.close()
    finally:
        served.stop()
    for name in ("home", "timeline", "diff"):
        print(f"{OUT / name}.png: {(OUT / f'{name}.png').stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
