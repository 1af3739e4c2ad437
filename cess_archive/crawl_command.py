"""``cess-archive crawl``: the one command a scheduler runs.

Every input is checked before anything starts (``--set`` values the way the crawler will read them, the
base URL, the source, ``--log-file``, ``--max-runtime``): a bad one is one line on stderr and exit status 2,
and the archive is not touched. Then :func:`crawler.runner.run_crawl` runs the crawl under the archive's
crawl lock (a second run exits at once with status 4), and the command prints one summary line (or JSON
with ``--json``). A run that could fetch nothing is recorded as ``failed`` (exit 3); one stopped by a
signal or by its maximum run time as ``interrupted`` (exit 5). Exit statuses are listed in
``cess_archive.errors``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from archive.locking import ArchiveLocked
from archive.store import describe_outcome, error_kinds

from .access import DB_HELP, opened_archive
from .errors import EXIT_CANNOT_RUN, EXIT_LOCKED, CliError
from .runs_command import run_exit_status, run_record


def parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--set expects NAME=VALUE, got {value!r}")
        overrides[name.strip()] = setting
    return overrides


DURATION = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")


def parse_duration(value: str) -> float | None:
    """Seconds from ``7200``, ``90m``, ``6h``, ``1h30m`` or ``45s``; None when unreadable."""
    text = value.strip().lower()
    try:
        seconds = float(text)
    except ValueError:
        match = DURATION.fullmatch(text)
        if not text or match is None:
            return None
        seconds = sum(int(match[unit] or 0) * factor for unit, factor in (("h", 3600), ("m", 60), ("s", 1)))
    return seconds if seconds == seconds else None  # not NaN


class Duration(click.ParamType):
    """``--max-runtime``: a positive, finite duration, in seconds."""

    name = "duration"

    def convert(self, value, param, ctx):
        seconds = float(value) if isinstance(value, (int, float)) else parse_duration(value)
        if seconds is None:
            self.fail(
                f"{value!r} is not a duration: give seconds, or hours and minutes like 90m, 6h or 1h30m", param, ctx
            )
        if not 0 < seconds < float("inf"):
            self.fail(f"{value!r}: expected a finite duration greater than 0", param, ctx)
        return seconds


HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def check_base_url(base_url: str) -> None:
    """An http(s) origin: scheme and host (with an optional port), nothing more."""
    parts = urlsplit(base_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CliError(f"--base-url must be an http(s) URL such as https://example.org, got {base_url!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        raise CliError(f"--base-url {base_url!r}: the port is not a number from 0 to 65535") from None
    host = parts.hostname or ""
    if not _valid_host(host):
        raise CliError(f"--base-url {base_url!r}: {host!r} is not a host name")
    if parts.username is not None or parts.password is not None:
        raise CliError(f"--base-url {base_url!r}: user names and passwords are not supported")
    if parts.path not in ("", "/") or parts.query or parts.fragment or base_url.rstrip().endswith(("?", "#")):
        origin = f"{parts.scheme}://{parts.netloc}"
        raise CliError(
            f"--base-url {base_url!r}: give an origin without path, query or fragment, such as "
            f"{origin} (the source's paths are crawled there)"
        )


def _valid_host(host: str) -> bool:
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(HOST_LABEL.fullmatch(label) for label in labels)


def check_log_file(path: str, shown: str | None = None) -> None:
    """The log file's directory exists and the file can be appended to (it is opened and closed)."""
    shown = shown or f"--log-file {path}"
    target = Path(path)
    if target.is_dir():
        raise CliError(f"{shown}: is a directory")
    directory = target.parent
    if not directory.is_dir():
        raise CliError(f"{shown}: no directory {directory}")
    try:
        with open(target, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise CliError(f"{shown}: cannot append to it: {exc.strerror or exc}") from None


def summary_line(run) -> str:
    counts = (
        f"fetched {run.fetched}, new pages {run.new_pages}, new versions {run.new_versions}, "
        f"unchanged {run.unchanged}, not modified {run.not_modified}, errors {run.errors}"
    )
    outcome = describe_outcome(run)
    if run.status == "failed":
        return f"run {run.id} failed: {outcome}"
    if outcome:
        return f"run {run.id} {run.status}: {outcome}; {counts}"
    return f"run {run.id} {run.status}: {counts}"


def checked_overrides(sets: tuple[str, ...], max_runtime: float | None, log_file: str | None) -> dict[str, str]:
    """The ``--set`` overrides, checked, with ``--max-runtime`` and ``--log-file`` added; warnings (unknown
    setting names) are printed once everything is known to be valid."""
    from crawler.runner import SettingError, check_overrides

    try:
        overrides, warnings = check_overrides(parse_sets(sets))
    except SettingError as exc:
        raise CliError(str(exc)) from None
    if "LOG_FILE" in overrides and not log_file:
        check_log_file(overrides["LOG_FILE"], f"--set LOG_FILE={overrides['LOG_FILE']}")
    if log_file:
        check_log_file(log_file)
        overrides["LOG_FILE"] = log_file
    if max_runtime is not None:
        overrides["ARCHIVE_MAX_RUNTIME"] = repr(max_runtime)
    for warning in warnings:
        click.echo(f"cess-archive: warning: {warning}", err=True)
    return overrides


@click.command()
@click.option("--source", default="cess", show_default=True, help="Name of the source to crawl.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), help="Another sources TOML file.")
@click.option("--base-url", help="Crawl the source at another origin (a local copy or a test server).")
@click.option("--db", help=DB_HELP)
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting for this run.")
@click.option(
    "--max-runtime",
    type=Duration(),
    metavar="DURATION",
    help="Stop gracefully after this long (seconds, or like 90m, 6h, 1h30m); the run is recorded as "
    "interrupted (exit 5). Default: ARCHIVE_MAX_RUNTIME, 6h.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Least severe log messages shown (default INFO).",
)
@click.option("--log-file", type=click.Path(dir_okay=False), help="Append the log to this file instead of stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON.")
def crawl(source, sources_file, base_url, db, sets, max_runtime, log_level, log_file, as_json):
    """Run one crawl of a source into the archive."""
    from crawler.runner import run_crawl
    from crawler.sources import SourceError, get_source

    if base_url is not None:
        check_base_url(base_url)
    try:
        crawled = get_source(source, sources_file, base_url)
    except SourceError as exc:
        raise CliError(str(exc)) from None
    except UnicodeDecodeError:
        raise CliError(f"sources file {sources_file} is not UTF-8 text") from None
    overrides = checked_overrides(sets, max_runtime, log_file)
    with opened_archive(db, must_exist=False) as engine:
        try:
            run = run_crawl(engine, crawled, overrides, log_level)
        except ArchiveLocked as exc:
            raise CliError(f"{exc}: not starting a second one", EXIT_LOCKED) from None
    if run is None:
        raise CliError("the crawl could not start (see the log)", EXIT_CANNOT_RUN)
    status = run_exit_status(run)
    click.echo(json.dumps(run_record(run, status), ensure_ascii=False) if as_json else summary_line(run))
    if run.status == "failed":
        hint = f": is {run.base_url or 'the site'} reachable?" if error_kinds(run) else ""
        raise CliError(f"run {run.id} failed: {describe_outcome(run)}{hint}", EXIT_CANNOT_RUN)
    if status is None:  # the crawl ended without recording how: never a success
        raise CliError(f"run {run.id} ended without its end being recorded (see the log)", EXIT_CANNOT_RUN)
    sys.exit(status)
