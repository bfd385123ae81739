"""Benchmark the transform (normalize_items, then build_tables) on a generated raw day.

Generates a deterministic (seeded) synthetic snapshot date of raw envelope v1 files in a temporary
folder, runs both Glue jobs on it with a local SparkSession exactly as ``spotify-etl transform``
does, and measures wall time, throughput, memory and output size. Results are printed as tables
and written to ``bench/results/<timestamp>.json`` with a description of the machine.

Times are not asserted (a benchmark is not a test); the run fails (exit 1) only when the run
reports do not reconcile: items read != songs + skipped + quarantined, or the counts differ from
what was generated. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import gzip
import itertools
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"

SCALES: dict[str, tuple[int, int]] = {
    "small": (20, 100),
    "medium": (200, 500),
    "large": (500, 2000),
}
"""Preset scales: (playlists, mean items per playlist)."""
DEFAULT_SCALE = "medium"
WARMUP_SCALE = "small"

NULL_RATE = 0.01  # "item": null (an unavailable track)
LOCAL_RATE = 0.005  # a local file: is_local, the track's id is null
EPISODE_RATE = 0.01  # a podcast episode
MULTI_ARTIST_RATE = 0.2  # tracks with 2-3 credited artists
PART_MAX_BYTES = 64 * 1024 * 1024  # the extractor's default part size (uncompressed)

OPEN = "https://open.spotify.com"
API = "https://api.spotify.com/v1"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
WORDS = (
    "Night",
    "Drive",
    "Paper",
    "Wire",
    "Motel",
    "Rain",
    "Golden",
    "Hour",
    "Ocean",
    "Glass",
    "Neon",
    "Summer",
    "Echo",
    "Velvet",
    "River",
    "Static",
    "Midnight",
    "Satellite",
    "Honey",
    "Thunder",
    "Silver",
    "Lights",
    "Ghost",
    "Fever",
    "Garden",
    "Winter",
    "Fire",
    "Paradise",
    "Dream",
    "Sonne",
    "Herz",
    "Corazón",
    "Été",
    "Café",
    "Mañana",
    "Björk",
    "Søren",
    "Żywy",
    "夜",
    "東京",
    "Seoul",
    "Lagos",
    "Kyiv",
    "Tokyo",
    "Berlin",
)
JSON_COMPACT = {"ensure_ascii": False, "separators": (",", ":")}


# ---------------------------------------------------------------------------------------------
# Synthetic raw day
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scale:
    """How big a generated day is: ``playlists`` of ``items`` items on average."""

    name: str
    playlists: int
    items: int

    @property
    def total_items(self) -> int:
        return self.playlists * self.items

    @property
    def label(self) -> str:
        return f"{self.name} ({self.playlists}x{self.items})"


@dataclasses.dataclass(frozen=True)
class RunTask:
    """One extraction run's file(s) to write: which playlists, of which sizes."""

    raw_root: str
    snapshot_date: str
    seed: int
    total_items: int
    run_id: str
    started_at: str
    playlists: tuple[tuple[int, int], ...]  # (playlist index, item count)
    part_max_bytes: int
    gzip_level: int


@dataclasses.dataclass
class Generated:
    """What a generator wrote: files, bytes and the items of each kind (the expected counts)."""

    files: int = 0
    playlists: int = 0
    compressed_bytes: int = 0
    uncompressed_bytes: int = 0
    items: dict[str, int] = dataclasses.field(
        default_factory=lambda: {"song": 0, "null_item": 0, "local_file": 0, "episode": 0}
    )

    def add(self, other: Generated) -> None:
        self.files += other.files
        self.playlists += other.playlists
        self.compressed_bytes += other.compressed_bytes
        self.uncompressed_bytes += other.uncompressed_bytes
        for kind, count in other.items.items():
            self.items[kind] += count


def spotify_id(rng: random.Random) -> str:
    """A 22-character base-62 id, like the Web API's."""
    return "".join(rng.choices(BASE62, k=22))


def title(rng: random.Random, words: int = 2) -> str:
    return " ".join(rng.choices(WORDS, k=words))


def artist_object(artist_id: str, name: str) -> dict[str, Any]:
    return {
        "external_urls": {"spotify": f"{OPEN}/artist/{artist_id}"},
        "href": f"{API}/artists/{artist_id}",
        "id": artist_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }


def images(rng: random.Random) -> list[dict[str, Any]]:
    image = "".join(rng.choices("0123456789abcdef", k=40))
    return [
        {"height": size, "url": f"https://i.scdn.co/image/ab67616d0000{image}", "width": size}
        for size in (640, 300, 64)
    ]


