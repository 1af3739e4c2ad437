"""Extraction outside the reactor: a pool of worker processes with a hard timeout per page.

Cleaning is CPU work that can take long on pathological HTML. Running it in worker processes keeps the
Twisted reactor (downloads, scheduling, storage) responsive, uses the machine's cores, and lets a page that
takes too long be abandoned: its worker is killed and replaced, and the page is recorded as failed.

The workers are forked from the crawl's process after it has loaded the language profiles, so they start
ready to clean pages; a spawned (or forkserver) worker re-imports the crawler and reloads the profiles
(measured on a busy 2-core machine: first pages cleaned after ~2 s with fork, ~6 s with forkserver or
spawn). What a forked worker must not share with the crawl is taken care of where it lives: the archive's
crawl lock detaches itself in every forked child (:mod:`archive.locking`), so the lock is released the
moment the crawl's process dies. And a worker dies with the crawl's process: the kernel kills it then
(``PR_SET_PDEATHSIG``), even in the middle of a page, so no orphan goes on cleaning pages for nobody.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessPool
from pebble.common import ProcessExpired

from .extraction import Extraction, extract

logger = logging.getLogger(__name__)

MAX_TASKS_PER_WORKER = 500  # recycle workers now and then: bounded memory over a long crawl
WARM_UP_PAGE = (
    "<html lang='fr'><body><article><p>Le Centre publie une note sur la sécurité européenne."
    "</p></article></body></html>"
).encode()
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 0.2  # where the kernel cannot signal a parent's death, how often a worker checks


def _set_parent_death_signal() -> bool:
    """Asks Linux to SIGKILL this process when its parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:  # a dead parent's children are re-parented
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer, run in each worker before its first page: the worker ends when ``parent_pid`` (the
    crawl's process, which forked it) dies. On Linux the kernel kills it at once, whatever it is doing
    (the signal is tied to the thread that forked the worker: the one that created the pool, or the pool's
    manager thread for a replacement, which both live as long as the pool); elsewhere a thread checks
    every ``PARENT_POLL_SECONDS``."""
    if _set_parent_death_signal():
        if os.getppid() != parent_pid:  # the parent died before the signal was armed
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()


class ExtractionPool:
    """``await pool.extract(body, content_type, url)`` runs :func:`extract` in a worker process.

    With ``workers=0`` the extraction runs in this process (no timeout): for debugging.
    """

    def __init__(self, workers: int, timeout: float):
        self.workers = workers
        self.timeout = timeout
        # Loaded once here, before the workers fork, so that no page pays for loading the language profiles.
        extract(WARM_UP_PAGE, "text/html; charset=utf-8", "http://localhost/")
        self._pool = None
        if workers > 0:
            self._pool = ProcessPool(
                max_workers=workers,
                max_tasks=MAX_TASKS_PER_WORKER,
                context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            # The workers start now, forked by this thread (the one that opens the pipeline), rather than by
            # whichever thread schedules the first page: their parent-death signal is tied to this thread.
            self._pool.schedule(os.getpid)

    async def extract(self, body: bytes, content_type: str | None, url: str) -> Extraction:
        if self._pool is None:
            return extract(body, content_type, url)
        future = self._pool.schedule(extract, args=(body, content_type, url), timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            logger.error("extraction of %s took longer than %ss: abandoned", url, self.timeout)
            return Extraction(None, f"extraction timed out after {self.timeout:g}s")
        except ProcessExpired as exc:
            logger.error("extraction worker died on %s: %s", url, exc)
            return Extraction(None, f"extraction worker died (exit code {exc.exitcode})")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None
