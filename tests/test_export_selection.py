"""Which records an export selects, on the local copy crawled through several states (``site_archive``):
the default selection, ``--include-removed``/``--include-duplicates``/``--all-versions``, the filters,
``--as-of`` (what stood then), ``--since``/``--since-run`` (what changed) and incremental dumps."""

from __future__ import annotations

from tests.builders import EVERYTHING, db_rows, export_jsonl, iso, keys, read_jsonl
from tests.conftest import cess, path_of


def test_scenario_has_versions_removals_and_a_copy(site_archive, tmp_path):
    records = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING)
    by_path = {}
    for record in records:
        by_path.setdefault(path_of(record["url"]), []).append(record)
    assert [r["version"] for r in by_path[site_archive.seed0]] == [1, 2, 3]
    assert [r["version"] for r in by_path[site_archive.seed1]] == [1, 2]
    assert by_path[site_archive.removed][-1]["status"] == "removed"  # needs removal detection (issue 4)
    assert by_path[site_archive.removed_then_restored][-1]["status"] == "live"
    assert by_path[site_archive.copy][-1]["duplicate_of"] is not None
    events = dict(db_rows(site_archive, "SELECT kind, count(*) FROM events GROUP BY kind"))
    assert events.get("removed") == 2 and events.get("restored") == 1


def test_default_selection_leaves_out_removed_pages_and_copies(site_archive, tmp_path):
    latest = export_jsonl(site_archive.db_url, tmp_path)
    paths = {path_of(r["url"]) for r in latest}
    assert site_archive.removed not in paths and site_archive.copy not in paths
    assert site_archive.removed_then_restored in paths
    assert all(r["status"] == "live" and r["duplicate_of"] is None for r in latest)
    with_removed = {path_of(r["url"]): r for r in export_jsonl(site_archive.db_url, tmp_path, "--include-removed")}
    assert with_removed[site_archive.removed]["status"] == "removed"
    assert set(with_removed) == paths | {site_archive.removed}
    with_copies = {path_of(r["url"]): r for r in export_jsonl(site_archive.db_url, tmp_path, "--include-duplicates")}
    assert set(with_copies) == paths | {site_archive.copy}
    assert path_of(with_copies[site_archive.copy]["duplicate_of"]) == site_archive.copy.removeprefix("/de")


def test_filters(site_archive, tmp_path):
    everything = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING)
    pages = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING, "--kind", "page")
    assert pages and pages == [r for r in everything if r["kind"] == "page"]
    english = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING, "--language", "en")
    assert english and english == [r for r in everything if r["language"] == "en"]
    both = export_jsonl(
        site_archive.db_url,
        tmp_path,
        *EVERYTHING,
        "--language",
        "en",
        "--language",
        "fr",
        "--kind",
        "article",
        "--kind",
        "page",
        "--source",
        "cess",
    )
    assert both == [r for r in everything if r["language"] in ("en", "fr")]
    upper = export_jsonl(site_archive.db_url, tmp_path, *EVERYTHING, "--language", "EN")
    assert upper == english  # languages are stored in lower case; the option takes any case
    out = tmp_path / "none.jsonl"
    result = cess(
        "export", "--format", "jsonl", "--output", str(out), "--db", site_archive.db_url, "--source", "no-such-source"
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "cess-archive: error: unknown source 'no-such-source' for --source: known sources "
        "are anne-genetet, cess, mediapart-valette\n"
    )
    assert not out.exists()


def test_as_of_reproduces_the_exports_made_then(site_archive, tmp_path):
    """An export ``--as-of T`` made later is the export that was made at T."""
    for label, at in (("t1", site_archive.t1), ("t2", site_archive.t2)):
        for kind, args in (("latest", ()), ("all", EVERYTHING)):
            then = read_jsonl(site_archive.snapshots[label, kind])
            now = export_jsonl(site_archive.db_url, tmp_path, "--as-of", iso(at), *args)
            assert now == then, (label, kind)


