"""Benchmark the workflow's transform against bare Spark and two baselines on generated raw days.

For each size (10k, 100k, 1M playlist items by default) it generates, or reuses from its cache, a
deterministic raw envelope v1 day (bench/raw_generator.py), then runs as separate whole processes,
each timed from process start to exit with the peak memory of its whole process tree:

1. spark:  ``spotify-etl transform --lake LAKE --snapshot-date D`` (the Glue workflow's jobs on local
   Spark, JVM start included), in a fresh lake holding the day under LAKE/raw;
2. spark_bare: bench/baselines/spark_bare_transform.py, the jobs' own table transforms on the same
   local Spark without the workflow's safeguards (what the workflow costs over plain Spark);
3. pandas: bench/baselines/pandas_transform.py, a tutorial-style pandas pipeline;
4. duckdb: bench/baselines/duckdb_transform.py, a DuckDB SQL transform.

It then counts the album, artist and song rows each wrote (reading the Parquet footers), counts
the Parquet files per table partition, compares everything with the counts the generator worked
out, prints a table per size, the ratios between engines and the targets with PASS/FAIL, and
writes bench/results/<UTC timestamp>.json. Times never fail the run; a row count that differs (or
an engine that fails) does: exit 1. See bench/README.md.

The backfill case (on by default; ``--no-backfill`` skips it, ``--backfill-only`` runs nothing
else) runs ``spotify-etl transform --lake LAKE`` on 20 generated dates of 2,000 items each, all in
one run, and on one date of 40,000 items, alternating the two, and compares their wall times
(target: backfill/single <= 1.5); it checks every date's rows against the generator's counts.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib.util
import inspect
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_WORKDIR = BENCH_DIR / ".work"
BASELINES = BENCH_DIR / "baselines"
EXTRACT_BENCH = BENCH_DIR / "bench_extract.py"

sys.path.insert(0, str(BENCH_DIR))
import raw_generator  # noqa: E402  (a script folder, not a package)

ENGINES = ("spark", "spark_bare", "pandas", "duckdb")
TABLES = ("album", "artist", "song")
WORKFLOW_TABLES = (*TABLES, "playlist")  # spotify-etl transform writes the playlist table too
EXPECTED_KEY = {"album": "albums", "artist": "artists", "song": "songs"}
DEFAULT_SIZES = ("10k", "100k", "1M")
PROJECT_DRIVER_MEMORY = "2g"  # spotify_etl.spark_session's default for SPOTIFY_ETL_DRIVER_MEMORY

# The targets (printed with PASS/FAIL, never asserted).
TARGET_SIZE, BASE_SIZE = "1M", "100k"
SPARK_VS_PANDAS_MIN = 2.0  # pandas time / spark time at 1M
SPARK_VS_DUCKDB_MAX = 3.0  # spark time / duckdb time at 1M
GROWTH_MAX = 10.0  # t(1M) / t(100k): at most linear
MEMORY_GROWTH_MAX = 2.0  # peak tree RSS(1M) / peak tree RSS(100k), for 10x the items

_DATE = r"\d{4}-\d{2}-\d{2}"
JOB_DONE = re.compile(
    rf"^[ \t]*(?P<job>\w+)[ \t]+"
    rf"(?:(?P<dates>{_DATE} \.\. {_DATE} \(\d+ dates\)|{_DATE}(?:, {_DATE})*)[ \t]+)?"
    r"done in (?P<seconds>\d+(?:\.\d+)?) s(?P<not_published>, with dates not published)?"
    r"(?: \((?P<spark_jobs>\d+) Spark jobs?\))?[ \t]*$",
    re.M,
)
"""local_workflow's progress line for a finished job (``local_workflow.run_jobs``):
``  <job>  <dates> done in <s> s (<n> Spark jobs)``, where <dates> is up to 4 dates separated by
``, `` or ``FIRST .. LAST (N dates)``; or ``  <job>  done in <s> s, with dates not published``
(no dates, no count) when build_tables left some dates unpublished."""
DATE_RANGE = re.compile(rf"^({_DATE}) \.\. ({_DATE}) \((\d+) dates\)$")


# ---------------------------------------------------------------------------------------------
# Processes and their memory, from /proc (psutil is not a dependency)
# ---------------------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def become_subreaper() -> bool:
    """Adopt orphaned descendants (PR_SET_CHILD_SUBREAPER): when ``spotify-etl`` exits before its
    JVM, the JVM stays in this process's tree, so its memory is still sampled, the next engine does
    not start until it is gone, and its CPU time is collected when it is reaped here."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def process_parents() -> dict[int, tuple[int, str]]:
    """Every live process's (parent pid, command name), from /proc/<pid>/stat."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        close = stat.rindex(")")
        table[int(entry)] = (int(stat[close + 2 :].split()[1]), stat[stat.index("(") + 1 : close])
    return table


def descendants(pid: int, table: Mapping[int, tuple[int, str]]) -> list[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, stack = [], list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return found


def memory_of(pid: int) -> tuple[int, int, int] | None:
    """(VmSize, VmRSS, VmHWM) in bytes, or None when the process is gone (or a zombie)."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(("VmSize:", "VmHWM:", "VmRSS:")):
                    name, value = line.split(":", 1)
                    fields[name] = int(value.split()[0]) * 1024
                    if name == "VmRSS":
                        break
    except OSError:
        return None
    if len(fields) < 3:
        return None
    return fields["VmSize"], fields["VmRSS"], fields["VmHWM"]


