"""Shape a DataFrame exactly as a table's schema: its columns, in order, with their types."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StructType


def conform(frame: DataFrame, schema: StructType) -> DataFrame:
    return frame.select([F.col(field.name).cast(field.dataType).alias(field.name) for field in schema.fields])


def first_per_key(frame: DataFrame, key: str, order: list[Column]) -> DataFrame:
    """One row per ``key``: the first by ``order``, so the choice is the same on every rerun.

    An aggregate (the least struct of the order columns, then the row) rather than a window:
    Spark combines it on each partition before the shuffle, so a chart's thousand mentions of one
    album cross the network as one row, not a thousand.
    """
    columns = [name for name in frame.columns if name != key]
    ranked = F.struct(
        *[column.alias(f"_order{index}") for index, column in enumerate(order)],
        *[F.col(name) for name in columns],
    )
    first = frame.groupBy(key).agg(F.min(ranked).alias("_first"))
    return first.select(key, *[F.col("_first")[name].alias(name) for name in columns])
