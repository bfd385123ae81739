"""Job 1 of the workflow: raw envelopes of a run's snapshot dates -> typed staged items.

Reads every raw file of the dates in one pass, quarantines what is invalid (with its reason and
source), keeps each playlist's latest extraction of each day, and stages one typed row per
playlist item for the build_tables job. Every count is per date (grouped aggregates, never a
Spark job per date) and each date gets its own report. A date whose lines are all invalid is
reported, quarantined and skipped; the job fails only when no date has valid input at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .. import lake_layout as layout
from ..envelopes import mark_latest_extraction, one_row_per_line, stage_playlists
from ..items import items_of, normalize_items
from ..lake_io import write_document, write_json_partitions, write_partitions
from ..quarantine import quarantine_items, quarantine_lines
from ..raw_reader import MissingRawDataError, list_raw_root, raw_files_of
from ..schemas import PARTITION_COLUMN
from ..snapshot_dates import DateSelection
from ..snapshot_reader import LineCounts, SnapshotRows, read_snapshot_rows
from . import NORMALIZE_ITEMS

log = logging.getLogger(__name__)

STAGED = "staged"
NO_VALID_INPUT = "no_valid_input"
NO_RAW_DATA = "no_raw_data"
"""A date's outcome in normalize_items: staged (maybe with nothing in it: a day of empty
playlists), every line invalid, or no raw file at all."""


class NoValidInputError(RuntimeError):
    """No line of any requested date is valid: nothing to build, the days must be looked at."""


def _counts(kept: DataFrame, parsed_items: DataFrame) -> list[dict[str, Any]]:
    """Kept lines and their items per date, and items per (date, fits the schema, skip reason,
    1970 placeholder): a handful of rows per date, from one Spark job."""
    valid = F.col("invalid_reason").isNull()
    lines = kept.groupBy(PARTITION_COLUMN).agg(
        F.lit("kept").alias("kind"),
        F.lit(None).cast("boolean").alias("valid"),
        F.lit(None).cast("string").alias("skip_reason"),
        F.lit(None).cast("boolean").alias("placeholder"),
        F.count(F.lit(1)).alias("count"),
        F.coalesce(F.sum("item_count"), F.lit(0)).cast("long").alias("items"),
    )
    items = parsed_items.groupBy(
        PARTITION_COLUMN,
        F.lit("item").alias("kind"),
        valid.alias("valid"),
        F.when(valid, F.col("skip_reason")).alias("skip_reason"),
        F.when(valid, F.col("added_at_placeholder")).alias("placeholder"),
    ).agg(F.count(F.lit(1)).alias("count"), F.lit(0).cast("long").alias("items"))
    return [row.asDict() for row in lines.unionByName(items).collect()]


def _date_report(
    snapshot_date: str,
    args: Mapping[str, Any],
    snapshot: SnapshotRows,
    line_counts: LineCounts,
    counted: list[dict[str, Any]],
) -> dict[str, Any]:
    """One date's report, from the run's counts (``_counts``) and line counts."""
    of_date = [row for row in counted if row[PARTITION_COLUMN] == snapshot_date]
    kept = next((row for row in of_date if row["kind"] == "kept"), {"count": 0, "items": 0})
    items = [row for row in of_date if row["kind"] == "item"]
    staged_by_reason: dict[str, int] = {}
    for row in items:
        if row["valid"]:
            name = "song" if row["skip_reason"] is None else row["skip_reason"]
            staged_by_reason[name] = staged_by_reason.get(name, 0) + row["count"]
    quarantined_items = sum(row["count"] for row in items if not row["valid"])
    quarantine_by_level = {
        level: count
        for level, count in (
            ("line", line_counts.invalid_line),
            ("file", line_counts.invalid_file),
            ("item", quarantined_items),
        )
        if count
    }
    staged_count = sum(staged_by_reason.values())
    report = {
        "job": NORMALIZE_ITEMS.name,
        "snapshot_date": snapshot_date,
        "status": STAGED if kept["count"] else NO_VALID_INPUT,
        "run_id": args.get("run_id"),
        "raw_path": layout.raw_date_path(args["raw_path"], snapshot_date),
        "files_read": line_counts.files,
        "files_read_fast": len(snapshot.files_of(snapshot_date, snapshot.fast_files)),
        "files_read_thorough": list(snapshot.files_of(snapshot_date, snapshot.thorough_files)),
        "lines_read": line_counts.lines,
        "lines_valid": line_counts.valid,
        "envelopes_kept": kept["count"],
        "envelopes_superseded": line_counts.valid - kept["count"],
        "quarantined": quarantine_by_level,
        "items_read": kept["items"],
        "items_staged": staged_count,
        "items_staged_by_skip_reason": dict(sorted(staged_by_reason.items())),
        "items_quarantined": quarantined_items,
        "added_at_placeholders": sum(row["count"] for row in items if row["valid"] and row["placeholder"]),
    }
    report["items_reconciled"] = report["items_read"] == staged_count + quarantined_items
    return report


def _no_valid_input_error(lines: DataFrame, raw_path: str, reports: Mapping[str, dict[str, Any]]) -> str:
    sample = (
        lines.filter(F.col("invalid_reason").isNotNull())
        .select("source_file", "line_number", "invalid_reason")
        .limit(10)
        .collect()
    )
    total = sum(report["lines_read"] for report in reports.values())
    files = sorted({row.source_file for row in sample})
    return (
        f"snapshot_date(s) {', '.join(sorted(reports))}: none of the {total} line(s) under {raw_path} "
        f"is a valid raw envelope v1, so nothing can be built. Files: {files}. First reasons: "
        + "; ".join(f"{r.source_file}:{r.line_number}: {r.invalid_reason}" for r in sample)
        + ". They are in the quarantine; fix or re-extract the raw data (docs/raw_contract.md), then "
        "rerun these dates."
    )


def run(spark: SparkSession, args: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the dates of ``args["snapshot_dates"]``; returns the run summary (with each
    date's report under ``reports``). Raises ``MissingRawDataError`` when no requested date has a
    raw file, ``NoValidInputError`` when none has a valid line (after writing their quarantine
    and reports)."""
    lake_path = args["lake_path"]
    raw_path = args["raw_path"]
    selection: DateSelection = args["snapshot_dates"]
    listing = list_raw_root(spark, raw_path)
    dates = selection.resolve(listing)
    files = raw_files_of(listing, dates)
    if not files.dates:
        raise MissingRawDataError(
            f"no raw data for snapshot_dates {selection.describe()} under {raw_path}: run the extract "
            "for these dates first (spotify-etl extract, or the extract Lambda), or pick dates that "
            "have raw files"
        )
    no_raw = [snapshot_date for snapshot_date in dates if snapshot_date not in files.dates]

    snapshot = read_snapshot_rows(spark, files)
    exploded = snapshot.rows
    lines = exploded.transform(one_row_per_line)
    kept = (
        lines.filter(F.col("invalid_reason").isNull())
        .transform(mark_latest_extraction)
        .filter("is_latest")
        .drop("is_latest")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    parsed_items = exploded.transform(items_of, kept)
    counted = _counts(kept, parsed_items)
    reports = {
        snapshot_date: _date_report(
            snapshot_date, args, snapshot, snapshot.line_counts.get(snapshot_date, LineCounts()), counted
        )
        for snapshot_date in files.dates
    }

    staged_items = parsed_items.filter(F.col("invalid_reason").isNull()).transform(normalize_items)
    quarantine = (
        lines.filter(F.col("invalid_reason").isNotNull())
        .transform(quarantine_lines)
        .unionByName(parsed_items.filter(F.col("invalid_reason").isNotNull()).transform(quarantine_items))
    )
    write_partitions(
        staged_items,
        layout.staging_path(lake_path, layout.STAGED_ITEM),
        {day: report["items_staged"] for day, report in reports.items()},
        None,
    )
    write_partitions(
        kept.transform(stage_playlists),
        layout.staging_path(lake_path, layout.STAGED_PLAYLIST),
        {day: report["envelopes_kept"] for day, report in reports.items()},
        ["playlist_id"],
    )
    write_json_partitions(
        quarantine,
        layout.quarantine_root(lake_path),
        {day: sum(report["quarantined"].values()) for day, report in reports.items()},
    )
    for snapshot_date, report in reports.items():
        write_document(layout.report_path(lake_path, snapshot_date, NORMALIZE_ITEMS.name), report)

    summary = {
        "job": NORMALIZE_ITEMS.name,
        "snapshot_dates": list(dates),
        "run_id": args.get("run_id"),
        STAGED: [day for day, report in reports.items() if report["status"] == STAGED],
        NO_VALID_INPUT: [day for day, report in reports.items() if report["status"] == NO_VALID_INPUT],
        NO_RAW_DATA: no_raw,
        "reports": reports,
    }
    if not summary[STAGED]:
        message = _no_valid_input_error(lines, raw_path, reports)
        kept.unpersist()
        snapshot.unpersist()
        raise NoValidInputError(message)
    kept.unpersist()
    snapshot.unpersist()
    log.info(
        "normalize_items: staged %s; no valid input %s; no raw data %s",
        summary[STAGED],
        summary[NO_VALID_INPUT],
        no_raw,
    )
    return summary
