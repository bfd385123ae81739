"""Job 2 of the workflow: staged items of a run's snapshot dates -> the curated tables.

Builds album, artist, song and playlist for every date at once; checks the catalog, data
quality and reconciliation of each date *before* publishing; publishes the dates that pass
(dynamic partition overwrite: no other date is touched); registers their partitions; writes a
report per date. A date that fails a check, or that normalize_items did not stage, is not
published; the others are, and the job then fails naming each date and why, so the workflow run
shows it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .. import lake_layout as layout
from .. import metrics, volume
from ..job_args import JobArgumentError, parse_blocking_checks, parse_fraction
from ..lake_io import partition_dates, read_partitions, write_document, write_partitions
from ..quality import check_quality
from ..quality import failure_message as quality_failure
from ..raw_reader import list_raw_root
from ..reconcile import Reconciliation, reconcile
from ..reconcile import failure_message as reconciliation_failure
from ..schemas import (
    PARTITION_COLUMN,
    PLAYLIST_SCHEMA,
    QUARANTINE_SCHEMA,
    STAGED_ITEM_SCHEMA,
    STAGED_PLAYLIST_SCHEMA,
    TABLE_KEYS,
    TABLE_PLAIN_COLUMNS,
    TABLES,
)
from ..snapshot_dates import DateSelection
from ..tables import build_tables
from . import BUILD_TABLES, NORMALIZE_ITEMS

log = logging.getLogger(__name__)

RUN_NORMALIZE_FIRST = "normalize_items has not staged this date: run the normalize_items job for it first"


class DatesNotPublishedError(RuntimeError):
    """Some dates of the run were not published; the message names each date and why (the others
    were published). ``summary`` is the run summary, as ``run`` would have returned it."""

    summary: dict[str, Any]


def resolve_dates(spark: SparkSession, args: Mapping[str, Any]) -> tuple[str, ...]:
    """The run's dates; a range or ``all`` is matched against the dates present in raw, so both
    jobs of a workflow run resolve the same dates (``--raw_path`` is needed for that)."""
    selection: DateSelection = args["snapshot_dates"]
    if not selection.needs_raw_listing:
        return selection.resolve()
    if not args.get("raw_path"):
        raise JobArgumentError(
            f"snapshot_dates {selection.describe()!r} names dates by what raw holds: pass --raw_path "
            "(the raw zone's root, as normalize_items gets it) or list the dates"
        )
    return selection.resolve(list_raw_root(spark, args["raw_path"]))


def _read_json(path: str) -> dict[str, Any] | None:
    """A small JSON document (a run report) from a local path or S3, or None when it is not there."""
    if layout.is_s3(path):
        import boto3
        from botocore.config import Config

        bucket, _, key = path.split("://", 1)[1].partition("/")
        s3 = boto3.client("s3", config=Config(retries={"mode": "standard"}))
        try:
            return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except s3.exceptions.NoSuchKey:
            return None
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def not_staged_reason(lake_path: str, snapshot_date: str) -> str:
    """Why a date has no staged playlists, from its normalize_items report (when there is one)."""
    report = _read_json(layout.report_path(lake_path, snapshot_date, NORMALIZE_ITEMS.name))
    if report is None:
        return f"{RUN_NORMALIZE_FIRST} (it has no normalize_items report; does it have raw files?)"
    if report.get("status") == "no_valid_input":
        return (
            f"no valid input: none of its {report.get('lines_read')} raw line(s) is a valid raw envelope "
            f"v1 (quarantined: {report.get('quarantined')}); fix or re-extract, then rerun this date"
        )
    if report.get("status") == "blocked_by_api_drift":
        return (
            f"held back by the blocking API drift check(s) {report.get('blocked_by')}: "
            f"{report.get('api_drift')}; look at the api_health table (spotify-etl health), then rerun "
            "this date (with --blocking_checks none if the change is expected)"
        )
    return RUN_NORMALIZE_FIRST


def _measure(
    tables: Mapping[str, DataFrame], items: DataFrame, playlists: DataFrame, quarantine: DataFrame
) -> list[dict[str, Any]]:
    """Per date: rows of each table, staged items per skip reason, items read (the playlists'
    item counts) and quarantined items. One Spark job; a few rows per date."""

    def counted(frame: DataFrame, kind: str, name: F.Column, value: F.Column | None = None) -> DataFrame:
        total = F.count(F.lit(1)) if value is None else F.coalesce(F.sum(value), F.lit(0))
        return frame.groupBy(PARTITION_COLUMN, F.lit(kind).alias("kind"), name.alias("name")).agg(
            total.cast("long").alias("count")
        )

    parts = [counted(frame, "rows", F.lit(table)) for table, frame in tables.items()]
    parts += [
        counted(items.filter(F.col("skip_reason").isNotNull()), "skipped", F.col("skip_reason")),
        counted(playlists, "items_read", F.lit("items_read"), F.col("item_count")),
        counted(quarantine.filter(F.col("level") == "item"), "quarantined_items", F.lit("items")),
    ]
    union = parts[0]
    for part in parts[1:]:
        union = union.unionByName(part)
    return [row.asDict() for row in union.collect()]


def _quarantine(spark: SparkSession, lake_path: str, dates: Sequence[str]) -> DataFrame:
    root = layout.quarantine_root(lake_path)
    present = sorted(set(dates) & partition_dates(spark, root))
    if not present:
        return spark.createDataFrame([], QUARANTINE_SCHEMA)
    paths = [layout.quarantine_path(lake_path, snapshot_date) for snapshot_date in present]
    return spark.read.schema(QUARANTINE_SCHEMA).option("basePath", root).json(paths)


def _check_catalog(args: Mapping[str, Any]) -> None:
    """The Glue catalog tables exist and match ``schemas.py`` (only with ``catalog_database``)."""
    if args.get("catalog_database"):
        from ..catalog.glue_catalog import check_tables

        check_tables(_glue_client(), args["catalog_database"])


def _glue_client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("glue", config=Config(retries={"mode": "standard", "max_attempts": 10}))


def register_catalog(args: Mapping[str, Any], snapshot_dates: Sequence[str]) -> dict[str, Any]:
    """Register the published dates' partitions: Glue Data Catalog when ``catalog_database`` is
    set, else a local DuckDB catalog inside a local lake (S3 lakes without a database: none)."""
    lake_path = args["lake_path"]
    if args.get("catalog_database"):
        from ..catalog.glue_catalog import register_partitions

        return {
            "glue": register_partitions(_glue_client(), args["catalog_database"], lake_path, snapshot_dates)
        }
    if not layout.is_s3(lake_path):
        from ..catalog.local_catalog import register_tables

        return {"local": register_tables(lake_path)}
    return {}


def _rows(measured: list[dict[str, Any]], snapshot_date: str, table: str) -> int:
    return sum(
        row["count"]
        for row in measured
        if row[PARTITION_COLUMN] == snapshot_date and row["kind"] == "rows" and row["name"] == table
    )


def _volume_warnings(
    spark: SparkSession,
    lake_path: str,
    args: Mapping[str, Any],
    run_playlists: DataFrame,
    staged: Sequence[str],
    measured: list[dict[str, Any]],
) -> dict[str, dict[str, tuple[int, list[str]]]]:
    """The volume and continuity checks of the staged dates (volume.py) against the published
    dates before them: ``{date: {check: (count, sample)}}``."""
    if not staged:
        return {}
    root = layout.table_path(lake_path, "playlist")
    needed = volume.history_dates_needed(staged, partition_dates(spark, root))
    history = read_partitions(spark, root, PLAYLIST_SCHEMA, needed)
    history_songs = {}
    if needed:
        totals = history.groupBy(PARTITION_COLUMN).agg(F.sum("song_count").alias("songs")).collect()
        history_songs = {row[PARTITION_COLUMN]: row["songs"] for row in totals}
    found = volume.volume_checks(
        {day: _rows(measured, day, "song") for day in staged},
        history_songs,
        parse_fraction(args.get("min_volume_share"), "min_volume_share", volume.DEFAULT_MIN_VOLUME_SHARE),
    )
    change = parse_fraction(
        args.get("max_item_count_change"), "max_item_count_change", volume.DEFAULT_MAX_ITEM_COUNT_CHANGE
    )
    for day, checks in volume.playlist_checks(spark, run_playlists, history, staged, needed, change).items():
        found.setdefault(day, {}).update(checks)
    return found


def _run_metrics(
    reports: Mapping[str, dict[str, Any]],
    publish: Sequence[str],
    not_published: Mapping[str, str],
    seconds: float,
) -> list[metrics.Metric]:
    """The run's CloudWatch metrics (metrics.py): dates published and not, rows published per
    table, skipped items per reason, each rule's violations, the volume warnings, the duration."""
    rows: dict[str, int] = dict.fromkeys(TABLES, 0)
    skipped: dict[str, int] = {}
    violations: dict[str, int] = {}
    warned: dict[str, int] = dict.fromkeys(metrics.VOLUME_CHECKS, 0)
    for snapshot_date, report in reports.items():
        for rule in report.get("data_quality", []):
            violations[rule["rule"]] = violations.get(rule["rule"], 0) + rule["violations"]
        for check, found in report.get("volume_checks", {}).items():
            warned[check] += found["count"]
        if snapshot_date in publish:
            for table, count in report["rows"].items():
                rows[table] += count
            for reason, count in report["skipped"].items():
                skipped[reason] = skipped.get(reason, 0) + count
    put = [
        metrics.Metric(metrics.DATES_PUBLISHED, len(publish)),
        metrics.Metric(metrics.DATES_NOT_PUBLISHED, len(not_published)),
        *(metrics.Metric(metrics.ROWS, n, dimensions={"Table": table}) for table, n in rows.items()),
        *(
            metrics.Metric(metrics.ITEMS_SKIPPED, n, dimensions={"Reason": reason})
            for reason, n in skipped.items()
        ),
        *(
            metrics.Metric(metrics.RULE_VIOLATIONS, n, dimensions={"Rule": rule})
            for rule, n in violations.items()
        ),
        *metrics.warnings(metrics.VOLUME_WARNINGS, warned),
        metrics.Metric(metrics.JOB_DURATION, round(seconds, 3), "Seconds", {"Job": BUILD_TABLES.name}),
    ]
    return put


