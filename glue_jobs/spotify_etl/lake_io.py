"""Reading and writing the lake (local folder or S3): the jobs' I/O edge.

Partitions are written with dynamic partition overwrite, so a rerun replaces exactly its own
snapshot date and leaves the others untouched. Files are sorted by the table's key inside each
partition, so a rerun of the same input gives the same rows in the same order.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from .lake_layout import is_s3, join, partition
from .schemas import PARTITION_COLUMN, data_columns

ROWS_PER_FILE = 1_000_000
"""About 50-100 MB of Parquet for these tables: few files per partition, none too large."""


class MissingInputError(FileNotFoundError):
    """A job's input partition is not there (usually: the previous job has not run)."""


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


def empty_folder(spark: SparkSession, path: str) -> None:
    """Replace ``path`` with an empty folder: a rerun with nothing to write there must not leave an
    earlier run's files behind, and readers still find the folder."""
    delete_path(spark, path)
    filesystem, hadoop_path = _hadoop_path(spark, path)
    filesystem.mkdirs(hadoop_path)


def read_partition(
    spark: SparkSession, root: str, schema: StructType, snapshot_date: str, hint: str
) -> DataFrame:
    """One snapshot date of a partitioned dataset, read with its declared schema."""
    path = join(root, partition(snapshot_date))
    if not path_exists(spark, path):
        raise MissingInputError(f"no data at {path}: {hint}")
    stored = StructType(data_columns(schema))
    frame = spark.read.schema(stored).parquet(path).withColumn(PARTITION_COLUMN, F.lit(snapshot_date))
    return frame.select([field.name for field in schema.fields])


def write_partition(
    frame: DataFrame,
    root: str,
    snapshot_date: str,
    rows: int,
    sort_by: Sequence[str] | None,
    plain_columns: Sequence[str] = (),
) -> None:
    """Replace one snapshot date's partition of a Parquet dataset (snappy) with ``frame``.

    ``rows`` (already counted by the caller) sizes the number of files. An empty result still
    replaces the partition: a rerun that finds nothing must not leave yesterday's rows behind.
    With ``sort_by``, the files are few (ROWS_PER_FILE) and sorted by those columns; without it
    (staging, read only by the next job), each task writes its own file, unsorted, so the write
    runs on every core instead of one. ``plain_columns`` are written without dictionary encoding
    (``schemas.TABLE_PLAIN_COLUMNS``); staging has none at all.
    """
    spark = frame.sparkSession
    if rows == 0:
        delete_path(spark, join(root, partition(snapshot_date)))
        return
    if sort_by:
        # The partition column leads the sort: Spark's writer needs its rows in partition-column
        # order and, when the plan does not already give it, sorts them again by that column
        # alone, which loses the key order (and costs a second sort).
        files = max(1, math.ceil(rows / ROWS_PER_FILE))
        frame = frame.repartition(files).sortWithinPartitions(PARTITION_COLUMN, *sort_by)
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


def write_json_records(frame: DataFrame, path: str) -> None:
    """Replace the folder ``path`` with ``frame`` as JSON Lines (the quarantine: readable by eye)."""
    frame.coalesce(1).write.mode("overwrite").option("ignoreNullFields", "false").json(path)


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
