"""Baseline: the transform written the way typical pandas tutorial pipelines write it.

The well-known "Spotify ETL" tutorials (Lambda or Glue Python shell + pandas) read each raw file,
``json.loads`` each line, walk the playlist items in Python loops building one list of dicts per
table (an album row and artist rows for every song, deduplicated afterwards), turn the lists into
DataFrames, ``drop_duplicates`` the albums and artists, ``pd.to_datetime`` the dates and write
Parquet. That is what this does, honestly: no sabotage, no tuning. It applies the same rules as
the Glue jobs (docs/raw_contract.md), so it builds the same album, artist and song tables:

- the item is ``item`` (2026 shape) or else ``track``; null items, local files and episodes are
  skipped; ``position`` is the item's index in ``items``;
- album: one row per album of the songs (the first seen); artist: one row per artist credited on
  the songs or on their albums (the first seen).

Each playlist is taken as it comes: the benchmark's days hold one extraction run, so a playlist is
never in two lines (the Glue job keeps the latest when it is).

    python bench/baselines/pandas_transform.py --raw RAWDIR --out OUTDIR --snapshot-date 2026-11-20

reads ``RAWDIR/snapshot_date=D/*.jsonl.gz`` and writes ``OUTDIR/<table>/snapshot_date=D/``.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import sys
import time

import pandas as pd

SONG_COLUMNS = [
    "playlist_id",
    "position",
    "song_id",
    "song_name",
    "duration_ms",
    "explicit",
    "popularity",
    "isrc",
    "album_id",
    "artist_id",
    "artist_ids",
    "added_at",
    "song_url",
]
ALBUM_COLUMNS = [
    "album_id",
    "album_name",
    "album_type",
    "release_date",
    "release_date_precision",
    "total_tracks",
    "album_url",
    "artist_ids",
]
ARTIST_COLUMNS = ["artist_id", "artist_name", "artist_url"]


def album_row(item: dict) -> dict:
    album = item["album"]
    return {
        "album_id": album["id"],
        "album_name": album["name"],
        "album_type": album.get("album_type"),
        "release_date": album.get("release_date"),
        "release_date_precision": album.get("release_date_precision"),
        "total_tracks": album.get("total_tracks"),
        "album_url": album["external_urls"].get("spotify"),
        "artist_ids": [artist["id"] for artist in album["artists"] if artist.get("id")],
    }


def artist_rows(item: dict) -> list[dict]:
    rows = []
    for artist in item["artists"] + item["album"]["artists"]:
        if artist.get("id"):
            rows.append(
                {
                    "artist_id": artist["id"],
                    "artist_name": artist["name"],
                    "artist_url": artist["external_urls"].get("spotify"),
                }
            )
    return rows


def song_row(playlist_id: str, position: int, row: dict, item: dict) -> dict:
    artist_ids = [artist["id"] for artist in item["artists"] if artist.get("id")]
    return {
        "playlist_id": playlist_id,
        "position": position,
        "song_id": item["id"],
        "song_name": item["name"],
        "duration_ms": item.get("duration_ms"),
        "explicit": item.get("explicit"),
        "popularity": item.get("popularity"),
        "isrc": item.get("external_ids", {}).get("isrc"),
        "album_id": item["album"]["id"],
        "artist_id": artist_ids[0] if artist_ids else None,
        "artist_ids": artist_ids,
        "added_at": row.get("added_at"),
        "song_url": item["external_urls"].get("spotify"),
    }


def transform(raw: str, out: str, snapshot_date: str) -> dict:
    timings = {}  # seconds per step, for the benchmark's report only
    started = time.perf_counter()
    song_list, album_list, artist_list = [], [], []
    skipped = {"null_item": 0, "local_file": 0, "episode": 0}
    files = sorted(glob.glob(os.path.join(raw, f"snapshot_date={snapshot_date}", "*.jsonl.gz")))
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                data = json.loads(line)
                playlist_id = data["playlist"]["id"]
                for position, row in enumerate(data["items"]):
                    item = row.get("item") or row.get("track")
                    if item is None:
                        skipped["null_item"] += 1
                        continue
                    if item.get("type") == "episode":
                        skipped["episode"] += 1
                        continue
                    if row.get("is_local") or item.get("is_local") or item.get("id") is None:
                        skipped["local_file"] += 1
                        continue
                    song_list.append(song_row(playlist_id, position, row, item))
                    album_list.append(album_row(item))
                    artist_list.extend(artist_rows(item))

    timings["read_and_loop"] = time.perf_counter() - started

    started = time.perf_counter()
    song_df = pd.DataFrame(song_list, columns=SONG_COLUMNS)
    album_df = pd.DataFrame(album_list, columns=ALBUM_COLUMNS)
    artist_df = pd.DataFrame(artist_list, columns=ARTIST_COLUMNS)
    timings["dataframes"] = time.perf_counter() - started

    started = time.perf_counter()
    album_df = album_df.dropna(subset=["album_id"]).drop_duplicates(subset=["album_id"])
    artist_df = artist_df.drop_duplicates(subset=["artist_id"])
    timings["drop_duplicates"] = time.perf_counter() - started

    started = time.perf_counter()
    # Spotify's release dates are "YYYY-MM-DD", "YYYY-MM" or "YYYY" ("0000" when unknown).
    album_df["release_date"] = pd.to_datetime(album_df["release_date"], format="mixed", errors="coerce")
    song_df["added_at"] = pd.to_datetime(song_df["added_at"])
    timings["to_datetime"] = time.perf_counter() - started

    started = time.perf_counter()
    rows = {}
    for table, df in (("album", album_df), ("artist", artist_df), ("song", song_df)):
        folder = os.path.join(out, table, f"snapshot_date={snapshot_date}")
        os.makedirs(folder, exist_ok=True)
        df.to_parquet(os.path.join(folder, "part-0.parquet"), index=False)
        rows[table] = len(df)
    timings["to_parquet"] = time.perf_counter() - started
    timings = {step: round(seconds, 3) for step, seconds in timings.items()}
    return {"files_read": len(files), "rows": rows, "skipped": skipped, "timings": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pandas tutorial-style baseline transform")
    parser.add_argument("--raw", required=True, help="the raw root holding snapshot_date=D/")
    parser.add_argument("--out", required=True, help="writes OUT/<table>/snapshot_date=D/")
    parser.add_argument("--snapshot-date", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = transform(args.raw, args.out, args.snapshot_date)
    report["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
