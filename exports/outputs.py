"""Where an export goes: checking the target before anything is read or written, standard output, and
failures while writing told in one line.

An output path must be a regular file or not exist yet: the export is written beside it and renamed into
place, which would replace a symbolic link (even one to a regular file) instead of writing through it, and
makes no sense for a device, a FIFO, a socket or a directory. ``-`` is standard output: text formats
stream to it, binary formats only when it is not a terminal.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import sys
from pathlib import Path
from typing import IO, TypeAlias

from archive.exit_statuses import EXIT_CANNOT_RUN, EXIT_USAGE

from .errors import ExportError
from .tempfiles import parent_of

STDOUT = "-"
STDOUT_NAME = "standard output"

#: The file extensions of each format (a name ending in another format's extension gets a warning).
EXTENSIONS = {
    "json": (".json",),
    "jsonl": (".jsonl", ".ndjson"),
    "csv": (".csv",),
    "parquet": (".parquet", ".pq"),
    "warc": (".warc.gz", ".warc"),
}
#: Also disagree with every format but warc: our files are not compressed.
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip")

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) == STDOUT


def stdout_is_terminal() -> bool:
    try:
        return os.isatty(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def kind_of(info: os.stat_result) -> str:
    for test, kind in _KINDS:
        if test(info.st_mode):
            return kind
    return "not a regular file"


def check_output(path: Path) -> None:
    """Refuses (``ExportError``, exit 2) an output path that cannot be replaced by a complete file."""
    path = Path(path)
    parent = parent_of(path)
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise ExportError(f"cannot write {path}: directory {parent} {what} (create it, or choose another path)")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise write_error(str(path), exc) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = kind_of(info)
        if stat.S_ISLNK(info.st_mode):
            fix = (
                f"the export is renamed into place and would replace the link: give the real path "
                f"{os.path.realpath(path)}, or another file"
            )
        elif stat.S_ISDIR(info.st_mode):
            fix = "give a file name inside it, or use --dataset DIR for a dataset directory"
        else:
            fix = "give the path of a regular file, or '--output -' to write to standard output"
        raise ExportError(f"cannot write {path}: it is {kind}, not a regular file ({fix})")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {path}: directory {parent} is not writable (choose another directory)")


def check_stdout(fmt: str, binary: bool) -> None:
    """Refuses to write a binary format to a terminal."""
    if binary and stdout_is_terminal():
        raise ExportError(
            f"will not write {fmt} (binary) to a terminal: redirect standard output "
            f"(> export{EXTENSIONS[fmt][0]}) or give a file with --output"
        )


def extension_warning(fmt: str, path: Path) -> str | None:
    """A warning when the file's name says another format than ``fmt`` (no extension: no warning)."""
    name = Path(path).name.lower()
    if name.endswith(EXTENSIONS[fmt]):
        return None
    for other, extensions in EXTENSIONS.items():
        for extension in extensions:
            if other != fmt and name.endswith(extension):
                return (
                    f"{Path(path).name} has the extension of {other} but is written as {fmt} "
                    f"(use --format {other}, or name it *{EXTENSIONS[fmt][0]})"
                )
    for extension in _COMPRESSED:
        if name.endswith(extension):
            return (
                f"{Path(path).name} has the extension of a compressed file but is written as uncompressed "
                f"{fmt} (name it *{EXTENSIONS[fmt][0]})"
            )
    return None


# errno values the user fixes by choosing another path (exit 2); others (a full disk, an I/O error, a
# reader that went away) are the environment's (exit 3).
_USAGE_ERRNOS = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENAMETOOLONG,
    errno.ELOOP,
    errno.EEXIST,
    errno.EXDEV,
    errno.ETXTBSY,
}
_FIXES = {
    errno.ENOSPC: "free some space or write elsewhere",
    errno.EDQUOT: "free some space or write elsewhere",
    errno.EFBIG: "the file system or a resource limit does not allow so large a file: write elsewhere",
    errno.EROFS: "choose a writable directory",
    errno.EACCES: "choose a directory you can write to",
    errno.EPERM: "choose a directory you can write to",
    errno.EPIPE: "the program reading it stopped before the end",
}


def write_error(target: str, exc: OSError) -> ExportError:
    """``exc``, raised while writing ``target``, as one line with its exit status; nothing is left under the
    target's name (the temporary is removed by the writer)."""
    reason = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    fix = _FIXES.get(exc.errno) if exc.errno is not None else None
    status = EXIT_USAGE if exc.errno in _USAGE_ERRNOS else EXIT_CANNOT_RUN
    where = STDOUT_NAME if is_stdout(target) else target
    return ExportError(f"cannot write {where}: {reason}" + (f" ({fix})" if fix else ""), status)


class StreamOutput(io.BufferedIOBase):
    """A binary stream (standard output) that counts and hashes what goes through it; closing it only
    flushes the stream, which stays open."""

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__()
        self.out = out
        self.bytes = 0
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.out.write(data)
        self.bytes += len(data)
        self.digest.update(data)
        return len(data)

    def tell(self) -> int:
        return self.bytes

    @property
    def name(self) -> str:
        """The name of the stream written to, as a buffered file has its raw file's."""
        return self.out.name

    def flush(self) -> None:
        self.out.flush()

    def text(self) -> io.TextIOWrapper:
        """A UTF-8 text view (``\\n`` kept as is) for the text formats."""
        return io.TextIOWrapper(self, encoding="utf-8", newline="\n", write_through=True)


#: What a binary export is written to: a file, or standard output through a :class:`StreamOutput`.
BinaryOutput: TypeAlias = IO[bytes] | StreamOutput
