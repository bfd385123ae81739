"""Reading and writing the lake (local folder or S3): the jobs' I/O edge.

Partitions are written with dynamic partition overwrite, so a run replaces exactly its own
snapshot dates, however many, and leaves the others untouched. Files are sorted by the table's
key inside each partition, so a rerun of the same input gives the same rows in the same order.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from .lake_layout import is_s3, join, partition
from .schemas import PARTITION_COLUMN

ROWS_PER_FILE = 1_000_000
"""About 50-100 MB of Parquet for these tables: few files per partition, none too large."""


def _hadoop_path(spark: SparkSession, path: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hadoop_path


def path_exists(spark: SparkSession, path: str) -> bool:
    filesystem, hadoop_path = _hadoop_path(spark, path)
    return bool(filesystem.exists(hadoop_path))


def delete_path(spark: SparkSession, path: str) -> None:
    filesystem, hadoop_path = _hadoop_path(spark, path)
    if filesystem.exists(hadoop_path):
        filesystem.delete(hadoop_path, True)


def partition_dates(spark: SparkSession, root: str) -> set[str]:
    """The snapshot dates that have a partition folder under ``root`` (one listing of ``root``)."""
    filesystem, hadoop_path = _hadoop_path(spark, root)
    if not filesystem.exists(hadoop_path):
        return set()
    prefix = f"{PARTITION_COLUMN}="
    names = (str(status.getPath().getName()) for status in filesystem.listStatus(hadoop_path))
    return {name[len(prefix) :] for name in names if name.startswith(prefix)}


def delete_partitions(spark: SparkSession, root: str, dates: Iterable[str]) -> None:
    """Remove the partition folders of ``dates`` (those that exist) under ``root``: a date that has
    nothing to write must not keep an earlier run's rows."""
    existing = partition_dates(spark, root)
    for snapshot_date in sorted(set(dates) & existing):
        delete_path(spark, join(root, partition(snapshot_date)))


def read_partitions(spark: SparkSession, root: str, schema: StructType, dates: Sequence[str]) -> DataFrame:
    """The partitions of ``dates`` of a partitioned dataset, read with its declared schema (dates
    without a folder contribute no rows; no folder at all gives an empty frame)."""
    present = sorted(set(dates) & partition_dates(spark, root))
    if not present:
        return spark.createDataFrame([], schema)
    paths = [join(root, partition(snapshot_date)) for snapshot_date in present]
    frame = spark.read.schema(schema).option("basePath", root).parquet(*paths)
    return frame.select([field.name for field in schema.fields])


def _file_slot(sort_by: Sequence[str], rows: Mapping[str, int]) -> tuple[Column, int]:
    """(the file of a row within its date, the number of files in all): one file per date up to
    ROWS_PER_FILE rows, a date with more is split by a hash of the key."""
    files = {snapshot_date: max(1, math.ceil(count / ROWS_PER_FILE)) for snapshot_date, count in rows.items()}
    total = sum(files.values())
    if total == len(files):
        return F.lit(0), total
    per_date = F.create_map(*[F.lit(value) for pair in files.items() for value in pair])
    return F.pmod(F.xxhash64(*sort_by), per_date[F.col(PARTITION_COLUMN)]), total


def write_partitions(
    frame: DataFrame,
    root: str,
    rows: Mapping[str, int],
    sort_by: Sequence[str] | None,
    plain_columns: Sequence[str] = (),
) -> None:
    """Replace the partitions of the dates in ``rows`` (date -> rows ``frame`` holds for it, already
    counted by the caller) of a Parquet dataset (snappy) with ``frame``'s rows; no other date is
    touched (dynamic partition overwrite).

    A date with no rows has its partition removed: a rerun that finds nothing must not leave
    yesterday's rows behind. With ``sort_by``, each date is one file (ROWS_PER_FILE rows at most
    per file) sorted by those columns, whatever the number of dates; without it (staging, read
    only by the next job), each task writes its own files, unsorted, so the write runs on every
    core instead of one. ``plain_columns`` are written without dictionary encoding
    (``schemas.TABLE_PLAIN_COLUMNS``); staging has none at all.
    """
    spark = frame.sparkSession
    delete_partitions(spark, root, [snapshot_date for snapshot_date, count in rows.items() if count == 0])
    with_rows = {snapshot_date: count for snapshot_date, count in rows.items() if count}
    if not with_rows:
        return
    if sort_by:
        # The partition column leads the sort: Spark's writer needs its rows in partition-column
        # order and, when the plan does not already give it, sorts them again by that column
        # alone, which loses the key order (and costs a second sort).
        slot, files = _file_slot(sort_by, with_rows)
        frame = (
            frame.withColumn("_file", slot)
            .repartition(files, PARTITION_COLUMN, "_file")
            .sortWithinPartitions(PARTITION_COLUMN, *sort_by)
            .drop("_file")
        )
    writer = frame.write
    if not sort_by:
        # Staging is read once, by the next job: plain encoding writes about twice as fast as
        # dictionary encoding of a million mostly distinct ids and names, for larger files.
        writer = writer.option("parquet.enable.dictionary", "false")
    for column in plain_columns:  # parquet-mr's per-column switch: "<property>#<column path>"
        writer = writer.option(f"parquet.enable.dictionary#{column}", "false")
    (
        writer.mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .option("compression", "snappy")
        .partitionBy(PARTITION_COLUMN)
        .parquet(root)
    )


def write_json_partitions(frame: DataFrame, root: str, rows: Mapping[str, int]) -> None:
    """Replace the partitions of the dates in ``rows`` (date -> records ``frame`` holds for it) of a
    JSON Lines dataset (the quarantine: readable by eye) with ``frame``, one file per date; a date
    with no records has its partition removed."""
    spark = frame.sparkSession
    delete_partitions(spark, root, [snapshot_date for snapshot_date, count in rows.items() if count == 0])
    if not any(rows.values()):
        return
    (
        frame.repartition(PARTITION_COLUMN)
        .write.mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .option("ignoreNullFields", "false")
        .partitionBy(PARTITION_COLUMN)
        .json(root)
    )


def write_document(path: str, document: dict) -> None:
    """Write one small JSON document (a run report) to a local path or S3."""
    body = json.dumps(document, indent=2, sort_keys=True, default=str).encode()
    if is_s3(path):
        import boto3
        from botocore.config import Config

        bucket, _, key = path.split("://", 1)[1].partition("/")
        s3 = boto3.client("s3", config=Config(retries={"mode": "standard"}))
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(body)
