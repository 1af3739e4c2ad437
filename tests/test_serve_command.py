"""``cess-archive serve`` as operators run it: the real console script and uvicorn on a free port, read-only
(a file it cannot write, a crawl writing meanwhile), under a base path, and its one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CLI, FAST, archive_digest, one_line_error, run_console_script
from tests.test_archive_access import _as_nobody


class Served:
    """A ``cess-archive serve`` process, with the URL it printed."""

    def __init__(self, *args: str, prefix: list[str] | None = None, cwd: Path | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
        env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(
            [*(prefix or []), CLI, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        if not line or not line[0]:
            self.proc.kill()
            raise AssertionError(f"serve printed no URL: {self.proc.stderr.read()}")
        self.line = line[0].strip()
        self.url = self.line.split(" on ", 1)[1].split(" ", 1)[0]

    def get(self, path: str) -> tuple[int, dict, bytes]:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, path: str):
        status, _, body = self.get(path)
        assert status == 200, (path, status, body[:300])
        return json.loads(body)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(30)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()


def test_serve_prints_its_url_and_serves_the_archive_read_only(archive_copy):
    digest = archive_digest(archive_copy)
    served = Served("--db", str(archive_copy))
    try:
        assert served.line.startswith("Reading room on http://127.0.0.1:") and "read-only" in served.line
        status, headers, body = served.get("/")
        assert status == 200 and b"Reading room" in body
        assert "default-src 'self'" in headers["content-security-policy"]
        summary = served.json("/api/summary")
        assert summary["pages"] > 30 and summary["runs"] == 1
        request = urllib.request.Request(served.url + "pages", method="POST", data=b"x=1")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 405
    finally:
        assert served.stop() == 0
    assert archive_digest(archive_copy) == digest


def test_serve_works_on_a_file_it_cannot_write(archived):
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root and neither setpriv nor runuser is installed: cannot drop privileges")
    top = Path(tempfile.mkdtemp(prefix="cess-serve-"))
    try:
        top.chmod(0o755)
        directory = top / "archive"
        directory.mkdir()
        path = directory / "archive.sqlite"
        shutil.copyfile(archived, path)
        path.chmod(0o444)
        directory.chmod(0o555)
        served = Served("--db", str(path), prefix=prefix, cwd=top)
        try:
            assert served.json("/api/summary")["pages"] > 30
            assert served.get("/pages")[0] == 200
        finally:
            assert served.stop() == 0
        assert sorted(p.name for p in directory.iterdir()) == ["archive.sqlite"]
    finally:
        (top / "archive").chmod(0o755)
        shutil.rmtree(top)


def test_serve_answers_while_a_crawl_writes_to_the_archive(fresh_site, archive_copy):
    served = Served("--db", str(archive_copy))
    try:
        before = served.json("/api/runs")["total"]
        crawl = subprocess.Popen(
            [CLI, "crawl", "--base-url", fresh_site.base_url, "--db", str(archive_copy), *FAST],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        statuses, polls_while_crawling, saw_running = [], 0, False
        while crawl.poll() is None:
            for path in ("/api/summary", "/pages", "/api/runs"):
                status, _, body = served.get(path)
                statuses.append(status)
                if path == "/api/runs" and status == 200:
                    saw_running |= any(run["status"] == "running" for run in json.loads(body)["runs"])
            polls_while_crawling += 1
        assert crawl.wait() == 0, crawl.stderr.read()
        crawl.stderr.close()
        assert set(statuses) == {200}
        assert polls_while_crawling >= 1
        after = served.json("/api/runs")
        assert after["total"] == before + 1 and after["runs"][0]["status"] == "finished"
        print(f"{polls_while_crawling} rounds of requests during the crawl; saw it running: {saw_running}")
    finally:
        assert served.stop() == 0


def test_serve_under_a_base_path(archive_copy):
    served = Served("--db", str(archive_copy), "--base-path", "/archive/")
    try:
        assert served.url.endswith("/archive/")
        status, _, body = served.get("")
        assert status == 200
        html = body.decode()
        assert 'href="/archive/pages"' in html and 'href="/archive/static/style.css"' in html
        assert 'href="/pages"' not in html
        root = served.url.split("/archive/")[0]
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(root + "/pages", timeout=30)
        assert outside.value.code == 404
        assert served.get("/pages?status=removed")[0] == 200
    finally:
        assert served.stop() == 0


def test_serve_with_several_workers(archive_copy):
    served = Served("--db", str(archive_copy), "--workers", "2")
    try:
        assert served.json("/api/pages?limit=1")["total"] > 30
    finally:
        assert served.stop() == 0


def test_serve_errors_are_one_line(tmp_path, archive_copy):
    missing = run_console_script("serve", "--db", str(tmp_path / "nothing.sqlite"), "--port", "0")
    assert "run 'cess-archive crawl' first" in one_line_error(missing, 2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = run_console_script("serve", "--db", str(archive_copy), "--port", str(port))
    assert f"cannot listen on 127.0.0.1:{port}" in one_line_error(busy, 3)
    elsewhere = run_console_script("serve", "--db", str(archive_copy), "--host", "192.0.2.1", "--port", "0")
    assert "cannot listen on 192.0.2.1:0" in one_line_error(elsewhere, 3)  # an address of no interface here
    bad_path = run_console_script("serve", "--db", str(archive_copy), "--base-path", "/a?b", "--port", "0")
    assert "--base-path expects a path" in one_line_error(bad_path, 2)
