"""build_tables: reconciliation, data quality before publishing, and reruns that change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from spotify_etl.jobs.build_tables import DatesNotPublishedError
from spotify_etl.lake_layout import STAGED_ITEM, STAGED_PLAYLIST, report_path, staging_path, table_path
from spotify_etl.schemas import STAGED_ITEM_SCHEMA, STAGED_PLAYLIST_SCHEMA, TABLES

from ..api_objects import album, artist, envelope, item, track, write_raw
from .conftest import BIG_ITEMS, DATE, build, normalize


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


def small_day(raw: Path, snapshot_date: str, songs: list[str]) -> None:
    ann = artist("art1", "Ann")
    alb = album("alb1", "First", [ann])
    items = [item(track(s, s.upper(), [ann], alb)) for s in songs]
    run_id = snapshot_date.replace("-", "") + "T060000Z-aaaaaaaa"
    write_raw(
        raw,
        snapshot_date,
        f"{run_id}.jsonl.gz",
        [envelope("pl1", items, snapshot_date, run_id, f"{snapshot_date}T06:00:00Z")],
    )


def files_of(lake: Path, snapshot_date: str) -> dict[str, float]:
    return {
        str(path.relative_to(lake)): path.stat().st_mtime_ns
        for path in (lake / "curated").rglob("*")
        if f"snapshot_date={snapshot_date}" in str(path) and path.is_file()
    }


def test_rerunning_a_date_gives_identical_tables_and_leaves_other_dates_alone(spark, tmp_path):
    small_day(tmp_path / "raw", "2026-11-19", ["t1", "t2"])
    small_day(tmp_path / "raw", "2026-11-20", ["t2", "t3", "t1"])
    for snapshot_date in ("2026-11-19", "2026-11-20"):
        normalize(spark, tmp_path, snapshot_date)
        build(spark, tmp_path, snapshot_date)
    before = {t: table_rows(spark, tmp_path, t, "2026-11-20") for t in TABLES}
    untouched = files_of(tmp_path, "2026-11-19")
    assert len(before["song"]) == 3 and untouched

    for _ in range(2):
        normalize(spark, tmp_path, "2026-11-20")
        build(spark, tmp_path, "2026-11-20")

    assert {t: table_rows(spark, tmp_path, t, "2026-11-20") for t in TABLES} == before
    assert files_of(tmp_path, "2026-11-19") == untouched
    assert [r[2] for r in table_rows(spark, tmp_path, "song", "2026-11-19")] == ["t1", "t2"]


def test_a_date_whose_songs_are_gone_is_emptied_on_rerun(spark, tmp_path):
    small_day(tmp_path / "raw", "2026-11-20", ["t1"])
    normalize(spark, tmp_path, "2026-11-20")
    build(spark, tmp_path, "2026-11-20")
    shutil.rmtree(tmp_path / "raw")
    write_raw(
        tmp_path / "raw",
        "2026-11-20",
        "20261120T090000Z-bbbbbbbb.jsonl.gz",
        [envelope("pl1", [item(None)], "2026-11-20", "20261120T090000Z-bbbbbbbb")],
    )
    normalize(spark, tmp_path, "2026-11-20")
    report = build(spark, tmp_path, "2026-11-20")
    assert report["rows"]["song"] == 0 and report["skipped"] == {"null_item": 1}
    assert not (Path(table_path(str(tmp_path), "song")) / "snapshot_date=2026-11-20").exists()


def rewrite_staged(spark, lake: Path, dataset: str, schema, change) -> None:
    root = staging_path(str(lake), dataset)
    frame = spark.read.schema(schema).parquet(root).transform(change).localCheckpoint()
    frame.write.mode("overwrite").partitionBy("snapshot_date").parquet(root)


def test_failing_quality_rule_publishes_nothing_and_names_the_rule(spark, tmp_path):
    small_day(tmp_path / "raw", "2026-11-20", ["t1", "t2"])
    normalize(spark, tmp_path, "2026-11-20")
    rewrite_staged(
        spark, tmp_path, STAGED_ITEM, STAGED_ITEM_SCHEMA, lambda f: f.withColumn("position", F.lit(0))
    )
    with pytest.raises(
        DatesNotPublishedError, match=r"song: \(playlist_id, position\) is unique: 1 offending row"
    ):
        build(spark, tmp_path, "2026-11-20")
    assert not Path(table_path(str(tmp_path), "song")).exists()
    report = json.loads(Path(report_path(str(tmp_path), "2026-11-20", "build_tables")).read_text())
    assert report["published"] is False


def test_items_that_do_not_add_up_fail_reconciliation(spark, tmp_path):
    small_day(tmp_path / "raw", "2026-11-20", ["t1", "t2"])
    normalize(spark, tmp_path, "2026-11-20")
    rewrite_staged(
        spark,
        tmp_path,
        STAGED_PLAYLIST,
        STAGED_PLAYLIST_SCHEMA,
        lambda f: f.withColumn("item_count", F.lit(3)),
    )
    with pytest.raises(
        DatesNotPublishedError, match=r"items read 3 != songs 2 \+ skipped 0 \{\} \+ quarantined 0 = 2"
    ):
        build(spark, tmp_path, "2026-11-20")
