"""Read-only selections of versions for exports: latest, every version, as of a date, changed since.

A :class:`Selection` says which versions an export holds. :func:`records` streams them as rows of plain
columns (one row per version, ordered by URL then version number), and :func:`captures` the raw captures
behind those versions. Nothing here writes.

Semantics (the README's "Selections" section says the same for users):

- latest version of every page by default; every version with ``all_versions``;
- ``as_of``: the archive as it stood at that instant. Versions first seen after it do not exist yet; a
  page's status is the one its removal/restoration events give at that instant; its URL is the one it had
  before any later move; ``last_seen`` is the last capture that had confirmed the version by then;
  translations are those captured with the version.
- ``since`` (an instant) or ``since_run`` (a run id): only what changed after it. A version changed if it
  was first seen after the instant (or, for ``since_run``, was made by a later run, or by no run after the
  run ended); a page changed if it was removed, restored or moved after it, and then its latest version
  is selected even if its content is older. Confirmations of unchanged content are not changes.
- filters on the source, the kind and the detected language; removed pages and untranslated copies are
  left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, Select, and_, case, exists, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from ..content import ARCHIVE_ONLY_FIELDS, CONTENT_FIELDS, iso_utc
from ..models import Capture, Event, Page, RawBlob, Run, UTCDateTime, Version, latest_number

#: Events that change whether a page is on the site.
STATUS_EVENTS = ("removed", "restored")
#: Events that change a page without a new version, and so count as changes for ``since``.
PAGE_CHANGE_EVENTS = ("removed", "restored", "moved")


@dataclass(frozen=True)
class Selection:
    all_versions: bool = False
    as_of: datetime | None = None
    since: datetime | None = None
    since_run: int | None = None
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    include_removed: bool = False
    include_duplicates: bool = False

    def __post_init__(self) -> None:
        if self.since is not None and self.since_run is not None:
            raise ValueError("give since or since_run, not both")
        for name in ("as_of", "since"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime, got {value!r}")

    @property
    def incremental(self) -> bool:
        return self.since is not None or self.since_run is not None

    def describe(self) -> str:
        """The selection in words, for dataset READMEs and summaries."""
        parts = ["every version of every page" if self.all_versions else "the latest version of every page"]
        if self.as_of is not None:
            parts.append(f"as the archive stood at {_iso(self.as_of)}")
        if self.since is not None:
            parts.append(f"that changed after {_iso(self.since)}")
        if self.since_run is not None:
            parts.append(f"that changed after run {self.since_run}")
        for label, values in (("source", self.sources), ("kind", self.kinds), ("language", self.languages)):
            if values:
                parts.append(f"{label} {' or '.join(values)}")
        parts.append("including removed pages" if self.include_removed else "removed pages left out")
        parts.append("including untranslated copies" if self.include_duplicates else "untranslated copies left out")
        return ", ".join(parts)


def _iso(value: datetime) -> str:
    return iso_utc(value) or ""


def _changed_after(selection: Selection, at_column, run_column):
    """SQL condition: the row (a version, event or capture) happened after ``since`` / ``since_run``."""
    if selection.since is not None:
        return type_coerce(at_column, UTCDateTime) > selection.since
    run_end = (
        select(func.coalesce(Run.finished_at, Run.started_at)).where(Run.id == selection.since_run).scalar_subquery()
    )
    return or_(
        run_column > selection.since_run, and_(run_column.is_(None), at_column > type_coerce(run_end, UTCDateTime))
    )


def _page_changed(selection: Selection, page_id_column):
    """SQL condition: the page was removed, restored or moved after the ``since`` point."""
    condition = [
        Event.page_id == page_id_column,
        Event.kind.in_(PAGE_CHANGE_EVENTS),
        _changed_after(selection, Event.at, Event.run_id),
    ]
    if selection.as_of is not None:
        condition.append(Event.at <= selection.as_of)
    return exists(select(Event.id).where(*condition))


def _status_column(selection: Selection):
    if selection.as_of is None:
        return Page.status
    last = (
        select(Event.kind)
        .where(Event.page_id == Page.id, Event.kind.in_(STATUS_EVENTS), Event.at <= selection.as_of)
        .order_by(Event.at.desc(), Event.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case((last == "removed", literal("removed")), else_=literal("live"))


def _url_column(selection: Selection):
    if selection.as_of is None:
        return Page.url
    moved_from = (
        select(Event.details["from_url"].as_string())
        .where(Event.page_id == Page.id, Event.kind == "moved", Event.at > selection.as_of)
        .order_by(Event.at, Event.id)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(moved_from, Page.url)


def _last_seen_column(selection: Selection):
    if selection.as_of is None:
        return Version.last_seen
    confirmed = (
        select(func.max(Capture.fetched_at))
        .where(Capture.version_id == Version.id, Capture.fetched_at <= selection.as_of)
        .scalar_subquery()
    )
    return type_coerce(func.coalesce(confirmed, Version.first_seen), UTCDateTime)


def _records_query(selection: Selection) -> Select:
    """One row per selected version, with the columns an export record needs, ordered by URL then number.

    Columns: ``version_id``, ``page_id``, ``capture_id``, ``url``, ``kind``, ``status``, ``version``, every
    field of ``Content`` but ``ARCHIVE_ONLY_FIELDS`` (``title``, ``author``, ``published``, ``modified``,
    ``text``, ``language``, ``language_probability``, ``declared_language``, ``translations``: the page's,
    or with ``as_of`` those captured with the version), ``content_sha256``, ``first_seen``, ``last_seen``,
    ``source``, ``duplicate_of``.
    """
    original = aliased(Page)
    status = _status_column(selection).label("status")
    url = _url_column(selection).label("url")
    content = {name: getattr(Version, name) for name in CONTENT_FIELDS if name not in ARCHIVE_ONLY_FIELDS}
    if selection.as_of is None:
        content["translations"] = Page.translations
    query = (
        select(
            Version.id.label("version_id"),
            Page.id.label("page_id"),
            Version.capture_id.label("capture_id"),
            url,
            Page.kind.label("kind"),
            status,
            Version.number.label("version"),
            *(column.label(name) for name, column in content.items()),
            Version.content_sha256.label("content_sha256"),
            Version.first_seen.label("first_seen"),
            _last_seen_column(selection).label("last_seen"),
            Page.source.label("source"),
            original.url.label("duplicate_of"),
        )
        .select_from(Version)
        .join(Page, Version.page_id == Page.id)
        .outerjoin(original, Page.duplicate_of_id == original.id)
    )

    is_latest = Version.number == latest_number(Version.page_id, selection.as_of)
    if not selection.all_versions:
        query = query.where(is_latest)

    if selection.as_of is not None:
        query = query.where(Version.first_seen <= selection.as_of)
    if selection.incremental:
        version_changed = _changed_after(selection, Version.first_seen, Version.run_id)
        page_changed = _page_changed(selection, Page.id)
        if selection.all_versions:
            page_changed = and_(is_latest, page_changed)
        query = query.where(or_(version_changed, page_changed))
    if selection.sources:
        query = query.where(Page.source.in_(selection.sources))
    if selection.kinds:
        query = query.where(Page.kind.in_(selection.kinds))
    if selection.languages:
        query = query.where(Version.language.in_(selection.languages))
    if not selection.include_duplicates:
        query = query.where(Page.duplicate_of_id.is_(None))
    if not selection.include_removed:
        query = query.where(status != "removed")
    return query.order_by(url, Version.number)


def count_records(session: Session, selection: Selection) -> int:
    query = _records_query(selection).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def _captures_query(selection: Selection) -> Select:
    """The raw captures behind the selected versions, oldest first (``fetched_at``, then id).

    A selected version's own capture (the one it was extracted from) is always there. Within the
    selection's time window (up to ``as_of``, after ``since``) come also the captures that confirmed a
    selected version, and those of the selected pages that gave no version (failed extractions, the
    404/410 answer that marked a removal).

    Columns: ``capture_id``, ``capture_url``, ``fetched_at``, ``http_status``, ``headers``, ``raw_sha256``,
    ``raw_size``, and ``original_id``/``original_url``/``original_fetched_at``: the first capture of this
    selection with the same raw body (the one whose body is written; itself for a first occurrence).
    """
    selected = _records_query(selection).order_by(None).subquery("selected")
    window = []
    if selection.as_of is not None:
        window.append(Capture.fetched_at <= selection.as_of)
    if selection.incremental:
        window.append(_changed_after(selection, Capture.fetched_at, Capture.run_id))
    in_window = and_(*window) if window else literal(True)
    wanted = or_(
        Capture.id.in_(select(selected.c.capture_id).where(selected.c.capture_id.is_not(None))),
        and_(in_window, Capture.version_id.in_(select(selected.c.version_id))),
        and_(in_window, Capture.version_id.is_(None), Capture.page_id.in_(select(selected.c.page_id))),
    )
    order = (Capture.fetched_at, Capture.id)

    def first(column):
        return func.first_value(column).over(partition_by=Capture.raw_sha256, order_by=order)

    captures = (
        select(
            Capture.id.label("capture_id"),
            Capture.url.label("capture_url"),
            Capture.fetched_at.label("fetched_at"),
            Capture.http_status.label("http_status"),
            Capture.headers.label("headers"),
            Capture.raw_sha256.label("raw_sha256"),
            RawBlob.size.label("raw_size"),
            first(Capture.id).label("original_id"),
            first(Capture.url).label("original_url"),
            type_coerce(first(Capture.fetched_at), UTCDateTime).label("original_fetched_at"),
        )
        .outerjoin(RawBlob, RawBlob.sha256 == Capture.raw_sha256)
        .where(wanted)
        .subquery("captures")
    )
    return select(*captures.c).order_by(captures.c.fetched_at, captures.c.capture_id)


def count_captures(session: Session, selection: Selection) -> int:
    query = _captures_query(selection).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def _captured_records_query(selection: Selection) -> Select:
    """The selected versions that name their capture, in the order of ``_captures_query`` (the capture's
    ``fetched_at`` and id, then the version), with the capture's ``capture_url`` and ``capture_fetched_at``
    and ``capture_raw_sha256``."""
    return (
        _records_query(selection)
        .order_by(None)
        .join(Capture, Capture.id == Version.capture_id)
        .add_columns(
            Capture.url.label("capture_url"),
            Capture.fetched_at.label("capture_fetched_at"),
            Capture.raw_sha256.label("capture_raw_sha256"),
        )
        .order_by(Capture.fetched_at, Capture.id, Version.number)
    )


def _uncaptured_records_query(selection: Selection) -> Select:
    """The selected versions that name no capture (nothing to link them to in a WARC)."""
    return _records_query(selection).where(Version.capture_id.is_(None))


def crawl_period(session: Session, sources: tuple[str, ...] = ()) -> tuple[datetime | None, datetime | None]:
    """When the runs of the archive (of ``sources``, if given) started and last finished."""
    query = select(func.min(Run.started_at), func.max(func.coalesce(Run.finished_at, Run.started_at)))
    if sources:
        query = query.where(Run.source.in_(sources))
    first, last = session.execute(query).one()
    return first, last


def run_origins(session: Session, sources: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """The (source, base URL) pairs the archive's runs crawled, for the given sources."""
    query = select(Run.source, Run.base_url).distinct().order_by(Run.source, Run.base_url)
    if sources:
        query = query.where(Run.source.in_(sources))
    return [(source, base_url) for source, base_url in session.execute(query)]


def _stream(session: Session, query: Select, batch: int) -> Iterator[RowMapping]:
    return iter(session.execute(query.execution_options(yield_per=batch)).mappings())


def records(session: Session, selection: Selection, batch: int = 500) -> Iterator[RowMapping]:
    """The selected versions, one row each (see ``_records_query`` for the columns), streamed ``batch`` rows
    at a time, ordered by URL then version number."""
    return _stream(session, _records_query(selection), batch)


def captures(session: Session, selection: Selection, batch: int = 200) -> Iterator[RowMapping]:
    """The raw captures behind the selected versions, streamed (see ``_captures_query``)."""
    return _stream(session, _captures_query(selection), batch)


def captured_records(session: Session, selection: Selection, batch: int = 200) -> Iterator[RowMapping]:
    """The selected versions that name their capture, in the order of :func:`captures`."""
    return _stream(session, _captured_records_query(selection), batch)


def uncaptured_records(session: Session, selection: Selection, batch: int = 200) -> Iterator[RowMapping]:
    """The selected versions that name no capture."""
    return _stream(session, _uncaptured_records_query(selection), batch)
