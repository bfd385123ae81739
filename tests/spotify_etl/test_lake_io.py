"""Writing partitions: one sorted file per date, a rerun replaces only its own date."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import functions as F

from spotify_etl.lake_io import write_partition


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
    write_partition(frame, str(tmp_path), "2026-11-20", len(rows), ["playlist_id", "position"])
    files = partition_files(tmp_path, "2026-11-20")
    assert len(files) == 1
    table = pq.read_table(files[0])
    written = list(zip(table["playlist_id"].to_pylist(), table["position"].to_pylist(), strict=True))
    assert written == sorted((playlist, position) for playlist, position, _ in rows)


def test_a_rewrite_replaces_its_own_date_only(spark, tmp_path):
    for snapshot_date, count in (("2026-11-19", 5), ("2026-11-20", 8), ("2026-11-20", 3)):
        frame, _ = shuffled_rows(spark, snapshot_date, count)
        write_partition(frame, str(tmp_path), snapshot_date, count, ["playlist_id", "position"])
    counts = {
        snapshot_date: sum(
            pq.read_metadata(path).num_rows for path in partition_files(tmp_path, snapshot_date)
        )
        for snapshot_date in ("2026-11-19", "2026-11-20")
    }
    assert counts == {"2026-11-19": 5, "2026-11-20": 3}


def test_nothing_to_write_removes_the_dates_partition(spark, tmp_path):
    frame, _ = shuffled_rows(spark, "2026-11-20", 4)
    write_partition(frame, str(tmp_path), "2026-11-20", 4, ["playlist_id"])
    write_partition(frame.filter(F.lit(False)), str(tmp_path), "2026-11-20", 0, ["playlist_id"])
    assert not (tmp_path / "snapshot_date=2026-11-20").exists()


def test_staging_is_written_by_every_task_unsorted(spark, tmp_path):
    frame, rows = shuffled_rows(spark, "2026-11-20", 60)
    write_partition(frame, str(tmp_path), "2026-11-20", len(rows), None)
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
    write_partition(frame, str(tmp_path), "2026-11-20", len(rows), ["position"], ["playlist_id"])
    (file,) = partition_files(tmp_path, "2026-11-20")
    assert dictionary_columns(file) == {"playlist_id": False, "position": True}
