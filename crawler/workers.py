"""Extraction outside the reactor: a pool of worker processes with a hard timeout per page.

Cleaning is CPU work that can take long on pathological HTML. Running it in worker processes keeps the
Twisted reactor (downloads, scheduling, storage) responsive, uses the machine's cores, and lets a page that
takes too long be abandoned: its worker is killed and replaced, and the page is recorded as failed.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessPool
from pebble.common import ProcessExpired

from .extraction import Extraction, extract

logger = logging.getLogger(__name__)

MAX_TASKS_PER_WORKER = 500  # recycle workers now and then: bounded memory over a long crawl
WARM_UP_PAGE = ("<html lang='fr'><body><article><p>Le Centre publie une note sur la sécurité européenne."
                "</p></article></body></html>").encode()


class ExtractionPool:
    """``await pool.extract(body, content_type, url)`` runs :func:`extract` in a worker process.

    With ``workers=0`` the extraction runs in this process (no timeout): for debugging.
    """

    def __init__(self, workers: int, timeout: float):
        self.workers = workers
        self.timeout = timeout
        # Loaded once here, before the workers fork, so that no page pays for loading the language profiles.
        extract(WARM_UP_PAGE, "text/html; charset=utf-8", "http://localhost/")
        self._pool = ProcessPool(max_workers=workers, max_tasks=MAX_TASKS_PER_WORKER) if workers > 0 else None

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
