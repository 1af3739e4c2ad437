"""The reading room's benchmark: latency of each route and the server's memory, on generated archives.

Starts ``cess-archive serve --port 0`` (the real console script, in a process of its own) on an archive made by
``benchmarks/web_archive.py`` (10,000 pages and 50,000 versions by default, kept in ``data/bench/`` and made again
only when its shape changes), then, for each route: a few requests to warm up, then ``--requests`` requests one
after another, and as many again from 2 and 4 clients at once (each on its own kept-alive connection), cycling
through sampled pages, versions and runs. Prints p50, p95 and max per route and number of clients, and the
server's resident memory (``VmRSS`` from ``/proc/PID/status``) before and after; then does the same, with fewer
requests, on a 1,000-page archive, to show that the server's memory does not grow with the archive.

A route that answers 404 where a page was expected is not there yet: it is skipped, with a note. The target
(``TARGET_MS`` at the 95th percentile, on two cores) applies to ``/pages``, ``/page``, ``/version``, ``/diff`` and
``/changes``; the table marks the routes that miss it, and ``--strict`` makes that exit 1.

    make bench-web                                          # everything (generates the archives the first time)
    .venv/bin/python benchmarks/web.py --requests 20 --no-small --only /pages /api/pages
    .venv/bin/python benchmarks/web.py --markdown           # the table in Markdown, for the README
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import schema
from benchmarks.web_archive import SHAPE, generate

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("cess-archive"))
TARGET_MS = 100.0
TARGETED = ("/pages", "/page", "/version", "/diff", "/changes")  # HTML pages held to TARGET_MS (and their twins)
STARTUP_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 60


# ------------------------------------------------------------------------------------------- samples


@dataclass
class Samples:
    """What the requests ask for, picked from the archive itself (the same picks for the same archive)."""

    urls: list[str]  # pages' URLs as archived
    other_forms: list[str]  # the same pages named otherwise: a path alone, http://, no www, a trailing slash
    old_urls: list[str]  # URLs of pages that moved since
    unknown: list[str]  # URLs no page has: archived ones mistyped, and made-up ones
    versions: list[tuple[str, int]]
    consecutive: list[tuple[str, int, int]]  # (url, n - 1, n) of edits
    long_diffs: list[tuple[str, int, int]]  # first and latest versions of the longest, most changed texts
    latest_run: int
    middle_run: int
    period: tuple[str, str]  # a week in the middle of the archive's life
    captures: list[int]
    mementos: list[tuple[str, str]]  # (url, YYYYMMDDhhmmss)
    pages: int


def pick(rng: random.Random, items: list, count: int) -> list:
    return rng.sample(items, min(count, len(items)))


def samples(path: Path, count: int = 40) -> Samples:
    rng = random.Random(7)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute("SELECT id, url FROM pages ORDER BY id").fetchall()
    urls = [url for _, url in pick(rng, rows, count)]
    forms = []
    for url in urls:
        parts = urlsplit(url)
        forms += [parts.path, url.replace("https://", "http://", 1), url.replace("://www.", "://", 1), url + "/"]
    old_urls = [
        url for (url,) in db.execute("SELECT json_extract(details, '$.from_url') FROM events WHERE kind = 'moved'")
    ]
    versions = db.execute("SELECT p.url, v.number FROM versions v JOIN pages p ON p.id = v.page_id").fetchall()
    consecutive = db.execute(
        "SELECT p.url, json_extract(e.details, '$.from_version'), v.number FROM events e "
        "JOIN versions v ON v.id = e.version_id JOIN pages p ON p.id = e.page_id WHERE e.kind = 'edited'"
    ).fetchall()
    long_diffs = db.execute(
        "SELECT p.url, 1, max(v.number) FROM versions v JOIN pages p ON p.id = v.page_id GROUP BY v.page_id "
        "HAVING max(v.number) >= 4 ORDER BY max(length(v.text)) DESC LIMIT ?",
        (count,),
    ).fetchall()
    runs = [run for (run,) in db.execute("SELECT id FROM runs WHERE fetched > 0 ORDER BY id")]
    (first, last) = db.execute("SELECT min(at), max(at) FROM events").fetchone()
    middle = datetime.fromisoformat(first) + (datetime.fromisoformat(last) - datetime.fromisoformat(first)) / 2
    period = (middle.strftime("%Y-%m-%dT%H:%M:%SZ"), (middle + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    captures = [c for (c,) in db.execute("SELECT id FROM captures WHERE raw_sha256 IS NOT NULL AND id % 97 = 0")]
    mementos = [
        (url, datetime.fromisoformat(seen).strftime("%Y%m%d%H%M%S"))
        for url, seen in db.execute(
            "SELECT p.url, v.first_seen FROM versions v JOIN pages p ON p.id = v.page_id WHERE v.id % 89 = 0"
        )
    ]
    pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    db.close()
    return Samples(
        urls=urls,
        other_forms=pick(rng, forms, count),
        old_urls=pick(rng, old_urls, count),
        unknown=[url[:-2] + "zz" if n % 2 else f"{url.rsplit('/', 1)[0]}/nulle-part-{n}" for n, url in enumerate(urls)],
        versions=pick(rng, versions, count),
        consecutive=pick(rng, consecutive, count),
        long_diffs=long_diffs,
        latest_run=runs[-1],
        middle_run=runs[len(runs) // 2],
        period=period,
        captures=pick(rng, captures, count),
        mementos=pick(rng, mementos, count),
        pages=pages,
    )


# --------------------------------------------------------------------------------------------- cases


@dataclass
class Case:
    """A route asked with the paths ``paths`` in turn; ``expect``: the status that means it answered."""

    name: str
    paths: list[str]
    expect: int = 200
    needs: str | None = None  # a case whose skipping means this one cannot tell either


def q(path: str, **params) -> str:
    return path + "?" + urlencode(params)


def cases(s: Samples) -> list[Case]:
    deep = max(0, s.pages - 1000)
    since, until = s.period
    found: list[Case] = [
        Case("/", ["/"]),
        Case("/api/summary", ["/api/summary"]),
        Case("/pages", ["/pages"]),
        Case("/pages?sort=title", [q("/pages", sort="title")]),
        Case("/pages?sort=versions", [q("/pages", sort="versions")]),
        Case("/pages?sort=first_seen&order=asc", [q("/pages", sort="first_seen", order="asc")]),
        Case("/pages?language=en", [q("/pages", language="en")]),
        Case("/pages?status=removed", [q("/pages", status="removed")]),
        Case("/pages?changed=no&kind=article", [q("/pages", changed="no", kind="article")]),
        Case(f"/pages?offset={deep}", [q("/pages", offset=deep)]),
        Case(f"/pages?sort=title&offset={deep // 2}", [q("/pages", sort="title", offset=deep // 2)]),
        Case("/api/pages", ["/api/pages"]),
        Case(
            f"/api/pages?sort=versions&offset={deep}&limit=100",
            [q("/api/pages", sort="versions", offset=deep, limit=100)],
        ),
        Case("/page?url= (as archived)", [q("/page", url=url) for url in s.urls]),
        Case(
            "/page?url= (other forms)", [q("/page", url=url) for url in s.other_forms], needs="/page?url= (as archived)"
        ),
        Case(
            "/page?url= (moved: old URL)", [q("/page", url=url) for url in s.old_urls], needs="/page?url= (as archived)"
        ),
        Case("/page?url= (unknown: 404)", [q("/page", url=url) for url in s.unknown], 404, "/page?url= (as archived)"),
        Case("/api/page?url=", [q("/api/page", url=url) for url in s.urls]),
        Case("/version", [q("/version", url=url, version=n) for url, n in s.versions]),
        Case("/api/version", [q("/api/version", url=url, version=n) for url, n in s.versions]),
        Case("/diff (consecutive)", [q("/diff", url=url, **{"from": a, "to": b}) for url, a, b in s.consecutive]),
        Case(
            "/diff (long texts, first→latest)", [q("/diff", url=u, **{"from": a, "to": b}) for u, a, b in s.long_diffs]
        ),
        Case("/api/diff (consecutive)", [q("/api/diff", url=u, **{"from": a, "to": b}) for u, a, b in s.consecutive]),
        Case("/api/diff (long texts)", [q("/api/diff", url=u, **{"from": a, "to": b}) for u, a, b in s.long_diffs]),
        Case("/diff.patch (long texts)", [q("/diff.patch", url=u, **{"from": a, "to": b}) for u, a, b in s.long_diffs]),
        Case("/changes (latest run)", ["/changes"]),
        Case("/changes?run= (another run)", [q("/changes", run=s.middle_run)]),
        Case("/changes?since=&until= (a week)", [q("/changes", since=since, until=until)]),
        Case("/changes?kind=retitled&language=en", [q("/changes", kind="retitled", language="en")]),
        Case("/changes?offset=500 (latest run)", [q("/changes", offset=500)]),
        Case("/api/changes (latest run)", ["/api/changes"]),
        Case("/api/changes?since=&until=", [q("/api/changes", since=since, until=until)]),
        Case("/changes.atom", ["/changes.atom"]),
        Case("/page.atom?url=", [q("/page.atom", url=url) for url in s.urls]),
        Case("/runs", ["/runs"]),
        Case("/runs/ID", [f"/runs/{s.latest_run}", f"/runs/{s.middle_run}"]),
        Case("/api/runs", ["/api/runs"]),
        Case("/raw?capture=", [q("/raw", capture=c) for c in s.captures]),
        Case("/downloads", ["/downloads"]),
        Case("/timemap/link/URL", [f"/timemap/link/{quote(url, safe=':/%')}" for url in s.urls]),
        Case("/api/timemap?url=", [q("/api/timemap", url=url) for url in s.urls]),
        Case("/timegate/URL (302)", [f"/timegate/{quote(url, safe=':/%')}" for url in s.urls], 302),
        Case("/web/TIMESTAMP/URL", [f"/web/{ts}/{quote(url, safe=':/%')}" for url, ts in s.mementos]),
    ]
    return [case for case in found if case.paths]


def targeted(name: str) -> bool:
    route = name.split(" ", 1)[0].split("?", 1)[0].removeprefix("/api")
    return route in TARGETED and "atom" not in name


# -------------------------------------------------------------------------------------------- server


class Server:
    """``cess-archive serve --port 0`` on an archive, in a process of its own."""

    def __init__(self, db: Path, log: Path, workers: int = 1) -> None:
        self.log = open(log, "w")  # noqa: SIM115 - closed by stop()
        env = {k: v for k, v in os.environ.items() if k != "CESS_ARCHIVE_DB"}
        self.proc = subprocess.Popen(
            [CLI, "serve", "--port", "0", "--db", str(db), "--workers", str(workers)],
            stdout=subprocess.PIPE,
            stderr=self.log,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = re.search(r"http://([^/\s]+):(\d+)(/\S*)", line)
        if found is None:
            self.stop()
            raise RuntimeError(f"the server printed no URL: {line!r}; see {log}")
        self.host, self.port, self.base = found[1], int(found[2]), found[3].rstrip("/")
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:  # the URL is printed before uvicorn listens: wait for the first answer
            client = Client(self)
            try:
                if client.get("/")[0] == 200:
                    break
            except OSError:
                pass
            finally:
                client.close()
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"the server did not answer GET / within {STARTUP_TIMEOUT_S} s; see {log}")
            time.sleep(0.05)

    def processes(self) -> list[int]:
        """The server's process and its descendants (the worker processes of ``--workers``)."""
        parents: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            parents.setdefault(ppid, []).append(int(stat.parent.name))
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += parents.get(pid, [])
        return found

    def cpu_seconds(self) -> float:
        """The server's CPU time so far (user and system, every thread of every process)."""
        ticks = 0
        for pid in self.processes():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def memory(self) -> dict[str, float]:
        """VmRSS and VmHWM (peak) in MiB of the server's largest process, and the sum of their VmRSS."""
        found = {"VmRSS": 0.0, "VmHWM": 0.0, "total": 0.0}
        for pid in self.processes():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    name, _, value = line.partition(":")
                    if name in ("VmRSS", "VmHWM"):
                        found[name] = max(found[name], int(value.split()[0]) / 1024)
                    if name == "VmRSS":
                        found["total"] += int(value.split()[0]) / 1024
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.log.close()


