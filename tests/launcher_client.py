"""The test side of :mod:`tests.launcher`: starts it, sends it one crawl at a time, collects the result."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from tests.conftest import Result

START_TIMEOUT_S = 120.0  # imports on a busy machine


class Launcher:
    """A :mod:`tests.launcher` process, started on first use and again if it died."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process: subprocess.Popen | None = None
        self.replies: queue.Queue[str] = queue.Queue()

    def _start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(self.root)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.launcher"],
            cwd=self.root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.replies = queue.Queue()
        threading.Thread(target=self._read, args=(self.process, self.replies), daemon=True).start()
        self._reply("ready", START_TIMEOUT_S)

    @staticmethod
    def _read(process: subprocess.Popen, replies: queue.Queue) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            replies.put(line)
        replies.put("")  # the launcher ended

    def _reply(self, key: str, timeout: float) -> int:
        line = self.replies.get(timeout=timeout)
        if not line:
            raise RuntimeError("the crawl launcher ended unexpectedly (see the test's stderr)")
        return int(json.loads(line)[key])

    def run(self, args: list[str], env: dict[str, str], timeout: float) -> Result:
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.process is not None and self.process.stdin is not None
        with tempfile.TemporaryDirectory(prefix="crawl-output-") as directory:
            out, err = Path(directory, "stdout"), Path(directory, "stderr")
            request = {"args": args, "env": env, "cwd": os.getcwd(), "stdout": str(out), "stderr": str(err)}
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            pid = self._reply("pid", START_TIMEOUT_S)
            try:
                status = self._reply("status", timeout)
            except queue.Empty:
                os.kill(pid, signal.SIGKILL)
                self._reply("status", START_TIMEOUT_S)
                raise subprocess.TimeoutExpired(["cess-archive", *args], timeout) from None
            return Result(status, _text(out), _text(err))

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace") if path.exists() else ""
