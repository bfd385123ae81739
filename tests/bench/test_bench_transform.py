"""bench/bench_transform.py's own machinery: the process-tree measurement, the checks and the
targets. No Spark: the engines' runs are `make bench`'s."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
MIB = 2**20


@pytest.fixture(scope="module")
def harness(bench_transform):
    return bench_transform


CHILD = textwrap.dedent(
    """
    import subprocess, sys, time
    held = b"x" * (120 * 2**20)  # touched: resident
    grandchild = 'import time; held = b"x" * (160 * 2**20); time.sleep(1.2)'
    subprocess.Popen([sys.executable, "-c", grandchild])  # outlives this process: an orphan
    time.sleep(0.6)
    """
)

MEASURE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import bench_transform as b
    adopted = b.become_subreaper()
    result = b.run_measured([sys.executable, "-c", sys.argv[2]], Path.cwd(), Path("log.txt"), {}, 0.05)
    print(json.dumps({"adopted": adopted, **result}))
    """
)


def test_the_whole_process_tree_is_measured_orphans_included(tmp_path):
    # In its own process: run_measured reaps any child of the process that calls it.
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(BENCH), CHILD],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["returncode"] == 0
    assert 0.5 < result["wall_seconds"] < 10
    assert result["peak_process_hwm_bytes"] >= 160 * MIB  # the grandchild's own peak
    assert result["peak_tree_rss_bytes"] >= 270 * MIB  # child and grandchild alive at once
    assert result["max_processes"] >= 2
    if result["adopted"]:  # the orphan stays in the tree and is waited for
        assert result["tree_exit_seconds"] >= 1.1
        assert not result["lingering_after_timeout"]


def test_problems_name_every_count_that_differs(harness):
    expected = {"albums": 3, "artists": 4, "songs": 10, "playlists": 2, "skipped": {"null_item": 1}}
    good = {
        "engine": "spark",
        "returncode": 0,
        "rows": {"album": 3, "artist": 4, "song": 10, "playlist": 2},
        "report": {"skipped": {"null_item": 1, "episode": 0}},
    }
    assert harness.problems_of(good, expected) == []
    bad = {**good, "rows": {**good["rows"], "artist": 5, "playlist": 1}, "report": {"skipped": {}}}
    problems = harness.problems_of(bad, expected)
    assert any("artist: 5 rows, expected 4" in p for p in problems)
    assert any("playlist: 1 rows, expected 2" in p for p in problems)
    assert any("skipped" in p for p in problems)
    failed = {**good, "returncode": 1, "rows": {"album": None, "artist": None, "song": None}}
    assert "spark exited with 1" in harness.problems_of(failed, expected)


def summary(wall: float, rss: int, files: int = 1) -> dict:
    return {
        "wall_seconds": wall,
        "peak_tree_rss_bytes": rss,
        "files": dict.fromkeys(("album", "artist", "song", "playlist"), files),
        "ok": True,
    }


def test_targets_pass_fail_and_not_applicable(harness):
    sizes = {
        "100k": {"summary": {"spark": summary(20.0, 2_000 * MIB)}},
        "1M": {
            "summary": {
                "spark": summary(100.0, 3_000 * MIB),
                "pandas": summary(250.0, 1),
                "duckdb": summary(40.0, 1),
            }
        },
    }
    for entry in sizes.values():
        entry["ratios"] = harness.size_ratios(entry["summary"])
    status = {t["target"]: t["status"] for t in harness.targets(sizes)}
    assert list(status.values()) == ["PASS", "PASS", "PASS", "PASS", "PASS"]

    sizes["1M"]["summary"]["spark"] = summary(300.0, 5_000 * MIB, files=2)
    sizes["1M"]["ratios"] = harness.size_ratios(sizes["1M"]["summary"])
    status = {t["target"]: t["status"] for t in harness.targets(sizes)}
    assert list(status.values()) == ["FAIL", "FAIL", "FAIL", "FAIL", "FAIL"]

    only_small = {"10k": {"summary": {"spark": summary(5.0, 1)}, "ratios": {}}}
    status = [t["status"] for t in harness.targets(only_small)]
    assert status == ["n/a", "n/a", "n/a", "n/a", "PASS"]
