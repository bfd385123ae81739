"""One snapshot date's raw files -> one item-grained frame, read the fast way wherever possible.

Nearly every day, every file is intact and every line valid. Those files are read once by
Spark's JSON source with the typed envelope schema: no Python, no text kept, one pass. A file
that needs explaining is read again by the thorough path (bytes decoded in Python, lines parsed
field by field), which names the line, the field and the damage for the quarantine:

- a file Spark cannot decompress (the fast read then fails; only then are the files checked);
- a file with any line or item that does not pass the checks;
- an empty file, or one that holds no line at all.

Both paths give the same columns (``ITEM_ROW_COLUMNS``); a file is read by exactly one of them,
so nothing is counted twice and nothing is left out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from py4j.protocol import Py4JJavaError
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.utils import CapturedException

from .envelopes import explode_envelopes, parse_envelopes, validate_records, with_corrupt_column
from .items import STAGED_ITEM_FIELDS, flatten_items, parse_items, typed_items
from .raw_reader import (
    find_damaged_files,
    is_unreadable_file_error,
    list_raw_files,
    read_envelope_records,
    read_raw_lines,
)
from .schemas import ENVELOPE_SCHEMA

log = logging.getLogger(__name__)

ITEM_ROW_COLUMNS = (
    "source_file",
    "line_number",
    "line_id",
    "invalid_reason",
    "run_id",
    "playlist_id",
    "extracted_at",
    "playlist",
    "line",
    "playlist_text",
    "item_count",
    "position",
    "item_text",
    "item_invalid_reason",
    *STAGED_ITEM_FIELDS,
)


@dataclass
class SnapshotRows:
    """The date's item-grained rows (persisted: the caller unpersists) and how each file was read."""

    rows: DataFrame
    fast_files: tuple[str, ...]
    thorough_files: tuple[str, ...]
    damaged_files: dict[str, str]

    def unpersist(self) -> None:
        self.rows.unpersist()


def _fast_rows(spark: SparkSession, paths: tuple[str, ...], snapshot_date: str) -> DataFrame:
    records = read_envelope_records(spark, paths, with_corrupt_column(ENVELOPE_SCHEMA))
    return (
        records.transform(validate_records, snapshot_date)
        .transform(explode_envelopes, "parsed")
        .transform(typed_items)
        .transform(flatten_items)
        .select(*ITEM_ROW_COLUMNS)
    )


def _thorough_rows(
    spark: SparkSession, paths: tuple[str, ...], empty: tuple[str, ...], snapshot_date: str
) -> DataFrame:
    return (
        read_raw_lines(spark, paths, empty)
        .transform(parse_envelopes, snapshot_date)
        .transform(explode_envelopes)
        .transform(parse_items)
        .transform(flatten_items)
        .select(*ITEM_ROW_COLUMNS)
    )


def _files_needing_explanation(rows: DataFrame) -> tuple[set[str], set[str]]:
    """(files that have rows, files with an invalid line or item): one small aggregate, one per
    file. This is the action that reads the files, and fails if one cannot be decompressed."""
    problem = F.col("invalid_reason").isNotNull() | F.col("item_invalid_reason").isNotNull()
    per_file = rows.groupBy("source_file").agg(F.max(problem.cast("int")).alias("problem")).collect()
    return {row.source_file for row in per_file}, {row.source_file for row in per_file if row.problem}


def read_snapshot_rows(spark: SparkSession, date_path: str, snapshot_date: str) -> SnapshotRows:
    """Every raw file of ``date_path`` as item-grained rows (``ITEM_ROW_COLUMNS``)."""
    listing = list_raw_files(spark, date_path)
    candidates = listing.readable
    damaged: dict[str, str] = {}
    fast = _fast_rows(spark, candidates, snapshot_date).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        seen, problems = _files_needing_explanation(fast) if candidates else (set(), set())
    except (Py4JJavaError, CapturedException) as error:
        fast.unpersist()
        if not is_unreadable_file_error(error):
            raise
        damaged = find_damaged_files(spark, candidates)
        if not damaged:
            raise
        log.warning("raw files that cannot be decompressed, read byte by byte: %s", sorted(damaged))
        candidates = tuple(path for path in candidates if path not in damaged)
        fast = _fast_rows(spark, candidates, snapshot_date).persist(StorageLevel.MEMORY_AND_DISK)
        seen, problems = _files_needing_explanation(fast) if candidates else (set(), set())

    fast_files = tuple(path for path in candidates if path in seen and path not in problems)
    thorough_files = tuple(sorted({*damaged, *problems, *(p for p in candidates if p not in seen)}))
    if len(fast_files) == len(candidates) and not listing.empty:
        return SnapshotRows(fast, fast_files, (), damaged)

    kept_fast = fast.filter(F.col("source_file").isin(list(fast_files)))
    thorough = _thorough_rows(spark, thorough_files, listing.empty, snapshot_date)
    rows = kept_fast.unionByName(thorough).persist(StorageLevel.MEMORY_AND_DISK)
    rows.count()  # materialise before the fast cache is released: its files are not read again
    fast.unpersist()
    return SnapshotRows(rows, fast_files, (*thorough_files, *listing.empty), damaged)
