"""Builders and helpers shared by the export tests (``tests/test_export_*.py``, ``tests/test_dataset.py``)
and the export benchmark (``benchmarks/exports.py``).

- Reading exports back: JSONL, the JSON Schema validator, ``warcio index``/``warcio check``, WARC metadata
  records, and pandas frames loaded from each format as its documentation says.
- ``build_site_archive``: the local copy of the site crawled through several states (the session fixture
  ``site_archive`` in ``tests/conftest.py`` builds it once per worker).
- ``make_large_archive``/``build_large_archives``: generated archives (plain SQL inserts) for memory and
  interruption tests, and ``run_measured`` for an export's peak RSS.
- ``start_export``/``wait_for_part``/``run_on_terminal``: exports in a process of their own.
- ``HandMade``: small archives written by hand, for what the site cannot show.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pty
import random
import select
import sqlite3
import struct
import subprocess
import termios
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import CLI, cess, crawl, path_of
from tests.site import content as site_content

WARCIO = str(Path(CLI).with_name("warcio"))
EVERYTHING = ("--all-versions", "--include-removed", "--include-duplicates")
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------- reading exports


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def export_file(db_url: str, out: Path, fmt: str, *args: str) -> Path:
    result = cess("export", "--format", fmt, "--output", str(out), "--db", db_url, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("exported ") and "sha256" in result.stdout, result.stdout
    return out


def export_jsonl(db_url: str, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / f"sel-{len(list(tmp_path.glob('sel-*')))}.jsonl"
    return read_jsonl(export_file(db_url, out, "jsonl", *args))


def keys(records: list[dict]) -> list[tuple[str, int, str]]:
    return [(path_of(r["url"]), r["version"], r["status"]) for r in records]


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_validator():
    from jsonschema import Draft202012Validator

    from exports.schema import json_schema

    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def warc_index(path: Path) -> list[dict]:
    fields = "warc-type,warc-target-uri,warc-date,warc-record-id,warc-refers-to,warc-payload-digest,http:status"
    proc = subprocess.run([WARCIO, "index", "-f", fields, str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True, timeout=300)


def warc_metadata(path: Path) -> dict[str, dict]:
    """The JSON records of the metadata records, by WARC-Refers-To (or record id when there is none)."""
    from warcio.archiveiterator import ArchiveIterator

    found = {}
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "metadata":
                key = record.rec_headers.get_header("WARC-Refers-To") or record.rec_headers.get_header("WARC-Record-ID")
                found.setdefault(key, []).append(json.loads(record.content_stream().read()))
    return found


# pandas: each format loaded as its documentation says, must give the same frame.


def frame_from_jsonl(path: Path):
    import pandas as pd

    from exports.records import DATETIME_FIELDS
    from exports.schema import pandas_dtypes

    frame = pd.read_json(path, lines=True, dtype=pandas_dtypes())
    for column in DATETIME_FIELDS:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.as_unit("us")
    return frame


def frame_from_parquet(path: Path):
    import pandas as pd

    from exports.records import OBJECT_FIELDS

    frame = pd.read_parquet(path)
    for column in OBJECT_FIELDS:
        frame[column] = frame[column].map(json.loads)
    return frame


def frame_from_csv(path: Path):
    import pandas as pd

    from exports.records import DATETIME_FIELDS, OBJECT_FIELDS
    from exports.schema import pandas_dtypes

    frame = pd.read_csv(
        path,
        dtype=pandas_dtypes() | dict.fromkeys(OBJECT_FIELDS, "str"),
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )
    for column in DATETIME_FIELDS:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").dt.as_unit("us")
    for column in OBJECT_FIELDS:
        frame[column] = frame[column].map(json.loads)
    return frame


# ----------------------------------------------------------------------------------- the local copy


@dataclass
class SiteArchive:
    db_url: str
    db_path: Path
    t1: datetime  # after run 1 (initial state)
    t2: datetime  # after run 2 (seed 000 edited, post X removed)
    t3: datetime  # after run 3 (seed 000 edited again, seed 001 retitled, X restored, Z removed)
    snapshots: dict  # exports made right after runs 1 and 2: (label, time) -> path
    seed0: str
    seed1: str
    removed_then_restored: str  # X
    removed: str  # Z
    copy: str  # the untranslated /de/ copy


def plain_posts(site) -> list[str]:
    """Posts with no translation and no untranslated copy (deleting them touches nothing else)."""
    copied = {copy.target for copy in site.state.copies()}
    seeds = {post.slug for post in site_content.SEED_POSTS.values()}
    return [
        post.slug
        for post in site.state.live_posts()
        if post.slug not in copied and post.slug not in seeds and not site.state.translations(post)
    ]


def build_site_archive(site, tmp: Path) -> SiteArchive:
    """The local copy crawled in ``tmp`` through three states, with exports made right after runs 1 and 2.

    Run 1: the initial state. Run 2: seed 000 edited, post X removed. Run 3: seed 000 edited again, seed 001
    retitled, X restored, Z removed. The site is back in its initial state afterwards.
    """
    db_path = tmp / "archive.sqlite"
    db_url = f"sqlite:///{db_path}"
    site.state.reset()
    site.state.clear_faults()
    seed0 = site_content.SEED_POSTS["000"].slug
    seed1 = site_content.SEED_POSTS["001"].slug
    x, z = plain_posts(site)[-2:]
    snapshots = {}

    def crawl_ok():
        result = crawl(site, db_url)
        assert result.exit_code == 0, result.output
        return datetime.now(UTC)

    def snapshot(label: str):
        snapshots[label, "latest"] = export_file(db_url, tmp / f"{label}-latest.jsonl", "jsonl")
        snapshots[label, "all"] = export_file(db_url, tmp / f"{label}-all.jsonl", "jsonl", *EVERYTHING)

    try:
        t1 = crawl_ok()
        snapshot("t1")
        site.state.edit_paragraph(seed0, 2, "Un paragraphe réécrit par la rédaction après publication.")
        site.state.delete_post(x)
        t2 = crawl_ok()
        snapshot("t2")
        site.state.edit_paragraph(seed0, 3, "Un second paragraphe corrigé, plus tard.")
        site.state.set_title(seed1, "Kazakhstan : un titre revu par la rédaction")
        site.state.restore_post(x)
        site.state.delete_post(z)
        t3 = crawl_ok()
    finally:
        site.state.reset()
        site.state.clear_faults()
    copy = next(c.path for c in site.state.copies() if c.kind == "post")
    return SiteArchive(
        db_url, db_path, t1, t2, t3, snapshots, f"/post/{seed0}", f"/post/{seed1}", f"/post/{x}", f"/post/{z}", copy
    )


def db_rows(archive: SiteArchive, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(archive.db_path) as connection:
        return connection.execute(sql, params).fetchall()


# ------------------------------------------------------------------------- large generated archives


WORDS = [
    "sécurité",
    "défense",
    "européenne",
    "stratégie",
    "menace",
    "hybride",
    "cyber",
    "souveraineté",
    "numérique",
    "OTAN",
    "Sahel",
    "Baltique",
    "corridor",
    "résilience",
    "démocratie",
    "ingérence",
    "désinformation",
    "infrastructure",
    "critique",
    "énergie",
    "terrorisme",
    "renseignement",
    "diplomatie",
    "coopération",
    "doctrine",
    "dissuasion",
    "frontière",
    "maritime",
    "câbles",
    "satellite",
    "espace",
    "crime",
    "organisé",
    "ports",
    "trafic",
    "élargissement",
    "Balkans",
    "Arctique",
    "Kazakhstan",
]


def make_large_archive(path: Path, *, pages: int, versions_per_page: int = 2, text_chars: int = 2500) -> str:
    """An archive of ``pages`` articles with ``versions_per_page`` versions each, one capture per version
    (distinct raw bodies), written with plain inserts. Returns its URL."""
    from archive import make_engine
    from archive.models import Capture, Page, RawBlob, Run, Version
    from benchmarks.web_archive import Inserts

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    rng = random.Random(pages)
    with engine.connect() as connection:
        rows = Inserts(connection)
        rows.add(
            Run,
            {
                "id": 1,
                "source": "cess",
                "base_url": "https://www.example.org",
                "started_at": T0,
                "finished_at": T0 + timedelta(days=2),
                "status": "finished",
            },
        )
        number = 0
        for page_id in range(1, pages + 1):
            page_url = f"https://www.example.org/post/note-{page_id:06d}"
            first = T0 + timedelta(seconds=number + 1)
            last = T0 + timedelta(seconds=number + versions_per_page)
            rows.add(
                Page,
                {
                    "id": page_id,
                    "url": page_url,
                    "source": "cess",
                    "kind": "article",
                    "status": "live",
                    "first_seen": first,
                    "last_seen": last,
                    "translations": {},
                },
            )
            for version in range(1, versions_per_page + 1):
                number += 1
                at = T0 + timedelta(seconds=number)
                body_text = " ".join(rng.choices(WORDS, k=text_chars // 7))[:text_chars]
                body = f"<html><body><h1>Note {page_id}</h1><p>{body_text}</p></body></html>".encode()
                sha = hashlib.sha256(body).hexdigest()
                rows.add(
                    RawBlob, {"sha256": sha, "size": len(body), "compression": "zlib", "data": zlib.compress(body, 1)}
                )
                rows.add(
                    Capture,
                    {
                        "id": number,
                        "run_id": 1,
                        "page_id": page_id,
                        "requested_url": page_url,
                        "url": page_url,
                        "fetched_at": at,
                        "http_status": 200,
                        "headers": {"Content-Type": "text/html; charset=utf-8"},
                        "content_type": "text/html; charset=utf-8",
                        "raw_sha256": sha,
                        "extraction_status": "ok",
                        "version_id": number,
                    },
                )
                rows.add(
                    Version,
                    {
                        "id": number,
                        "page_id": page_id,
                        "number": version,
                        "content_sha256": hashlib.sha256(body_text.encode()).hexdigest(),
                        "title": f"Note {page_id}, version {version}",
                        "author": "Rédaction CESS",
                        "published": T0,
                        "modified": None,
                        "text": body_text,
                        "language": "fr",
                        "language_probability": 0.9999,
                        "declared_language": "fr",
                        "translations": {},
                        "extractor": "generated/1",
                        "reason": "crawl",
                        "first_seen": at,
                        "last_seen": at,
                        "run_id": 1,
                        "capture_id": number,
                    },
                )
            if rows.pending >= 12_000:
                rows.flush()
        rows.check()
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return url


# A small launcher process starts the export and reports its peak RSS: measured from the test process, a
# child's high-water mark would include the pages it shares with its (large) parent until it execs.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(*args: str) -> tuple[int, float, str]:
    """Runs the console script; returns its exit status, its peak RSS in MiB and its stderr."""
    import sys
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    with tempfile.TemporaryDirectory(prefix="cess-measure-") as tmp:
        report = Path(tmp) / "report"
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(report), CLI, *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        status, peak_kib = report.read_text().split()
    return int(status), int(peak_kib) / 1024, proc.stderr


@dataclass
class LargeArchives:
    small: str
    big: str
    big_path: Path
    big_versions: int
    big_text_mib: float


SMALL_PAGES = 500
BIG_PAGES = 5_000  # 10,000 versions: benchmarks/exports.py measures 30,000 and more


def build_small_archive(directory: Path) -> str:
    """A generated archive of 500 pages (1,000 versions) in ``directory``; returns its URL."""
    return make_large_archive(directory / "small.sqlite", pages=SMALL_PAGES, text_chars=3000)


def build_large_archives(directory: Path) -> LargeArchives:
    """The small archive and a big one (5,000 pages, 10,000 versions, over 25 MiB of text) in ``directory``."""
    small = build_small_archive(directory)
    big_path = directory / "big.sqlite"
    big = make_large_archive(big_path, pages=BIG_PAGES, text_chars=3000)
    with sqlite3.connect(big_path) as connection:
        query = "SELECT count(*), sum(length(CAST(text AS BLOB))) FROM versions"
        versions, text_bytes = connection.execute(query).fetchone()
    return LargeArchives(small, big, big_path, versions, text_bytes / 2**20)


# ---------------------------------------------------------------- exports in a process of their own


def wait_for_part(directory: Path, prefix: str, proc: subprocess.Popen, min_bytes: int = 1) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for candidate in directory.glob(f"{prefix}*.part"):
            size = (
                candidate.stat().st_size
                if candidate.is_file()
                else sum(p.stat().st_size for p in candidate.rglob("*") if p.is_file())
            )
            if size >= min_bytes:
                return candidate
        assert proc.poll() is None, "the export ended before it could be interrupted"
        time.sleep(0.005)
    raise AssertionError("no temporary output appeared")


def start_export(db_url: str, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    return subprocess.Popen(
        [CLI, "export", "--db", db_url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )


def run_on_terminal(*args: str) -> tuple[int, str, str]:
    """Runs the console script with stderr on a pseudo-terminal; returns status, stdout, terminal output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=60)
    return proc.returncode, stdout, b"".join(chunks).decode(errors="replace")


