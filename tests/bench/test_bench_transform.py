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


# ---------------------------------------------------------------------------------------------
# The workflow's progress lines (issue 16, item 6) and the backfill case (item 7)
# ---------------------------------------------------------------------------------------------

WORKFLOW_LOG = """starting local Spark ...
snapshot dates: all in raw
  normalize_items  ...
26/11/30 10:00:01 WARN TaskSetManager: Stage 3 contains a task of very large size (2000 KiB)
  normalize_items  2026-11-01 .. 2026-11-20 (20 dates) done in 12.3 s (41 Spark jobs)
  build_tables     ...
  build_tables     2026-11-01, 2026-11-02, 2026-11-03 done in 8.5 s (57 Spark jobs)
"""


def test_progress_lines_of_every_form_are_parsed(harness):
    assert harness.job_progress(WORKFLOW_LOG) == {
        "normalize_items": {
            "seconds": 12.3,
            "dates": None,
            "first_date": "2026-11-01",
            "last_date": "2026-11-20",
            "date_count": 20,
            "spark_jobs": 41,
            "not_published": False,
        },
        "build_tables": {
            "seconds": 8.5,
            "dates": ["2026-11-01", "2026-11-02", "2026-11-03"],
            "first_date": "2026-11-01",
            "last_date": "2026-11-03",
            "date_count": 3,
            "spark_jobs": 57,
            "not_published": False,
        },
    }
    one = harness.job_progress("  build_tables     2026-11-20 done in 8.5 s (57 Spark jobs)\n")
    assert one["build_tables"]["dates"] == ["2026-11-20"]
    assert (one["build_tables"]["seconds"], one["build_tables"]["spark_jobs"]) == (8.5, 57)
    four = harness.job_progress(
        "  normalize_items  2026-11-17, 2026-11-18, 2026-11-19, 2026-11-20 done in 3 s (1 Spark jobs)"
    )
    assert four["normalize_items"]["date_count"] == 4
    assert (four["normalize_items"]["seconds"], four["normalize_items"]["spark_jobs"]) == (3.0, 1)
    # a log from before the Spark job counts: the timings still come through
    old = harness.job_progress("  normalize_items  2026-11-20 done in 38.3 s\n")
    assert (old["normalize_items"]["seconds"], old["normalize_items"]["spark_jobs"]) == (38.3, None)
    # build_tables with dates not published: no dates, no count
    unpublished = harness.job_progress("  build_tables     done in 4.0 s, with dates not published\n")
    assert unpublished["build_tables"] == {
        "seconds": 4.0,
        "dates": None,
        "first_date": None,
        "last_date": None,
        "date_count": None,
        "spark_jobs": None,
        "not_published": True,
    }
    # the "started" lines and anything after the count are not a finished job
    assert (
        harness.job_progress(
            "  normalize_items  ...\n  build_tables 2026-11-20 done in 1 s (2 Spark jobs) x\n"
        )
        == {}
    )


def test_the_steps_line_gives_each_jobs_spark_jobs(harness):
    run = {
        "wall_seconds": 63.8,
        "report": {
            "timings": {"normalize_items": 38.3, "build_tables": 21.2},
            "spark_jobs": {"normalize_items": 23, "build_tables": 31},
        },
    }
    assert harness.steps_text(run) == (
        "normalize_items 38.3 s (23 Spark jobs), build_tables 21.2 s (31 Spark jobs), "
        "the rest (start-up, imports, exit) 4.3 s"  # 63.8 - 38.3 - 21.2
    )
    without = {"wall_seconds": 10.0, "report": {"timings": {"read": 6.0}}}  # a baseline's steps
    assert harness.steps_text(without) == "read 6.0 s, the rest (start-up, imports, exit) 4.0 s"
    assert harness.steps_text({"wall_seconds": 1.0, "report": None}) is None


def test_backfill_dates_end_at_the_date_and_each_has_its_own_seed(harness):
    dates = harness.backfill_dates("2026-11-20", 20)
    assert (len(dates), dates[0], dates[1], dates[-1]) == (20, "2026-11-01", "2026-11-02", "2026-11-20")
    assert harness.backfill_dates("2028-03-01", 3) == ["2028-02-28", "2028-02-29", "2028-03-01"]  # leap year
    assert [harness.backfill_seed(42, i) for i in (0, 1, 19)] == [42000, 42001, 42019]
    assert harness.backfill_seed(43, 0) != harness.backfill_seed(42, 999)


