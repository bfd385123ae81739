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


def test_the_engines_run_spark_then_bare_spark_then_the_baselines(harness):
    assert harness.ENGINES == ("spark", "spark_bare", "pandas", "duckdb")
    assert harness.parse_args(["--sizes", "10k"]).engines == ["spark", "spark_bare", "pandas", "duckdb"]


@pytest.mark.parametrize("engine", ["spark_bare", "pandas", "duckdb"])
def test_each_baseline_runs_its_own_script(harness, engine, tmp_path):
    argv, tables_root = harness.prepare(engine, tmp_path / "raw", tmp_path / "run", "2026-11-20")
    script = BENCH / "baselines" / f"{engine}_transform.py"
    assert script.is_file()
    assert argv == [
        sys.executable,
        str(script),
        "--raw",
        str(tmp_path / "raw"),
        "--out",
        str(tmp_path / "run" / "out"),
        "--snapshot-date",
        "2026-11-20",
    ]
    assert tables_root == tmp_path / "run" / "out"


def test_ratios_with_bare_spark(harness):
    four = {
        "spark": summary(60.0, 1),
        "spark_bare": summary(20.0, 1),
        "pandas": summary(50.0, 1),
        "duckdb": summary(8.0, 1),
    }
    assert harness.size_ratios(four) == {
        "pandas_over_spark": 0.83,
        "spark_over_duckdb": 7.5,
        "pandas_over_duckdb": 6.25,
        "spark_over_spark_bare": 3.0,  # the workflow's overhead over bare Spark
        "pandas_over_spark_bare": 2.5,
        "spark_bare_over_duckdb": 2.5,
    }
    wrong = {**four, "spark_bare": {**four["spark_bare"], "ok": False}}  # a count mismatch
    ratios = harness.size_ratios(wrong)
    assert ratios["spark_over_spark_bare"] is None
    assert ratios["pandas_over_spark_bare"] is None
    assert ratios["spark_bare_over_duckdb"] is None
    assert ratios["spark_over_duckdb"] == 7.5
    without = {name: s for name, s in four.items() if name != "spark_bare"}
    assert harness.size_ratios(without)["spark_over_spark_bare"] is None


def test_bare_spark_does_not_change_the_targets(harness):
    def sizes(bare: float | None) -> dict:
        found = {
            "100k": {"summary": {"spark": summary(20.0, 2_000 * MIB)}},
            "1M": {
                "summary": {
                    "spark": summary(100.0, 3_000 * MIB),
                    "pandas": summary(150.0, 1),
                    "duckdb": summary(40.0, 1),
                }
            },
        }
        if bare is not None:
            for entry in found.values():
                entry["summary"]["spark_bare"] = summary(bare, 1, files=7)
        for entry in found.values():
            entry["ratios"] = harness.size_ratios(entry["summary"])
        return found

    alone = harness.targets(sizes(None))
    assert [t["status"] for t in alone] == ["FAIL", "PASS", "PASS", "PASS", "PASS"]
    for bare in (1.0, 1_000.0):  # much faster or much slower than the workflow: the same targets
        assert harness.targets(sizes(bare)) == alone


def entry_of(harness, walls: dict[str, float], ratios: dict | None = None) -> dict:
    """A size's results as main() stores them, with each engine's wall time."""
    rows = {"album": 3, "artist": 4, "song": 10}
    summaries = {
        engine: {
            "wall_seconds": wall,
            "wall_min": wall,
            "wall_max": wall,
            "items_per_second": round(12 / wall),
            "cpu_seconds": wall,
            "peak_tree_rss_bytes": 300 * MIB,
            "peak_process_hwm_bytes": 200 * MIB,
            "load_1m_max": 0.5,
            "rows": rows,
            "files": dict.fromkeys(rows, 1),
            "ok": True,
        }
        for engine, wall in walls.items()
    }
    return {
        "expected": {
            "items": 12,
            "playlists": 1,
            "files": [{}],
            "compressed_bytes": MIB,
            "uncompressed_bytes": 2 * MIB,
            "albums": 3,
            "artists": 4,
            "songs": 10,
            "skipped": {"null_item": 2},
        },
        "runs": {engine: [{"report": None, "problems": []}] for engine in walls},
        "summary": summaries,
        "ratios": harness.size_ratios(summaries) if ratios is None else ratios,
    }


def test_the_size_table_shows_bare_spark_and_its_ratios(harness):
    text = harness.render_size(
        "10k", entry_of(harness, {"spark": 24.0, "spark_bare": 8.0, "pandas": 1.0, "duckdb": 0.5})
    )
    engines = [line.split()[0] for line in text.splitlines()[3:7]]
    assert engines == ["spark", "spark_bare", "pandas", "duckdb"]
    assert "spark/spark_bare 3.00x (the workflow's overhead over bare Spark)" in text
    assert "for information, not targets: pandas/spark_bare 0.12x, spark_bare/duckdb 16.00x" in text


def test_results_saved_before_bare_spark_still_print(harness):
    old_ratios = {"pandas_over_spark": 0.04, "spark_over_duckdb": 48.0, "pandas_over_duckdb": 2.0}
    text = harness.render_size(
        "10k", entry_of(harness, {"spark": 24.0, "pandas": 1.0, "duckdb": 0.5}, old_ratios)
    )
    assert "ratios (wall time): pandas/spark 0.04x, spark/duckdb 48.00x, pandas/duckdb 2.00x" in text
    assert "spark_bare" not in text
