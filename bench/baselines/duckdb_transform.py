"""Baseline: the same transform as DuckDB SQL, written to be good at it.

``read_json`` reads the gzip'd JSON Lines with an explicit ``columns=`` struct of only the fields
used (no schema inference, the rest of each object is skipped), ``UNNEST ... WITH ORDINALITY``
gives each item its ``position``, the skip rules are the Glue jobs' (docs/raw_contract.md: the
item is ``item`` or else ``track``; null items, local files and episodes are skipped and counted),
``DISTINCT ON`` keeps one album and one artist (the first by playlist and position, as the job's
``first_per_key``), and ``COPY ... TO`` writes one snappy Parquet file per table, sorted by the
table's key as the job sorts it. DuckDB's defaults otherwise (threads = CPUs, memory limit).

Each playlist is taken as it comes: the benchmark's days hold one extraction run, so a playlist is
never in two lines (the Glue job keeps the latest when it is).

    python bench/baselines/duckdb_transform.py --raw RAWDIR --out OUTDIR --snapshot-date 2026-11-20

reads ``RAWDIR/snapshot_date=D/*.jsonl.gz`` and writes ``OUTDIR/<table>/snapshot_date=D/``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

import duckdb

ARTIST = "STRUCT(id VARCHAR, name VARCHAR, external_urls STRUCT(spotify VARCHAR))"
ALBUM = (
    "STRUCT(id VARCHAR, name VARCHAR, album_type VARCHAR, release_date VARCHAR, "
    f"release_date_precision VARCHAR, total_tracks INTEGER, external_urls STRUCT(spotify VARCHAR), "
    f"artists {ARTIST}[])"
)
ENTITY = (
    "STRUCT(id VARCHAR, name VARCHAR, type VARCHAR, duration_ms INTEGER, explicit BOOLEAN, "
    "popularity INTEGER, is_local BOOLEAN, external_ids STRUCT(isrc VARCHAR), "
    f"external_urls STRUCT(spotify VARCHAR), album {ALBUM}, artists {ARTIST}[])"
)
ITEM = f"STRUCT(added_at VARCHAR, is_local BOOLEAN, item {ENTITY}, track {ENTITY})"
COLUMNS = {"playlist": "STRUCT(id VARCHAR)", "items": f"{ITEM}[]"}
OPEN_SPOTIFY = "https://open.spotify.com"

RAW_ITEMS_SQL = """
CREATE TEMP TABLE raw_items AS
SELECT playlist_id,
       CAST(generate_subscripts(items, 1) - 1 AS INTEGER) AS position,
       unnest(items) AS it
FROM (
    SELECT line.playlist.id AS playlist_id, line.items
    FROM read_json({files}, format = 'newline_delimited', compression = 'gzip', columns = {columns}) AS line
)
"""

STAGED_SQL = """
CREATE TEMP TABLE staged AS
WITH entities AS (
    SELECT playlist_id, position, it.added_at, it.is_local AS item_is_local,
           coalesce(it.item, it.track) AS e
    FROM raw_items
)
SELECT playlist_id,
       position,
       CASE
           WHEN e IS NULL THEN 'null_item'
           WHEN e.type = 'episode' THEN 'episode'
           WHEN coalesce(item_is_local, false) OR coalesce(e.is_local, false) OR e.id IS NULL
               THEN 'local_file'
           WHEN e.type IS NOT NULL AND e.type <> 'track' THEN 'unsupported_type'
       END AS skip_reason,
       added_at,
       e.id AS song_id,
       e.name AS song_name,
       e.duration_ms,
       e.explicit,
       e.popularity,
       e.external_ids.isrc AS isrc,
       e.external_urls.spotify AS song_url,
       e.album.id AS album_id,
       e.album.name AS album_name,
       e.album.album_type AS album_type,
       e.album.release_date AS release_date,
       e.album.release_date_precision AS release_date_precision,
       e.album.total_tracks AS total_tracks,
       e.album.external_urls.spotify AS album_url,
       e.album.artists AS album_artists,
       e.artists AS artists