def test_the_backfill_options(harness):
    full = harness.parse_args([])
    assert (full.backfill, full.backfill_dates, full.backfill_items) == (True, 20, 2000)
    assert (full.repeat, full.backfill_repeat) == (1, 3)  # 1 per size, 3 per backfill case
    assert list(full.items) == ["10k", "100k", "1M"]
    both = harness.parse_args(["--repeat", "2"])
    assert (both.repeat, both.backfill_repeat) == (2, 2)
    assert harness.parse_args(["--sizes", "10k", "100k", "--no-backfill"]).backfill is False
    only = harness.parse_args(["--backfill-only", "--backfill-dates", "3", "--backfill-items", "300"])
    assert (only.items, only.backfill, only.backfill_dates, only.backfill_items) == ({}, True, 3, 300)
    for wrong in (["--backfill-dates", "0"], ["--backfill-items", "0"], ["--date", "2026-13-01"]):
        with pytest.raises(SystemExit):
            harness.parse_args(wrong)


def test_every_backfill_date_is_checked_against_its_own_counts(harness):
    expected = {
        "2026-11-01": {"albums": 3, "artists": 4, "songs": 10, "playlists": 2, "skipped": {"null_item": 1}},
        "2026-11-02": {"albums": 2, "artists": 4, "songs": 8, "playlists": 1, "skipped": {"episode": 2}},
    }
    good = {
        "returncode": 0,
        "rows": {
            "2026-11-01": {"album": 3, "artist": 4, "song": 10, "playlist": 2},
            "2026-11-02": {"album": 2, "artist": 4, "song": 8, "playlist": 1},
        },
        "report": {"skipped": {"2026-11-01": {"null_item": 1, "episode": 0}, "2026-11-02": {"episode": 2}}},
        "dates_written": ["2026-11-01", "2026-11-02"],
    }
    assert harness.dates_problems("backfill", good, expected) == []

    # the sums over both dates are right (5 albums, 8 artists), each date's are not
    bad = {
        **good,
        "rows": {
            "2026-11-01": {"album": 3, "artist": 5, "song": 10, "playlist": 2},
            "2026-11-02": {"album": 2, "artist": 3, "song": 8, "playlist": 1},
        },
        "report": {"skipped": {"2026-11-01": {"null_item": 2}, "2026-11-02": {"episode": 2}}},
        "dates_written": ["2026-11-01", "2026-11-02", "2026-11-03"],
    }
    assert harness.dates_problems("backfill", bad, expected) == [
        "backfill 2026-11-01 artist: 5 rows, expected 4",
        "backfill 2026-11-01 skipped {'null_item': 2}, expected {'null_item': 1}",
        "backfill 2026-11-02 artist: 3 rows, expected 4",
        "backfill: partitions of dates that were not generated: 2026-11-03",
    ]

    # a failed run, one date never written: named once, then every missing count
    failed = {
        "returncode": 1,
        "rows": {"2026-11-01": {"album": 3, "artist": 4, "song": 10, "playlist": 2}},
        "report": {"skipped": {"2026-11-01": {"null_item": 1}, "2026-11-02": None}},
        "dates_written": ["2026-11-01"],
    }
    assert harness.dates_problems("single", failed, expected) == [
        "single exited with 1",
        "single 2026-11-02 album: None rows, expected 2",
        "single 2026-11-02 artist: None rows, expected 4",
        "single 2026-11-02 song: None rows, expected 8",
    ]


def backfill_entry(backfill: float, single: float, ok: bool = True) -> dict:
    summary = {
        "backfill": {"wall_seconds": backfill, "ok": ok},
        "single": {"wall_seconds": single, "ok": True},
    }
    return {"dates": [f"2026-11-{d:02d}" for d in range(1, 21)], "items_per_date": 2000, "summary": summary}


