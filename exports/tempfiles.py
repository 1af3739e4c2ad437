"""Temporary files and directories beside an export's target, and the removal of those a killed export left.

An export writes ``.NAME.XXXXXXXX.part`` beside its target ``NAME`` (a dataset directory also uses
``.NAME.XXXXXXXX.old`` for a moment, to swap the previous dataset out) and renames it into place when it
is complete. The writer holds an ``flock`` on it from the moment it exists until it has been renamed (or
removed), so a temporary whose lock can be taken has no writer any more: its export was killed (``kill -9``,
a power cut). :func:`remove_stale` removes those, and never one still being written by a concurrent export.

A writer locks its temporary right after creating it and before writing anything, so an unlocked temporary
that is still empty may be one whose writer is about to lock it: it is left alone for a minute.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

#: An empty, unlocked temporary younger than this may belong to an export that has just created it.
FRESH_SECONDS = 60
_SUFFIXES = ("part", "old")


def temp_name_prefix(path: Path) -> str:
    """Temporary files of an export to ``path`` are ``.NAME.*.part`` beside it."""
    return f".{Path(path).name}."


def parent_of(path: Path) -> Path:
    path = Path(path)
    return path.parent if str(path.parent) else Path(".")


def _pattern(path: Path) -> re.Pattern:
    # mkstemp/mkdtemp insert 8 characters of [a-z0-9_]: temporaries of "out.jsonl.x" are not those of "out.jsonl"
    return re.compile(re.escape(temp_name_prefix(path)) + r"[a-z0-9_]{8}\.(?:" + "|".join(_SUFFIXES) + r")")


def lock(fd: int) -> None:
    """Marks the temporary open on ``fd`` as being written, until ``fd`` is closed."""
    fcntl.flock(fd, fcntl.LOCK_EX)


def create_file(path: Path) -> tuple[int, str]:
    """A new locked temporary file for an export to ``path``: its descriptor and its name."""
    fd, name = tempfile.mkstemp(prefix=temp_name_prefix(path), suffix=".part", dir=parent_of(path))
    lock(fd)
    return fd, name


def create_directory(path: Path, suffix: str = ".part") -> tuple[int, Path]:
    """A new locked temporary directory beside ``path``: a descriptor holding its lock, and its path."""
    name = Path(tempfile.mkdtemp(prefix=temp_name_prefix(path), suffix=suffix, dir=parent_of(path)))
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY)
    lock(fd)
    return fd, name


def _started(path: Path, info: os.stat_result) -> bool:
    """Whether the writer had locked it (it wrote something), or it is too old to be about to be locked."""
    if time.time() - info.st_mtime > FRESH_SECONDS:
        return True
    if stat.S_ISDIR(info.st_mode):
        with os.scandir(path) as entries:
            return any(True for _ in entries)
    return info.st_size > 0


def _remove_if_abandoned(path: Path) -> bool:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return False  # never made by an export
    flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if stat.S_ISDIR(info.st_mode) else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a running export is writing it
        try:
            current = os.lstat(path)
        except FileNotFoundError:
            return False  # its export completed and renamed it meanwhile
        opened = os.fstat(fd)
        if (current.st_dev, current.st_ino) != (opened.st_dev, opened.st_ino) or not _started(path, current):
            return False
        if stat.S_ISDIR(current.st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        return True
    finally:
        os.close(fd)


def remove_stale(path: Path) -> list[Path]:
    """Removes the temporaries that killed exports to ``path`` left beside it; returns those removed."""
    directory = parent_of(path)
    pattern = _pattern(path)
    removed: list[Path] = []
    try:
        with os.scandir(directory) as entries:
            candidates = [directory / entry.name for entry in entries if pattern.fullmatch(entry.name)]
    except OSError:
        return removed
    for candidate in candidates:
        with contextlib.suppress(OSError):
            if _remove_if_abandoned(candidate):
                removed.append(candidate)
    return removed