@dataclasses.dataclass
class Catalog:
    """Shared artists, albums (pre-serialised JSON) and tracks, drawn with a Zipf-like popularity."""

    artists: list[dict[str, Any]]
    album_json: list[str]
    album_artists: list[list[int]]
    tracks: list[tuple[str, str, int, bool, str, int, tuple[int, ...], int]]
    cum_weights: list[float]
    episodes: list[str]


def build_catalog(seed: int, total_items: int) -> Catalog:
    """The day's catalogue, a pure function of (seed, total items): the same in every process."""
    rng = random.Random(f"{seed}/catalog")
    n_tracks = max(50, int(total_items * 0.35))
    n_albums = max(10, n_tracks // 8)
    n_artists = max(5, n_albums // 2)
    artists = [artist_object(spotify_id(rng), title(rng, rng.randint(1, 3))) for _ in range(n_artists)]
    album_json, album_artists = [], []
    for _ in range(n_albums):
        album_id = spotify_id(rng)
        credited = [rng.randrange(n_artists)] + ([rng.randrange(n_artists)] if rng.random() < 0.1 else [])
        precision = rng.choices(("day", "month", "year"), weights=(90, 5, 5))[0]
        year = rng.randint(1960, 2026)
        release = {
            "day": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "month": f"{year}-{rng.randint(1, 12):02d}",
            "year": str(year),
        }[precision]
        album = {
            "album_type": rng.choices(("album", "single", "compilation"), weights=(60, 35, 5))[0],
            "artists": [artists[index] for index in credited],
            "external_urls": {"spotify": f"{OPEN}/album/{album_id}"},
            "href": f"{API}/albums/{album_id}",
            "id": album_id,
            "images": images(rng),
            "name": title(rng, rng.randint(1, 4)),
            "release_date": release,
            "release_date_precision": precision,
            "total_tracks": rng.randint(1, 20),
            "type": "album",
            "uri": f"spotify:album:{album_id}",
        }
        album_json.append(json.dumps(album, **JSON_COMPACT))
        album_artists.append(credited)
    tracks = []
    for _ in range(n_tracks):
        album = rng.randrange(n_albums)
        extra = rng.sample(range(n_artists), rng.randint(1, 2)) if rng.random() < MULTI_ARTIST_RATE else []
        credited = tuple(dict.fromkeys([album_artists[album][0], *extra]))
        tracks.append(
            (
                spotify_id(rng),
                title(rng, rng.randint(1, 4)),
                rng.randint(90_000, 420_000),
                rng.random() < 0.15,
                f"{rng.choice(('US', 'GB', 'SE', 'DE', 'JP'))}{rng.randint(10**9, 10**10 - 1)}",
                album,
                credited,
                rng.randint(1, 12),
            )
        )
    rank = list(range(n_tracks))
    rng.shuffle(rank)
    cum_weights = list(itertools.accumulate(1.0 / (r + 10) ** 0.9 for r in rank))
    shows = [(spotify_id(rng), title(rng, 3)) for _ in range(20)]
    episodes = []
    for _ in range(200):
        episode_id, (show_id, show_name) = spotify_id(rng), rng.choice(shows)
        episode = {
            "description": " ".join(rng.choices(WORDS, k=60)),
            "duration_ms": rng.randint(600_000, 7_200_000),
            "explicit": False,
            "external_urls": {"spotify": f"{OPEN}/episode/{episode_id}"},
            "href": f"{API}/episodes/{episode_id}",
            "id": episode_id,
            "images": images(rng),
            "name": title(rng, 5),
            "release_date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            "release_date_precision": "day",
            "show": {"id": show_id, "name": show_name, "publisher": show_name, "type": "show"},
            "type": "episode",
            "uri": f"spotify:episode:{episode_id}",
        }
        episodes.append(json.dumps(episode, **JSON_COMPACT))
    return Catalog(artists, album_json, album_artists, tracks, cum_weights, episodes)


def track_json(catalog: Catalog, index: int) -> str:
    """A full track object as JSON text, its album embedded (as the Web API serves it)."""
    track_id, name, duration, explicit, isrc, album, credited, number = catalog.tracks[index]
    artists = json.dumps([catalog.artists[a] for a in credited], **JSON_COMPACT)
    return (
        f'{{"album":{catalog.album_json[album]},"artists":{artists},"disc_number":1,'
        f'"duration_ms":{duration},"explicit":{"true" if explicit else "false"},'
        f'"external_ids":{{"isrc":"{isrc}"}},"external_urls":{{"spotify":"{OPEN}/track/{track_id}"}},'
        f'"href":"{API}/tracks/{track_id}","id":"{track_id}","is_local":false,'
        f'"name":{json.dumps(name, ensure_ascii=False)},"track_number":{number},"type":"track",'
        f'"uri":"spotify:track:{track_id}"}}'
    )


def local_json(rng: random.Random) -> str:
    name, artist = title(rng, 2), title(rng, 1)
    local = {
        "album": {"artists": [], "id": None, "name": "", "type": "album"},
        "artists": [{"external_urls": {}, "id": None, "name": artist, "type": "artist"}],
        "duration_ms": rng.randint(90_000, 400_000),
        "explicit": False,
        "external_ids": {},
        "external_urls": {},
        "id": None,
        "is_local": True,
        "name": name,
        "type": "track",
        "uri": f"spotify:local:{artist}::{name}:180",
    }
    return json.dumps(local, **JSON_COMPACT)


def playlist_line(catalog: Catalog, task: RunTask, index: int, size: int, counts: dict[str, int]) -> bytes:
    """One raw envelope v1 line: a playlist of ``size`` items in the ``item`` shape."""
    rng = random.Random(f"{task.seed}/playlist/{index}")
    playlist_id, owner = spotify_id(rng), f"user{rng.randrange(10_000):05d}"
    snapshot = datetime.fromisoformat(f"{task.snapshot_date}T00:00:00+00:00")
    picks = rng.choices(range(len(catalog.tracks)), cum_weights=catalog.cum_weights, k=size)
    added_by = (
        f'{{"external_urls":{{"spotify":"{OPEN}/user/{owner}"}},"href":"{API}/users/{owner}",'
        f'"id":"{owner}","type":"user","uri":"spotify:user:{owner}"}}'
    )
    items = []
    for pick in picks:
        added = snapshot - timedelta(seconds=rng.randrange(1, 3 * 365 * 86_400))
        draw, is_local = rng.random(), False
        if draw < NULL_RATE:
            entity, kind = "null", "null_item"
        elif draw < NULL_RATE + LOCAL_RATE:
            entity, kind, is_local = local_json(rng), "local_file", True
        elif draw < NULL_RATE + LOCAL_RATE + EPISODE_RATE:
            entity, kind = rng.choice(catalog.episodes), "episode"
        else:
            entity, kind = track_json(catalog, pick), "song"
        counts[kind] += 1
        items.append(
            f'{{"added_at":"{added:%Y-%m-%dT%H:%M:%SZ}","added_by":{added_by},'
            f'"is_local":{"true" if is_local else "false"},"primary_color":null,'
            f'"video_thumbnail":{{"url":null}},"item":{entity}}}'
        )
    extracted = datetime.fromisoformat(task.started_at) + timedelta(seconds=index % 600, milliseconds=index)
    header = {
        "schema_version": 1,
        "run_id": task.run_id,
        "snapshot_date": task.snapshot_date,
        "extracted_at": f"{extracted:%Y-%m-%dT%H:%M:%S}.{extracted.microsecond // 1000:03d}Z",
        "playlist": {
            "id": playlist_id,
            "name": title(rng, rng.randint(1, 4)),
            "owner_id": owner,
            "owner_name": title(rng, 1),
            "snapshot_id": "".join(rng.choices(BASE62, k=32)),
            "description": " ".join(rng.choices(WORDS, k=rng.randint(0, 20))),
            "public": rng.random() < 0.8,
            "collaborative": rng.random() < 0.05,
            "total_items": size,
            "url": f"{OPEN}/playlist/{playlist_id}",
        },
    }
    head = json.dumps(header, **JSON_COMPACT)[:-1]  # reopen the object to append "items"
    return f'{head},"items":[{",".join(items)}]}}\n'.encode()


_CATALOG: dict[tuple[int, int], Catalog] = {}


def write_run(task: RunTask) -> Generated:
    """Write one run's raw file, in parts past ``part_max_bytes`` (as the extractor does)."""
    key = (task.seed, task.total_items)
    if key not in _CATALOG:
        _CATALOG.clear()
        _CATALOG[key] = build_catalog(*key)
    catalog, stats = _CATALOG[key], Generated()
    folder = Path(task.raw_root) / f"snapshot_date={task.snapshot_date}"
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[list[bytes]] = [[]]
    size = 0
    for index, items in task.playlists:
        line = playlist_line(catalog, task, index, items, stats.items)
        if parts[-1] and size + len(line) > task.part_max_bytes:
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += len(line)
        stats.playlists += 1
        stats.uncompressed_bytes += len(line)
    for number, lines in enumerate(parts, start=1):
        name = f"{task.run_id}.jsonl.gz" if len(parts) == 1 else f"{task.run_id}-{number:04d}.jsonl.gz"
        body = gzip.compress(b"".join(lines), compresslevel=task.gzip_level, mtime=0)
        (folder / name).write_bytes(body)
        stats.files += 1
        stats.compressed_bytes += len(body)
    return stats


def playlist_sizes(rng: random.Random, scale: Scale) -> list[int]:
    """Sizes between about half and 1.5 times the mean, summing to exactly playlists x items."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(scale.playlists)]
    factor = scale.total_items / sum(weights)
    sizes = [max(1, int(weight * factor)) for weight in weights]
    for index in range(scale.total_items - sum(sizes)):
        sizes[index % scale.playlists] += 1
    return sizes


def generate_day(
    raw_root: Path,
    scale: Scale,
    snapshot_date: str,
    seed: int,
    runs: int,
    gzip_level: int,
    part_max_bytes: int,
    workers: int,
) -> Generated:
    """Write the synthetic day's raw files (``runs`` extraction runs) with ``workers`` processes."""
    rng = random.Random(f"{seed}/day/{scale.playlists}x{scale.items}")
    sizes = playlist_sizes(rng, scale)
    day = datetime.fromisoformat(f"{snapshot_date}T06:00:00+00:00")
    chunks = [list(enumerate(sizes))[run::runs] for run in range(min(runs, scale.playlists))]
    tasks = []
    for run, chunk in enumerate(chunks):
        started = day + timedelta(minutes=15 * run)
        tasks.append(
            RunTask(
                raw_root=str(raw_root),
                snapshot_date=snapshot_date,
                seed=seed,
                total_items=scale.total_items,
                run_id=f"{started:%Y%m%dT%H%M%SZ}-{rng.getrandbits(32):08x}",
                started_at=started.isoformat(),
                playlists=tuple(chunk),
                part_max_bytes=part_max_bytes,
                gzip_level=gzip_level,
            )
        )
    total = Generated()
    # Separate processes: parallel gzip, and the driver's own peak RSS stays the Spark driver's.
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(tasks))), mp_context=get_context("spawn")
    ) as pool:
        for stats in pool.map(write_run, tasks):
            total.add(stats)
    return total