FROM entities
"""

SONGS_SQL = "CREATE TEMP VIEW songs AS SELECT * FROM staged WHERE skip_reason IS NULL"

SONG_SQL = f"""
SELECT playlist_id,
       position,
       song_id,
       song_name,
       duration_ms,
       explicit,
       popularity,
       isrc,
       album_id,
       list_filter([a.id FOR a IN artists], lambda x: x IS NOT NULL)[1] AS artist_id,
       list_filter([a.id FOR a IN artists], lambda x: x IS NOT NULL) AS artist_ids,
       try_strptime(added_at, ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ']) AS added_at,
       coalesce(song_url, '{OPEN_SPOTIFY}/track/' || song_id) AS song_url
FROM songs
ORDER BY playlist_id, position
"""

ALBUM_SQL = f"""
WITH firsts AS (
    SELECT DISTINCT ON (album_id) *,
           coalesce(release_date_precision,
                    CASE length(release_date) WHEN 4 THEN 'year' WHEN 7 THEN 'month' ELSE 'day' END)
               AS kind
    FROM songs
    WHERE album_id IS NOT NULL
    ORDER BY album_id, playlist_id, position
)
SELECT album_id,
       album_name,
       album_type,
       CASE WHEN release_date LIKE '0000%' THEN NULL
            ELSE CAST(try_strptime(CASE kind WHEN 'year' THEN release_date || '-01-01'
                                             WHEN 'month' THEN release_date || '-01'
                                             ELSE release_date END, '%Y-%m-%d') AS DATE)
       END AS release_date,
       release_date_precision,
       total_tracks,
       coalesce(album_url, '{OPEN_SPOTIFY}/album/' || album_id) AS album_url,
       list_filter([a.id FOR a IN album_artists], lambda i: i IS NOT NULL) AS artist_ids
FROM firsts
ORDER BY album_id
"""

# The select-list unnest with generate_subscripts numbers the elements; it is much faster here
# than a lateral ``UNNEST(...) WITH ORDINALITY`` join (see bench/README.md).
ARTIST_SQL = f"""
WITH credits AS (
    SELECT playlist_id, position, 0 AS source, generate_subscripts(artists, 1) AS slot,
           unnest(artists) AS a
    FROM songs
    UNION ALL
    SELECT playlist_id, position, 1 AS source, generate_subscripts(album_artists, 1) AS slot,
           unnest(album_artists) AS a
    FROM songs
)
SELECT DISTINCT ON (a.id)
       a.id AS artist_id,
       a.name AS artist_name,
       coalesce(a.external_urls.spotify, '{OPEN_SPOTIFY}/artist/' || a.id) AS artist_url
FROM credits
WHERE a.id IS NOT NULL
ORDER BY a.id, a.name IS NULL, playlist_id, position, source, slot
"""


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def transform(raw: str, out: str, snapshot_date: str, con: duckdb.DuckDBPyConnection | None = None) -> dict:
    con = con or duckdb.connect()
    files = sorted(glob.glob(os.path.join(raw, f"snapshot_date={snapshot_date}", "*.jsonl.gz")))
    if not files:
        raise FileNotFoundError(f"no raw files for {snapshot_date} under {raw}")
    file_list = "[" + ", ".join(sql_string(path) for path in files) + "]"
    columns = "{" + ", ".join(f"{name}: {sql_string(kind)}" for name, kind in COLUMNS.items()) + "}"
    timings = {}
    started = time.perf_counter()
    con.execute(RAW_ITEMS_SQL.format(files=file_list, columns=columns))
    timings["read_json"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    con.execute(STAGED_SQL)
    con.execute("DROP TABLE raw_items")
    con.execute(SONGS_SQL)
    timings["stage_items"] = round(time.perf_counter() - started, 3)
    skipped = dict(
        con.execute(
            "SELECT skip_reason, count(*) FROM staged WHERE skip_reason IS NOT NULL GROUP BY ALL ORDER BY 1"
        ).fetchall()
    )
    rows = {}
    for table, query in (("album", ALBUM_SQL), ("artist", ARTIST_SQL), ("song", SONG_SQL)):
        started = time.perf_counter()
        folder = os.path.join(out, table, f"snapshot_date={snapshot_date}")
        os.makedirs(folder, exist_ok=True)
        target = sql_string(os.path.join(folder, "part-0.parquet"))
        con.execute(f"COPY ({query}) TO {target} (FORMAT parquet, COMPRESSION snappy)")
        rows[table] = con.execute(f"SELECT count(*) FROM read_parquet({target})").fetchone()[0]
        timings[table] = round(time.perf_counter() - started, 3)
    return {"files_read": len(files), "rows": rows, "skipped": skipped, "timings": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="DuckDB SQL baseline transform")
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
