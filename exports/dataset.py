"""A dataset directory ready to publish: the data, its description, its schema and its checksums.

``DIR/`` holds::

    data/records.jsonl          the records, one JSON object a line (UTF-8)
    data/records.parquet        the same records, typed columns (timestamps in UTC)
    schema/record.schema.json   JSON Schema of one record, with its schema_version
    datapackage.json            Frictionless Data Package: resources, field schema, licence, sources, dates
    README.md                   what, when, how many (per source, language, kind), fields, how to load
    SHA256SUMS                  checksums of every other file (``sha256sum -c SHA256SUMS``)

The directory is written beside ``DIR`` under a temporary name and renamed into place when complete. An
existing ``DIR`` is replaced only if it is empty or is itself a dataset (every file listed in its
``SHA256SUMS``): nothing else is ever deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from archive.content import iso_utc
from archive.reading import Selection, crawl_period, run_origins

from .errors import ExportError
from .exporter import file_sha256, iter_records, prepare, software_name
from .outputs import write_error
from .progress import Progress
from .records import FIELDS, SCHEMA_VERSION
from .schema import json_schema, markdown_field_table, pandas_dtypes, table_schema
from .tempfiles import create_directory, parent_of, remove_stale
from .writers import ParquetSink, current_umask, json_line

JSONL_PATH = "data/records.jsonl"
PARQUET_PATH = "data/records.parquet"
SCHEMA_PATH = "schema/record.schema.json"
DATAPACKAGE_PATH = "datapackage.json"
README_PATH = "README.md"
SUMS_PATH = "SHA256SUMS"
DATASET_FILES = (JSONL_PATH, PARQUET_PATH, SCHEMA_PATH, DATAPACKAGE_PATH, README_PATH, SUMS_PATH)

TITLE = "Centre Européen de Sécurité et de Stratégie: archived publications"
LICENCE_PLACEHOLDER = {
    "name": "licence-to-be-stated",
    "title": (
        "Placeholder: the publisher of this dataset states the licence here. The texts remain the "
        "work of their authors and of the organisation."
    ),
}


@dataclass
class DatasetStats:
    records: int = 0
    pages: int = 0
    by_source: Counter = field(default_factory=Counter)
    by_source_language: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    _last_url: str | None = None

    def add(self, record: dict) -> None:
        self.records += 1
        if record["url"] != self._last_url:  # records come ordered by URL
            self.pages += 1
            self._last_url = record["url"]
        language = record["language"] or "unknown"
        self.by_source[record["source"]] += 1
        self.by_source_language[(record["source"], language)] += 1
        self.by_kind[record["kind"]] += 1
        self.by_status[record["status"]] += 1
        first, last = record["first_seen"], record["last_seen"]
        self.first_seen = first if self.first_seen is None else min(self.first_seen, first)
        self.last_seen = last if self.last_seen is None else max(self.last_seen, last)


@dataclass(frozen=True)
class DatasetResult:
    path: Path
    records: int
    bytes: int
    files: tuple[str, ...]
    sha256: str  # of SHA256SUMS, which pins every other file


def _is_replaceable(directory: Path) -> bool:
    """An empty directory, or one that holds a dataset and nothing else."""
    if not directory.is_dir():
        return False
    files = {str(p.relative_to(directory)).replace(os.sep, "/") for p in directory.rglob("*") if not p.is_dir()}
    if not files:
        return True
    sums = directory / SUMS_PATH
    if not sums.is_file():
        return False
    listed = {SUMS_PATH}
    for line in sums.read_text(encoding="utf-8", errors="replace").splitlines():
        _, _, name = line.partition("  ")
        listed.add(name.strip())
    return files <= listed


def check_target(directory: Path) -> None:
    """Refuses (exit 2) a dataset directory that cannot be replaced: a file, a symbolic link, a directory
    that holds anything but a dataset, or one whose parent does not exist."""
    directory = Path(directory)
    if str(directory) == "-":
        raise ExportError("--dataset needs a directory: a dataset cannot be written to standard output")
    parent = parent_of(directory)
    if not parent.is_dir():
        raise ExportError(f"cannot write {directory}: directory {parent} does not exist")
    if directory.is_symlink():
        raise ExportError(
            f"cannot write the dataset to {directory}: it is a symbolic link, which the dataset "
            f"would replace (give the real path {os.path.realpath(directory)}, or a new directory)"
        )
    if directory.exists() and not _is_replaceable(directory):
        kind = "a file" if not directory.is_dir() else "a directory that is not a dataset written by cess-archive"
        raise ExportError(f"cannot write the dataset to {directory}: it is {kind} (choose a new or empty directory)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {directory}: directory {parent} is not writable (choose another directory)")


def _fsync_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def atomic_directory(directory: Path):
    """A directory that appears at ``directory`` (replacing a previous dataset) only if the block completes.

    The temporaries that killed exports to ``directory`` left beside it are removed first; this export's
    own (``.DIR.*.part``, and ``.DIR.*.old`` while swapping) stay locked while they exist (``exports.tempfiles``).
    """
    directory = Path(directory)
    remove_stale(directory)
    locks = []
    fd, tmp = create_directory(directory)
    locks.append(fd)
    try:
        yield tmp
        mode = 0o777 & ~current_umask()
        for path in [tmp, *tmp.rglob("*")]:
            os.chmod(path, mode if path.is_dir() else mode & 0o666)
        if directory.exists():
            fd, old = create_directory(directory, ".old")
            locks.append(fd)
            os.rename(directory, old / "previous")
            try:
                os.rename(tmp, directory)
            except BaseException:
                os.rename(old / "previous", directory)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        for fd in locks:
            os.close(fd)


def export_dataset(
    session: Session, directory: Path, selection: Selection, *, progress: bool = False, created: datetime | None = None
) -> DatasetResult:
    """Writes the dataset of ``selection`` to ``directory`` (see the module docstring). An empty selection
    makes a valid dataset with empty data files."""
    directory = Path(directory)
    check_target(directory)
    total = prepare(session, selection)
    created = (created or datetime.now(UTC)).replace(microsecond=0)
    stats = DatasetStats()
    bar = Progress(total, enabled=progress)
    try:
        with atomic_directory(directory) as tmp:
            (tmp / "data").mkdir()
            with (
                open(tmp / JSONL_PATH, "w", encoding="utf-8", newline="\n") as jsonl,
                open(tmp / PARQUET_PATH, "wb") as parquet,
            ):
                sink = ParquetSink(parquet)
                try:
                    for record in bar.track(iter_records(session, selection)):
                        stats.add(record)
                        jsonl.write(json_line(record))
                        jsonl.write("\n")
                        sink.add(record)
                except BaseException:
                    sink.abort()
                    raise
                sink.close()
                for handle in (jsonl, parquet):
                    handle.flush()
                    os.fsync(handle.fileno())
            schema = json_schema()
            _fsync_write(tmp / SCHEMA_PATH, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
            files = {
                name: (file_sha256(tmp / name), (tmp / name).stat().st_size)
                for name in (JSONL_PATH, PARQUET_PATH, SCHEMA_PATH)
            }
            sources = tuple(stats.by_source) or selection.sources  # an empty dataset: what was asked for
            period = crawl_period(session, sources)
            if selection.as_of is not None and period[1] is not None:
                period = (period[0], min(period[1], selection.as_of))
            origins = run_origins(session, sources)
            package = datapackage(stats, files, selection, created, period, origins)
            _fsync_write(tmp / DATAPACKAGE_PATH, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
            files[DATAPACKAGE_PATH] = (file_sha256(tmp / DATAPACKAGE_PATH), (tmp / DATAPACKAGE_PATH).stat().st_size)
            _fsync_write(tmp / README_PATH, readme(stats, files, selection, created, period, origins))
            files[README_PATH] = (file_sha256(tmp / README_PATH), (tmp / README_PATH).stat().st_size)
            sums = "".join(f"{files[name][0]}  {name}\n" for name in sorted(files))
            _fsync_write(tmp / SUMS_PATH, sums)
    except OSError as exc:  # a full disk, a read-only directory: one line, and no dataset under DIR's name
        raise write_error(str(directory), exc) from None
    finally:
        bar.close()
    size = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
    return DatasetResult(
        path=directory,
        records=stats.records,
        bytes=size,
        files=DATASET_FILES,
        sha256=file_sha256(directory / SUMS_PATH),
    )


# ------------------------------------------------------------------------------------- descriptions


def _source_titles() -> dict[str, str]:
    """Titles of the shipped sources (best effort: the crawler's sources file)."""
    try:
        from crawler.sources import load_sources

        return {name: source.title for name, source in load_sources().items() if source.title}
    except Exception:  # noqa: BLE001 - the dataset does not depend on the crawler being importable
        return {}


def _sources(stats: DatasetStats, origins: list[tuple[str, str | None]]) -> list[dict]:
    titles = _source_titles()
    entries = []
    for name in sorted(stats.by_source):
        urls: list[str | None] = [base_url for source, base_url in origins if source == name and base_url] or [None]
        for url in urls:
            entry = {"title": titles.get(name, name), "name": name}
            if url:
                entry["path"] = url
            entries.append(entry)
    return entries


def datapackage(
    stats: DatasetStats,
    files: dict[str, tuple[str, int]],
    selection: Selection,
    created: datetime,
    period: tuple[datetime | None, datetime | None],
    origins: list[tuple[str, str | None]],
) -> dict:
    """The Frictionless Data Package descriptor (v1, with v2-compatible fields)."""
    schema = table_schema()

    def resource(name: str, path: str, fmt: str, mediatype: str, description: str, **extra) -> dict:
        sha, size = files[path]
        return {
            "name": name,
            "path": path,
            "profile": "data-resource",
            "format": fmt,
            "mediatype": mediatype,
            **extra,
            "bytes": size,
            "hash": f"sha256:{sha}",
            "description": description,
        }

    return {
        "profile": "data-package",
        "name": "cess-archive",
        "title": TITLE,
        "description": (
            "Every archived version of the publications (articles and content pages) of the Centre "
            "Européen de Sécurité et de Stratégie and related sources, with their exact text, "
            "title, author, dates and language, as captured by cess-archive. "
            f"Selection: {selection.describe()}."
        ),
        "version": created.strftime("%Y.%m.%d"),
        "created": iso_utc(created),
        "schema_version": SCHEMA_VERSION,
        "licenses": [LICENCE_PLACEHOLDER],
        "sources": _sources(stats, origins),
        "contributors": [{"title": "cess-archive", "role": "author"}],
        "keywords": ["CESS", "security", "strategy", "think tank", "web archive", "publications"],
        "crawl_period": {"start": iso_utc(period[0]), "end": iso_utc(period[1])},
        "captured": {"first_seen": iso_utc(stats.first_seen), "last_seen": iso_utc(stats.last_seen)},
        "selection": selection.describe(),
        "records": stats.records,
        "pages": stats.pages,
        "software": software_name(),
        "resources": [
            resource(
                "records",
                JSONL_PATH,
                "jsonl",
                "application/jsonl",
                "The records, one JSON object a line.",
                encoding="utf-8",
                schema=schema,
            ),
            resource(
                "records-parquet",
                PARQUET_PATH,
                "parquet",
                "application/vnd.apache.parquet",
                "The same records, typed columns; object fields (translations) are JSON text.",
                schema=schema,
            ),
            resource(
                "record-schema",
                SCHEMA_PATH,
                "json",
                "application/schema+json",
                "JSON Schema of one record (the JSON form).",
                encoding="utf-8",
            ),
        ],
    }


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def readme(
    stats: DatasetStats,
    files: dict[str, tuple[str, int]],
    selection: Selection,
    created: datetime,
    period: tuple[datetime | None, datetime | None],
    origins: list[tuple[str, str | None]],
) -> str:
    titles = _source_titles()
    datetime_fields = [f.name for f in FIELDS if f.type == "datetime"]
    names = sorted(stats.by_source) or list(selection.sources)
    sources = ", ".join(f"{titles.get(name, name)} (`{name}`)" for name in names) or TITLE.split(":")[0]
    origin_list = "".join(f"\n  - `{source}`: {url}" for source, url in origins if url)
    counts = "; ".join(
        ", ".join(f"{count} {key}" for key, count in sorted(counter.items()))
        for counter in (stats.by_kind, stats.by_status)
        if counter
    )
    crawled = f"{iso_utc(period[0])} to {iso_utc(period[1])}" if period[0] is not None else "no crawl run"
    captured = (
        f"content first seen from {iso_utc(stats.first_seen)} to {iso_utc(stats.last_seen)} (last confirmation)"
        if stats.records
        else "nothing: the selection is empty"
    )
    by_source = _table(["source", "records"], [[f"`{s}`", n] for s, n in sorted(stats.by_source.items())])
    by_language = _table(
        ["source", "language", "records"],
        [[f"`{s}`", f"`{lang}`", n] for (s, lang), n in sorted(stats.by_source_language.items())],
    )
    contents = _table(
        ["file", "bytes", "sha256"], [[f"`{name}`", files[name][1], f"`{files[name][0]}`"] for name in sorted(files)]
    )
    jsonl_sha = files[JSONL_PATH][0]
    return f"""# {TITLE}

The publications of {sources}, as archived by cess-archive: the article itself (exact text, title, author, dates, language), never the site's template, with the versions the organisation published.

- **Created**: {iso_utc(created)} by {software_name()}
- **Selection**: {selection.describe()}
- **Records**: {stats.records} ({stats.pages} pages{"; " + counts if counts else ""})
- **Captured**: {captured}
- **Crawl period**: {crawled}
- **Crawled from**:{origin_list or " (unknown)"}
- **Record schema version**: {SCHEMA_VERSION} (`{SCHEMA_PATH}`)
- **Licence**: not stated yet (placeholder in `datapackage.json`); the texts remain their authors' work.

## Files

{contents}
`{SUMS_PATH}` pins every file above (`{README_PATH}` and `{DATAPACKAGE_PATH}` included). Check them with:

```sh
sha256sum -c {SUMS_PATH}
```

## Records per source and language

{by_source}
{by_language}
Languages are detected on the text (`language`); `unknown` means none could be.

## Fields

One record is one version of one page. A page keeps its identity (`url`) across versions; `version` counts
its distinct contents, 1, 2, …

{markdown_field_table()}
Dates are ISO 8601 in UTC with a `Z` in the JSON lines, and UTC timestamps in the Parquet file. `translations`
is an object in the JSON lines and JSON text in the Parquet file.

## Loading

With pandas:

```python
import json
import pandas as pd

df = pd.read_parquet("{PARQUET_PATH}")                 # typed columns, UTC timestamps
df["translations"] = df["translations"].map(json.loads)

# or from the JSON lines, with the schema's types:
dtypes = {pandas_dtypes()!r}
df = pd.read_json("{JSONL_PATH}", lines=True, dtype=dtypes)
for column in {datetime_fields!r}:
    df[column] = pd.to_datetime(df[column], utc=True, format="ISO8601").dt.as_unit("us")
```

With Hugging Face `datasets`:

```python
from datasets import load_dataset

ds = load_dataset("parquet", data_files="{PARQUET_PATH}", split="train")
# or: load_dataset("json", data_files="{JSONL_PATH}", split="train")
```

## Citing

{TITLE}, dataset created {created.strftime("%Y-%m-%d")} with cess-archive ({stats.records} records, record schema {SCHEMA_VERSION}); `{JSONL_PATH}` SHA-256 `{jsonl_sha}`.
"""
