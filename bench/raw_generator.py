"""A deterministic generator of raw envelope v1 days (docs/raw_contract.md) for the benchmarks.

One snapshot date of one extraction run, written as the extractor writes raw: compact UTF-8 JSON
lines (one playlist per line), gzip level 9 with ``mtime=0``, split into ``<run_id>-0001.jsonl.gz``,
``-0002``... when the run passes the extractor's 64 MiB uncompressed part size (a line is never
split), plus the run's ``<run_id>.manifest.json`` (which the jobs do not read).

The items are Web API playlist items in the 2026 ``item`` shape: full track objects (album with
images and artists, artists, external ids and urls, href, uri, track and disc numbers...; about
2 KB of JSON each), about 50 items per playlist (40..60), albums and artists repeating with a
Zipf-like popularity as they do in charts, ~20% of tracks credited to 2-3 artists, ~1% ``null``
items, ~0.5% local files and ~1% podcast episodes.

Seeded: the same (items, seed, date) give byte-identical files, whatever the number of worker
processes. The expected counts (items, songs, skips by reason, distinct albums and artists) are
worked out while generating, so a benchmark can check any transform against them without trusting
another transform.

    python bench/raw_generator.py --size 100k --out /tmp/day      # writes /tmp/day/raw/snapshot_date=...
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import gzip
import itertools
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
"""Bump whenever the bytes written for a given (items, seed, date) change: it keys the cache."""

SIZES: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
"""The named sizes, in playlist items."""

DEFAULT_SEED = 42
DEFAULT_DATE = "2026-11-20"
ITEMS_PER_PLAYLIST = (40, 60)  # uniform: about 50 items per playlist
NULL_RATE = 0.01  # "item": null (an unavailable track)
LOCAL_RATE = 0.005  # a local file: is_local, the track's id is null
EPISODE_RATE = 0.01  # a podcast episode
MULTI_ARTIST_RATE = 0.2  # tracks with 2-3 credited artists
PART_MAX_BYTES = 64 * 1024 * 1024  # extract_lambda.config.DEFAULT_PART_MAX_BYTES (uncompressed)
GZIP_LEVEL = 9  # gzip.compress's default, as extract_lambda.raw_files uses it
SKIP_REASONS = ("null_item", "local_file", "episode")

OPEN = "https://open.spotify.com"
API = "https://api.spotify.com/v1"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Titles mix ASCII, accents, CJK and characters JSON must escape (a double quote, a backslash).
# fmt: off
WORDS = (
    "Night", "Drive", "Paper", "Wire", "Motel", "Rain", "Golden", "Hour", "Ocean", "Glass", "Neon",
    "Summer", "Echo", "Velvet", "River", "Static", "Midnight", "Satellite", "Honey", "Thunder",
    "Silver", "Lights", "Ghost", "Fever", "Garden", "Winter", "Fire", "Paradise", "Dream", "Sonne",
    "Herz", "Corazón", "Été", "Café", "Mañana", "Björk", "Søren", "Żywy", "夜", "東京", "Seoul",
    "Lagos", "Kyiv", "Tokyo", "Berlin", "(Remix)", "(Live)", "Don't", "Rock'n'Roll", "-", "&", "feat.",
    '12" Mix', "AC\\DC",
)
# fmt: on
JSON_COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}


def size_items(size: str | int) -> int:
    """Items of a named size (``10k``, ``100k``, ``1M``) or of a plain number."""
    if isinstance(size, int):
        return size
    if size in SIZES:
        return SIZES[size]
    return int(size.replace("_", ""))


# ---------------------------------------------------------------------------------------------
# The catalogue: artists, albums and tracks shared by every playlist of the day
# ---------------------------------------------------------------------------------------------


def zipf_cum_weights(count: int, exponent: float, offset: float, rng: random.Random) -> list[float]:
    """Cumulative weights of a Zipf-like popularity over ``count`` entries in a shuffled order."""
    ranks = list(range(count))
    rng.shuffle(ranks)
    return list(itertools.accumulate(1.0 / (rank + offset) ** exponent for rank in ranks))


def draw(rng: random.Random, cum_weights: Sequence[float]) -> int:
    return bisect.bisect(cum_weights, rng.random() * cum_weights[-1], 0, len(cum_weights) - 1)


class Catalog:
    """The day's catalogue, a pure function of (seed, items): the same in every process.

    Artists, albums and tracks each have a Zipf-like popularity: a popular artist has many albums,
    a popular album many tracks, and playlists draw popular tracks far more often. Albums are kept
    as JSON text and tracks as tuples, so that an item is assembled from strings.
    """

    def __init__(self, seed: int, items: int) -> None:
        rng = random.Random(f"{seed}/catalog/{items}")
        self._ids: set[str] = set()
        n_tracks = max(50, int(items * 0.35))
        n_albums = max(10, n_tracks // 8)
        n_artists = max(5, n_albums // 2)
        self.artist_json = []
        for _ in range(n_artists):
            artist_id = self._new_id(rng)
            self.artist_json.append(json.dumps(artist_object(artist_id, title(rng, 1, 3)), **JSON_COMPACT))
        artist_weights = zipf_cum_weights(n_artists, 1.0, 3.0, rng)
        self.album_json: list[str] = []
        self.album_artists: list[tuple[int, ...]] = []
        for _ in range(n_albums):
            album_id = self._new_id(rng)
            credited = [draw(rng, artist_weights)]
            if rng.random() < 0.08:  # a joint album
                credited.append(rng.randrange(n_artists))
            credited = list(dict.fromkeys(credited))
            precision = rng.choices(("day", "month", "year"), weights=(90, 4, 6))[0]
            year = rng.randint(1958, 2026)
            release = {
                "day": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "month": f"{year}-{rng.randint(1, 12):02d}",
                "year": str(year) if rng.random() > 0.02 else "0000",  # Spotify's unknown date
            }[precision]
            album = {
                "album_type": rng.choices(("album", "single", "compilation"), weights=(60, 35, 5))[0],
                "artists": "@ARTISTS@",
                "external_urls": {"spotify": f"{OPEN}/album/{album_id}"},
                "href": f"{API}/albums/{album_id}",
                "id": album_id,
                "images": images(rng),
                "is_playable": True,
                "name": title(rng, 1, 4),
                "release_date": release,
                "release_date_precision": precision,
                "total_tracks": rng.randint(1, 24),
                "type": "album",
                "uri": f"spotify:album:{album_id}",
            }
            artists = "[" + ",".join(self.artist_json[a] for a in credited) + "]"
            text = json.dumps(album, **JSON_COMPACT).replace('"@ARTISTS@"', artists)
            self.album_json.append(text)
            self.album_artists.append(tuple(credited))
        album_weights = zipf_cum_weights(n_albums, 0.8, 5.0, rng)
        # A track: (id, name JSON, duration, explicit, isrc, album, credited artists, number, disc)
        self.tracks: list[tuple[str, str, int, bool, str, int, tuple[int, ...], int, int]] = []
        for _ in range(n_tracks):
            album = draw(rng, album_weights)
            credited = [self.album_artists[album][0]]
            if rng.random() < MULTI_ARTIST_RATE:
                credited += rng.sample(range(n_artists), rng.randint(1, 2))
            self.tracks.append(
                (
                    self._new_id(rng),
                    json.dumps(title(rng, 1, 4), ensure_ascii=False),
                    rng.randint(90_000, 420_000),
                    rng.random() < 0.15,
                    f"{rng.choice(('US', 'GB', 'SE', 'DE', 'JP', 'FR', 'KR'))}"
                    f"{rng.choice(('UM7', 'A1Z', 'SM1', 'WB2'))}{rng.randint(10**6, 10**7 - 1)}",
                    album,
                    tuple(dict.fromkeys(credited)),
                    rng.randint(1, 14),
                    1 if rng.random() < 0.95 else 2,
                )
            )
        self.track_weights = zipf_cum_weights(n_tracks, 0.9, 10.0, rng)
        shows = [(self._new_id(rng), title(rng, 2, 3)) for _ in range(20)]
        self.episode_json = []
        for _ in range(200):
            episode_id, (show_id, show_name) = self._new_id(rng), rng.choice(shows)
            episode = {
                "audio_preview_url": None,
                "description": " ".join(rng.choices(WORDS, k=60)),
                "duration_ms": rng.randint(600_000, 7_200_000),
                "explicit": False,
                "external_urls": {"spotify": f"{OPEN}/episode/{episode_id}"},
                "href": f"{API}/episodes/{episode_id}",
                "id": episode_id,
                "images": images(rng),
                "is_playable": True,
                "name": title(rng, 3, 6),
                "release_date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                "release_date_precision": "day",
                "show": {
                    "id": show_id,
                    "name": show_name,
                    "publisher": show_name,
                    "type": "show",
                    "uri": f"spotify:show:{show_id}",
                },
                "type": "episode",
                "uri": f"spotify:episode:{episode_id}",
                "episode": True,
                "track": False,
            }
            self.episode_json.append(json.dumps(episode, **JSON_COMPACT))
        del self._ids

    def _new_id(self, rng: random.Random) -> str:
        """A fresh 22-character base-62 id: unique in the catalogue, so counts by index are exact."""
        while True:
            candidate = "".join(rng.choices(BASE62, k=22))
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def track_json(self, index: int) -> str:
        """A full track object as the Web API serves it in a playlist item (album embedded)."""
        track_id, name, duration, explicit, isrc, album, credited, number, disc = self.tracks[index]
        artists = ",".join(self.artist_json[a] for a in credited)
        return (
            f'{{"album":{self.album_json[album]},"artists":[{artists}],"disc_number":{disc},'
            f'"duration_ms":{duration},"episode":false,"explicit":{"true" if explicit else "false"},'
            f'"external_ids":{{"isrc":"{isrc}"}},"external_urls":{{"spotify":"{OPEN}/track/{track_id}"}},'
            f'"href":"{API}/tracks/{track_id}","id":"{track_id}","is_local":false,"is_playable":true,'
            f'"name":{name},"preview_url":null,"track":true,"track_number":{number},"type":"track",'
            f'"uri":"spotify:track:{track_id}"}}'
        )


def title(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


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
    image = "".join(rng.choices("0123456789abcdef", k=24))
    return [
        {"height": size, "url": f"https://i.scdn.co/image/ab67616d0000{kind}{image}", "width": size}
        for size, kind in ((640, "b273"), (300, "1e02"), (64, "4851"))
    ]


def local_json(rng: random.Random) -> str:
    """A local file as the Web API serves it: ids null, no album, ``is_local`` true."""
    name, artist = title(rng, 1, 3), title(rng, 1, 2)
    duration = rng.randint(90_000, 400_000)
    local = {
        "album": {
            "album_type": None,
            "artists": [],
            "available_markets": [],
            "external_urls": {},
            "href": None,
            "id": None,
            "images": [],
            "name": title(rng, 1, 2),
            "release_date": None,
            "release_date_precision": None,
            "type": "album",
            "uri": None,
        },
        "artists": [
            {"external_urls": {}, "href": None, "id": None, "name": artist, "type": "artist", "uri": None}
        ],
        "disc_number": 0,
        "duration_ms": duration,
        "episode": False,
        "explicit": False,
        "external_ids": {},
        "external_urls": {},
        "href": None,
        "id": None,
        "is_local": True,
        "name": name,
        "preview_url": None,
        "track": True,
        "track_number": 0,
        "type": "track",
        "uri": f"spotify:local:{artist}::{name}:{duration // 1000}",
    }
    return json.dumps(local, **JSON_COMPACT)


# ---------------------------------------------------------------------------------------------
# Playlists and the expected counts
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class ChunkCounts:
    """What one chunk of playlists holds: worked out while writing it."""

    items: int = 0
    playlists: int = 0
    songs: int = 0
    multi_artist_songs: int = 0
    skipped: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    albums: set[int] = dataclasses.field(default_factory=set)  # catalogue indices of songs' albums
    artists: set[int] = dataclasses.field(default_factory=set)  # songs' and their albums' artists
    line_lengths: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class DayPlan:
    """Everything that decides a day's bytes."""

    items: int
    seed: int
    snapshot_date: str
    run_id: str
    started_at: str
    sizes: tuple[int, ...]  # items of each playlist, in file order

    @classmethod
    def make(cls, items: int, seed: int, snapshot_date: str) -> DayPlan:
        rng = random.Random(f"{seed}/day/{items}/{snapshot_date}")
        started = datetime.fromisoformat(f"{snapshot_date}T06:00:02+00:00")
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{rng.getrandbits(32):08x}"
        return cls(items, seed, snapshot_date, run_id, started.isoformat(), playlist_sizes(rng, items))