def _reconciliation(snapshot_date: str, measured: list[dict[str, Any]]) -> Reconciliation:
    def value(kind: str, name: str) -> int:
        return sum(
            row["count"]
            for row in measured
            if row[PARTITION_COLUMN] == snapshot_date and row["kind"] == kind and row["name"] == name
        )

    skipped = {
        row["name"]: row["count"]
        for row in measured
        if row[PARTITION_COLUMN] == snapshot_date and row["kind"] == "skipped"
    }
    return reconcile(
        snapshot_date,
        value("items_read", "items_read"),
        value("rows", "song"),
        skipped,
        value("quarantined_items", "items"),
    )


def run(spark: SparkSession, args: Mapping[str, Any]) -> dict[str, Any]:
    """Build, check and publish the dates of ``args["snapshot_dates"]``; returns the run summary
    (each date's report under ``reports``). Raises ``DatesNotPublishedError`` (after publishing the
    dates that passed and writing every report) when a date was not published, and the catalog
    errors of ``glue_catalog.check_tables`` before anything is published."""
    started = time.monotonic()
    lake_path = args["lake_path"]
    dates = resolve_dates(spark, args)
    blocking = parse_blocking_checks(
        args.get("blocking_checks"), metrics.API_DRIFT_CHECKS + metrics.VOLUME_CHECKS
    )
    report_base = {"job": BUILD_TABLES.name, "run_id": args.get("run_id")}

    def write_report(snapshot_date: str, report: dict[str, Any]) -> None:
        write_document(layout.report_path(lake_path, snapshot_date, BUILD_TABLES.name), report)

    try:
        _check_catalog(args)
    except Exception as error:
        for snapshot_date in dates:
            write_report(
                snapshot_date,
                {**report_base, "snapshot_date": snapshot_date, "published": False, "error": str(error)},
            )
        raise

    # Dates normalize_items did not stage (no valid input, held back, never run) need no Spark.
    playlist_root = layout.staging_path(lake_path, layout.STAGED_PLAYLIST)
    staged_dates = partition_dates(spark, playlist_root)  # one listing, not one per date
    with_staging = [snapshot_date for snapshot_date in dates if snapshot_date in staged_dates]
    tables: dict[str, DataFrame] = {}
    quality: dict[str, list] = {}
    measured: list[dict[str, Any]] = []
    warnings: dict[str, dict[str, tuple[int, list[str]]]] = {}
    staged: list[str] = []
    if with_staging:
        playlists = read_partitions(spark, playlist_root, STAGED_PLAYLIST_SCHEMA, with_staging)
        items = read_partitions(
            spark, layout.staging_path(lake_path, layout.STAGED_ITEM), STAGED_ITEM_SCHEMA, with_staging
        )
        # Staged items and the song rows are re-read from Parquet (columnar: each rule reads only
        # its columns) rather than cached: measured at 1M items, caching the song rows cost more CPU
        # than the re-reads (155 against 118 CPU seconds for the whole transform). The deduplicated
        # tables are small and kept in memory.
        tables = {
            name: frame if name == "song" else frame.persist(StorageLevel.MEMORY_AND_DISK)
            for name, frame in build_tables(items, playlists).items()
        }
        measured = _measure(tables, items, playlists, _quarantine(spark, lake_path, with_staging))
        staged = sorted(
            {row[PARTITION_COLUMN] for row in measured if row["kind"] == "rows" and row["name"] == "playlist"}
        )
        quality = check_quality(tables, staged)
        warnings = _volume_warnings(spark, lake_path, args, tables["playlist"], staged, measured)

    reports: dict[str, dict[str, Any]] = {}
    not_published: dict[str, str] = {}
    for snapshot_date in dates:
        if snapshot_date not in staged:
            not_published[snapshot_date] = not_staged_reason(lake_path, snapshot_date)
            reports[snapshot_date] = {
                **report_base,
                "snapshot_date": snapshot_date,
                "published": False,
                "error": not_published[snapshot_date],
            }
            continue
        balance = _reconciliation(snapshot_date, measured)
        rows = {table: _rows(measured, snapshot_date, table) for table in TABLES}
        results = quality[snapshot_date]
        found = warnings.get(snapshot_date, {})
        held = sorted(set(found) & blocking)
        problems = [
            m for m in (quality_failure(results, snapshot_date), reconciliation_failure(balance)) if m
        ]
        if held:
            problems.append(
                f"volume check(s) {', '.join(held)} made blocking failed for snapshot_date={snapshot_date}: "
                + "; ".join(detail for check in held for detail in found[check][1])
                + ". Look at the playlist table and the raw files, then rerun this date (with "
                "--blocking_checks none if the change is real)"
            )
        if problems:
            not_published[snapshot_date] = "\n".join(problems)
        reports[snapshot_date] = {
            **report_base,
            "snapshot_date": snapshot_date,
            "rows": rows,
            "skipped": balance.skipped,
            "reconciliation": balance.as_dict(),
            "data_quality": [
                {"rule": r.rule, "violations": r.violations, "sample": r.sample} for r in results
            ],
            "volume_checks": {check: {"count": n, "sample": sample} for check, (n, sample) in found.items()},
            "published": False,
        }

    publish = [snapshot_date for snapshot_date in staged if snapshot_date not in not_published]
    if publish:
        for name, frame in tables.items():
            if len(publish) < len(staged):
                frame = frame.filter(F.col(PARTITION_COLUMN).isin(publish))
            write_partitions(
                frame,
                layout.table_path(lake_path, name),
                {snapshot_date: reports[snapshot_date]["rows"][name] for snapshot_date in publish},
                TABLE_KEYS[name],
                TABLE_PLAIN_COLUMNS.get(name, ()),
            )
        catalog = register_catalog(args, publish)
        for snapshot_date in publish:
            reports[snapshot_date].update(published=True, catalog=catalog)
    for snapshot_date, report in reports.items():
        write_report(snapshot_date, report)
    for frame in tables.values():
        frame.unpersist()

    summary = {
        **report_base,
        "snapshot_dates": list(dates),
        "published": publish,
        "not_published": not_published,
        "reports": reports,
    }
    summary["metrics"] = metrics.publish(
        args.get(metrics.NAMESPACE_ARGUMENT),
        _run_metrics(reports, publish, not_published, time.monotonic() - started),
    )
    log.info("build_tables: published %s; not published %s", publish, sorted(not_published))
    if not_published:
        details = "\n".join(
            f"- {snapshot_date}: {reason}" for snapshot_date, reason in sorted(not_published.items())
        )
        error = DatesNotPublishedError(
            f"build_tables published {len(publish)} of {len(dates)} snapshot date(s)"
            + (f" ({', '.join(publish)})" if publish else "")
            + f"; not published:\n{details}"
        )
        error.summary = summary
        raise error
    return summary
