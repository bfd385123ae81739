"""Job 1 of the workflow: raw envelopes of one snapshot date -> typed staged items.

Reads every raw file of the date, quarantines what is invalid (with its reason and source),
keeps the latest extraction of each playlist, and stages one typed row per playlist item for
the build_tables job. Fails only when the date has no valid input at all.
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
from ..lake_io import empty_folder, write_document, write_json_records, write_partition
from ..quarantine import quarantine_items, quarantine_lines
from ..snapshot_reader import read_snapshot_rows
from . import NORMALIZE_ITEMS

log = logging.getLogger(__name__)


class NoValidInputError(RuntimeError):
    """Every line of the snapshot date is invalid: nothing to build, the day must be looked at."""


def _item_counts(items: DataFrame) -> dict[tuple[bool, str | None], int]:
    """Items per (fits the item schema, skip reason): a handful of groups, one Spark job."""
    valid = F.col("invalid_reason").isNull().alias("valid")
    counted = items.groupBy(valid, F.when(valid, F.col("skip_reason")).alias("skip_reason")).count()
    return {(row["valid"], row["skip_reason"]): row["count"] for row in counted.collect()}


def run(spark: SparkSession, args: Mapping[str, Any]) -> dict[str, Any]:
    snapshot_date = args["snapshot_date"]
    lake_path = args["lake_path"]
    raw_date_path = layout.raw_date_path(args["raw_path"], snapshot_date)

    snapshot = read_snapshot_rows(spark, raw_date_path, snapshot_date)
    exploded = snapshot.rows
    lines = exploded.transform(one_row_per_line)
    kept = (
        lines.filter(F.col("invalid_reason").isNull())
        .transform(mark_latest_extraction)
        .filter("is_latest")
        .drop("is_latest")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )

    line_counts = snapshot.line_counts
    kept_totals = kept.select(
        F.count(F.lit(1)).alias("lines"), F.coalesce(F.sum("item_count"), F.lit(0)).alias("items")
    ).first()
    kept_lines, items_read = kept_totals["lines"], kept_totals["items"]
    if kept_lines == 0:
        sample = lines.select("source_file", "line_number", "invalid_reason").limit(10).collect()
        files = sorted({row.source_file for row in sample})
        raise NoValidInputError(
            f"snapshot_date={snapshot_date}: none of the {line_counts.lines} line(s) in {raw_date_path} "
            f"is a valid raw envelope v1, so nothing can be built. Files: {files}. First reasons: "
            + "; ".join(f"{r.source_file}:{r.line_number}: {r.invalid_reason}" for r in sample)
            + ". Fix or re-extract the raw data (docs/raw_contract.md), then rerun this date."
        )

    parsed_items = exploded.transform(items_of, kept)
    staged_items = parsed_items.filter(F.col("invalid_reason").isNull()).transform(
        normalize_items, snapshot_date
    )
    quarantine = (
        lines.filter(F.col("invalid_reason").isNotNull())
        .transform(quarantine_lines, snapshot_date)
        .unionByName(
            parsed_items.filter(F.col("invalid_reason").isNotNull()).transform(
                quarantine_items, snapshot_date
            )
        )
    )
    playlists = kept.transform(stage_playlists, snapshot_date)

    item_counts = _item_counts(parsed_items)
    staged_by_reason = {str(reason): count for (valid, reason), count in item_counts.items() if valid}
    quarantine_by_level = {
        level: count
        for level, count in (
            ("line", line_counts.invalid_line),
            ("file", line_counts.invalid_file),
            ("item", sum(count for (valid, _), count in item_counts.items() if not valid)),
        )
        if count
    }
    staged_count = sum(staged_by_reason.values())

    write_partition(
        staged_items,
        layout.staging_path(lake_path, layout.STAGED_ITEM),
        snapshot_date,
        staged_count,
        None,
    )
    write_partition(
        playlists,
        layout.staging_path(lake_path, layout.STAGED_PLAYLIST),
        snapshot_date,
        kept_lines,
        ["playlist_id"],
    )
    quarantine_folder = layout.quarantine_path(lake_path, snapshot_date)
    if quarantine_by_level:
        write_json_records(quarantine, quarantine_folder)
    else:  # nothing to set aside, and no Spark job to find that out again
        empty_folder(spark, quarantine_folder)

    report = {
        "job": NORMALIZE_ITEMS.name,
        "snapshot_date": snapshot_date,
        "run_id": args.get("run_id"),
        "raw_path": raw_date_path,
        "files_read": line_counts.files,
        "files_read_fast": len(snapshot.fast_files),
        "files_read_thorough": list(snapshot.thorough_files),
        "lines_read": line_counts.lines,
        "lines_valid": line_counts.valid,
        "envelopes_kept": kept_lines,
        "envelopes_superseded": line_counts.valid - kept_lines,
        "quarantined": quarantine_by_level,
        "items_read": items_read,
        "items_staged": staged_count,
        "items_staged_by_skip_reason": {
            ("song" if k == "None" else k): v for k, v in staged_by_reason.items()
        },
        "items_quarantined": quarantine_by_level.get("item", 0),
    }
    report["items_reconciled"] = items_read == staged_count + report["items_quarantined"]
    write_document(layout.report_path(lake_path, snapshot_date, NORMALIZE_ITEMS.name), report)
    kept.unpersist()
    snapshot.unpersist()
    log.info("normalize_items report: %s", report)
    return report