def test_as_of_selects_what_stood_then(site_archive, tmp_path):
    a = site_archive
    at_t2 = {path_of(r["url"]): r for r in export_jsonl(a.db_url, tmp_path, "--as-of", iso(a.t2), "--include-removed")}
    assert at_t2[a.seed0]["version"] == 2
    assert at_t2[a.seed1]["version"] == 1 and "titre revu" not in at_t2[a.seed1]["title"]
    assert at_t2[a.removed_then_restored]["status"] == "removed"
    assert at_t2[a.removed]["status"] == "live"
    assert all(r["last_seen"] <= iso(a.t2) for r in at_t2.values())
    versions_then = db_rows(
        a, "SELECT count(*) FROM versions WHERE first_seen <= ?", a.t2.replace(tzinfo=None).isoformat(sep=" ")
    )[0][0]
    every = export_jsonl(a.db_url, tmp_path, "--as-of", iso(a.t2), *EVERYTHING)
    assert len(every) == versions_then
    before = cess(
        "export", "--format", "jsonl", "--output", str(tmp_path / "x.jsonl"), "--db", a.db_url, "--as-of", "2000-01-01"
    )
    assert before.exit_code == 0 and "the selection is empty" in before.stderr, before.output
    assert (tmp_path / "x.jsonl").read_bytes() == b""


def test_since_selects_exactly_what_changed(site_archive, tmp_path):
    a = site_archive
    changed = {(a.seed0, 3, "live"), (a.seed1, 2, "live"), (a.removed_then_restored, 1, "live")}
    for args in (("--since", iso(a.t1)), ("--since-run", "1")):
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args))) == changed
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args, "--include-removed"))) == changed | {
            (a.removed, 1, "removed")
        }
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args, "--all-versions", "--include-removed"))) == changed | {
            (a.seed0, 2, "live"),
            (a.removed, 1, "removed"),
        }
    for args in (("--since", iso(a.t2)), ("--since-run", "2")):
        assert set(keys(export_jsonl(a.db_url, tmp_path, *args, "--all-versions", "--include-removed"))) == changed | {
            (a.removed, 1, "removed")
        }
    window = export_jsonl(a.db_url, tmp_path, "--since", iso(a.t1), "--as-of", iso(a.t2), *EVERYTHING)
    assert set(keys(window)) == {(a.seed0, 2, "live"), (a.removed_then_restored, 1, "removed")}
    nothing = cess(
        "export", "--format", "jsonl", "--output", str(tmp_path / "n.jsonl"), "--db", a.db_url, "--since-run", "3"
    )
    assert nothing.exit_code == 0, nothing.output  # a quiet night: an empty dump, not a failure
    assert nothing.stdout.startswith("exported 0 records to ")
    assert (
        nothing.stderr.startswith("cess-archive: note: the selection is empty (")
        and "that changed after run 3" in nothing.stderr
        and nothing.stderr.count("\n") == 1
    )
    assert (tmp_path / "n.jsonl").read_bytes() == b""


def test_incremental_dumps_rebuild_the_full_export(site_archive, tmp_path):
    """The export at T1, updated with the ``--since T1 --include-removed`` dump (removed rows dropped),
    is the export of now."""
    a = site_archive
    state = {r["url"]: r for r in read_jsonl(a.snapshots["t1", "latest"])}
    for record in export_jsonl(a.db_url, tmp_path, "--since", iso(a.t1), "--include-removed"):
        if record["status"] == "removed":
            state.pop(record["url"], None)
        else:
            state[record["url"]] = record
    now = {r["url"]: r for r in export_jsonl(a.db_url, tmp_path)}
    assert set(state) == set(now)
    changed = [url for url in now if state[url] != now[url]]
    # unchanged pages were confirmed again, so only their last_seen moved
    assert all({k for k in now[url] if now[url][k] != state[url][k]} == {"last_seen"} for url in changed)
