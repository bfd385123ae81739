"""Baseline: the Glue jobs' own table transforms on plain Spark, without the workflow around them.

The same Spark (``spotify_etl.spark_session``: the same settings, driver memory and JVM options as
``spotify-etl transform``), the same typed envelope schema and the same pure transforms as the
Glue jobs (``items.normalize_items`` for the item rows, ``tables.build_album`` / ``build_artist`` /
``build_song`` for the tables, and the jobs' writer, ``lake_io.write_partitions``, with the table's
key as sort keys: one snappy Parquet file per table partition), in one process and one Spark
session:

    read the day's raw files with Spark's JSON source and ENVELOPE_SCHEMA (no inference)
    -> posexplode the items (``position``), keep ``playlist.id`` and ``run_id``
    -> the staged item columns (STAGED_ITEM_SCHEMA), cached once
    -> one small aggregate: items per skip reason (and the songs)
    -> album, artist, song, each written as the build_tables job writes it.

What it deliberately leaves out is everything the workflow does to be safe, so that the benchmark
shows what plain Spark costs on this input and how much of the workflow's time goes to:

- the raw files' checks: no per-file check, no byte-by-byte reread of a damaged file, no
  quarantine (a line that is not JSON, or a field of the wrong type, is read by Spark's JSON
  source as nulls, silently; the jobs name it and set it aside), no envelope validation
  (``schema_version``, ``snapshot_date``);
- the latest-extraction choice: every line is taken as it comes (the benchmark's days hold one
  extraction run, so a playlist is never in two lines; the jobs keep the latest when it is);
- the staging round trip between the two Glue jobs (items written to Parquet by normalize_items
  and read back by build_tables): here the item rows stay cached in this one session;
- the data-quality rules, the reconciliation (items read = songs + skipped + quarantined), the
  exact row counts they need, the playlist table, the run reports and the catalog registration.

    python bench/baselines/spark_bare_transform.py --raw RAWDIR --out OUTDIR --snapshot-date 2026-11-20

reads ``RAWDIR/snapshot_date=D/*.jsonl.gz`` and writes ``OUTDIR/<table>/snapshot_date=D/``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

from pyspark import StorageLevel
from pyspark.sql import Observation, SparkSession
from pyspark.sql import functions as F

from spotify_etl.items import normalize_items
from spotify_etl.lake_io import write_partitions
from spotify_etl.schemas import ENVELOPE_SCHEMA, TABLE_KEYS, TABLE_PLAIN_COLUMNS
from spotify_etl.spark_session import build_spark_session
from spotify_etl.tables import build_album, build_artist, build_song

BUILDERS = (("album", build_album), ("artist", build_artist), ("song", build_song))


def transform(spark: SparkSession, raw: str, out: str, snapshot_date: str) -> dict:
    files = sorted(glob.glob(os.path.join(raw, f"snapshot_date={snapshot_date}", "*.jsonl.gz")))
    if not files:
        raise FileNotFoundError(f"no raw files for {snapshot_date} under {raw}")
    timings = {}  # seconds per step, for the benchmark's report only
    started = time.perf_counter()
    envelopes = spark.read.schema(ENVELOPE_SCHEMA).json(files)
    exploded = envelopes.select(
        F.col("playlist.id").alias("playlist_id"),
        "run_id",
        F.lit(snapshot_date).alias("snapshot_date"),
        F.posexplode("items").alias("position", "parsed"),
    )
    items = normalize_items(exploded).persist(StorageLevel.MEMORY_AND_DISK)
    # One small aggregate (at most five rows reach the driver): the skip counts, the songs, and
    # the action that reads the raw files and fills the cache.
    per_reason = {row["skip_reason"]: row["count"] for row in items.groupBy("skip_reason").count().collect()}
    songs = per_reason.pop(None, 0)
    skipped = dict(sorted(per_reason.items()))
    timings["read_and_cache"] = round(time.perf_counter() - started, 3)

    rows = {}
    for table, build in BUILDERS:
        started = time.perf_counter()
        # The rows are counted while the table is written (an observed metric, no Spark job).
        observed = Observation(f"{table}_rows")
        frame = items.transform(build).observe(observed, F.count(F.lit(1)).alias("rows"))
        # write_partitions wants the table's row count before the write: it sizes the number of
        # files (one per lake_io.ROWS_PER_FILE rows) and, at 0, deletes the partition instead.
        # The workflow counts each table exactly, for its quality rules and reconciliation; here
        # that would be one more Spark job per table (and the album and artist deduplications run
        # twice, or cached first, as the job does), so every table gets the song count, known
        # from the aggregate above: exact for song; albums and artists are all built from songs,
        # so there are none when there are no songs, and albums never outnumber songs. Artists
        # could (several credited per song), in which case fewer, larger files would be written:
        # the files' size, never the rows, would differ (on the benchmark's days artists are
        # about 2% of songs).
        path, plain = os.path.join(out, table), TABLE_PLAIN_COLUMNS.get(table, ())
        write_partitions(frame, path, {snapshot_date: songs}, TABLE_KEYS[table], plain)
        # Without songs nothing was written (the partition was deleted): nothing was observed.
        rows[table] = observed.get["rows"] if songs else 0
        timings[table] = round(time.perf_counter() - started, 3)
    items.unpersist()
    return {"files_read": len(files), "rows": rows, "skipped": skipped, "timings": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bare Spark baseline: the jobs' transforms, no safeguards")
    parser.add_argument("--raw", required=True, help="the raw root holding snapshot_date=D/")
    parser.add_argument("--out", required=True, help="writes OUT/<table>/snapshot_date=D/")
    parser.add_argument("--snapshot-date", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    spark = build_spark_session(app_name="spotify-etl-bench-spark-bare", master="local[*]")
    session_seconds = round(time.perf_counter() - started, 3)
    try:
        started = time.perf_counter()
        report = transform(spark, os.path.abspath(args.raw), os.path.abspath(args.out), args.snapshot_date)
        report["seconds"] = round(time.perf_counter() - started, 3)
    finally:
        spark.stop()
    report["timings"] = {"spark_session": session_seconds, **report["timings"]}
    print(json.dumps(report), flush=True)  # the last line: the benchmark reads it
    return 0


if __name__ == "__main__":
    sys.exit(main())