@pytest.mark.parametrize(
    ("backfill", "single", "ratio", "status"),
    [
        (30.0, 24.0, 1.25, "PASS"),
        (36.0, 24.0, 1.5, "PASS"),  # the target's bound: at most 1.5
        (37.5, 24.0, 1.56, "FAIL"),  # 1.5625, shown with two decimals
        (96.0, 24.0, 4.0, "FAIL"),
    ],
)
def test_the_backfill_ratio_and_its_target(harness, backfill, single, ratio, status):
    entry = backfill_entry(backfill, single)
    entry["ratio"] = harness.backfill_ratio(entry["summary"])
    assert entry["ratio"] == ratio
    target = harness.backfill_target(entry)
    assert target["status"] == status
    assert target["value"] == ratio
    assert target["target"] == (
        "a backfill of 20 dates x 2,000 items in one run takes at most 1.5x the time of one date "
        "of 40,000 items"
    )
    assert target["detail"] == f"backfill/single = {backfill:.1f} s / {single:.1f} s = {ratio:.2f}x (<= 1.5)"


def test_the_backfill_target_is_not_applicable_without_both_right_counts(harness):
    wrong = backfill_entry(30.0, 24.0, ok=False)
    assert harness.backfill_ratio(wrong["summary"]) is None
    assert harness.backfill_target({**wrong, "ratio": None})["status"] == "n/a"
    not_run = harness.backfill_target(None)
    assert (not_run["status"], not_run["value"]) == ("n/a", None)
    assert "20 dates x 2,000 items" in not_run["target"]


# The backfill case end to end, with a stand-in for the `spotify-etl transform` process: it
# writes what the workflow writes (Parquet tables per date, build_tables reports, progress lines)
# with the row counts of ROWS, so that the benchmark's own counting, checks, alternation, ratio
# and exit code are exercised without Spark.
DAY = {"albums": 2, "artists": 3, "songs": 5, "playlists": 1, "skipped": {"null_item": 1, "episode": 0}}
BIG_DAY = {"albums": 4, "artists": 5, "songs": 10, "playlists": 2, "skipped": {"null_item": 2, "episode": 0}}
ROWS = {"album": "albums", "artist": "artists", "song": "songs", "playlist": "playlists"}


def fake_days(tmp_path: Path, dates: list[str], single_date: str) -> dict:
    def day(name: str, snapshot_date: str, counts: dict) -> tuple[Path, dict]:
        raw = tmp_path / "days" / name / "raw"
        (raw / f"snapshot_date={snapshot_date}").mkdir(parents=True)
        (raw / f"snapshot_date={snapshot_date}" / "run.jsonl.gz").write_bytes(b"")
        return raw, {**counts, "cached": True}

    return {
        "backfill": {d: day(d, d, DAY) for d in dates},
        "single": {single_date: day("single", single_date, BIG_DAY)},
    }


