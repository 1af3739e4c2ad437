"""Serves the local copy of the site until interrupted, to look at it in a browser or with curl.

python -m tests.site [--port 8765]
"""

from __future__ import annotations

import argparse
import contextlib
import threading

from .server import LocalSite


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.site", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    arguments = parser.parse_args()
    with LocalSite(port=arguments.port) as site:
        print(f"Local copy of the CESS site on {site.base_url} (alias {site.alias_url}); Ctrl-C to stop.")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
