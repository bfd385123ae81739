"""Shape a DataFrame exactly as a table's schema: its columns, in order, with their types."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType


def conform(frame: DataFrame, schema: StructType) -> DataFrame:
    return frame.select([F.col(field.name).cast(field.dataType).alias(field.name) for field in schema.fields])


def first_per_key(frame: DataFrame, key: str, order: list[Column]) -> DataFrame:
    """One row per ``key``: the first by ``order``, so the choice is the same on every rerun."""
    ranked = frame.withColumn("_rank", F.row_number().over(Window.partitionBy(key).orderBy(*order)))
    return ranked.filter(F.col("_rank") == 1).drop("_rank")
