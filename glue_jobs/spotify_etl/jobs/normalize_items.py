"""Job 1 of the workflow: raw envelopes of a run's snapshot dates -> typed staged items.

Reads every raw file of the dates in one pass, quarantines what is invalid (with its reason and
source), keeps each playlist's latest extraction of each day, and stages one typed row per
playlist item for the build_tables job. Every count is per date (grouped aggregates, never a
Spark job per date) and each date gets its own report. A date whose lines are all invalid is
reported, quarantined and skipped; the job fails only when no date has valid input at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .. import api_health as health
from .. import lake_layout as layout
from .. import metrics
from ..envelopes import mark_latest_extraction, one_row_per_line, stage_playlists
from ..items import PRESENCE_FIELDS, items_of, normalize_items
from ..job_args import parse_blocking_checks, parse_fraction
from ..lake_io import (
    partition_dates,
    read_partitions,
    write_document,
    write_json_partitions,
    write_partitions,
)
from ..quarantine import quarantine_items, quarantine_lines
from ..raw_reader import (
    MissingRawDataError,
    RawFiles,
    list_raw_root,
    map_first_lines,
    raw_files_of,
    read_manifests,
)
from ..schemas import API_HEALTH_SCHEMA, MANIFEST_SCHEMA, PARTITION_COLUMN
from ..snapshot_dates import DateSelection
from ..snapshot_reader import LineCounts, SnapshotRows, read_snapshot_rows
from . import NORMALIZE_ITEMS

log = logging.getLogger(__name__)

STAGED = "staged"
NO_VALID_INPUT = "no_valid_input"
BLOCKED = "blocked_by_api_drift"
NO_RAW_DATA = "no_raw_data"
"""A date's outcome in normalize_items: staged (maybe with nothing in it: a day of empty
playlists), every line invalid, held back by an API drift check made blocking, or no raw file."""

API_HEALTH = "api_health"


class NoValidInputError(RuntimeError):
    """No line of any requested date is valid: nothing to build, the days must be looked at."""


class ApiDriftError(RuntimeError):
    """Every date with valid input is held back by an API drift check made blocking."""


def _counts(kept: DataFrame, parsed_items: DataFrame) -> list[dict[str, Any]]:
    """Kept lines and their items per date, and items per (date, fits the schema, skip reason,
    1970 placeholder, shape, type) with how many have each API field: a handful of rows per
    date, from one Spark job."""
    valid = F.col("invalid_reason").isNull()
    no_flag = {
        "valid": F.lit(None).cast("boolean"),
        "skip_reason": F.lit(None).cast("string"),
        "placeholder": F.lit(None).cast("boolean"),
        "item_shape": F.lit(None).cast("string"),
        "item_type": F.lit(None).cast("string"),
    }
    no_presence = [F.lit(None).cast("long").alias(f"present_{i}") for i in range(len(PRESENCE_FIELDS))]
    lines = kept.groupBy(PARTITION_COLUMN).agg(
        F.lit("kept").alias("kind"),
        *[column.alias(name) for name, column in no_flag.items()],
        F.count(F.lit(1)).alias("count"),
        F.coalesce(F.sum("item_count"), F.lit(0)).cast("long").alias("items"),
        *no_presence,
    )
    items = parsed_items.groupBy(
        PARTITION_COLUMN,
        F.lit("item").alias("kind"),
        valid.alias("valid"),
        F.when(valid, F.col("skip_reason")).alias("skip_reason"),
        F.when(valid, F.col("added_at_placeholder")).alias("placeholder"),
        F.when(valid, F.col("item_shape")).alias("item_shape"),
        F.when(valid, F.col("item_type")).alias("item_type"),
    ).agg(F.count(F.lit(1)).alias("count"), F.lit(0).cast("long").alias("items"), *health.presence_sums())
    return [row.asDict() for row in lines.unionByName(items).collect()]


def _unknown_fields(spark: SparkSession, files: RawFiles) -> dict[str, dict[str, int]]:
    """Per date: each field the schema does not know -> how many of the date's raw files have it
    in their first line (a sample of one line per file: an API change shows in every line)."""
    found = map_first_lines(spark, files.readable, _unknown_in_line)
    per_date: dict[str, dict[str, int]] = {}
    for path, names in found.items():
        of_date = per_date.setdefault(layout.date_of_path(path), {})
        for name in names:
            of_date[name] = of_date.get(name, 0) + 1
    return per_date


def _unknown_in_line(line: str | None) -> list[str]:
    import json

    if line is None:
        return []
    try:
        return sorted(health.unknown_paths(json.loads(line)))
    except ValueError:
        return []  # an invalid line: the quarantine says why


def _http_outcomes(spark: SparkSession, manifests: Sequence[str]) -> dict[str, dict[str, dict[str, int]]]:
    """Per date, from the extract runs' manifests: playlists per final HTTP status, answers per
    status and retries, requests (``api_health.health_rows``' ``http``). One Spark job."""
    if not manifests:
        return {}
    playlists = read_manifests(spark, manifests, MANIFEST_SCHEMA).select(
        PARTITION_COLUMN, F.explode("playlists").alias("p")
    )
    http = F.col("p.http")
    outcomes = playlists.filter(http.isNotNull()).select(
        PARTITION_COLUMN,
        F.coalesce(http["status"].cast("string"), F.lit("none")).alias("status"),
        F.coalesce(http["requests"], F.lit(0)).alias("requests"),
        F.coalesce(http["retries"], F.lit(0)).alias("retries"),
        F.coalesce(http["responses"], F.create_map().cast("map<string,int>")).alias("responses"),
    )
    statuses = outcomes.groupBy(
        PARTITION_COLUMN, F.lit("status").alias("kind"), F.col("status").alias("name")
    ).agg(F.count(F.lit(1)).cast("long").alias("count"))
    answers = (
        outcomes.select(PARTITION_COLUMN, F.explode("responses").alias("name", "count"))
        .groupBy(PARTITION_COLUMN, F.lit("responses").alias("kind"), "name")
        .agg(F.sum("count").cast("long").alias("count"))
    )
    totals = outcomes.groupBy(PARTITION_COLUMN).agg(
        F.sum("requests").cast("long").alias("requests"), F.sum("retries").cast("long").alias("retries")
    )
    per_date: dict[str, dict[str, dict[str, int]]] = {}
    for row in statuses.unionByName(answers).collect():
        per_date.setdefault(row[PARTITION_COLUMN], {}).setdefault(row["kind"], {})[row["name"]] = row["count"]
    for row in totals.collect():
        of_date = per_date.setdefault(row[PARTITION_COLUMN], {})
        of_date.setdefault("responses", {})["retries"] = row["retries"]
        of_date["requests"] = {"requests": row["requests"]}
    return per_date


def _health_history(
    spark: SparkSession, lake_path: str, dates: Sequence[str]
) -> dict[str, list[tuple[str, str, int, int, float | None]]]:
    """The published api_health rows of the earlier dates that ``dates`` are compared with (the
    TRAILING_DATES before each, among the dates the table holds and not rerun now)."""
    root = layout.table_path(lake_path, API_HEALTH)
    existing = sorted(partition_dates(spark, root) - set(dates))
    wanted = set()
    for snapshot_date in dates:
        candidates = sorted(
            {*(d for d in existing if d < snapshot_date), *(d for d in dates if d < snapshot_date)}
        )
        wanted |= {d for d in candidates[-health.TRAILING_DATES :] if d in existing}
    if not wanted:
        return {}
    frame = read_partitions(spark, root, API_HEALTH_SCHEMA, sorted(wanted))
    history: dict[str, list[tuple[str, str, int, int, float | None]]] = {}
    for row in frame.collect():  # api_health: a few dozen rows per date
        history.setdefault(row[PARTITION_COLUMN], []).append(
            (row["measure"], row["name"], row["count"], row["total"], row["share"])
        )
    return history


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


def _register_api_health(args: Mapping[str, Any], dates: Sequence[str]) -> dict[str, Any]:
    """Register the api_health partitions of ``dates`` in the Glue catalog (with
    ``catalog_database``; the local catalog's views read every partition on their own)."""
    if not args.get("catalog_database") or not dates:
        return {}
    import boto3
    from botocore.config import Config

    from ..catalog.glue_catalog import register_partitions

    glue = boto3.client("glue", config=Config(retries={"mode": "standard", "max_attempts": 10}))
    return register_partitions(glue, args["catalog_database"], args["lake_path"], dates, tables=[API_HEALTH])


def _check_api_health_catalog(args: Mapping[str, Any]) -> None:
    """The Glue catalog's api_health table exists and matches ``schemas.py``, before writing."""
    if args.get("catalog_database"):
        import boto3
        from botocore.config import Config

        from ..catalog.glue_catalog import check_tables

        glue = boto3.client("glue", config=Config(retries={"mode": "standard", "max_attempts": 10}))
        check_tables(glue, args["catalog_database"], tables=[API_HEALTH])


def _metrics(reports: Mapping[str, dict[str, Any]], health_rows: Mapping[str, list], seconds: float) -> list:
    """The run's CloudWatch metrics (metrics.py): quarantined records per level, the latest date's
    field presence, the drift warnings (total and per check), the job's duration."""
    quarantined: dict[str, int] = {}
    drift: dict[str, int] = dict.fromkeys(metrics.API_DRIFT_CHECKS, 0)
    for report in reports.values():
        for level, count in report["quarantined"].items():
            quarantined[level] = quarantined.get(level, 0) + count
        for check, found in report["api_drift"].items():
            drift[check] += len(found)
    put = [
        metrics.Metric(metrics.QUARANTINED, n, dimensions={"Level": level})
        for level, n in quarantined.items()
    ]
    if health_rows:
        latest = health_rows[max(health_rows)]
        put += [
            metrics.Metric(metrics.FIELD_PRESENCE, round(share * 100, 3), "Percent", {"Field": name})
            for measure, name, _, total, share in latest
            if measure == health.FIELD_PRESENT and total
        ]
    put += metrics.warnings(metrics.API_DRIFT_WARNINGS, drift)
    put.append(
        metrics.Metric(metrics.JOB_DURATION, round(seconds, 3), "Seconds", {"Job": NORMALIZE_ITEMS.name})
    )
    return put


def run(spark: SparkSession, args: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the dates of ``args["snapshot_dates"]``; returns the run summary (with each
    date's report under ``reports``). Raises ``MissingRawDataError`` when no requested date has a
    raw file, ``NoValidInputError`` when none has a valid line and ``ApiDriftError`` when every
    date with valid input is held back by a blocking drift check (after writing the quarantine,
    the api_health rows and the reports); the catalog errors of ``glue_catalog.check_tables``
    before writing anything."""
    started = time.monotonic()
    lake_path = args["lake_path"]
    raw_path = args["raw_path"]
    selection: DateSelection = args["snapshot_dates"]
    blocking = parse_blocking_checks(
        args.get("blocking_checks"), metrics.API_DRIFT_CHECKS + metrics.VOLUME_CHECKS
    )
    max_drop = parse_fraction(
        args.get("max_field_share_drop"), "max_field_share_drop", health.DEFAULT_MAX_FIELD_SHARE_DROP
    )
    _check_api_health_catalog(args)
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

    # The API drift sentinel: each date's api_health rows, compared with the earlier dates'.
    unknown = _unknown_fields(spark, files)
    http = _http_outcomes(spark, listing.manifests_of(files.dates))
    health_rows = {
        day: health.health_rows(
            [row for row in counted if row[PARTITION_COLUMN] == day and row["kind"] == "item"],
            unknown.get(day, {}),
            report["files_read"],
            http.get(day, {}),
        )
        for day, report in reports.items()
    }
    history = {**_health_history(spark, lake_path, files.dates), **health_rows}
    for day, report in reports.items():
        report["api_drift"] = health.drift(day, health_rows[day], history, max_drop).warnings
        held = sorted(set(report["api_drift"]) & blocking)
        if held and report["status"] == STAGED:
            report["status"] = BLOCKED
            report["blocked_by"] = held
    blocked = [day for day, report in reports.items() if report["status"] == BLOCKED]

    staged_items = parsed_items.filter(F.col("invalid_reason").isNull()).transform(normalize_items)
    staged_playlists = kept.transform(stage_playlists)
    if blocked:
        staged_items = staged_items.filter(~F.col(PARTITION_COLUMN).isin(blocked))
        staged_playlists = staged_playlists.filter(~F.col(PARTITION_COLUMN).isin(blocked))
    quarantine = (
        lines.filter(F.col("invalid_reason").isNotNull())
        .transform(quarantine_lines)
        .unionByName(parsed_items.filter(F.col("invalid_reason").isNotNull()).transform(quarantine_items))
    )
    held_back = set(blocked)
    write_partitions(
        staged_items,
        layout.staging_path(lake_path, layout.STAGED_ITEM),
        {day: 0 if day in held_back else report["items_staged"] for day, report in reports.items()},
        None,
    )
    write_partitions(
        staged_playlists,
        layout.staging_path(lake_path, layout.STAGED_PLAYLIST),
        {day: 0 if day in held_back else report["envelopes_kept"] for day, report in reports.items()},
        ["playlist_id"],
    )
    write_json_partitions(
        quarantine,
        layout.quarantine_root(lake_path),
        {day: sum(report["quarantined"].values()) for day, report in reports.items()},
    )
    health_frame = spark.createDataFrame(
        [(*row, day) for day, rows in health_rows.items() for row in rows], API_HEALTH_SCHEMA
    )
    write_partitions(
        health_frame,
        layout.table_path(lake_path, API_HEALTH),
        {day: len(rows) for day, rows in health_rows.items()},
        ["measure", "name"],
    )
    catalog = _register_api_health(args, [day for day, rows in health_rows.items() if rows])
    for snapshot_date, report in reports.items():
        report["api_health"] = [
            dict(zip(("measure", "name", "count", "total", "share"), row, strict=True))
            for row in health_rows[snapshot_date]
        ]
        write_document(layout.report_path(lake_path, snapshot_date, NORMALIZE_ITEMS.name), report)

    summary = {
        "job": NORMALIZE_ITEMS.name,
        "snapshot_dates": list(dates),
        "run_id": args.get("run_id"),
        STAGED: [day for day, report in reports.items() if report["status"] == STAGED],
        NO_VALID_INPUT: [day for day, report in reports.items() if report["status"] == NO_VALID_INPUT],
        BLOCKED: blocked,
        NO_RAW_DATA: no_raw,
        "catalog": catalog,
        "reports": reports,
    }
    summary["metrics"] = metrics.publish(
        args.get(metrics.NAMESPACE_ARGUMENT), _metrics(reports, health_rows, time.monotonic() - started)
    )
    if not summary[STAGED]:
        message = (
            _no_valid_input_error(lines, raw_path, reports)
            if not blocked
            else "every date with valid input is held back by a blocking API drift check: "
            + "; ".join(f"{day}: {reports[day]['api_drift']}" for day in blocked)
            + ". Look at the api_health table (spotify-etl health), then rerun with --blocking_checks none "
            "if the change is expected"
        )
        kept.unpersist()
        snapshot.unpersist()
        raise (ApiDriftError if blocked else NoValidInputError)(message)
    kept.unpersist()
    snapshot.unpersist()
    log.info(
        "normalize_items: staged %s; no valid input %s; blocked %s; no raw data %s",
        summary[STAGED],
        summary[NO_VALID_INPUT],
        blocked,
        no_raw,
    )
    return summary