class TreeMonitor(threading.Thread):
    """Samples the memory of every descendant of this process every ``interval`` seconds.

    ``peak_tree_rss`` is the largest sum of RSS over the processes alive at one sample (pages
    shared between processes, e.g. forked Python workers, count once per process; a child still
    sharing its parent's address space before its exec, as the JVM's vfork to spawn a worker, is
    not counted twice); ``peak_process_hwm`` the largest VmHWM (the kernel's own peak RSS) of any
    single process.
    """

    def __init__(self, interval: float) -> None:
        super().__init__(name="tree-monitor", daemon=True)
        self.interval = interval
        self.me = os.getpid()
        self._halt = threading.Event()
        self.peak_tree_rss = 0
        self.peak_tree = []  # (command name, RSS) of each process at the peak sample
        self.peak_process_hwm = 0
        self.peak_process_name = ""
        self.max_processes = 0
        self.names: set[str] = set()
        self.samples = 0
        self.shared_skipped = 0

    def sample(self) -> list[int]:
        table = process_parents()
        tree = descendants(self.me, table)
        memory = {pid: found for pid in tree if (found := memory_of(pid)) is not None}
        members = []
        for pid, (size, rss, hwm) in memory.items():
            parent = memory.get(table[pid][0])
            if parent is not None and parent[:2] == (size, rss):
                # A child that has not exec'd yet (the JVM's vfork to spawn a Python worker):
                # it shares its parent's memory and reports the very same figures.
                self.shared_skipped += 1
                continue
            name = table[pid][1]
            members.append((name, rss))
            self.names.add(name)
            if hwm > self.peak_process_hwm:
                self.peak_process_hwm, self.peak_process_name = hwm, name
        total = sum(rss for _, rss in members)
        if total > self.peak_tree_rss:
            self.peak_tree_rss, self.peak_tree = total, sorted(members, key=lambda m: -m[1])
        self.max_processes = max(self.max_processes, len(members))
        self.samples += 1
        return tree

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def cpu_seconds(usage: Any) -> float:
    return usage.ru_utime + usage.ru_stime


def run_measured(
    argv: Sequence[str],
    cwd: Path,
    log_path: Path,
    env: Mapping[str, str],
    interval: float,
    tree_timeout: float = 120.0,
) -> dict[str, Any]:
    """Run one engine as a process; wall time from start to its exit, and its tree's memory/CPU.

    It then reaps every child of this process (adopted orphans included) until none is left: call
    it from a process that has no other children (the benchmark, or a test's own subprocess).
    """
    monitor = TreeMonitor(interval)
    load = os.getloadavg()[0]
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        monitor.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # interrupted: take the whole engine down with us
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            monitor.stop()
            raise
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    cpu = cpu_seconds(usage)
    max_rss = usage.ru_maxrss * 1024
    # Orphans (the JVM when its Python parent exits first) are adopted and reaped here, zombies
    # included, so that their CPU time counts and the next engine starts on a quiet machine.
    deadline = time.monotonic() + tree_timeout
    lingering = True
    while lingering and time.monotonic() < deadline:
        try:
            pid, _, orphan = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:  # no child left (adopted orphans are children too)
            pid, orphan = 0, None
        if pid:
            cpu += cpu_seconds(orphan)
            max_rss = max(max_rss, orphan.ru_maxrss * 1024)
            continue
        lingering = bool(descendants(os.getpid(), process_parents()))
        if lingering:
            time.sleep(0.05)
    tree_gone = time.perf_counter() - started
    monitor.stop()
    return {
        "returncode": process.returncode,
        "wall_seconds": round(wall, 3),
        "tree_exit_seconds": round(tree_gone, 3),
        "cpu_seconds": round(cpu, 2),
        "peak_tree_rss_bytes": monitor.peak_tree_rss,
        "peak_tree_processes": [{"name": name, "rss_bytes": rss} for name, rss in monitor.peak_tree],
        "peak_process_hwm_bytes": max(monitor.peak_process_hwm, max_rss),
        "peak_process": monitor.peak_process_name,
        "max_processes": monitor.max_processes,
        "processes": sorted(monitor.names),
        "samples": monitor.samples,
        "samples_skipping_a_shared_child": monitor.shared_skipped,
        "load_1m_before": round(load, 2),
        "lingering_after_timeout": lingering,
    }


# ---------------------------------------------------------------------------------------------
# The engines
# ---------------------------------------------------------------------------------------------


def spotify_etl_command() -> list[str]:
    script = Path(sys.executable).parent / "spotify-etl"
    if script.exists():
        return [str(script)]
    found = shutil.which("spotify-etl")
    return [found] if found else [sys.executable, "-m", "spotify_etl.cli"]


def link_day(raw_root: Path, lake_raw: Path, snapshot_date: str) -> None:
    """Put the cached day's files in a fresh lake's raw zone (hard links; copies across devices)."""
    source = raw_root / f"snapshot_date={snapshot_date}"
    target = lake_raw / f"snapshot_date={snapshot_date}"
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def prepare(engine: str, raw_root: Path, run_dir: Path, snapshot_date: str) -> tuple[list[str], Path]:
    """The command line of one engine's run and the root its tables are written under."""
    if engine == "spark":
        lake = run_dir / "lake"
        link_day(raw_root, lake / "raw", snapshot_date)
        argv = [*spotify_etl_command(), "transform", "--lake", str(lake), "--snapshot-date", snapshot_date]
        return argv, lake / "curated"
    out = run_dir / "out"
    script = BASELINES / f"{engine}_transform.py"
    argv = [sys.executable, str(script), "--raw", str(raw_root), "--out", str(out)]
    return [*argv, "--snapshot-date", snapshot_date], out


def parquet_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def count_output(tables_root: Path, snapshot_date: str, tables: Sequence[str]) -> dict[str, Any]:
    """Rows (from the Parquet footers, read with pyarrow) and files of each table's partition."""
    import pyarrow.parquet as pq

    rows, files, nbytes = {}, {}, {}
    for table in tables:
        found = parquet_files(tables_root / table / f"snapshot_date={snapshot_date}")
        files[table] = len(found)
        rows[table] = sum(pq.read_metadata(path).num_rows for path in found) if found else None
        nbytes[table] = sum(path.stat().st_size for path in found)
    return {"rows": rows, "files": files, "parquet_bytes": nbytes}


def engine_report(engine: str, run_dir: Path, log_path: Path, snapshot_date: str) -> dict[str, Any] | None:
    """What the engine said about itself: its skip counts and step timings (not trusted for rows)."""
    if engine == "spark":
        path = run_dir / "lake" / "reports" / f"snapshot_date={snapshot_date}" / "build_tables.json"
        if not path.exists():
            return None
        report = json.loads(path.read_text())
        return {"skipped": report.get("skipped"), "rows": report.get("rows"), **workflow_steps(log_path)}
    try:
        last = log_path.read_text(errors="replace").strip().splitlines()[-1]
        return json.loads(last)
    except (IndexError, json.JSONDecodeError):
        return None