def fake_transform(walls: list[float], wrong_artists_in_run: int | None = None):
    """run_measured's stand-in: writes the lake's output for every date in LAKE/raw."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    calls = []

    def run_measured(argv, cwd, log_path, env, interval):
        lake = Path(argv[argv.index("--lake") + 1])
        dates = sorted(p.name.split("=", 1)[1] for p in (lake / "raw").iterdir())
        counts = DAY if len(dates) > 1 else BIG_DAY
        calls.append((Path(log_path).stem, dates))
        for snapshot_date in dates:
            for table, key in ROWS.items():
                rows = counts[key] + (table == "artist" and len(calls) == wrong_artists_in_run)
                folder = lake / "curated" / table / f"snapshot_date={snapshot_date}"
                folder.mkdir(parents=True)
                pq.write_table(pa.table({"n": list(range(rows))}), folder / "part-00000.parquet")
            report = lake / "reports" / f"snapshot_date={snapshot_date}" / "build_tables.json"
            report.parent.mkdir(parents=True)
            report.write_text(json.dumps({"skipped": counts["skipped"]}))
        Path(log_path).write_text(
            f"  normalize_items  {', '.join(dates)} done in 2.0 s (7 Spark jobs)\n"
            f"  build_tables     {', '.join(dates)} done in 1.0 s (9 Spark jobs)\n"
        )
        wall = walls[len(calls) - 1]
        return {
            "returncode": 0,
            "wall_seconds": wall,
            "cpu_seconds": 2 * wall,
            "peak_tree_rss_bytes": 900 * MIB,
            "peak_process_hwm_bytes": 700 * MIB,
            "load_1m_before": 0.5,
        }

    return run_measured, calls


@pytest.fixture()
def backfill_main(harness, tmp_path, monkeypatch):
    """main() with --backfill-only on two dates (2026-11-01, 2026-11-02) and --repeat 2."""
    dates = ["2026-11-01", "2026-11-02"]
    monkeypatch.setattr(harness, "backfill_days", lambda args: fake_days(tmp_path, dates, args.date))
    monkeypatch.setattr(harness, "become_subreaper", lambda: False)  # not the test process
    monkeypatch.setattr(
        harness,
        "machine",
        lambda: {
            "nproc": 2,
            "cpu_model": "test",
            "memory_total_bytes": 2**30,
            "load_average_at_start": [0.5],
            "python": "3.11",
            "java": "java",
            "versions": {},
        },
    )

    def run(walls: list[float], wrong_artists_in_run: int | None = None) -> tuple[int, dict, list]:
        fake, calls = fake_transform(walls, wrong_artists_in_run)
        monkeypatch.setattr(harness, "run_measured", fake)
        argv = ["--backfill-only", "--date", "2026-11-02", "--backfill-dates", "2", "--repeat", "2"]
        argv += ["--workdir", str(tmp_path / "work"), "--results-dir", str(tmp_path / "results")]
        code = harness.main(argv)
        (saved,) = (tmp_path / "results").glob("*.json")
        results = json.loads(saved.read_text())
        saved.unlink()
        return code, results, calls

    return run


def test_the_backfill_case_alternates_and_compares_medians(backfill_main, capsys):
    code, results, calls = backfill_main([30.0, 20.0, 36.0, 24.0])
    assert code == 0
    both = ["2026-11-01", "2026-11-02"]
    assert calls == [
        ("backfill", both),
        ("single", ["2026-11-02"]),
        ("backfill", both),
        ("single", ["2026-11-02"]),
    ]
    backfill = results["backfill"]
    assert [r["order"] for r in backfill["runs"]["backfill"]] == [1, 3]
    assert [r["order"] for r in backfill["runs"]["single"]] == [2, 4]
    assert backfill["summary"]["backfill"]["wall_seconds"] == 33.0  # median of 30 and 36
    assert backfill["summary"]["single"]["wall_seconds"] == 22.0  # median of 20 and 24
    assert backfill["ratio"] == 1.5  # 33 / 22
    assert backfill["runs"]["backfill"][0]["rows"]["2026-11-02"] == {
        "album": 2,
        "artist": 3,
        "song": 5,
        "playlist": 1,
    }
    assert backfill["runs"]["single"][0]["report"]["spark_jobs"] == {"normalize_items": 7, "build_tables": 9}
    assert results["targets"][-1]["status"] == "PASS"
    out = capsys.readouterr().out
    assert "ratio (median wall time): backfill/single 1.50x (target <= 1.5)" in out
    assert (
        "backfill steps (last run): normalize_items 2.0 s (7 Spark jobs), build_tables 1.0 s (9 Spark jobs)"
        in out
    )
    assert "runs in order: backfill 30.0 s, single 20.0 s, backfill 36.0 s, single 24.0 s" in out
    # per case: dates, rows summed over its dates (2 x DAY; BIG_DAY), the most files of a date's
    # partition per table, Spark jobs (7 + 9), load, counts
    table = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line.startswith(("backfill ", "single "))
    }
    assert " ".join(table["backfill"][1:2] + table["backfill"][-8:]) == "2 4 6 10 2 1/1/1/1 16 0.5 ok"
    assert " ".join(table["single"][1:2] + table["single"][-8:]) == "1 4 5 10 2 1/1/1/1 16 0.5 ok"


def test_a_backfill_date_with_wrong_counts_fails_the_run(backfill_main, capsys):
    code, results, _ = backfill_main([30.0, 20.0, 36.0, 24.0], wrong_artists_in_run=3)  # backfill's 2nd
    assert code == 1
    assert results["ok"] is False
    backfill = results["backfill"]
    assert backfill["runs"]["backfill"][0]["problems"] == []
    assert backfill["runs"]["backfill"][1]["problems"] == [
        "backfill 2026-11-01 artist: 4 rows, expected 3",
        "backfill 2026-11-02 artist: 4 rows, expected 3",
    ]
    assert backfill["summary"]["backfill"]["ok"] is False
    assert backfill["ratio"] is None
    assert results["targets"][-1]["status"] == "n/a"
    assert "MISMATCH backfill 2026-11-02 artist: 4 rows, expected 3" in capsys.readouterr().out
