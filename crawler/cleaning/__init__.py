"""The cleaning core: fetched HTML -> :class:`CleanRecord` (article text and stable metadata).

Pure functions, no Scrapy and no database::

    from crawler.cleaning import clean_html, decode_html
    record = clean_html(decode_html(body, content_type), url)

Modules: :mod:`.encoding` (bytes -> str), :mod:`.dom` (parsing), :mod:`.text` (normalisation and
blocks), :mod:`.metadata` with :mod:`.jsonld` and :mod:`.dates` (head metadata), :mod:`.wix` (Wix
post and page rules), :mod:`.generic` (trafilatura fallback), :mod:`.language` (langdetect),
:mod:`.clean` (the pipeline), :mod:`.record` (the record and :data:`EXTRACTOR_VERSION`).
"""

from .clean import clean_html
from .encoding import decode_html
from .record import EXTRACTOR_VERSION, CleanRecord

__all__ = ["EXTRACTOR_VERSION", "CleanRecord", "clean_html", "decode_html"]
