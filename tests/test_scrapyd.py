"""Deploying to a real Scrapyd on 127.0.0.1 and scheduling a crawl of the local copy through its HTTP API."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # deploys to a real Scrapyd and crawls

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            api(base, "daemonstatus.json")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("scrapyd did not start")
            time.sleep(0.3)
    yield base, home
    process.terminate()
    process.wait(timeout=30)


def test_deploy_schedule_and_archive(site, scrapyd, tmp_path):
    base, home = scrapyd
    site.state.reset()
    # scrapyd-deploy reads its target from scrapy.cfg files; the user-level one points at this Scrapyd
    config_home = tmp_path / "config"
    config_home.mkdir()
    (config_home / "scrapy.cfg").write_text(f"[deploy:test]\nurl = {base}/\nproject = cess_archive\n", encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home)}
    deploy = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test", "--version", "r1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert api(base, "listspiders.json?project=cess_archive")["spiders"] == ["site"]

    db_path = tmp_path / "archive.sqlite"
    job = api(
        base,
        "schedule.json",
        [
            ("project", "cess_archive"),
            ("spider", "site"),
            ("base_url", site.base_url),
            ("setting", f"ARCHIVE_DB_URL=sqlite:///{db_path}"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
        ],
    )
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        jobs = api(base, "listjobs.json?project=cess_archive")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the scheduled crawl did not finish")

    log = next((home / "logs" / "cess_archive" / "site").glob(f"{job['jobid']}.log")).read_text()
    with sqlite3.connect(db_path) as connection:
        run = connection.execute("SELECT status, new_pages, errors FROM runs").fetchone()
        pages = connection.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert run[0] == "finished", log[-3000:]
    assert run[1] == pages >= 30 and run[2] == 0
