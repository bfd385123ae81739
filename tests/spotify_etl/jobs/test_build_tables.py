"""build_tables: reconciliation, data quality before publishing, and reruns that change nothing."""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import functions as F

from spotify_etl.lake_layout import report_path, table_path
from spotify_etl.schemas import TABLES

from .conftest import BIG_ITEMS, DATE


def table_rows(spark, lake: Path, table: str, snapshot_date: str) -> list[tuple]:
    frame = spark.read.schema(TABLES[table]).parquet(table_path(str(lake), table))
    return sorted(tuple(row) for row in frame.filter(F.col("snapshot_date") == snapshot_date).collect())


def test_corrupt_day_reconciles_and_publishes(corrupt_day):
    lake, _, _, report = corrupt_day
    songs = 2 + 2 + BIG_ITEMS + 2
    assert report["reconciliation"] == {
        "snapshot_date": DATE,
        "items_read": 5 + 3 + BIG_ITEMS + 2,
        "songs": songs,
        "skipped": {"episode": 1, "local_file": 1, "null_item": 1},
        "quarantined_items": 1,
        "accounted": songs + 3 + 1,
        "holds": True,
    }
    # artists: Ann, Bob, Cy + 50 generated; albums: First, Second + 100 generated; playlists pl1 pl2 pl3 pl5
    assert report["rows"] == {"album": 102, "artist": 53, "song": songs, "playlist": 4}
    assert report["published"] is True
    assert all(rule["violations"] == 0 for rule in report["data_quality"])
    written = json.loads(Path(report_path(str(lake), DATE, "build_tables")).read_text())
    assert written["rows"] == report["rows"]


def test_superseded_extraction_is_not_counted(spark, corrupt_day):
    lake, _, _, _ = corrupt_day
    pl1 = [r for r in table_rows(spark, lake, "song", DATE) if r[0] == "pl1"]
    # the 12:00 run of pl1 holds trk1 (position 0) and trk2 (position 4); the 06:00 run held trk3
    assert [(r[1], r[2]) for r in pl1] == [(0, "trk1"), (4, "trk2")]