def playlist_sizes(rng: random.Random, items: int) -> tuple[int, ...]:
    """Playlist sizes of about 50 (40..60), summing to exactly ``items``."""
    if items <= 0:
        return ()
    low, high = ITEMS_PER_PLAYLIST
    count = max(1, round(items / ((low + high) / 2)))
    low, high = min(low, items // count), max(high, -(-items // count))
    sizes = [rng.randint(low, high) for _ in range(count)]
    diff = items - sum(sizes)
    step = 1 if diff > 0 else -1
    while diff:
        index = rng.randrange(count)
        if low <= sizes[index] + step <= high:
            sizes[index] += step
            diff -= step
    return tuple(sizes)


_CATALOGS: dict[tuple[int, int], Catalog] = {}


def catalog_for(seed: int, items: int) -> Catalog:
    key = (seed, items)
    if key not in _CATALOGS:
        _CATALOGS.clear()
        _CATALOGS[key] = Catalog(seed, items)
    return _CATALOGS[key]


def playlist_line(catalog: Catalog, plan: DayPlan, index: int, size: int, counts: ChunkCounts) -> bytes:
    """One raw envelope v1 line: playlist ``index`` with ``size`` items in the ``item`` shape."""
    rng = random.Random(f"{plan.seed}/playlist/{index}")
    playlist_id, owner = "".join(rng.choices(BASE62, k=22)), f"user{rng.randrange(100_000):06d}"
    collaborators = [owner, *(f"user{rng.randrange(100_000):06d}" for _ in range(rng.randint(0, 2)))]
    added_by = {
        user: (
            f'{{"external_urls":{{"spotify":"{OPEN}/user/{user}"}},"href":"{API}/users/{user}",'
            f'"id":"{user}","type":"user","uri":"spotify:user:{user}"}}'
        )
        for user in collaborators
    }
    snapshot = datetime.fromisoformat(f"{plan.snapshot_date}T00:00:00+00:00")
    items = []
    for _ in range(size):
        pick = draw(rng, catalog.track_weights)
        added = snapshot - timedelta(seconds=rng.randrange(1, 3 * 365 * 86_400))
        chance, is_local = rng.random(), False
        if chance < NULL_RATE:
            entity, kind = "null", "null_item"
        elif chance < NULL_RATE + LOCAL_RATE:
            entity, kind, is_local = local_json(rng), "local_file", True
        elif chance < NULL_RATE + LOCAL_RATE + EPISODE_RATE:
            entity, kind = rng.choice(catalog.episode_json), "episode"
        else:
            entity, kind = catalog.track_json(pick), "song"
        if kind == "song":
            track = catalog.tracks[pick]
            counts.songs += 1
            counts.multi_artist_songs += len(track[6]) > 1
            counts.albums.add(track[5])
            counts.artists.update(track[6])
            counts.artists.update(catalog.album_artists[track[5]])
        else:
            counts.skipped[kind] += 1
        items.append(
            f'{{"added_at":"{added:%Y-%m-%dT%H:%M:%SZ}","added_by":{added_by[rng.choice(collaborators)]},'
            f'"is_local":{"true" if is_local else "false"},"primary_color":null,'
            f'"video_thumbnail":{{"url":null}},"item":{entity}}}'
        )
    counts.items += size
    counts.playlists += 1
    extracted = datetime.fromisoformat(plan.started_at) + timedelta(milliseconds=150 * index + 37)
    header = {
        "schema_version": 1,
        "run_id": plan.run_id,
        "snapshot_date": plan.snapshot_date,
        "extracted_at": f"{extracted:%Y-%m-%dT%H:%M:%S}.{extracted.microsecond // 1000:03d}Z",
        "playlist": {
            "id": playlist_id,
            "name": title(rng, 1, 4),
            "owner_id": owner,
            "owner_name": title(rng, 1, 1),
            "snapshot_id": "".join(rng.choices(BASE62, k=32)),
            "description": " ".join(rng.choices(WORDS, k=rng.randint(0, 20))),
            "public": rng.random() < 0.8,
            "collaborative": len(collaborators) > 1,
            "total_items": size,
            "url": f"{OPEN}/playlist/{playlist_id}",
        },
    }
    head = json.dumps(header, **JSON_COMPACT)[:-1]  # reopen the object to append "items"
    return f'{head},"items":[{",".join(items)}]}}\n'.encode()


def write_chunk(plan: DayPlan, first: int, last: int, path: str) -> ChunkCounts:
    """Write playlists ``first``..``last - 1`` as uncompressed lines to ``path``; count them."""
    catalog, counts = catalog_for(plan.seed, plan.items), ChunkCounts()
    with open(path, "wb") as handle:
        for index in range(first, last):
            line = playlist_line(catalog, plan, index, plan.sizes[index], counts)
            counts.line_lengths.append(len(line))
            handle.write(line)
    return counts


def compress_part(pieces: Sequence[tuple[str, int, int]], target: str) -> int:
    """gzip (level 9, ``mtime=0``) the byte ranges ``pieces`` of chunk files into ``target``."""
    body = bytearray()
    for path, start, end in pieces:
        with open(path, "rb") as handle:
            handle.seek(start)
            body += handle.read(end - start)
    data = gzip.compress(bytes(body), compresslevel=GZIP_LEVEL, mtime=0)
    Path(target).write_bytes(data)
    return len(data)


def plan_parts(
    chunks: Sequence[tuple[str, list[int]]], part_max_bytes: int
) -> list[list[tuple[str, int, int]]]:
    """Split the lines into parts as extract_lambda.raw_files.RawRunWriter does: a new part when
    adding a line would pass ``part_max_bytes`` (and the part already holds a line)."""
    parts: list[list[tuple[str, int, int]]] = []
    size = 0
    for path, lengths in chunks:
        offset = 0
        for length in lengths:
            if not parts or (size and size + length > part_max_bytes):
                parts.append([])
                size = 0
            pieces = parts[-1]
            if pieces and pieces[-1][0] == path and pieces[-1][2] == offset:
                pieces[-1] = (path, pieces[-1][1], offset + length)
            else:
                pieces.append((path, offset, offset + length))
            size += length
            offset += length
    return parts


def _pool(workers: int) -> ProcessPoolExecutor:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))


