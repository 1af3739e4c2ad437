"""Streaming writers for JSON and JSONL, and atomic output files.

Records are written one at a time, so memory does not grow with the archive. The output goes to a temporary
file beside the target and is renamed into place only when complete: an interrupted export never leaves a
partial file under the final name, and any previous file stays intact.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only if the block completes."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _dump(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(records: Iterable[dict], handle: IO[str]) -> int:
    count = 0
    for record in records:
        handle.write(_dump(record))
        handle.write("\n")
        count += 1
    return count


def write_json(records: Iterable[dict], handle: IO[str]) -> int:
    """One JSON array, one record a line, written as the records come."""
    count = 0
    handle.write("[")
    for record in records:
        handle.write(",\n" if count else "\n")
        handle.write(_dump(record))
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


WRITERS = {"json": write_json, "jsonl": write_jsonl}