def job_progress(log: str) -> dict[str, dict[str, Any]]:
    """Every finished job's progress line in a ``spotify-etl transform`` log, by job name (the
    last line wins when a job appears twice): ``seconds``; ``dates`` (the dates listed, or None
    when the line gives a range or no date), ``first_date``, ``last_date`` and ``date_count``
    (None without dates); ``spark_jobs`` (None when the line has no count); ``not_published``.
    The line's format: ``JOB_DONE``."""
    found = {}
    for match in JOB_DONE.finditer(log):
        text = match["dates"]
        if text is None:
            dates, first, last, count = None, None, None, None
        elif span := DATE_RANGE.match(text):
            dates, first, last, count = None, span[1], span[2], int(span[3])
        else:
            dates = text.split(", ")
            first, last, count = dates[0], dates[-1], len(dates)
        found[match["job"]] = {
            "seconds": float(match["seconds"]),
            "dates": dates,
            "first_date": first,
            "last_date": last,
            "date_count": count,
            "spark_jobs": None if match["spark_jobs"] is None else int(match["spark_jobs"]),
            "not_published": match["not_published"] is not None,
        }
    return found


def workflow_steps(log_path: Path) -> dict[str, Any]:
    """From a ``spotify-etl transform`` log: ``timings`` (seconds per job), ``spark_jobs`` (Spark
    jobs per job) and ``jobs`` (every parsed progress line, ``job_progress``); None when absent."""
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    jobs = job_progress(log)
    return {
        "timings": {job: line["seconds"] for job, line in jobs.items()} or None,
        "spark_jobs": {job: line["spark_jobs"] for job, line in jobs.items()} or None,
        "jobs": jobs or None,
    }


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_engine(
    engine: str,
    raw_root: Path,
    run_dir: Path,
    expected: Mapping[str, Any],
    args: argparse.Namespace,
    env: Mapping[str, str],
) -> dict[str, Any]:
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    argv, tables_root = prepare(engine, raw_root, run_dir, args.date)
    log_path = run_dir / f"{engine}.log"
    result: dict[str, Any] = {"engine": engine, "command": argv}
    result |= run_measured(argv, run_dir, log_path, env, args.sample_interval)
    tables = WORKFLOW_TABLES if engine == "spark" else TABLES
    result |= count_output(tables_root, args.date, tables)
    result["report"] = engine_report(engine, run_dir, log_path, args.date)
    result["problems"] = problems_of(result, expected)
    if result["returncode"] != 0:
        result["log_tail"] = log_tail(log_path)
    if not args.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    return result


