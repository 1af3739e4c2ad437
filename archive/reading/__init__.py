"""Reading the archive: the one read API of the command line, the exports and a web interface.

Every function takes the caller's ``session`` (and opens none), only reads, and returns plain frozen data,
never ORM rows. What it cannot find is :class:`NotFound`, whose message is one line for the user.

- pages (``pages``, ``lookup``, ``timeline``): :func:`lookup_page` / :func:`resolve_page` find a page from
  any form of its URL; :func:`timeline` gives its versions, events, aliases, translations and captures;
  :func:`get_version` one version with its provenance; :func:`raw_capture` the raw bytes it was extracted
  from; :func:`diff_versions` what changed between two versions.
- changes (``changes``): :func:`change_list` the events of a run or since a date; :func:`change_page` those a
  :class:`ChangeQuery` asks for (filtered, newest first, a page of results with their total);
  :func:`event_versions` the versions an event compares, :func:`version_pair` the two a diff compares;
  :func:`change_feed` the stable identity of the Atom feeds, whose entries ``feeds`` writes.
- evidence (``evidence``, ``mementos``): :func:`get_capture` and :func:`capture_body` one capture and its
  raw body; :func:`version_row` one version as ``export`` writes it; :func:`mementos` a page's versions in
  time and :func:`version_at` the one current at an instant (Memento).
- runs (``runs``): :func:`list_runs`, :func:`get_run` (with its errors), :func:`latest_run_id`,
  :func:`source_names`.
- exports (``selection``): a :class:`Selection` of versions, streamed as rows of plain columns
  (:func:`records`, :func:`captures`…), and the crawl period and origins that describe a dataset.

Raw bodies are decoded by ``archive.raw``; the latest version of a page is ``archive.models.latest_number``.
"""

from .changes import (
    ChangeEvent,
    ChangeList,
    ChangePage,
    ChangeQuery,
    Feed,
    VersionPair,
    change_feed,
    change_list,
    change_page,
    event_versions,
    version_pair,
)
from .evidence import CaptureEvidence, capture_body, capture_row, get_capture, version_row
from .lookup import PageLookup, UrlForm, looks_like_path, lookup_page, resolve_page, url_form
from .mementos import Memento, mementos, version_at
from .pages import (
    CaptureInfo,
    KnownPage,
    NotFound,
    PageInfo,
    VersionDiff,
    VersionInfo,
    diff_versions,
    get_version,
    known_pages,
    raw_capture,
)
from .runs import RunInfo, get_run, last_run, latest_run_id, list_runs, source_names
from .selection import (
    Selection,
    captured_records,
    captures,
    count_captures,
    count_records,
    crawl_period,
    records,
    run_origins,
    uncaptured_records,
)
from .timeline import Timeline, timeline

__all__ = [
    "CaptureEvidence",
    "CaptureInfo",
    "ChangeEvent",
    "ChangeList",
    "ChangePage",
    "ChangeQuery",
    "Feed",
    "KnownPage",
    "Memento",
    "NotFound",
    "PageInfo",
    "PageLookup",
    "RunInfo",
    "Selection",
    "Timeline",
    "UrlForm",
    "VersionDiff",
    "VersionInfo",
    "VersionPair",
    "capture_body",
    "capture_row",
    "captured_records",
    "captures",
    "change_feed",
    "change_list",
    "change_page",
    "count_captures",
    "count_records",
    "crawl_period",
    "diff_versions",
    "event_versions",
    "get_capture",
    "get_run",
    "get_version",
    "known_pages",
    "last_run",
    "latest_run_id",
    "list_runs",
    "looks_like_path",
    "lookup_page",
    "mementos",
    "raw_capture",
    "records",
    "resolve_page",
    "run_origins",
    "source_names",
    "timeline",
    "uncaptured_records",
    "url_form",
    "version_at",
    "version_pair",
    "version_row",
]