# ------------------------------------------------------------------------------- hand-made archives


class HandMade:
    """A small archive written through the archive's own functions, with events added by hand (as change
    tracking records them). ``target``: an SQLite file, or a database URL."""

    def __init__(self, target: Path | str) -> None:
        from archive import make_engine, make_sessionmaker, start_run

        self.path = target if isinstance(target, Path) else None
        self.url = f"sqlite:///{target}" if isinstance(target, Path) else target
        self.engine = make_engine(self.url)
        self.Session = make_sessionmaker(self.engine)
        with self.Session.begin() as session:
            self.run = start_run(session, "cess").id

    def put(self, page: str, text: str, at: datetime, body: bytes | None = None, title: str = "Note") -> None:
        from archive import Content, Fetched, record_capture

        fetched = Fetched(
            requested_url=page,
            url=page,
            status=200,
            body=body if body is not None else text.encode(),
            fetched_at=at,
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        content = Content(
            title=title,
            author="Rédaction CESS",
            published=T0,
            modified=None,
            text=text,
            language="fr",
            declared_language="fr",
            extractor="test/1",
        )
        with self.Session.begin() as session:
            record_capture(
                session, run_id=self.run, source="cess", kind="article", page_url=page, fetched=fetched, content=content
            )

    def event(self, page: str, kind: str, at: datetime, **details) -> None:
        """A removal, restoration or move of ``page``: its event row, and the page's new status or URL."""
        from sqlalchemy import insert, select, update

        from archive.models import Event, Page

        with self.engine.begin() as connection:
            page_id = connection.execute(select(Page.id).where(Page.url == page)).scalar_one()
            connection.execute(
                insert(Event).values(run_id=None, page_id=page_id, kind=kind, at=at, url=page, details=details)
            )
            if kind in ("removed", "restored"):
                connection.execute(
                    update(Page).where(Page.id == page_id).values(status="removed" if kind == "removed" else "live")
                )
            if kind == "moved":
                connection.execute(update(Page).where(Page.id == page_id).values(url=details["to_url"]))

    def close(self) -> None:
        self.engine.dispose()
