"""The raw files of a run's snapshot dates -> one item-grained frame, read the fast way wherever
possible.

Nearly every day, every file is intact and every line valid. Those files are read once by
Spark's JSON source with the typed envelope schema: no Python, no text kept, one pass. A file
that needs explaining is read again by the thorough path (bytes decoded in Python, lines parsed
field by field), which names the line, the field and the damage for the quarantine:

- a file Spark cannot decompress (the fast read then fails; only then are the files checked);
- a file with any line or item that does not pass the checks;
- an empty file, or one that holds no line at all.

Both paths give the same columns (``ITEM_ROW_COLUMNS``); a file is read by exactly one of them,
so nothing is counted twice and nothing is left out. Every row carries its file's snapshot date
(``snapshot_date``, from the file's folder), so one pass serves any number of dates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from py4j.protocol import Py4JJavaError
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.utils import CapturedException

from .envelopes import explode_envelopes, parse_envelopes, validate_records, with_corrupt_column
from .items import ITEM_FLAG_COLUMNS, STAGED_ITEM_FIELDS, flatten_items, parse_items, typed_items
from .raw_reader import (
    RawFiles,
    find_damaged_files,
    is_unreadable_file_error,
    read_envelope_records,
    read_raw_lines,
)
from .schemas import ENVELOPE_SCHEMA, PARTITION_COLUMN

log = logging.getLogger(__name__)

ITEM_ROW_COLUMNS = (
    "source_file",
    PARTITION_COLUMN,
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
    *ITEM_FLAG_COLUMNS,
)


@dataclass(frozen=True)
class LineCounts:
    """How many lines one date's files hold: valid, and invalid per level (a line of a file, or a
    whole file that could not be read), and how many files had any row."""

    lines: int = 0
    valid: int = 0
    invalid_line: int = 0
    invalid_file: int = 0
    files: int = 0


@dataclass
class SnapshotRows:
    """The dates' item-grained rows (persisted: the caller unpersists), how each file was read,
    and the line counts of each date, taken in the same pass that checked the files."""

    rows: DataFrame
    fast_files: tuple[str, ...]
    thorough_files: tuple[str, ...]
    damaged_files: dict[str, str]
    line_counts: dict[str, LineCounts]

    def unpersist(self) -> None:
        self.rows.unpersist()

    def files_of(self, snapshot_date: str, files: tuple[str, ...]) -> tuple[str, ...]:
        """Those of ``files`` that lie in ``snapshot_date``'s folder."""
        folder = f"/{PARTITION_COLUMN}={snapshot_date}/"
        return tuple(path for path in files if folder in path)


def _fast_rows(spark: SparkSession, paths: tuple[str, ...]) -> DataFrame:
    records = read_envelope_records(spark, paths, with_corrupt_column(ENVELOPE_SCHEMA))
    return (
        records.transform(validate_records)
        .transform(explode_envelopes, "parsed")
        .transform(typed_items)
        .transform(flatten_items)
        .select(*ITEM_ROW_COLUMNS)
    )


def _thorough_rows(spark: SparkSession, paths: tuple[str, ...], empty: tuple[str, ...]) -> DataFrame:
    return (
        read_raw_lines(spark, paths, empty)
        .transform(parse_envelopes)
        .transform(explode_envelopes)
        .transform(parse_items)
        .transform(flatten_items)
        .select(*ITEM_ROW_COLUMNS)
    )


def _file_stats(rows: DataFrame) -> tuple[set[str], set[str], dict[str, LineCounts]]:
    """(files that have rows, files with an invalid line or item, the line counts per date): one
    small aggregate, one row per file. On the fast rows this is the action that reads the files
    (and fails if one cannot be decompressed); the line counts come with it, not another pass."""
    problem = F.col("invalid_reason").isNotNull() | F.col("item_invalid_reason").isNotNull()
    line_row = F.col("position").isNull() | (F.col("position") == 0)  # one_row_per_line's rows
    invalid = F.col("invalid_reason").isNotNull()

    def lines_where(condition: Column) -> Column:
        return F.sum((line_row & condition).cast("long"))

    per_file = (
        rows.groupBy("source_file", PARTITION_COLUMN)
        .agg(
            F.max(problem.cast("int")).alias("problem"),
            lines_where(F.lit(True)).alias("lines"),
            lines_where(~invalid).alias("valid"),
            lines_where(invalid & F.col("line_number").isNotNull()).alias("invalid_line"),
            lines_where(invalid & F.col("line_number").isNull()).alias("invalid_file"),
        )
        .collect()
    )
    counts: dict[str, LineCounts] = {}
    for day in sorted({row[PARTITION_COLUMN] for row in per_file}):
        of_day = [row for row in per_file if row[PARTITION_COLUMN] == day]
        fields = ("lines", "valid", "invalid_line", "invalid_file")
        counts[day] = LineCounts(*(sum(row[name] for row in of_day) for name in fields), files=len(of_day))
    return {row.source_file for row in per_file}, {row.source_file for row in per_file if row.problem}, counts


def read_snapshot_rows(spark: SparkSession, files: RawFiles) -> SnapshotRows:
    """Every raw file of ``files`` as item-grained rows (``ITEM_ROW_COLUMNS``).

    A file that the fast path cannot read (damaged gzip), that holds anything to explain, or that
    gives no row at all is read again by the thorough path, whatever the other files are: every
    readable line of every file is kept.
    """
    candidates = files.readable
    damaged: dict[str, str] = {}
    fast = _fast_rows(spark, candidates).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        seen, problems, counts = _file_stats(fast) if candidates else (set(), set(), {})
    except (Py4JJavaError, CapturedException) as error:
        fast.unpersist()
        if not is_unreadable_file_error(error):
            raise
        damaged = find_damaged_files(spark, candidates)
        if not damaged:
            raise
        log.warning("raw files that cannot be decompressed, read byte by byte: %s", sorted(damaged))
        candidates = tuple(path for path in candidates if path not in damaged)
        fast = _fast_rows(spark, candidates).persist(StorageLevel.MEMORY_AND_DISK)
        seen, problems, counts = _file_stats(fast) if candidates else (set(), set(), {})

    fast_files = tuple(path for path in candidates if path in seen and path not in problems)
    thorough_files = tuple(sorted({*damaged, *problems, *(p for p in candidates if p not in seen)}))
    if not thorough_files and not files.empty:
        return SnapshotRows(fast, fast_files, (), damaged, counts)

    kept_fast = fast.filter(F.col("source_file").isin(list(fast_files)))
    thorough = _thorough_rows(spark, thorough_files, files.empty)
    rows = kept_fast.unionByName(thorough).persist(StorageLevel.MEMORY_AND_DISK)
    # Counting the final rows materialises them before the fast cache is released (its files
    # are not read again).
    _, _, counts = _file_stats(rows)
    fast.unpersist()
    return SnapshotRows(rows, fast_files, (*thorough_files, *files.empty), damaged, counts)
