"""``cess-archive serve``: the reading room (``reading_room``) on an archive, read-only, over HTTP."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from .access import DB_HELP, open_archive
from .errors import EXIT_CANNOT_RUN, EXIT_USAGE, CliError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8023


class _Server(uvicorn.Server):
    """uvicorn's server, for which Ctrl-C or SIGTERM is the normal end of serving (exit status 0), not a signal
    to raise again once it has shut down gracefully."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: a free one), or a one-line error."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise CliError(f"--host: cannot use {host!r}: {exc}", EXIT_USAGE) from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_CANNOT_RUN) from None
    sock.set_inheritable(True)
    return sock


def _shown_url(sock: socket.socket, host: str, base_path: str) -> str:
    bound_host, bound_port = sock.getsockname()[:2]
    shown = host if host not in ("0.0.0.0", "::", "") else bound_host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{bound_port}{base_path}/"


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (127.0.0.1: this machine only)."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0: any free port; the URL printed tells which).",
)
@click.option(
    "--base-path",
    default="",
    metavar="PATH",
    help="Serve under this path (e.g. /archive) when a reverse proxy passes it on unchanged.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (several serve more readers at once).",
)
@click.option(
    "--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="warning", show_default=True
)
def serve(db, host, port, base_path, workers, log_level):
    """Serve the reading room: the archive in a web browser, read-only (the archive is never changed, and a
    crawl may write to it meanwhile). Prints the URL, then serves until interrupted (Ctrl-C)."""
    from archive.db import DB_ENV_VAR
    from reading_room.app import BASE_PATH_ENV_VAR, create_app, normalize_base_path

    if any(ch in base_path for ch in "?#\\ ") or len(base_path) > 200:
        raise CliError(f"--base-path expects a path such as /archive, got {base_path!r}")
    base_path = normalize_base_path(base_path)
    engine = open_archive(db, must_exist=True, read_only=True)
    sock = _bind(host, port)
    url = _shown_url(sock, host, base_path)
    click.echo(f"Reading room on {url} (read-only; Ctrl-C to stop)", err=False)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if workers == 1:
        app = create_app(engine, base_path=base_path)
        config = uvicorn.Config(app, log_level=log_level, access_log=log_level in ("debug", "info"), lifespan="off")
        _Server(config).run(sockets=[sock])
        engine.dispose()
        return
    engine.dispose()
    os.environ[DB_ENV_VAR] = db if db is not None else os.environ.get(DB_ENV_VAR, "")
    os.environ[BASE_PATH_ENV_VAR] = base_path
    config = uvicorn.Config(
        "reading_room.asgi:app",
        workers=workers,
        log_level=log_level,
        access_log=log_level in ("debug", "info"),
        lifespan="off",
    )
    Multiprocess(config, sockets=[sock]).run()
