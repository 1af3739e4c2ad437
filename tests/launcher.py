"""Crawls for the tests, each in a process of its own, forked from a process that has already imported them.

A crawl runs Scrapy's reactor, which starts once per process, so every test crawl needs a new process. A
new interpreter spends most of a short test crawl importing Scrapy, Twisted, trafilatura and SQLAlchemy and
loading the language profiles (about 2 s of a 4 s crawl of the local site). The launcher does that once: it
is a plain single-threaded Python process that imports what a crawl imports, then forks one child per crawl.
The child sets the environment, working directory and standard streams it is given and runs the console
script's entry point (``cess_archive.cli.main``) with the crawl's arguments, then exits the way the
interpreter would (exit handlers run, streams flushed). Scrapy, the extraction workers, the archive and the
crawl lock all work as in a crawl started from a shell; tests that signal or kill a crawl start the console
script themselves.

Protocol, one request at a time over the launcher's standard streams: a JSON line
``{"args": [...], "env": {...}, "cwd": "...", "stdout": PATH, "stderr": PATH}`` in; a JSON line
``{"pid": N}`` when the child started, then ``{"status": N}`` when it ended.
"""

from __future__ import annotations

import json
import os
import sys

# What a crawl imports: the command line, Scrapy and Twisted, the spider, the pipelines and the cleaning.
PRELOADED = ("cess_archive.cli", "crawler.runner", "crawler.pipelines", "crawler.spiders.site")


def _prepare() -> None:
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)
    from crawler.cleaning.clean import clean_html
    from crawler.workers import WARM_UP_PAGE

    clean_html(WARM_UP_PAGE.decode(), "https://warm-up.invalid/")  # language profiles, trafilatura's caches


def _child(request: dict) -> None:
    """Runs in the forked child: becomes the crawl's process, then exits."""
    import atexit
    import logging

    status = 70  # EX_SOFTWARE: the child failed before the entry point returned
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout.reconfigure(line_buffering=True)
        sys.stderr.reconfigure(line_buffering=True)
        sys.argv = ["cess-archive", *request["args"]]
        from cess_archive.cli import main

        status = main(list(request["args"]))
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - reported on the crawl's stderr, as an interpreter would
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        try:
            atexit._run_exitfuncs()
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


def serve() -> None:
    _prepare()
    replies = sys.stdout
    print(json.dumps({"ready": os.getpid()}), file=replies, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(json.dumps({"pid": pid}), file=replies, flush=True)
        _, wait_status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(wait_status)}), file=replies, flush=True)


if __name__ == "__main__":
    serve()
