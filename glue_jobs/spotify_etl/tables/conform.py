"""Shape a DataFrame exactly as a table's schema, and choose one version of a repeated entity."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructType

from ..schemas import PARTITION_COLUMN


def conform(frame: DataFrame, schema: StructType) -> DataFrame:
    return frame.select([F.col(field.name).cast(field.dataType).alias(field.name) for field in schema.fields])


def missing(frame: DataFrame, column: str) -> Column:
    """Whether a value says nothing: null, blank text (``""``, spaces) or an empty array.

    Spotify sends ``"name": ""`` for some credits (local files, placeholders, editorial quirks):
    an empty name must not win over the real one seen on another song.
    """
    data_type = frame.schema[column].dataType
    value = F.col(column)
    if isinstance(data_type, StringType):
        return value.isNull() | (F.trim(value) == "")
    if isinstance(data_type, ArrayType):
        return value.isNull() | (F.size(value) == 0)
    return value.isNull()


def first_per_key(
    frame: DataFrame,
    key: str,
    values: Sequence[str],
    order: Sequence[Column],
    together: Sequence[Sequence[str]] = (),
) -> DataFrame:
    """One row per ``key`` and snapshot date, the same on every rerun: each of the ``values``
    columns takes its value from the first row by ``order`` in which it is not ``missing``, or the
    first row's when it is missing in all of them. The columns of a ``together`` group (a release
    date and its precision) come from one row, chosen by the group's first column.

    An aggregate (per column, the least struct of "missing", the order columns, then the value)
    rather than a window: Spark combines it on each partition before the shuffle, so a chart's
    thousand mentions of one album cross the network as one row, not a thousand.

    Input: ``frame`` with ``key``, ``snapshot_date``, the ``values`` and what ``order`` reads (an
    order that is total within a key). Output: ``key``, ``snapshot_date`` and the ``values``.
    """
    keys = [key, PARTITION_COLUMN]
    columns = list(values)
    grouped = {name for group in together for name in group}
    groups = [list(group) for group in together] + [[name] for name in columns if name not in grouped]
    ranked = [column.alias(f"_order{index}") for index, column in enumerate(order)]
    choices = [
        F.min(F.struct(missing(frame, group[0]).alias("_missing"), *ranked, *map(F.col, group))).alias(
            f"_choice{index}"
        )
        for index, group in enumerate(groups)
    ]
    source = {name: f"_choice{index}" for index, group in enumerate(groups) for name in group}
    first = frame.groupBy(*keys).agg(*choices)
    return first.select(*keys, *[F.col(source[name])[name].alias(name) for name in columns])
