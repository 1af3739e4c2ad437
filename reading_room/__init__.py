"""The reading room: a read-only web interface to the archive, for archivists (``cess-archive serve``).

Server-rendered HTML pages, each with a JSON twin under ``/api/``, Atom feeds, Memento (RFC 7089) routes
and raw captures, all read through the one read API (``archive.reading``). The application is built by
:func:`create_app`; ``reading_room.asgi:app`` is the same for an ASGI server (uvicorn, gunicorn).
"""

from .app import create_app

__all__ = ["create_app"]
