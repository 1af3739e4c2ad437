"""The reading room as an ASGI application object, for an ASGI server run by hand:

    CESS_ARCHIVE_DB=sqlite:////srv/archive.sqlite uvicorn reading_room.asgi:app --workers 4

The archive is ``$CESS_ARCHIVE_DB`` (else the default archive), opened read-only; ``$CESS_ARCHIVE_BASE_PATH``
is the path the reading room answers under (as ``serve --base-path``).
"""

from __future__ import annotations

import os

from archive import make_engine

from .app import BASE_PATH_ENV_VAR, create_app

app = create_app(
    make_engine(os.environ.get("CESS_ARCHIVE_DB") or None, read_only=True),
    base_path=os.environ.get(BASE_PATH_ENV_VAR, ""),
)
