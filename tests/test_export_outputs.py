"""Where ``cess-archive export`` writes, and how it fails (issue 9: every failure is one clear line).

Outputs that are not regular files (devices, FIFOs, sockets, directories, symbolic links) are refused
before anything is touched; ``--output -`` streams to standard output (binary formats never to a
terminal); a format that disagrees with the file's extension is written with a warning; the temporaries a
``kill -9`` left are removed by the next export, never those of an export still running; the filters of
the selection are checked; a full disk or a read-only directory is one line and leaves nothing under the
final name. Every test runs the real console script on a real SQLite archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pty
import select
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.builders import make_large_archive, start_export, wait_for_part
from tests.conftest import CLI, archive_digest, cess

ENV = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}


def settled_digest(path: Path) -> str:
    """``archive_digest`` once the archive has been opened read-only: SQLite then leaves an empty ``-wal``
    beside a WAL archive, which changes none of its bytes (every export is such a reader)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute("SELECT count(*) FROM pages").fetchone()
    connection.close()
    return archive_digest(path)


def db(path: Path) -> str:
    return f"sqlite:///{path}"


def hidden(directory: Path) -> list[str]:
    return sorted(p.name for p in Path(directory).iterdir() if p.name.startswith("."))


def run_raw(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The console script with stdout and stderr as bytes (stdout a pipe, never a terminal)."""
    return subprocess.run([CLI, *args], capture_output=True, stdin=subprocess.DEVNULL, env=ENV, cwd=cwd, timeout=120)


def assert_one_error(result, status: int, *fragments: str) -> str:
    assert result.exit_code == status, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cess-archive: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def tree(directory: Path) -> dict[str, tuple]:
    """What a directory holds: each entry's type, link target or bytes."""
    found = {}
    for path in sorted(Path(directory).rglob("*")):
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            found[str(path.relative_to(directory))] = ("file", path.read_bytes())
        elif stat.S_ISLNK(info.st_mode):
            found[str(path.relative_to(directory))] = ("link", os.readlink(path))
        else:
            found[str(path.relative_to(directory))] = (stat.S_IFMT(info.st_mode),)
    return found


# ------------------------------------------------------------------------------- outputs refused


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_refused_and_stays_a_device(archive_copy, device):
    before = settled_digest(archive_copy)
    rdev = os.stat(device).st_rdev
    result = cess("export", "--db", db(archive_copy), "--format", "jsonl", "--output", device)
    assert_one_error(result, 2, f"cannot write {device}: it is a character device, not a regular file", "'--output -'")
    info = os.stat(device)
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == rdev  # not replaced by a regular file
    assert not [name for name in os.listdir("/dev") if name.startswith(f".{Path(device).name}.")]
    assert archive_digest(archive_copy) == before


def _make(kind: str, where: Path) -> Path:
    """An existing output path that is not a regular file (or a link to one) in ``where``."""
    target = where / "out.jsonl"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
        server.close()
    elif kind == "directory":
        target.mkdir()
        (target / "kept.txt").write_text("mine\n", encoding="utf-8")
    elif kind == "link to a file":
        (where / "real.jsonl").write_text("previous export\n", encoding="utf-8")
        target.symlink_to("real.jsonl")
    elif kind == "dangling link":
        target.symlink_to("nowhere.jsonl")
    return target


@pytest.mark.parametrize(
    "kind, message",
    [
        ("fifo", "it is a named pipe (FIFO), not a regular file"),
        ("socket", "it is a socket, not a regular file"),
        ("directory", "it is a directory, not a regular file (give a file name inside it, or use --dataset DIR"),
        (
            "link to a file",
            "it is a symbolic link, not a regular file (the export is renamed into place and would "
            "replace the link: give the real path",
        ),
        ("dangling link", "it is a symbolic link"),
    ],
)
def test_an_output_that_is_not_a_regular_file_is_refused_untouched(archive_copy, tmp_path, kind, message):
    where = tmp_path / "out"
    where.mkdir()
    target = _make(kind, where)
    archive = settled_digest(archive_copy)
    before = tree(where)
    # a FIFO is never opened (that would block until a reader comes): the command returns at once
    result = cess("export", "--db", db(archive_copy), "--format", "jsonl", "--output", str(target), timeout=60)
    assert_one_error(result, 2, f"cannot write {target}: {message}")
    assert tree(where) == before
    assert archive_digest(archive_copy) == archive


def test_a_dataset_directory_that_is_a_symbolic_link_is_refused(archive_copy, tmp_path):
    where = tmp_path / "out"
    (where / "real").mkdir(parents=True)
    (where / "ds").symlink_to("real")
    archive = settled_digest(archive_copy)
    before = tree(where)
    result = cess("export", "--db", db(archive_copy), "--dataset", str(where / "ds"))
    assert_one_error(result, 2, f"cannot write the dataset to {where / 'ds'}: it is a symbolic link")
    assert tree(where) == before and archive_digest(archive_copy) == archive


# --------------------------------------------------------------------------------- standard output


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_text_formats_stream_to_standard_output(archive_copy, tmp_path, fmt):
    """``-o -``: the same bytes as the file, no temporary file anywhere, the summary on stderr."""
    saved = tmp_path / f"saved.{fmt}"
    to_file = cess("export", "--db", db(archive_copy), "--all-versions", "--format", fmt, "-o", str(saved))
    assert to_file.exit_code == 0, to_file.output
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    proc = run_raw("export", "--db", db(archive_copy), "--all-versions", "--format", fmt, "--output", "-", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == saved.read_bytes() and proc.stdout
    count = int(to_file.stdout.split()[1])
    assert count > 1 and (fmt != "jsonl" or len(proc.stdout.splitlines()) == count)
    assert fmt != "json" or len(json.loads(proc.stdout)) == count
    digest = hashlib.sha256(proc.stdout).hexdigest()
    assert (
        proc.stderr.decode()
        == f"exported {count} records to standard output ({len(proc.stdout)} bytes, sha256 {digest})\n"
    )
    assert list(cwd.iterdir()) == [] and hidden(tmp_path) == []


@pytest.mark.parametrize("fmt", ["parquet", "warc"])
def test_binary_formats_stream_to_a_pipe(archive_copy, tmp_path, fmt):
    saved = tmp_path / f"saved.{fmt}"
    assert cess("export", "--db", db(archive_copy), "--all-versions", "--format", fmt, "-o", str(saved)).exit_code == 0
    proc = run_raw("export", "--db", db(archive_copy), "--all-versions", "--format", fmt, "--output", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    digest = hashlib.sha256(proc.stdout).hexdigest()
    assert proc.stderr.decode().endswith(f" records to standard output ({len(proc.stdout)} bytes, sha256 {digest})\n")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        streamed = pq.read_table(io.BytesIO(proc.stdout))
        assert streamed.num_rows > 0 and streamed.equals(pq.read_table(saved))
    else:
        from warcio.archiveiterator import ArchiveIterator

        def records(data: bytes) -> list[tuple]:
            return [
                (r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r.content_stream().read())
                for r in ArchiveIterator(io.BytesIO(data))
            ]

        streamed, written = records(proc.stdout), records(saved.read_bytes())
        assert streamed[0][0] == "warcinfo" and len(streamed) == len(written) > 1
        assert streamed[1:] == written[1:]  # the same captures and records, with the same ids
    assert hidden(tmp_path) == []


def test_a_reader_that_stops_early_is_one_line(big_archive):
    """``export -o - | head``: the export cannot complete, says so in one line, and exits 3."""
    proc = subprocess.Popen(
        [CLI, "export", "--db", big_archive, "--all-versions", "--format", "jsonl", "-o", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=ENV,
    )
    assert proc.stdout.read(10) == b'{"url":"ht'
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 3, stderr
    assert stderr == (
        "cess-archive: error: cannot write standard output: broken pipe (the program reading it "
        "stopped before the end)\n"
    )


def run_with_terminal_stdout(*args: str) -> tuple[int, str, bytes]:
    """The console script with its stdout on a pseudo-terminal: status, stderr, what reached the terminal."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [CLI, *args], stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=ENV, timeout=60
        )
    finally:
        os.close(slave)
    shown = b""
    while select.select([master], [], [], 0)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal is closed: nothing more
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc.returncode, proc.stderr.decode(), shown


@pytest.mark.parametrize("fmt", ["parquet", "warc"])
def test_binary_formats_refuse_a_terminal(archive_copy, fmt):
    before = settled_digest(archive_copy)
    status, stderr, shown = run_with_terminal_stdout("export", "--db", db(archive_copy), "--format", fmt, "-o", "-")
    assert status == 2, stderr
    assert (
        stderr.startswith(f"cess-archive: error: will not write {fmt} (binary) to a terminal: redirect standard output")
        and stderr.count("\n") == 1
    ), stderr
    assert "--output" in stderr and shown == b""
    assert archive_digest(archive_copy) == before


# ------------------------------------------------------------------------------ extension warnings


@pytest.mark.parametrize(
    "fmt, name, says, fix",
    [
        ("csv", "x.json", "json", "*.csv"),
        ("warc", "x.jsonl", "jsonl", "*.warc.gz"),
        ("jsonl", "x.warc.gz", "warc", "*.jsonl"),
        ("parquet", "x.csv", "csv", "*.parquet"),
    ],
)
def test_a_format_that_disagrees_with_the_extension_is_written_with_a_warning(
    archive_copy, tmp_path, fmt, name, says, fix
):
    out = tmp_path / name
    result = cess("export", "--db", db(archive_copy), "--format", fmt, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("exported ") and out.stat().st_size > 0
    assert result.stderr == (
        f"cess-archive: warning: {name} has the extension of {says} but is written as {fmt} "
        f"(use --format {says}, or name it {fix})\n"
    )


def test_extensions_that_agree_give_no_warning(archive_copy, tmp_path):
    for fmt, name in (
        ("warc", "a.warc"),
        ("warc", "b.WARC.GZ"),
        ("parquet", "c.pq"),
        ("jsonl", "d.ndjson"),
        ("csv", "no-extension"),
    ):
        result = cess("export", "--db", db(archive_copy), "--format", fmt, "--output", str(tmp_path / name))
        assert result.exit_code == 0 and result.stderr == "", (name, result.output)


# ------------------------------------------------------------------------------------------ filters


def test_language_is_case_insensitive(archive_copy, tmp_path):
    lower, upper = tmp_path / "en.jsonl", tmp_path / "EN.jsonl"
    assert (
        cess("export", "--db", db(archive_copy), "--format", "jsonl", "-o", str(lower), "--language", "en").exit_code
        == 0
    )
    result = cess(
        "export",
        "--db",
        db(archive_copy),
        "--format",
        "jsonl",
        "-o",
        str(upper),
        "--language",
        "EN",
        "--language",
        "En",
    )
    assert result.exit_code == 0 and result.stderr == "", result.output
    records = [json.loads(line) for line in upper.read_text(encoding="utf-8").splitlines()]
    assert records and {r["language"] for r in records} == {"en"}
    assert upper.read_bytes() == lower.read_bytes()


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--source", "nope"], ["unknown source 'nope' for --source: known sources are ", "cess"]),
        (["--since", "{future}"], ["--since {future} is in the future (it is now ", "give a past date"]),
        (["--as-of", "{future}"], ["--as-of {future} is in the future", "leave --as-of out"]),
        (["--since-run", "99"], ["no run 99 in the archive (runs are 1 to 1); 'cess-archive runs' lists them"]),
        (["--language", "english please"], ["--language expects a language code"]),
    ],
)
def test_bad_filters_are_one_line_and_touch_nothing(archive_copy, tmp_path, args, fragments):
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = tmp_path / "out.jsonl"
    before = settled_digest(archive_copy)
    result = cess(
        "export",
        "--db",
        db(archive_copy),
        "--format",
        "jsonl",
        "--output",
        str(out),
        *[a.format(future=future) for a in args],
    )
    assert_one_error(result, 2, *[f.format(future=future) for f in fragments])
    assert not out.exists() and hidden(tmp_path) == []
    assert archive_digest(archive_copy) == before


# --------------------------------------------------------------------------- temporaries left behind


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory) -> str:
    """2,000 versions (about 7 MB of JSON lines): an export long enough to be killed while it writes."""
    return make_large_archive(tmp_path_factory.mktemp("big") / "big.sqlite", pages=1000, text_chars=3000)


def test_the_temporary_of_a_killed_export_is_removed_by_the_next_one(big_archive, archive_copy, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = start_export(big_archive, "--all-versions", "--format", "jsonl", "--output", str(out))
    left = wait_for_part(tmp_path, ".out.jsonl.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert left.exists() and not out.exists()  # kill -9 gives no chance to clean up
    other = tmp_path / ".out.jsonl.x.abcd1234.part"  # a temporary of another target, out.jsonl.x
    other.write_text("not ours\n", encoding="utf-8")
    result = cess("export", "--db", db(archive_copy), "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert hidden(tmp_path) == [other.name]
    assert len(out.read_text(encoding="utf-8").splitlines()) == int(result.stdout.split()[1]) > 0


def test_the_temporary_of_a_killed_dataset_export_is_removed_by_the_next_one(big_archive, archive_copy, tmp_path):
    directory = tmp_path / "ds"
    proc = start_export(big_archive, "--all-versions", "--dataset", str(directory))
    left = wait_for_part(tmp_path, ".ds.", proc, min_bytes=64 * 1024)
    proc.kill()
    proc.communicate()
    assert left.is_dir() and not directory.exists()
    result = cess("export", "--db", db(archive_copy), "--dataset", str(directory))
    assert result.exit_code == 0, result.output
    assert hidden(tmp_path) == []
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=directory, capture_output=True)
    assert check.returncode == 0


def test_only_abandoned_temporaries_are_removed(archive_copy, tmp_path):
    """The temporary of an export still writing (locked) is kept, and so is an empty one that a starting
    export may not have locked yet; an abandoned one (unlocked, written to, or older than a minute) goes."""
    from exports.tempfiles import create_file

    out = tmp_path / "out.csv"
    running_fd, running = create_file(out)  # as a concurrent export holds it
    os.write(running_fd, b"being written\n")
    starting = tmp_path / ".out.csv.starting.part"
    starting.touch()
    abandoned = tmp_path / ".out.csv.abandone.part"
    abandoned.write_bytes(b"half an export")
    old_and_empty = tmp_path / ".out.csv.oldempty.part"
    old_and_empty.touch()
    an_hour_ago = time.time() - 3600
    os.utime(old_and_empty, (an_hour_ago, an_hour_ago))
    try:
        result = cess("export", "--db", db(archive_copy), "--format", "csv", "--output", str(out))
        assert result.exit_code == 0 and result.stderr == "", result.output
        assert Path(running).read_bytes() == b"being written\n"
        assert hidden(tmp_path) == sorted([Path(running).name, starting.name])
    finally:
        os.close(running_fd)


# --------------------------------------------------------------------------------- writing fails


def in_mount_namespace(setup: str, directory: Path, *args: str) -> subprocess.CompletedProcess:
    """Runs the console script in a mount namespace of its own where ``setup`` (shell, ``$1`` is
    ``directory``) has mounted something on ``directory``; stdout ends with what ``directory`` then holds."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    script = f'{setup} || exit 99; shift; "$@"; status=$?; echo "-- holds:"; ls -A "$0"; exit $status'
    proc = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            str(directory),
            str(directory),
            CLI,
            *args,
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=ENV,
        timeout=120,
    )
    if proc.returncode == 99 or "unshare failed" in proc.stderr:
        pytest.skip(f"cannot mount here: {proc.stderr.strip()}")
    return proc


FULL_DISK = 'mount -t tmpfs -o size=16k cess-archive-test "$1"'
READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"'


@pytest.mark.parametrize("target", ["out.jsonl", "out.parquet", "dataset"])
def test_a_full_disk_is_one_line_and_leaves_nothing(archive_copy, tmp_path, target):
    small = tmp_path / "small"
    small.mkdir()
    before = settled_digest(archive_copy)
    where = (
        ["--dataset", str(small / "ds")]
        if target == "dataset"
        else ["--format", target.split(".")[1], "--output", str(small / target)]
    )
    proc = in_mount_namespace(FULL_DISK, small, "export", "--db", db(archive_copy), "--all-versions", *where)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    name = small / ("ds" if target == "dataset" else target)
    assert proc.stderr == (
        f"cess-archive: error: cannot write {name}: no space left on device (free some space or write elsewhere)\n"
    )
    assert proc.stdout == "-- holds:\n"  # on the full disk: no partial file, no temporary
    assert archive_digest(archive_copy) == before


@pytest.mark.parametrize("target", ["out.jsonl", "dataset"])
def test_a_read_only_directory_is_one_line_and_leaves_nothing(archive_copy, tmp_path, target):
    locked = tmp_path / "locked"
    locked.mkdir()
    before = settled_digest(archive_copy)
    where = (
        ["--dataset", str(locked / "ds")]
        if target == "dataset"
        else ["--format", "jsonl", "--output", str(locked / target)]
    )
    proc = in_mount_namespace(READ_ONLY, locked, "export", "--db", db(archive_copy), *where)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    name = locked / ("ds" if target == "dataset" else target)
    assert proc.stderr == (
        f"cess-archive: error: cannot write {name}: directory {locked} is not writable (choose another directory)\n"
    )
    assert proc.stdout == "-- holds:\n" and list(locked.iterdir()) == []
    assert archive_digest(archive_copy) == before
