"""``make demo``: the whole job, offline, against the local copy of the site.

Serves the copy on 127.0.0.1 and crawls it with the real ``cess-archive`` command. Then it changes the site
the way Wix does (a new build, a republished post: template only) and the way an editor does (an edited
paragraph, a new title, a deleted post, a renamed slug, a new post), and crawls again. It shows what the
archivists' commands report, exports, and ends with a short summary: pages, versions, where the archive
and the export are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.site import SEED_000_SLUG, SEED_001_SLUG, LocalSite
from tests.site.content_posts import DRONES, LNG_TERMINALS, SPACE

DEMO_DIR = Path("data") / "demo"
CLI = str(Path(sys.executable).with_name("cess-archive"))
LOCAL = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--log-level", "WARNING"]


def cess(*args: str) -> str:
    print("$ cess-archive " + " ".join(args), flush=True)
    proc = subprocess.run([CLI, *args], capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"demo: 'cess-archive {args[0]}' exited with {proc.returncode}")
    return proc.stdout


def main() -> None:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    db = f"sqlite:///{DEMO_DIR / 'archive.sqlite'}"
    export_path = DEMO_DIR / "export.jsonl"
    with LocalSite() as site:
        print(f"local copy of the site at {site.base_url}\n")
        cess("crawl", "--base-url", site.base_url, "--db", db, *LOCAL)
        print(
            "\nthe site changes: a new Wix build and a republished post (template only), an edited "
            "paragraph, a new title, a deleted post, a renamed slug, a new post\n"
        )
        state = site.state
        state.rebuild()
        state.republish(SEED_001_SLUG)
        state.edit_paragraph(SEED_000_SLUG, 2, "Paragraphe modifié par la rédaction pour la démonstration.")
        state.set_title(SPACE.slug, "Espace : la guerre des satellites est déjà là")
        state.delete_post(LNG_TERMINALS.slug)
        state.rename_post(DRONES.slug, "drones-et-infrastructures-critiques")
        state.add_post(
            "note-de-conjoncture-hiver-2026",
            "Note de conjoncture : hiver 2026",
            [
                "Le Centre publie sa note de conjoncture sur les menaces de l’hiver 2026.",
                "Trois tendances se dégagent : pression hybride, cybercriminalité, ingérences.",
            ],
        )
        cess("crawl", "--base-url", site.base_url, "--db", db, *LOCAL)
        edited = site.url(f"/post/{SEED_000_SLUG}")
    print()
    cess("changes", "--db", db)
    print()
    cess("history", edited, "--db", db)
    print()
    cess("diff", edited, "--db", db)
    print()
    cess("export", "--format", "jsonl", "--output", str(export_path), "--db", db, "--all-versions", "--include-removed")
    cess("runs", "--db", db)
    records = [json.loads(line) for line in export_path.read_text(encoding="utf-8").splitlines()]
    pages = {r["url"] for r in records}
    kinds = {k: sum(1 for r in records if r["kind"] == k and r["version"] == 1) for k in ("article", "page")}
    print("\nsummary")
    removed = len({r["url"] for r in records if r["status"] == "removed"})
    print(f"  pages:    {len(pages)} ({kinds['article']} articles, {kinds['page']} pages; {removed} removed since)")
    print(f"  versions: {len(records)} ({len(records) - len(pages)} made by edits since the first crawl)")
    print(f"  archive:  {DEMO_DIR / 'archive.sqlite'}")
    print(f"  export:   {export_path} (every version, removed pages too, one JSON record a line)")
    print(
        f"\nthe reading room on this archive: run 'make serve-demo' (or 'cess-archive serve --db {db}'), "
        "then open http://127.0.0.1:8023/"
    )


if __name__ == "__main__":
    main()
