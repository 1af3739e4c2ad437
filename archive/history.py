"""Kept while ``cess_archive/reprocessing.py`` imports :func:`latest_capture` from here: it is in
``archive.store`` now, and the archive's reads are in ``archive.reading``. Delete this module once
reprocessing imports it from the store."""

from .store import latest_capture

__all__ = ["latest_capture"]