class Client:
    """One kept-alive HTTP connection to the server."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.connection = http.client.HTTPConnection(server.host, server.port, timeout=REQUEST_TIMEOUT_S)

    def get(self, path: str) -> tuple[int, float]:
        """(status, milliseconds to the last byte of the answer)."""
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request("GET", self.server.base + path, headers={"Accept-Language": "fr"})
                response = self.connection.getresponse()
                response.read()
            except (http.client.HTTPException, OSError) as exc:
                self.connection.close()  # the next request opens a new connection
                # the server closes a connection left idle: ask again once, on a new one
                if attempt == 1 and isinstance(exc, http.client.RemoteDisconnected | BrokenPipeError):
                    continue
                raise
            return response.status, (time.perf_counter() - started) * 1000
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


# ------------------------------------------------------------------------------------------ measuring


@dataclass
class Result:
    name: str
    clients: int
    times: list[float] = field(default_factory=list)
    unexpected: dict[int, int] = field(default_factory=dict)  # status → count
    cpu_ms: float = 0.0  # the server's CPU time per request

    def percentile(self, p: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_clients(server: Server, case: Case, clients: int, requests: int) -> Result:
    result = Result(case.name, clients)
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def work(offset: int) -> None:
        client = Client(server)
        mine = [case.paths[(offset + i * clients) % len(case.paths)] for i in range(requests // clients)]
        start.wait()
        try:
            for path in mine:
                status, ms = client.get(path)
                with lock:
                    result.times.append(ms)
                    if status != case.expect:
                        result.unexpected[status] = result.unexpected.get(status, 0) + 1
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    cpu = server.cpu_seconds()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.cpu_ms = (server.cpu_seconds() - cpu) * 1000 / max(1, len(result.times))
    return result


def measure(
    server: Server, all_cases: Iterable[Case], requests: int, concurrency: list[int], out=sys.stderr
) -> tuple[list[Result], list[str]]:
    results: list[Result] = []
    notes: list[str] = []
    skipped: set[str] = set()
    client = Client(server)
    for case in all_cases:
        if case.needs in skipped:
            skipped.add(case.name)
            continue
        status, _ = client.get(case.paths[0])
        if status != case.expect:
            skipped.add(case.name)
            notes.append(f"{case.name}: skipped, answers {status} (expected {case.expect}; not there yet?)")
            continue
        for path in case.paths[:3]:  # warm-up
            client.get(path)
        for clients in concurrency:
            result = run_clients(server, case, clients, requests)
            results.append(result)
            print(
                f"  {case.name:<44} x{clients}  p50 {result.percentile(50):7.1f}  p95 {result.percentile(95):7.1f}  "
                f"cpu {result.cpu_ms:6.1f} ms",
                file=out,
            )
    client.close()
    return results, notes


# -------------------------------------------------------------------------------------------- output


def table(results: list[Result]) -> list[str]:
    """Every measure: a line per route and number of clients."""
    header = ("route", "clients", "n", "p50 ms", "p95 ms", "max ms", "cpu ms")
    lines = [
        f"{header[0]:<46} {header[1]:>7} {header[2]:>4} {header[3]:>8} {header[4]:>8} {header[5]:>8} {header[6]:>7}"
    ]
    for r in results:
        p50, p95, top = r.percentile(50), r.percentile(95), max(r.times)
        mark = ""
        if targeted(r.name):
            mark = "ok" if p95 < TARGET_MS else f"MISSED (p95 ≥ {TARGET_MS:.0f} ms)"
        if r.unexpected:
            mark += " unexpected statuses: " + ", ".join(f"{s}×{n}" for s, n in sorted(r.unexpected.items()))
        lines.append(
            f"{r.name:<46} {r.clients:>7} {len(r.times):>4} {p50:>8.1f} {p95:>8.1f} {top:>8.1f} {r.cpu_ms:>7.1f}  {mark}"
        )
    return lines


def markdown_table(results: list[Result]) -> list[str]:
    """A row per route (for the README): p50 and p95 with one client, p95 with each number of clients, and
    the server's CPU time per request."""
    clients = sorted({r.clients for r in results})
    by_route: dict[str, dict[int, Result]] = {}
    for r in results:
        by_route.setdefault(r.name, {})[r.clients] = r
    p95s = " | ".join(f"p95, {n} client{'s' * (n > 1)}" for n in clients)
    lines = [f"| route | p50 | {p95s} | server CPU |", "|---|---:|" + "---:|" * len(clients) + "---:|"]
    for name, measured in by_route.items():
        first = measured[clients[0]]
        cells = " | ".join(f"{measured[n].percentile(95):.0f} ms" if n in measured else "—" for n in clients)
        lines.append(f"| `{name}` | {first.percentile(50):.0f} ms | {cells} | {first.cpu_ms:.0f} ms |")
    return lines


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages of the machine."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def archive_for(cache: Path, pages: int, versions: int) -> Path:
    """The generated archive of that size in ``cache``, made now if it is not there yet."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{SHAPE.replace('/', '-')}-schema{schema.head()}-{pages}-{versions}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        started = time.perf_counter()
        print(f"# generating {path} ({pages} pages, {versions} versions)…", file=sys.stderr)
        generate(partial, pages=pages, versions=versions)
        partial.rename(path)
        print(f"#   done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=50_000)
    parser.add_argument("--small-pages", type=int, default=1_000)
    parser.add_argument("--small-versions", type=int, default=5_000)
    parser.add_argument("--no-small", action="store_true", help="skip the memory comparison on the small archive")
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "bench", help="where the archives are kept")
    parser.add_argument("--db", type=Path, help="benchmark this archive instead of a generated one")
    parser.add_argument("--requests", type=int, default=40, help="requests per route and number of clients")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--workers", type=int, default=1, help="cess-archive serve --workers (worker processes)")
    parser.add_argument("--only", nargs="+", metavar="PREFIX", help="only the routes whose name starts so")
    parser.add_argument("--markdown", action="store_true", help="a row per route, in Markdown (for the README)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a targeted route misses the target")
    args = parser.parse_args(argv)

    big = args.db or archive_for(args.cache, args.pages, args.versions)
    small = None if args.no_small or args.db else archive_for(args.cache, args.small_pages, args.small_versions)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="cess-web-bench-") as tmp:
        found = samples(big)
        chosen = [c for c in cases(found) if not args.only or any(c.name.startswith(p) for p in args.only)]
        print(f"# {big.name}: {found.pages} pages; cpus {os.cpu_count()}", file=sys.stderr)
        server = Server(big, Path(tmp) / "big.log", args.workers)
        try:
            before = server.memory()
            results, notes = measure(server, chosen, args.requests, args.clients)
            after = server.memory()
        finally:
            server.stop()
        small_memory = None
        if small is not None:
            small_samples = samples(small)
            small_cases = [c for c in cases(small_samples) if c.name in {r.name for r in results}]
            print(f"# {small.name}: {small_samples.pages} pages", file=sys.stderr)
            server = Server(small, Path(tmp) / "small.log", args.workers)
            try:
                small_before = server.memory()
                measure(server, small_cases, max(4, args.requests // 4), args.clients)
                small_memory = small_before, server.memory()
            finally:
                server.stop()
    load_after = load_average()

    print("\n".join(markdown_table(results) if args.markdown else table(results)))
    print()
    print(
        f"p50/p95/max: from each request sent to its answer read in full; cpu: the server's CPU time per request; "
        f"{os.cpu_count()} CPUs, load average {load_before} before, {load_after} after"
    )
    if float(load_before.split()[0]) > 0.5:
        print("note: the machine was busy before the benchmark started: latencies include other work")
    each = f" (the largest of its processes; {args.workers} workers)" if args.workers > 1 else ""
    print(
        f"server RSS on {found.pages:,} pages{each}: {before['VmRSS']:.0f} MiB before, {after['VmRSS']:.0f} MiB "
        f"after (peak {after['VmHWM']:.0f} MiB)"
    )
    if small_memory is not None:
        small_before, small_after = small_memory
        print(
            f"server RSS on {small_samples.pages:,} pages{each}: {small_before['VmRSS']:.0f} MiB before, "
            f"{small_after['VmRSS']:.0f} MiB after (peak {small_after['VmHWM']:.0f} MiB)"
        )
    for note in notes:
        print(f"note: {note}")
    missed = [r for r in results if targeted(r.name) and r.percentile(95) >= TARGET_MS]
    for clients in sorted({r.clients for r in missed}):
        names = "; ".join(r.name for r in missed if r.clients == clients)
        print(f"target missed (p95 < {TARGET_MS:.0f} ms) with {clients} client{'s' * (clients > 1)}: {names}")
    broken = sorted({r.name for r in results if r.unexpected})
    if broken:
        print("unexpected statuses: " + "; ".join(broken))
    return 1 if args.strict and (missed or broken) else 0


if __name__ == "__main__":
    sys.exit(main())
