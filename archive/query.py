"""Kept while ``crawler/spiders/site.py`` imports :func:`known_pages` from here: the archive's reads are in
``archive.reading``. Delete this module once the crawler imports them from there."""

from .reading.pages import KnownPage, known_pages

__all__ = ["KnownPage", "known_pages"]
