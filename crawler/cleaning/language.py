"""Language detection of the cleaned text with langdetect, made deterministic.

``DetectorFactory.seed = 0`` is set once, at import: langdetect draws random n-gram samples, and with
a fixed seed the same text gives the same language and probability in every run and process.
The declared language of a page (``<html lang>``) is not trusted here: untranslated French copies
under ``/de/`` declare ``de``.
"""

from __future__ import annotations

import threading

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

#: Below this many characters the text alone is a poor sample: title and description are added.
SHORT_TEXT = 200
_LOCK = threading.Lock()  # langdetect loads its profiles lazily into a global factory


def detect_language(
    text: str, title: str | None = None, description: str | None = None
) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability rounded to 4 places) of ``text``, ``(None, None)`` without text."""
    if not text or not text.strip():
        return None, None
    sample = text
    if len(text) < SHORT_TEXT:
        sample = "\n".join(part for part in (title, description, text) if part)
    try:
        with _LOCK:
            DetectorFactory.seed = 0
            candidates = detect_langs(sample)
    except LangDetectException:
        return None, None
    if not candidates:
        return None, None
    best = candidates[0]
    code = str(best.lang).split("-", 1)[0].lower()  # "zh-cn" -> "zh"
    return code, round(float(best.prob), 4)