def generate_day(
    raw_root: Path | str,
    items: int,
    seed: int = DEFAULT_SEED,
    snapshot_date: str = DEFAULT_DATE,
    workers: int | None = None,
    part_max_bytes: int = PART_MAX_BYTES,
) -> dict[str, Any]:
    """Write one day of raw under ``raw_root/snapshot_date=D/``; return the expected counts.

    The playlists are written in chunks by ``workers`` processes (default: one per CPU), then the
    parts are gzip'd in parallel; the bytes do not depend on ``workers``.
    """
    started = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    plan = DayPlan.make(items, seed, snapshot_date)
    folder = Path(raw_root) / f"snapshot_date={snapshot_date}"
    folder.mkdir(parents=True, exist_ok=True)
    total = ChunkCounts()
    files: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=".chunks-", dir=folder.parent) as scratch:
        count = len(plan.sizes)
        n_chunks = min(count, workers * 4) if workers > 1 else min(count, 1)
        bounds = [count * i // n_chunks for i in range(n_chunks + 1)] if n_chunks else [0]
        jobs = [
            (plan, bounds[i], bounds[i + 1], os.path.join(scratch, f"chunk-{i:04d}.jsonl"))
            for i in range(n_chunks)
        ]
        if workers > 1 and len(jobs) > 1:
            with _pool(workers) as pool:
                results = list(pool.map(write_chunk, *zip(*jobs, strict=True)))
        else:
            results = [write_chunk(*job) for job in jobs]
        for result in results:
            total.items += result.items
            total.playlists += result.playlists
            total.songs += result.songs
            total.multi_artist_songs += result.multi_artist_songs
            total.albums |= result.albums
            total.artists |= result.artists
            for reason, number in result.skipped.items():
                total.skipped[reason] += number
        parts = plan_parts(
            [(job[3], r.line_lengths) for job, r in zip(jobs, results, strict=True)], part_max_bytes
        )
        names = (
            [f"{plan.run_id}.jsonl.gz"]
            if len(parts) == 1
            else [f"{plan.run_id}-{n:04d}.jsonl.gz" for n in range(1, len(parts) + 1)]
        )
        targets = [str(folder / name) for name in names]
        if workers > 1 and len(parts) > 1:
            with _pool(workers) as pool:
                compressed = list(pool.map(compress_part, parts, targets))
        else:
            compressed = [
                compress_part(pieces, target) for pieces, target in zip(parts, targets, strict=True)
            ]
        for name, pieces, size in zip(names, parts, compressed, strict=True):
            raw = sum(end - start for _, start, end in pieces)
            files.append({"name": name, "compressed_bytes": size, "uncompressed_bytes": raw})
    manifest = {
        "run_id": plan.run_id,
        "snapshot_date": snapshot_date,
        "started_at": plan.started_at.replace("+00:00", "Z"),
        "status": "succeeded",
        "playlists": total.playlists,
        "objects": [{"uri": f["name"], **{k: v for k, v in f.items() if k != "name"}} for f in files],
        "versions": {"generator": f"bench/raw_generator.py v{GENERATOR_VERSION}", "schema_version": 1},
    }
    (folder / f"{plan.run_id}.manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "snapshot_date": snapshot_date,
        "run_id": plan.run_id,
        "items": total.items,
        "playlists": total.playlists,
        "songs": total.songs,
        "albums": len(total.albums),
        "artists": len(total.artists),
        "skipped": total.skipped,
        "multi_artist_songs": total.multi_artist_songs,
        "files": files,
        "compressed_bytes": sum(f["compressed_bytes"] for f in files),
        "uncompressed_bytes": sum(f["uncompressed_bytes"] for f in files),
        "generation_seconds": round(time.perf_counter() - started, 2),
        "workers": workers,
    }


# ---------------------------------------------------------------------------------------------
# The cache: one folder per (size, seed, generator version, date), reused by later runs
# ---------------------------------------------------------------------------------------------


def day_key(items: int, seed: int, snapshot_date: str) -> str:
    label = next((name for name, count in SIZES.items() if count == items), str(items))
    return f"{label}-seed{seed}-v{GENERATOR_VERSION}-{snapshot_date}"


def cached_day(
    workdir: Path | str,
    items: int,
    seed: int = DEFAULT_SEED,
    snapshot_date: str = DEFAULT_DATE,
    regenerate: bool = False,
    workers: int | None = None,
) -> tuple[Path, dict[str, Any]]:
    """The day's raw root (holding ``snapshot_date=D/``) and its expected counts, generated on
    first use under ``workdir/days/<key>/`` and reused afterwards (``regenerate`` to redo it).

    ``expected.json`` is written last: a folder without it is an interrupted generation.
    """
    root = Path(workdir) / "days" / day_key(items, seed, snapshot_date)
    expected_path = root / "expected.json"
    if expected_path.exists() and not regenerate:
        expected = json.loads(expected_path.read_text())
        if expected.get("generator_version") == GENERATOR_VERSION:
            return root / "raw", {**expected, "cached": True}
    shutil.rmtree(root, ignore_errors=True)
    expected = generate_day(root / "raw", items, seed, snapshot_date, workers)
    tmp = expected_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(expected, indent=2) + "\n")
    tmp.replace(expected_path)
    return root / "raw", {**expected, "cached": False}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help=f"{', '.join(SIZES)} or a number of items")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--date", default=DEFAULT_DATE, help="the snapshot date (YYYY-MM-DD)")
    parser.add_argument("--out", type=Path, required=True, help="writes OUT/raw/snapshot_date=D/")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    expected = generate_day(args.out / "raw", size_items(args.size), args.seed, args.date, args.workers)
    (args.out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(json.dumps({k: v for k, v in expected.items() if k != "files"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