def problems_of(result: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """Why an engine's output does not match the generated day (empty when it does)."""
    problems = []
    if result["returncode"] != 0:
        problems.append(f"{result['engine']} exited with {result['returncode']}")
    for table in TABLES:
        want, got = expected[EXPECTED_KEY[table]], result["rows"].get(table)
        if got != want:
            problems.append(f"{result['engine']} {table}: {got} rows, expected {want}")
    if "playlist" in result["rows"] and result["rows"]["playlist"] != expected["playlists"]:
        got, want = result["rows"]["playlist"], expected["playlists"]
        problems.append(f"{result['engine']} playlist: {got} rows, expected {want}")
    skipped = (result.get("report") or {}).get("skipped")
    if result["returncode"] == 0 and skipped is not None:
        want = {reason: count for reason, count in expected["skipped"].items() if count}
        got = {reason: count for reason, count in skipped.items() if count}
        if got != want:
            problems.append(f"{result['engine']} skipped {got}, expected {want}")
    return problems


# ---------------------------------------------------------------------------------------------
# Summaries, ratios and targets
# ---------------------------------------------------------------------------------------------


def summarise(runs: Sequence[Mapping[str, Any]], items: int) -> dict[str, Any]:
    """Median wall time over the repeats; the largest memory; the last run's counts."""
    walls = [r["wall_seconds"] for r in runs]
    median = statistics.median(walls)
    last = runs[-1]
    return {
        "wall_seconds": round(median, 3),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "items_per_second": round(items / median) if median else None,
        "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "peak_tree_rss_bytes": max(r["peak_tree_rss_bytes"] for r in runs),
        "peak_process_hwm_bytes": max(r["peak_process_hwm_bytes"] for r in runs),
        "load_1m_max": max(r["load_1m_before"] for r in runs),
        "rows": last["rows"],
        "files": last["files"],
        "ok": all(not r["problems"] for r in runs),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def size_ratios(summary: Mapping[str, Mapping[str, Any]]) -> dict[str, float | None]:
    """Wall-time ratios between the engines that ran with the right counts (None otherwise).

    ``spark_over_spark_bare`` is the workflow's overhead over bare Spark: its safeguards' cost on
    top of the same transforms on the same Spark. The spark_bare ratios are for information only;
    the targets are about spark, the workflow.
    """
    wall = {engine: s["wall_seconds"] for engine, s in summary.items() if s["ok"]}
    return {
        "pandas_over_spark": ratio(wall.get("pandas"), wall.get("spark")),
        "spark_over_duckdb": ratio(wall.get("spark"), wall.get("duckdb")),
        "pandas_over_duckdb": ratio(wall.get("pandas"), wall.get("duckdb")),
        "spark_over_spark_bare": ratio(wall.get("spark"), wall.get("spark_bare")),
        "pandas_over_spark_bare": ratio(wall.get("pandas"), wall.get("spark_bare")),
        "spark_bare_over_duckdb": ratio(wall.get("spark_bare"), wall.get("duckdb")),
    }


def targets(sizes: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The issue's targets, each PASS, FAIL or n/a (the size or an engine was not run)."""

    def spark(size: str) -> Mapping[str, Any] | None:
        entry = sizes.get(size, {}).get("summary", {}).get("spark")
        return entry if entry and entry["ok"] else None

    out = []

    def check(name: str, value: float | None, passed: bool | None, detail: str) -> None:
        status = "n/a" if passed is None else ("PASS" if passed else "FAIL")
        out.append({"target": name, "status": status, "value": value, "detail": detail})

    top = sizes.get(TARGET_SIZE, {}).get("ratios", {})
    value = top.get("pandas_over_spark")
    check(
        f"at {TARGET_SIZE}, spark at least {SPARK_VS_PANDAS_MIN:g}x faster than pandas",
        value,
        None if value is None else value >= SPARK_VS_PANDAS_MIN,
        "n/a" if value is None else f"pandas/spark = {value:.2f}x",
    )
    value = top.get("spark_over_duckdb")
    check(
        f"at {TARGET_SIZE}, spark takes at most {SPARK_VS_DUCKDB_MAX:g}x duckdb's time",
        value,
        None if value is None else value <= SPARK_VS_DUCKDB_MAX,
        "n/a" if value is None else f"spark/duckdb = {value:.2f}x",
    )
    big, base = spark(TARGET_SIZE), spark(BASE_SIZE)
    value = ratio(big["wall_seconds"], base["wall_seconds"]) if big and base else None
    check(
        f"{BASE_SIZE} -> {TARGET_SIZE}, spark's time grows at most linearly",
        value,
        None if value is None else value <= GROWTH_MAX,
        "n/a"
        if value is None
        else f"t({TARGET_SIZE}) / t({BASE_SIZE}) = {big['wall_seconds']:.1f} s / "
        f"{base['wall_seconds']:.1f} s = {value:.2f} (<= {GROWTH_MAX:g})",
    )
    value = ratio(big["peak_tree_rss_bytes"], base["peak_tree_rss_bytes"]) if big and base else None
    check(
        f"{BASE_SIZE} -> {TARGET_SIZE}, spark's peak memory stays bounded",
        value,
        None if value is None else value <= MEMORY_GROWTH_MAX,
        "n/a"
        if value is None
        else f"peak tree RSS {gib(base['peak_tree_rss_bytes'])} -> {gib(big['peak_tree_rss_bytes'])} "
        f"= x{value:.2f} for 10x the items (<= x{MEMORY_GROWTH_MAX:g})",
    )
    files = {
        size: spark(size)["files"]
        for size in sizes
        if spark(size) is not None and size in raw_generator.SIZES
    }
    single = {size: all(count == 1 for count in f.values()) for size, f in files.items()}
    check(
        "one Parquet file per table partition (spark)",
        None,
        None if not files else all(single.values()),
        ", ".join(f"{size}: {'yes' if ok else files[size]}" for size, ok in single.items()) or "n/a",
    )
    return out


# ---------------------------------------------------------------------------------------------
# The backfill case: many dates in one run, against the same number of items under one date
# ---------------------------------------------------------------------------------------------

BACKFILL_CASES = ("backfill", "single")
BACKFILL_DATES = 20  # dates of the backfill, ending at --date
BACKFILL_ITEMS = 2_000  # playlist items per date
BACKFILL_REPEAT = 3  # runs of each case when --repeat is not given
BACKFILL_RATIO_MAX = 1.5  # target: wall(every date in one run) / wall(one date of as many items)
BACKFILL_MAX_DATES = 1_000  # backfill_seed keeps the dates' seeds apart below this


def backfill_dates(last_date: str, count: int) -> list[str]:
    """``count`` consecutive snapshot dates (YYYY-MM-DD) ending at ``last_date``, oldest first."""
    last = date.fromisoformat(last_date)
    return [(last - timedelta(days=count - 1 - index)).isoformat() for index in range(count)]


def backfill_seed(seed: int, index: int) -> int:
    """The generator seed of the backfill's ``index``-th date (0-based, below
    ``BACKFILL_MAX_DATES``): every date is a day of its own (its own catalogue and playlists)."""
    return seed * BACKFILL_MAX_DATES + index


def backfill_days(args: argparse.Namespace) -> dict[str, dict[str, tuple[Path, dict[str, Any]]]]:
    """Both cases' days, generated or reused from the cache (``raw_generator.cached_day``):
    ``{"backfill": {date: (raw_root, expected)} for each of the dates ending at --date, each of
    --backfill-items items (seed ``backfill_seed``), "single": {--date: (raw_root, expected)}}``,
    one day of dates x items items with --seed."""
    dates = backfill_dates(args.date, args.backfill_dates)
    backfill = {
        snapshot_date: raw_generator.cached_day(
            args.workdir,
            args.backfill_items,
            backfill_seed(args.seed, index),
            snapshot_date,
            args.regenerate,
            args.gen_workers,
        )
        for index, snapshot_date in enumerate(dates)
    }
    single = raw_generator.cached_day(
        args.workdir,
        args.backfill_items * len(dates),
        args.seed,
        args.date,
        args.regenerate,
        args.gen_workers,
    )
    return {"backfill": backfill, "single": {args.date: single}}


def partition_dates(tables_root: Path) -> list[str]:
    """The snapshot dates with a partition folder in any table under ``tables_root``."""
    prefix = "snapshot_date="
    return sorted(
        {
            folder.name[len(prefix) :]
            for table in WORKFLOW_TABLES
            if (tables_root / table).is_dir()
            for folder in (tables_root / table).iterdir()
            if folder.name.startswith(prefix)
        }
    )


def dates_problems(
    case: str, result: Mapping[str, Any], expected: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Why a run over several dates does not match the generated days (empty when it does).

    ``result``: ``returncode``, ``rows`` ({date: {table: rows}}), ``report.skipped`` ({date:
    {reason: count}}, a date without a report: None) and ``dates_written`` (dates with a table
    partition); ``expected``: the generator's counts of each date. Each date is checked as
    ``problems_of`` checks a size (album, artist, song and playlist rows, the skips), and a
    partition of a date that was not generated is a problem too.
    """
    problems = [f"{case} exited with {result['returncode']}"] if result["returncode"] != 0 else []
    skipped = (result.get("report") or {}).get("skipped") or {}
    for snapshot_date, counts in expected.items():
        one_date = {
            "engine": f"{case} {snapshot_date}",
            "returncode": 0,  # a failed run is named once, above
            "rows": result["rows"].get(snapshot_date) or {},
            "report": {"skipped": skipped.get(snapshot_date)},
        }
        problems += problems_of(one_date, counts)
    unexpected = sorted(set(result.get("dates_written", ())) - set(expected))
    if unexpected:
        problems.append(f"{case}: partitions of dates that were not generated: {', '.join(unexpected)}")
    return problems


def run_workflow_case(
    case: str,
    days: Mapping[str, tuple[Path, Mapping[str, Any]]],
    run_dir: Path,
    args: argparse.Namespace,
    env: Mapping[str, str],
) -> dict[str, Any]:
    """One measured ``spotify-etl transform --lake LAKE`` (every date in raw, one run) on a fresh
    lake whose raw zone holds ``days`` ({date: (raw_root, expected)}) as hard links; rows and files
    of each date's table partitions from the Parquet footers, each date's skips from its
    build_tables report, the jobs' timings and Spark jobs from the log, and the problems."""
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    lake = run_dir / "lake"
    for snapshot_date, (raw_root, _) in days.items():
        link_day(raw_root, lake / "raw", snapshot_date)
    argv = [*spotify_etl_command(), "transform", "--lake", str(lake)]
    log_path = run_dir / f"{case}.log"
    result: dict[str, Any] = {"case": case, "command": argv}
    result |= run_measured(argv, run_dir, log_path, env, args.sample_interval)
    counted = {d: count_output(lake / "curated", d, WORKFLOW_TABLES) for d in days}
    for key in ("rows", "files", "parquet_bytes"):
        result[key] = {d: found[key] for d, found in counted.items()}
    result["dates_written"] = partition_dates(lake / "curated")
    skipped = {}
    for snapshot_date in days:
        path = lake / "reports" / f"snapshot_date={snapshot_date}" / "build_tables.json"
        skipped[snapshot_date] = json.loads(path.read_text()).get("skipped") if path.exists() else None
    result["report"] = {"skipped": skipped, **workflow_steps(log_path)}
    result["problems"] = dates_problems(case, result, {d: expected for d, (_, expected) in days.items()})
    if result["returncode"] != 0:
        result["log_tail"] = log_tail(log_path)
    if not args.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    return result


def backfill_ratio(summary: Mapping[str, Mapping[str, Any]]) -> float | None:
    """Median wall time of the backfill over that of the single date; None unless both ran with
    the right counts."""
    backfill, single = summary.get("backfill"), summary.get("single")
    if not (backfill and single and backfill["ok"] and single["ok"]):
        return None
    return ratio(backfill["wall_seconds"], single["wall_seconds"])


def backfill_target(entry: Mapping[str, Any] | None) -> dict[str, Any]:
    """The backfill's target (backfill/single <= ``BACKFILL_RATIO_MAX``): PASS, FAIL, or n/a when
    the case was not run or a case's counts were wrong."""
    dates = len(entry["dates"]) if entry else BACKFILL_DATES
    items = entry["items_per_date"] if entry else BACKFILL_ITEMS
    name = (
        f"a backfill of {dates} dates x {items:,} items in one run takes at most "
        f"{BACKFILL_RATIO_MAX:g}x the time of one date of {dates * items:,} items"
    )
    value = entry.get("ratio") if entry else None
    if value is None:
        return {"target": name, "status": "n/a", "value": None, "detail": "n/a"}
    walls = {case: entry["summary"][case]["wall_seconds"] for case in BACKFILL_CASES}
    return {
        "target": name,
        "status": "PASS" if value <= BACKFILL_RATIO_MAX else "FAIL",
        "value": value,
        "detail": f"backfill/single = {walls['backfill']:.1f} s / {walls['single']:.1f} s = {value:.2f}x "
        f"(<= {BACKFILL_RATIO_MAX:g})",
    }


def run_backfill(args: argparse.Namespace, env: Mapping[str, str], say: Callable[[str], None]) -> dict:
    """The backfill case: generate (or reuse) the days, then run the two cases alternately
    (backfill, single, backfill, ...) ``args.backfill_repeat`` times each; their summaries (median
    wall time) and the ratio."""
    say("backfill: generating or reusing the days ...")
    days = backfill_days(args)
    dates = list(days["backfill"])
    cached = [e["cached"] for case in BACKFILL_CASES for _, e in days[case].values()]
    say(
        f"backfill: {len(dates)} dates x {args.backfill_items:,} items, and {args.date} with "
        f"{args.backfill_items * len(dates):,} items; of the {len(cached)} days, {cached.count(False)} "
        f"generated, {cached.count(True)} reused from the cache"
    )
    runs: dict[str, list[dict[str, Any]]] = {case: [] for case in BACKFILL_CASES}
    order = 0
    for repeat in range(1, args.backfill_repeat + 1):
        for case in BACKFILL_CASES:  # alternating: backfill, single, backfill, single, ...
            order += 1
            say(f"backfill: {case} (run {repeat}/{args.backfill_repeat}) ...")
            run_dir = args.workdir / "runs" / f"backfill-{case}-{repeat}"
            result = {"order": order, **run_workflow_case(case, days[case], run_dir, args, env)}
            runs[case].append(result)
            state = "ok" if not result["problems"] else "MISMATCH: " + "; ".join(result["problems"])
            say(f"backfill: {case} {result['wall_seconds']:.1f} s: {state}")
    summary = {case: summarise(runs[case], args.backfill_items * len(dates)) for case in BACKFILL_CASES}
    return {
        "dates": dates,
        "items_per_date": args.backfill_items,
        "single_date": args.date,
        "single_items": args.backfill_items * len(dates),
        "repeat": args.backfill_repeat,
        "seeds": {"backfill": [backfill_seed(args.seed, i) for i in range(len(dates))], "single": args.seed},
        "expected": {case: {d: e for d, (_, e) in days[case].items()} for case in BACKFILL_CASES},
        "runs": runs,
        "summary": summary,
        "ratio": backfill_ratio(summary),
    }


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------


def gib(count: int | None) -> str:
    if not count:
        return "-"
    return f"{count / 2**30:.2f} GiB" if count >= 2**30 else f"{count / 2**20:.0f} MiB"


def mib(count: int | None) -> str:
    return "-" if count is None else f"{count / 2**20:,.1f} MiB"


def number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def steps_text(run: Mapping[str, Any]) -> str | None:
    """``normalize_items 38.3 s (23 Spark jobs), ..., the rest (start-up, imports, exit) 4.3 s``:
    a run's own step timings (and Spark jobs, when its report has them); None without timings."""
    report = run.get("report") or {}
    steps, spark_jobs = report.get("timings") or {}, report.get("spark_jobs") or {}
    if not steps:
        return None

    def step(name: str, seconds: float) -> str:
        count = spark_jobs.get(name)
        return f"{name} {seconds:.1f} s" + ("" if count is None else f" ({count} Spark jobs)")

    rest = run["wall_seconds"] - sum(steps.values())
    return ", ".join(step(name, seconds) for name, seconds in steps.items()) + (
        f", the rest (start-up, imports, exit) {rest:.1f} s"
    )


def measured_cells(s: Mapping[str, Any]) -> list[str]:
    """A summary's wall s (median, with the range over the runs), items/s, CPU s, peak tree RSS
    and max process HWM, as table cells."""
    spread = f" ({s['wall_min']:.1f}-{s['wall_max']:.1f})" if s["wall_min"] != s["wall_max"] else ""
    return [
        f"{s['wall_seconds']:.1f}{spread}",
        number(s["items_per_second"]),
        f"{s['cpu_seconds']:.1f}",
        gib(s["peak_tree_rss_bytes"]),
        gib(s["peak_process_hwm_bytes"]),
    ]


def run_notes(name: str, run: Mapping[str, Any]) -> list[str]:
    """A run's problems (``MISMATCH ...``) and, when it failed, its log's last lines."""
    notes = [f"  MISMATCH {problem}" for problem in run["problems"]]
    if run.get("log_tail"):
        notes.append(f"  {name} log (last lines):\n    " + run["log_tail"].replace("\n", "\n    "))
    return notes


def render_size(size: str, entry: Mapping[str, Any]) -> str:
    e = entry["expected"]
    lines = [
        f"== {size}: {e['items']:,} items in {e['playlists']:,} playlists, {len(e['files'])} raw file(s), "
        f"{mib(e['compressed_bytes'])} gzip ({mib(e['uncompressed_bytes'])} JSON); expected rows "
        f"album {e['albums']:,}, artist {e['artists']:,}, song {e['songs']:,}; skipped "
        + ", ".join(f"{k} {v:,}" for k, v in e["skipped"].items())
    ]
    rows = []
    for engine, s in entry["summary"].items():
        files = "/".join(str(s["files"].get(t, "-")) for t in WORKFLOW_TABLES if t in s["files"])
        rows.append(
            [
                engine,
                *measured_cells(s),
                *(number(s["rows"].get(t)) for t in TABLES),
                files,
                f"{s['load_1m_max']:.1f}",
                "ok" if s["ok"] else "MISMATCH",
            ]
        )
    header = ["engine", "wall s", "items/s", "CPU s", "peak tree RSS", "max proc HWM"]
    header += [*TABLES, "files/partition", "load", "counts"]
    lines.append(format_table(header, rows))
    r = entry["ratios"]  # .get: results saved before spark_bare have no spark_bare ratios

    def shown(key: str, text: str, note: str = "") -> str | None:
        return f"{text} {r[key]:.2f}x{note}" if r.get(key) else None

    parts = [
        shown("pandas_over_spark", "pandas/spark"),
        shown("spark_over_duckdb", "spark/duckdb"),
        shown("pandas_over_duckdb", "pandas/duckdb"),
        shown("spark_over_spark_bare", "spark/spark_bare", " (the workflow's overhead over bare Spark)"),
    ]
    if any(parts):
        lines.append("ratios (wall time): " + ", ".join(p for p in parts if p))
    parts = [
        shown("pandas_over_spark_bare", "pandas/spark_bare"),
        shown("spark_bare_over_duckdb", "spark_bare/duckdb"),
    ]
    if any(parts):
        lines.append("  for information, not targets: " + ", ".join(p for p in parts if p))
    for engine, runs in entry["runs"].items():
        if runs and (steps := steps_text(runs[-1])):
            lines.append(f"  {engine} steps (last run): {steps}")
    for engine, runs in entry["runs"].items():
        for run in runs:
            lines += run_notes(engine, run)
    return "\n".join(lines)


def dates_text(dates: Sequence[str]) -> str:
    """Up to 4 dates separated by commas, else ``FIRST .. LAST (N dates)`` (as local_workflow)."""
    return ", ".join(dates) if len(dates) <= 4 else f"{dates[0]} .. {dates[-1]} ({len(dates)} dates)"


def sum_over_dates(by_date: Mapping[str, Mapping[str, Any]], key: str) -> int | None:
    """The sum of ``by_date[d][key]`` over the dates; None when a date has none."""
    values = [(counts or {}).get(key) for counts in by_date.values()]
    return None if not values or any(v is None for v in values) else sum(values)


def render_backfill(entry: Mapping[str, Any]) -> str:
    """The backfill case: expected rows, one line per case (sums over its dates), the ratio with
    its target, each case's steps with Spark jobs, the runs in the order they ran, problems."""
    dates, expected = entry["dates"], entry["expected"]
    keys = {**EXPECTED_KEY, "playlist": "playlists"}
    lines = [
        f"== backfill: {len(dates)} dates x {entry['items_per_date']:,} items ({dates_text(dates)}) in one "
        f"`spotify-etl transform --lake LAKE` run vs {entry['single_items']:,} items under "
        f"{entry['single_date']}; alternating, {entry['repeat']} run(s) of each (median wall time)",
        "expected rows (sums over the dates): "
        + "; ".join(
            f"{case} "
            + ", ".join(f"{t} {number(sum_over_dates(expected[case], keys[t]))}" for t in WORKFLOW_TABLES)
            for case in BACKFILL_CASES
        ),
    ]
    rows = []
    for case, s in entry["summary"].items():
        last = entry["runs"][case][-1]
        files = "/".join(
            str(max((f or {}).get(t) or 0 for f in s["files"].values())) for t in WORKFLOW_TABLES
        )
        spark_jobs = ((last.get("report") or {}).get("spark_jobs") or {}).values()
        rows.append(
            [
                case,
                str(len(expected[case])),
                *measured_cells(s),
                *(number(sum_over_dates(s["rows"], t)) for t in WORKFLOW_TABLES),
                files,
                "-" if not spark_jobs or None in spark_jobs else str(sum(spark_jobs)),
                f"{s['load_1m_max']:.1f}",
                "ok" if s["ok"] else "MISMATCH",
            ]
        )
    header = ["case", "dates", "wall s", "items/s", "CPU s", "peak tree RSS", "max proc HWM"]
    header += [*WORKFLOW_TABLES, "max files/partition", "Spark jobs", "load", "counts"]
    lines.append(format_table(header, rows))
    value = entry.get("ratio")
    lines.append(
        f"ratio (median wall time): backfill/single {value:.2f}x (target <= {BACKFILL_RATIO_MAX:g})"
        if value is not None
        else "ratio (median wall time): backfill/single n/a (a case failed or its counts differ)"
    )
    for case, runs in entry["runs"].items():
        if runs and (steps := steps_text(runs[-1])):
            lines.append(f"  {case} steps (last run): {steps}")
    ran = sorted((run for runs in entry["runs"].values() for run in runs), key=lambda run: run["order"])
    lines.append("  runs in order: " + ", ".join(f"{run['case']} {run['wall_seconds']:.1f} s" for run in ran))
    for run in ran:
        lines += run_notes(run["case"], run)
    return "\n".join(lines)


def render(results: Mapping[str, Any]) -> str:
    m, c = results["machine"], results["config"]
    out = [
        f"machine: {m['nproc']} CPUs ({m['cpu_model']}), {gib(m['memory_total_bytes'])} RAM, load "
        f"{m['load_average_at_start']} at start, {results.get('load_average_at_end')} at end; Python "
        f"{m['python']}, {m['java']}, Spark {m['versions'].get('pyspark')}, pandas "
        f"{m['versions'].get('pandas')}, DuckDB {m['versions'].get('duckdb')}, pyarrow "
        f"{m['versions'].get('pyarrow')}",
        f"spark: `spotify-etl transform`, spark_bare: the same transforms on the same Spark without the "
        f"workflow's safeguards; driver memory {c['driver_memory']}; repeats: {c['repeat']} "
        f"(median wall time); memory sampled every {c['sample_interval']} s",
        "",
    ]
    for size, entry in results["sizes"].items():
        out += [render_size(size, entry), ""]
    if results.get("backfill"):
        out += [render_backfill(results["backfill"]), ""]
    out.append("targets (spark = the whole `spotify-etl transform` process, JVM start included):")
    for target in results["targets"]:
        out.append(f"  [{target['status']:>4}] {target['target']}: {target['detail']}")
    extract = results.get("extract")
    if extract is not None:
        out += ["", "extractor benchmark (bench/bench_extract.py):", extract_text(extract)]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Machine description
# ---------------------------------------------------------------------------------------------


def cpu_model() -> str | None:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or None


def meminfo() -> dict[str, int]:
    fields = {}
    with open("/proc/meminfo") as handle:
        for line in handle:
            name, _, value = line.partition(":")
            fields[name] = int(value.split()[0]) * 1024
    return fields


def command_output(*command: str) -> str:
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout + done.stderr).strip()


def machine() -> dict[str, Any]:
    from importlib import metadata

    versions = {}
    for package in ("pyspark", "pandas", "pyarrow", "duckdb"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    java_home = os.environ.get("JAVA_HOME")
    java = command_output(os.path.join(java_home, "bin", "java") if java_home else "java", "-version")
    memory = meminfo()
    return {
        "hostname": platform.node(),
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model(),
        "memory_total_bytes": memory.get("MemTotal"),
        "memory_available_bytes_at_start": memory.get("MemAvailable"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "java": java.splitlines()[0] if java else None,
        "versions": versions,
        "git": {
            "commit": command_output("git", "rev-parse", "HEAD") or None,
            "dirty": bool(command_output("git", "status", "--porcelain")),
        },
    }


# ---------------------------------------------------------------------------------------------
# The extractor benchmark (bench/bench_extract.py, when it is there)
# ---------------------------------------------------------------------------------------------


def run_extract_hook(args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, Any]:
    """Call ``bench_extract.run_extract_bench`` when bench/bench_extract.py exists.

    Its keyword arguments are taken from what it declares among: workdir, seed, snapshot_date,
    sizes, say, keep, regenerate (none: its own defaults). Its ``format_report`` (if any) gives the
    printed text. Errors are recorded, not raised: this benchmark's checks stand alone.
    """
    if not EXTRACT_BENCH.exists():
        say("extractor benchmark: bench/bench_extract.py is not there yet: skipped")
        return {"skipped": "bench/bench_extract.py not found"}
    try:
        spec = importlib.util.spec_from_file_location("bench_extract", EXTRACT_BENCH)
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault("bench_extract", module)
        spec.loader.exec_module(module)
        function = module.run_extract_bench
        offered = {
            "workdir": args.workdir / "extract",
            "seed": args.seed,
            "snapshot_date": args.date,
            "sizes": args.sizes,
            "say": say,
            "keep": args.keep,
            "regenerate": args.regenerate,
        }
        parameters = inspect.signature(function).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        kwargs = {k: v for k, v in offered.items() if takes_any or k in parameters}
        say("extractor benchmark ...")
        result = dict(function(**kwargs))
        formatter = getattr(module, "format_report", None)
        return {"result": result, "text": formatter(result) if callable(formatter) else None}
    except Exception as error:  # the extractor's benchmark must not sink the transform's
        say(f"extractor benchmark failed: {type(error).__name__}: {error}")
        return {"error": f"{type(error).__name__}: {error}"}


def extract_text(extract: Mapping[str, Any]) -> str:
    if extract.get("text"):
        return extract["text"]
    if "result" in extract:
        return json.dumps(extract["result"], indent=2, default=str)
    return extract.get("error") or extract.get("skipped") or ""


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument(
        "--sizes", nargs="+", default=list(DEFAULT_SIZES), help="sizes in items: 10k, 100k, 1M or a number"
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES), help="what to run")
    parser.add_argument(
        "--repeat",
        type=int,
        help=f"runs of each engine per size, and of each backfill case (median; default: 1 per size, "
        f"{BACKFILL_REPEAT} per backfill case)",
    )
    parser.add_argument("--seed", type=int, default=raw_generator.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--date", default=raw_generator.DEFAULT_DATE, help="the snapshot date generated")
    parser.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="generated days (cached) and the runs' output"
    )
    parser.add_argument("--regenerate", action="store_true", help="regenerate the days even if cached")
    parser.add_argument("--gen-workers", type=int, default=os.cpu_count() or 1, help="generator processes")
    parser.add_argument(
        "--driver-memory",
        help=f"SPOTIFY_ETL_DRIVER_MEMORY for spark and spark_bare (default: the project's, "
        f"{PROJECT_DRIVER_MEMORY})",
    )
    parser.add_argument("--sample-interval", type=float, default=0.1, help="memory sampling period (s)")
    parser.add_argument("--keep", action="store_true", help="keep each run's lake / output folder")
    parser.add_argument("--extract", action="store_true", help="also run bench/bench_extract.py if present")
    parser.add_argument(
        "--backfill",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the backfill case: --backfill-dates dates of --backfill-items items each (ending at --date) "
        "in one `spotify-etl transform` run, against as many items under --date alone, alternating",
    )
    parser.add_argument(
        "--backfill-only", action="store_true", help="run the backfill case only (no sizes, no engines)"
    )
    parser.add_argument("--backfill-dates", type=int, default=BACKFILL_DATES, help="dates of the backfill")
    parser.add_argument(
        "--backfill-items", type=int, default=BACKFILL_ITEMS, help="playlist items of each backfill date"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--show", type=Path, metavar="RESULTS_JSON", help="print a saved result and exit")
    args = parser.parse_args(argv)
    if args.show is None:
        try:
            args.items = {size: raw_generator.size_items(size) for size in args.sizes}
        except ValueError:
            parser.error(f"--sizes: use {', '.join(raw_generator.SIZES)} or numbers of items")
        if (args.repeat is not None and args.repeat < 1) or any(n < 1 for n in args.items.values()):
            parser.error("--repeat and the sizes must be at least 1")
        if not 1 <= args.backfill_dates < BACKFILL_MAX_DATES or args.backfill_items < 1:
            parser.error(f"--backfill-dates: 1 to {BACKFILL_MAX_DATES - 1}; --backfill-items: at least 1")
        try:
            date.fromisoformat(args.date)
        except ValueError:
            parser.error(f"--date: {args.date!r} is not a date (YYYY-MM-DD)")
        if args.backfill_only:
            args.items, args.backfill = {}, True
        args.backfill_repeat = args.repeat or BACKFILL_REPEAT
        args.repeat = args.repeat or 1
    return args


def engine_env(args: argparse.Namespace, say: Callable[[str], None]) -> dict[str, str]:
    env = dict(os.environ)
    if args.driver_memory:
        env["SPOTIFY_ETL_DRIVER_MEMORY"] = args.driver_memory
    elif env.pop("SPOTIFY_ETL_DRIVER_MEMORY", None):
        say(f"note: SPOTIFY_ETL_DRIVER_MEMORY ignored: the project default ({PROJECT_DRIVER_MEMORY}) is used")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.show:
        print(render(json.loads(args.show.read_text())))
        return 0

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started_at = datetime.now(UTC)
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    subreaper = become_subreaper()
    env = engine_env(args, say)
    results: dict[str, Any] = {
        "benchmark": "spotify-etl transform vs bare Spark, pandas and DuckDB baselines; a backfill of "
        "many dates in one run vs one date of as many items",
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {
            "sizes": args.items,
            "engines": args.engines,
            "repeat": args.repeat,
            "seed": args.seed,
            "date": args.date,
            "generator_version": raw_generator.GENERATOR_VERSION,
            "driver_memory": args.driver_memory or PROJECT_DRIVER_MEMORY,
            "backfill": {
                "dates": args.backfill_dates,
                "items_per_date": args.backfill_items,
                "repeat": args.backfill_repeat,
            }
            if args.backfill
            else None,
            "sample_interval": args.sample_interval,
            "subreaper": subreaper,
            "workdir": str(args.workdir),
        },
        "sizes": {},
    }
    for size, items in args.items.items():
        say(f"{size}: generating or reusing the day ...")
        raw_root, expected = raw_generator.cached_day(
            args.workdir, items, args.seed, args.date, args.regenerate, args.gen_workers
        )
        how = (
            "reused from cache" if expected["cached"] else f"generated in {expected['generation_seconds']} s"
        )
        say(f"{size}: {expected['items']:,} items, {len(expected['files'])} file(s), {how}")
        runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in args.engines}
        for repeat in range(1, args.repeat + 1):
            for engine in args.engines:  # spark, spark_bare, pandas, duckdb: in this order
                run_dir = args.workdir / "runs" / f"{size}-{engine}-{repeat}"
                say(f"{size}: {engine} (run {repeat}/{args.repeat}) ...")
                result = run_engine(engine, raw_root, run_dir, expected, args, env)
                runs[engine].append(result)
                state = "ok" if not result["problems"] else "MISMATCH: " + "; ".join(result["problems"])
                say(
                    f"{size}: {engine} {result['wall_seconds']:.1f} s, peak tree RSS "
                    f"{gib(result['peak_tree_rss_bytes'])}, rows {result['rows']}: {state}"
                )
        summary = {engine: summarise(engine_runs, items) for engine, engine_runs in runs.items()}
        results["sizes"][size] = {
            "items": items,
            "expected": expected,
            "runs": runs,
            "summary": summary,
            "ratios": size_ratios(summary),
        }
        say(render_size(size, results["sizes"][size]) + "\n")  # progress; all again at the end
    if args.backfill:
        results["backfill"] = run_backfill(args, env, say)
        say(render_backfill(results["backfill"]) + "\n")  # progress; all again at the end
    results["targets"] = [*targets(results["sizes"]), backfill_target(results.get("backfill"))]
    if args.extract:
        results["extract"] = run_extract_hook(args, say)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    summaries = [s for entry in results["sizes"].values() for s in entry["summary"].values()]
    summaries += (results.get("backfill") or {}).get("summary", {}).values()
    ok = all(s["ok"] for s in summaries)
    extract_ok = (results.get("extract") or {}).get("result", {}).get("ok", True) is not False
    results["ok"] = ok and extract_ok
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{started_at:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(render(results))
    print(f"\nresults: {path}")
    if not ok:
        print(
            "FAILED: an engine's (or a backfill case's) row counts differ from the generated days "
            "(see MISMATCH above)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