# ---------------------------------------------------------------------------------------------
# Memory: the driver (this process), the Spark JVM, and the Python workers Spark forks
# ---------------------------------------------------------------------------------------------


def proc_status(pid: int | str) -> dict[str, int]:
    """The ``kB`` fields of /proc/<pid>/status (VmRSS, VmHWM, ...) in bytes; empty if gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return {}
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB":
            fields[name] = int(parts[0]) * 1024
    return fields


def reset_peak(pid: int | str) -> bool:
    """Reset a process's VmHWM to its current RSS (``echo 5 > /proc/<pid>/clear_refs``)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def process_table() -> dict[int, tuple[int, str]]:
    """Every process's (parent pid, command name), from /proc/<pid>/stat."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        table[int(entry)] = (int(stat[stat.rindex(")") + 2 :].split()[1]), name)
    return table


def spark_cpu_seconds(jvm_pid: int | None) -> float | None:
    """CPU time used so far by the Spark JVM and its Python workers (the daemon's reaped workers too).

    Counted as the JVM's own and reaped children's time plus every live Python descendant's, so a
    worker is counted once whether it is alive (its own time) or gone (its parent's ``cutime``).
    """
    if jvm_pid is None:
        return None
    pids = [jvm_pid, *(pid for pid, name in descendants(jvm_pid) if name.startswith("python"))]
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def descendants(pid: int, table: Mapping[int, tuple[int, str]] | None = None) -> Iterator[tuple[int, str]]:
    """(pid, command name) of every descendant of ``pid``."""
    table = table if table is not None else process_table()
    children: dict[int, list[int]] = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    stack = list(children.get(pid, []))
    while stack:
        child = stack.pop()
        yield child, table[child][1]
        stack.extend(children.get(child, []))


def find_jvm_pid() -> int | None:
    """The Spark JVM: the ``java`` process started by (a descendant of) this process."""
    try:
        import psutil  # optional
    except ImportError:
        return next((pid for pid, name in descendants(os.getpid()) if name == "java"), None)
    for child in psutil.Process().children(recursive=True):
        if child.name() == "java":
            return child.pid
    return None


class MemorySampler(threading.Thread):
    """Samples the RSS of the JVM and of its Python worker processes every ``interval`` seconds.

    The JVM's and the driver's peaks are read exactly from VmHWM; the Python workers come and
    go, so their peak (the sum over the workers alive at one moment) is sampled.
    """

    def __init__(self, jvm_pid: int | None, interval: float = 0.2) -> None:
        super().__init__(name="memory-sampler", daemon=True)
        self.jvm_pid, self.interval = jvm_pid, interval
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self.workers_peak = 0
        self.workers_max_count = 0

    def reset(self) -> None:
        with self._lock:
            self.workers_peak = self.workers_max_count = 0

    def sample(self) -> None:
        if self.jvm_pid is None:
            return
        workers = [pid for pid, name in descendants(self.jvm_pid) if name.startswith("python")]
        rss = sum(proc_status(pid).get("VmRSS", 0) for pid in workers)
        with self._lock:
            self.workers_peak = max(self.workers_peak, rss)
            self.workers_max_count = max(self.workers_max_count, len(workers))

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# ---------------------------------------------------------------------------------------------
# Running and measuring the jobs
# ---------------------------------------------------------------------------------------------


def tree_bytes(path: Path, suffix: str = "") -> int:
    """Total size of the files under ``path`` whose name ends with ``suffix``."""
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob(f"*{suffix}") if f.is_file())


def measured(
    step: Callable[[], dict[str, Any]], sampler: MemorySampler, jvm_pid: int | None, spark: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run ``step`` once; return its report and its wall time and peak memory."""
    gc.collect()
    spark.sparkContext._jvm.java.lang.System.gc()  # a comparable heap before each measurement
    driver_reset = reset_peak("self")
    jvm_reset = jvm_pid is None or reset_peak(jvm_pid)
    sampler.reset()
    load = os.getloadavg()[0]
    cpu_before, driver_before = spark_cpu_seconds(jvm_pid), resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = step()
    seconds = time.perf_counter() - started
    cpu_after, driver_after = spark_cpu_seconds(jvm_pid), resource.getrusage(resource.RUSAGE_SELF)
    sampler.sample()
    jvm = proc_status(jvm_pid) if jvm_pid else {}
    return report, {
        "seconds": round(seconds, 3),
        "spark_cpu_seconds": None if cpu_before is None else round(cpu_after - cpu_before, 2),
        "driver_cpu_seconds": round(
            driver_after.ru_utime + driver_after.ru_stime - driver_before.ru_utime - driver_before.ru_stime, 2
        ),
        "load_average_1m_before": round(load, 2),
        "driver_peak_rss_bytes": proc_status("self").get("VmHWM"),
        "jvm_peak_rss_bytes": jvm.get("VmHWM"),
        "python_workers_peak_rss_bytes_sampled": sampler.workers_peak,
        "python_workers_max": sampler.workers_max_count,
        "peaks_reset_per_job": driver_reset and jvm_reset,
    }


def run_once(
    spark: Any, raw_root: Path, lake: Path, snapshot_date: str, sampler: MemorySampler, jvm_pid: int | None
) -> dict[str, Any]:
    """normalize_items then build_tables for one date, as local_workflow.transform_date chains them."""
    from spotify_etl.jobs import BUILD_TABLES, NORMALIZE_ITEMS, build_tables, normalize_items
    from spotify_etl.jobs.entry import run_local_job

    result: dict[str, Any] = {"jobs": {}, "reports": {}}
    steps = (
        (NORMALIZE_ITEMS, normalize_items.run, {"raw_path": str(raw_root), "lake_path": str(lake)}),
        (BUILD_TABLES, build_tables.run, {"lake_path": str(lake)}),
    )
    for spec, run, arguments in steps:
        arguments = {**arguments, "snapshot_date": snapshot_date}
        try:
            report, metrics = measured(
                lambda spec=spec, run=run, arguments=arguments: run_local_job(spark, spec, run, arguments),
                sampler,
                jvm_pid,
                spark,
            )
        except Exception as error:  # a failed check (reconciliation, quality): record and stop
            result["error"] = f"{spec.name}: {type(error).__name__}: {error}"
            return result
        result["jobs"][spec.name] = metrics
        result["reports"][spec.name] = report
    return result


def reconciliation_problems(result: Mapping[str, Any], generated: Generated) -> list[str]:
    """Why a run's reports do not add up (empty when they do)."""
    if "error" in result:
        return [result["error"]]
    normalized, built = result["reports"]["normalize_items"], result["reports"]["build_tables"]
    balance = built["reconciliation"]
    items_read, songs = normalized["items_read"], built["rows"]["song"]
    skipped, quarantined = sum(built["skipped"].values()), balance["quarantined_items"]
    problems = []
    if items_read != songs + skipped + quarantined:
        problems.append(
            f"items read {items_read} != songs {songs} + skipped {skipped} + quarantined {quarantined}"
        )
    if not (balance["holds"] and normalized["items_reconciled"]):
        problems.append(f"a report says it does not reconcile: {balance}")
    expected = {"items_read": sum(generated.items.values()), **generated.items, "quarantined": 0}
    actual = {"items_read": items_read, "song": songs, "quarantined": quarantined}
    actual |= {kind: built["skipped"].get(kind, 0) for kind in generated.items if kind != "song"}
    if actual != expected or set(built["skipped"]) - set(generated.items):
        problems.append(f"counts differ from the generated day: expected {expected}, got {actual}")
    return problems


def summarise(repeats: Sequence[Mapping[str, Any]], items: int) -> dict[str, Any]:
    """Median, min and max per job (and for the two together) over the repeats."""
    summary = {}
    jobs = ("normalize_items", "build_tables")
    for job in (*jobs, "total"):
        if job == "total":
            seconds = [sum(r["jobs"][j]["seconds"] for j in jobs) for r in repeats]
            cpu = [sum(r["jobs"][j]["spark_cpu_seconds"] or 0 for j in jobs) for r in repeats]
            memory = {}
        else:
            seconds = [r["jobs"][job]["seconds"] for r in repeats]
            cpu = [r["jobs"][job]["spark_cpu_seconds"] or 0 for r in repeats]
            memory = {
                key: max(r["jobs"][job][key] or 0 for r in repeats)
                for key in (
                    "driver_peak_rss_bytes",
                    "jvm_peak_rss_bytes",
                    "python_workers_peak_rss_bytes_sampled",
                )
            }
        median = statistics.median(seconds)
        summary[job] = {
            "seconds_median": round(median, 3),
            "seconds_min": round(min(seconds), 3),
            "seconds_max": round(max(seconds), 3),
            "items_per_second": round(items / median) if median else None,
            "spark_cpu_seconds_median": round(statistics.median(cpu), 2),
            "load_1m_max": max(
                r["jobs"][j]["load_average_1m_before"]
                for r in repeats
                for j in (jobs if job == "total" else [job])
            ),
            **memory,
        }
    return summary


def bench_scale(
    spark: Any,
    scale: Scale,
    args: argparse.Namespace,
    workdir: Path,
    sampler: MemorySampler,
    jvm_pid: int | None,
    say: Callable[[str], None],
    repeat: int,
) -> dict[str, Any]:
    """Generate one scale's day, run the jobs ``repeat`` times (a fresh lake each), collect it all."""
    root = workdir / f"{scale.name}-{scale.playlists}x{scale.items}"
    raw_root = root / "raw"
    started = time.perf_counter()
    generated = generate_day(
        raw_root,
        scale,
        args.date,
        args.seed,
        args.runs,
        args.gzip_level,
        args.part_mib << 20,
        args.gen_workers,
    )
    generation_seconds = time.perf_counter() - started
    say(
        f"{scale.label}: generated {sum(generated.items.values()):,} items in {generated.playlists} "
        f"playlists, {generated.files} files, {mib(generated.compressed_bytes)} gzip "
        f"({mib(generated.uncompressed_bytes)} JSON) in {generation_seconds:.1f} s"
    )
    repeats, problems = [], []
    for number in range(1, repeat + 1):
        lake = root / f"lake-{number}"
        result = run_once(spark, raw_root, lake, args.date, sampler, jvm_pid)
        problems = reconciliation_problems(result, generated)
        result["reconciles"] = not problems
        if not problems:
            result["output_bytes"] = {
                name: tree_bytes(lake / "curated" / name / f"snapshot_date={args.date}", ".parquet")
                for name in result["reports"]["build_tables"]["rows"]
            }
            result["staging_bytes"] = tree_bytes(lake / "staging", ".parquet")
            times = ", ".join(f"{job} {m['seconds']:.1f} s" for job, m in result["jobs"].items())
            say(f"  repeat {number}/{repeat}: {times}")
        repeats.append(result)
        if not args.keep:
            shutil.rmtree(lake, ignore_errors=True)
        if problems:
            what = "RUN FAILED" if "error" in result else "RECONCILIATION FAILED"
            say(f"  repeat {number}/{repeat}: {what}: {'; '.join(problems)}")
            break
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    good = [r for r in repeats if r["reconciles"]]
    last = good[-1] if good else {}
    items = sum(generated.items.values())
    return {
        "scale": dataclasses.asdict(scale),
        "generated": {**dataclasses.asdict(generated), "seconds": round(generation_seconds, 2)},
        "repeats": [{k: v for k, v in r.items() if k != "reports"} for r in repeats],
        "summary": summarise(good, items) if len(good) == len(repeats) else None,
        "rows": last.get("reports", {}).get("build_tables", {}).get("rows"),
        "skipped": last.get("reports", {}).get("build_tables", {}).get("skipped"),
        "reconciliation": last.get("reports", {}).get("build_tables", {}).get("reconciliation"),
        "output_parquet_bytes": last.get("output_bytes"),
        "staging_parquet_bytes": last.get("staging_bytes"),
        "reconciles": bool(good) and len(good) == len(repeats),
        "problems": problems,
    }


# ---------------------------------------------------------------------------------------------
# Machine description and reporting
# ---------------------------------------------------------------------------------------------


def mib(count: int | None) -> str:
    return "-" if count is None else f"{count / 2**20:,.1f} MiB"


def cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or None


def git_revision() -> dict[str, Any]:
    def git(*command: str) -> str:
        done = subprocess.run(["git", *command], cwd=BENCH_DIR, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


def machine(spark: Any) -> dict[str, Any]:
    """What the numbers were measured on."""
    jvm = spark.sparkContext._jvm.java.lang.System
    conf = spark.sparkContext.getConf()
    return {
        "hostname": platform.node(),
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model(),
        "memory_total_bytes": proc_status_meminfo().get("MemTotal"),
        "memory_available_bytes_at_start": proc_status_meminfo().get("MemAvailable"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "java": f"{jvm.getProperty('java.vendor')} {jvm.getProperty('java.version')}",
        "spark": spark.version,
        "spark_master": conf.get("spark.master"),
        "spark_driver_memory": conf.get("spark.driver.memory"),
        "spark_shuffle_partitions": conf.get("spark.sql.shuffle.partitions"),
        "git": git_revision(),
    }


def proc_status_meminfo() -> dict[str, int]:
    fields = {}
    with open("/proc/meminfo") as handle:
        for line in handle:
            name, _, value = line.partition(":")
            fields[name] = int(value.split()[0]) * 1024
    return fields


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


def render(results: Mapping[str, Any]) -> str:
    """The readable tables: timing and memory per job, then data volumes per scale."""
    m = results["machine"]
    out = [
        f"machine: {m['nproc']} CPUs ({m['cpu_model']}), {mib(m['memory_total_bytes'])} RAM, "
        f"load {m['load_average_at_start']}; Python {m['python']}, Java {m['java']}, Spark {m['spark']} "
        f"({m['spark_master']}, driver memory {m['spark_driver_memory']}, "
        f"{m['spark_shuffle_partitions']} shuffle partitions)",
        f"repeats: median of {results['config']['repeat']} (after a warm-up on {WARMUP_SCALE})",
        "",
    ]
    timing = []
    for entry in results["scales"]:
        label = f"{entry['scale']['name']} {entry['scale']['playlists']}x{entry['scale']['items']}"
        for job, s in (entry["summary"] or {}).items():
            timing.append(
                [
                    label,
                    job,
                    f"{s['seconds_median']:.2f}",
                    f"{s['seconds_min']:.2f}-{s['seconds_max']:.2f}",
                    f"{s['items_per_second']:,}",
                    f"{s['spark_cpu_seconds_median']:.1f}",
                    f"{s['load_1m_max']:.1f}",
                    mib(s.get("jvm_peak_rss_bytes")),
                    mib(s.get("driver_peak_rss_bytes")),
                    mib(s.get("python_workers_peak_rss_bytes_sampled")),
                ]
            )
    out.append(
        format_table(
            [
                "scale",
                "job",
                "median s",
                "min-max s",
                "items/s",
                "CPU s",
                "load",
                "JVM peak",
                "driver peak",
                "py workers",
            ],
            timing,
        )
    )
    out.append("")
    volume = []
    for entry in results["scales"]:
        label = f"{entry['scale']['name']} {entry['scale']['playlists']}x{entry['scale']['items']}"
        generated, rows, sizes = entry["generated"], entry["rows"] or {}, entry["output_parquet_bytes"] or {}
        volume.append(
            [
                label,
                f"{sum(generated['items'].values()):,}",
                generated["files"],
                mib(generated["compressed_bytes"]),
                mib(generated["uncompressed_bytes"]),
                *(f"{rows.get(t, 0):,}" for t in ("song", "album", "artist", "playlist")),
                mib(sum(sizes.values()) if sizes else None),
                mib(entry["staging_parquet_bytes"]),
                "yes" if entry["reconciles"] else "NO",
            ]
        )
    out.append(
        format_table(
            [
                "scale",
                "items",
                "files",
                "raw gzip",
                "raw JSON",
                "song",
                "album",
                "artist",
                "playlist",
                "curated",
                "staging",
                "reconciles",
            ],
            volume,
        )
    )
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        nargs="+",
        choices=sorted(SCALES),
        help=f"preset scale(s), run in order: {SCALES} (playlists, items); default {DEFAULT_SCALE}",
    )
    parser.add_argument("--playlists", type=int, help="a custom scale: number of playlists")
    parser.add_argument("--items", type=int, help="a custom scale: mean items per playlist")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs per scale (median reported)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (same seed, same files)")
    parser.add_argument("--date", default="2026-11-20", help="the snapshot date to generate")
    parser.add_argument("--runs", type=int, default=4, help="extraction runs (raw files) in the day")
    parser.add_argument("--part-mib", type=int, default=PART_MAX_BYTES >> 20, help="raw part size (MiB)")
    parser.add_argument("--gzip-level", type=int, default=9, help="raw gzip level (the extractor's: 9)")
    parser.add_argument("--gen-workers", type=int, default=os.cpu_count() or 1, help="generator processes")
    parser.add_argument("--no-warmup", action="store_true", help="skip the warm-up run")
    parser.add_argument("--driver-memory", help="spark.driver.memory (default: the project's, 2g)")
    parser.add_argument("--shuffle-partitions", type=int, help="spark.sql.shuffle.partitions (default 4)")
    parser.add_argument("--workdir", type=Path, help="where to generate (default: a new temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated raw files and lakes")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.playlists or args.items:
        if args.scale:
            parser.error("give either --scale or --playlists/--items")
        default = SCALES[DEFAULT_SCALE]
        args.scales = [Scale("custom", args.playlists or default[0], args.items or default[1])]
    else:
        args.scales = [Scale(name, *SCALES[name]) for name in (args.scale or [DEFAULT_SCALE])]
    if args.repeat < 1 or any(s.playlists < 1 or s.items < 1 for s in args.scales):
        parser.error("--repeat, --playlists and --items must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--show"] and len(argv) == 2:  # print the tables of a saved results file
        print(render(json.loads(Path(argv[1]).read_text())))
        return 0
    args = parse_args(argv)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started_at = datetime.now(UTC)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="spotify-etl-bench-"))
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    if args.driver_memory:
        os.environ["SPOTIFY_ETL_DRIVER_MEMORY"] = args.driver_memory
    os.chdir(workdir)  # Spark's warehouse folder and any stray files land in the work folder

    from spotify_etl.spark_session import build_spark_session

    say(f"starting local Spark (work folder {workdir}) ...")
    spark = build_spark_session(
        "spotify-etl-bench", master="local[*]", shuffle_partitions=args.shuffle_partitions
    )
    jvm_pid = find_jvm_pid()
    if jvm_pid is None:
        say("warning: Spark JVM process not found: no JVM memory figures")
    sampler = MemorySampler(jvm_pid)
    sampler.start()
    results: dict[str, Any] = {
        "benchmark": "spotify-etl transform (normalize_items + build_tables)",
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(spark),
        "config": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in vars(args).items()
            if k not in ("scales", "scale", "playlists", "items")
        }
        | {
            "scales": [dataclasses.asdict(s) for s in args.scales],
            "item_mix": {"null_item": NULL_RATE, "local_file": LOCAL_RATE, "episode": EPISODE_RATE},
            "jvm_pid_found": jvm_pid is not None,
        },
        "scales": [],
    }
    try:
        if not args.no_warmup:
            say("warm-up ...")
            warm = bench_scale(
                spark, Scale(WARMUP_SCALE, *SCALES[WARMUP_SCALE]), args, workdir, sampler, jvm_pid, say, 1
            )
            results["warmup"] = {"reconciles": warm["reconciles"], "repeats": warm["repeats"]}
        for scale in args.scales:
            results["scales"].append(
                bench_scale(spark, scale, args, workdir, sampler, jvm_pid, say, args.repeat)
            )
    finally:
        sampler.stop()
        results["driver_lifetime_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        try:
            spark.stop()
        except Exception as error:  # the JVM may be gone (an OutOfMemoryError kills it)
            say(f"warning: Spark did not stop cleanly: {type(error).__name__}")
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    ok = all(entry["reconciles"] for entry in results["scales"]) and results.get("warmup", {}).get(
        "reconciles", True
    )
    results["ok"] = ok
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{started_at:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    print(f"\nresults: {path}")
    if not ok:
        for entry in results["scales"]:
            for problem in entry["problems"]:
                print(f"FAILED ({entry['scale']['name']}): {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
