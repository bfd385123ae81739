"""Writing partitions: one sorted file per date, however many dates a run writes; a rerun replaces
only its own dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from spotify_etl import lake_io
from spotify_etl.lake_io import read_partitions, write_partitions


def partition_files(root: Path, snapshot_date: str) -> list[Path]:
    return sorted((root / f"snapshot_date={snapshot_date}").glob("*.parquet"))


def shuffled_rows(spark, snapshot_date: str, count: int):
    """(playlist_id, position) keys in a scrambled order, spread over several partitions."""
    rows = [(f"pl{(n * 7) % 13}", (n * 11) % 17, snapshot_date) for n in range(count)]
    return spark.createDataFrame(rows, "playlist_id string, position int, snapshot_date string").repartition(
        3
    ), rows


def test_a_table_partition_is_one_file_sorted_by_its_key(spark, tmp_path):
    frame, rows = shuffled_rows(spark, "2026-11-20", 200)
    write_partitions(frame, str(tmp_path), {"2026-11-20": len(rows)}, ["playlist_id", "position"])
    files = partition_files(tmp_path, "2026-11-20")
    assert len(files) == 1
    table = pq.read_table(files[0])
    written = list(zip(table["playlist_id"].to_pylist(), table["position"].to_pylist(), strict=True))
    assert written == sorted((playlist, position) for playlist, position, _ in rows)


def test_a_rewrite_replaces_its_own_date_only(spark, tmp_path):
    for snapshot_date, count in (("2026-11-19", 5), ("2026-11-20", 8), ("2026-11-20", 3)):
        frame, _ = shuffled_rows(spark, snapshot_date, count)
        write_partitions(frame, str(tmp_path), {snapshot_date: count}, ["playlist_id", "position"])
    counts = {
        snapshot_date: sum(
            pq.read_metadata(path).num_rows for path in partition_files(tmp_path, snapshot_date)
        )
        for snapshot_date in ("2026-11-19", "2026-11-20")
    }
    assert counts == {"2026-11-19": 5, "2026-11-20": 3}


def test_nothing_to_write_removes_the_dates_partition(spark, tmp_path):
    frame, _ = shuffled_rows(spark, "2026-11-20", 4)
    other, _ = shuffled_rows(spark, "2026-11-19", 2)
    write_partitions(
        frame.unionByName(other), str(tmp_path), {"2026-11-20": 4, "2026-11-19": 2}, ["playlist_id"]
    )
    write_partitions(frame.filter(F.lit(False)), str(tmp_path), {"2026-11-20": 0}, ["playlist_id"])
    assert not (tmp_path / "snapshot_date=2026-11-20").exists()
    assert len(partition_files(tmp_path, "2026-11-19")) == 1


def test_staging_is_written_by_every_task_unsorted(spark, tmp_path):
    frame, rows = shuffled_rows(spark, "2026-11-20", 60)
    write_partitions(frame, str(tmp_path), {"2026-11-20": len(rows)}, None)
    files = partition_files(tmp_path, "2026-11-20")
    assert len(files) == 3  # one per partition of the frame, no shuffle into one
    assert sum(pq.read_metadata(path).num_rows for path in files) == 60


def dictionary_columns(path: Path) -> dict[str, bool]:
    """Whether each column chunk of the file's first row group has a dictionary page."""
    row_group = pq.ParquetFile(path).metadata.row_group(0)
    return {
        row_group.column(i).path_in_schema: row_group.column(i).has_dictionary_page
        for i in range(row_group.num_columns)
    }


def test_plain_columns_are_written_without_a_dictionary(spark, tmp_path):
    frame, rows = shuffled_rows(spark, "2026-11-20", 300)  # 13 playlist ids, 17 positions: repetitive
    write_partitions(frame, str(tmp_path), {"2026-11-20": len(rows)}, ["position"], ["playlist_id"])
    (file,) = partition_files(tmp_path, "2026-11-20")
    assert dictionary_columns(file) == {"playlist_id": False, "position": True}


def test_many_dates_in_one_write_are_one_sorted_file_each(spark, tmp_path):
    dates = [f"2026-01-{day:02d}" for day in range(1, 8)]
    frames = [shuffled_rows(spark, snapshot_date, 20 + n) for n, snapshot_date in enumerate(dates)]
    union = frames[0][0]
    for frame, _ in frames[1:]:
        union = union.unionByName(frame)
    write_partitions(
        union.repartition(3),
        str(tmp_path),
        {d: 20 + n for n, d in enumerate(dates)},
        ["playlist_id", "position"],
    )
    for (_, rows), snapshot_date in zip(frames, dates, strict=True):
        (file,) = partition_files(tmp_path, snapshot_date)
        table = pq.read_table(file)
        written = list(zip(table["playlist_id"].to_pylist(), table["position"].to_pylist(), strict=True))
        assert written == sorted((playlist, position) for playlist, position, _ in rows), snapshot_date


def test_a_date_beyond_rows_per_file_is_split_into_sorted_files(spark, tmp_path, monkeypatch):
    monkeypatch.setattr(lake_io, "ROWS_PER_FILE", 25)
    big, big_rows = shuffled_rows(spark, "2026-11-20", 60)  # 3 files
    small, _ = shuffled_rows(spark, "2026-11-19", 10)  # 1 file
    write_partitions(
        big.unionByName(small),
        str(tmp_path),
        {"2026-11-20": 60, "2026-11-19": 10},
        ["playlist_id", "position"],
    )
    files = partition_files(tmp_path, "2026-11-20")
    assert 1 < len(files) <= 3 and len(partition_files(tmp_path, "2026-11-19")) == 1
    keys = []
    for file in files:
        table = pq.read_table(file)
        part = list(zip(table["playlist_id"].to_pylist(), table["position"].to_pylist(), strict=True))
        assert part == sorted(part)
        keys += part
    assert sorted(keys) == sorted((playlist, position) for playlist, position, _ in big_rows)


def test_read_partitions_reads_only_the_dates_asked_for(spark, tmp_path):
    schema = StructType(
        [
            StructField("playlist_id", StringType()),
            StructField("position", IntegerType()),
            StructField("snapshot_date", StringType()),
        ]
    )
    for snapshot_date, count in (("2026-11-19", 2), ("2026-11-20", 3)):
        frame, _ = shuffled_rows(spark, snapshot_date, count)
        write_partitions(frame, str(tmp_path), {snapshot_date: count}, ["position"])
    read = read_partitions(spark, str(tmp_path), schema, ["2026-11-20", "2026-11-21"])
    assert sorted({r.snapshot_date for r in read.collect()}) == ["2026-11-20"] and read.count() == 3
    assert read_partitions(spark, str(tmp_path / "none"), schema, ["2026-11-20"]).count() == 0


def test_dates_before_1582_are_written_as_they_are(spark, tmp_path):
    """Issue 19, case 4: Spark 3.5 refuses to write them unless the rebase mode says how."""
    frame = spark.createDataFrame(
        [("alb1", dt.date(1019, 1, 1), "2026-03-15"), ("alb2", dt.date(2019, 3, 1), "2026-03-15")],
        "album_id string, release_date date, snapshot_date string",
    )
    write_partitions(frame, str(tmp_path), {"2026-03-15": 2}, ["album_id"])
    (file,) = partition_files(tmp_path, "2026-03-15")
    assert pq.read_table(file)["release_date"].to_pylist() == [dt.date(1019, 1, 1), dt.date(2019, 3, 1)]
