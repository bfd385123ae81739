"""The Glue workflow, run on a laptop: the same jobs, in the same order, with the same arguments.

``spotify-etl transform`` and ``spotify-etl run`` use this; on AWS the Glue workflow's
conditional trigger does the chaining.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from pyspark.sql import SparkSession

from . import lake_layout as layout
from .jobs import BUILD_TABLES, NORMALIZE_ITEMS, build_tables, normalize_items
from .jobs.entry import run_local_job
from .schemas import SKIP_REASONS, TABLES

Printer = Callable[[str], None]


def raw_snapshot_dates(raw_path: str) -> list[str]:
    """The snapshot dates that have a raw folder, oldest first."""
    if not os.path.isdir(raw_path):
        return []
    prefix = "snapshot_date="
    return sorted(name[len(prefix) :] for name in os.listdir(raw_path) if name.startswith(prefix))


def transform_date(spark: SparkSession, lake: str, snapshot_date: str, say: Printer) -> dict[str, Any]:
    """Run the workflow's jobs for one date over ``lake/raw`` into ``lake``; return both reports."""
    reports: dict[str, Any] = {}
    steps = (
        (NORMALIZE_ITEMS, normalize_items.run, {"raw_path": layout.join(lake, "raw"), "lake_path": lake}),
        (BUILD_TABLES, build_tables.run, {"lake_path": lake}),
    )
    for spec, run, arguments in steps:
        started = time.monotonic()
        say(f"  {spec.name:<16} {snapshot_date} ...")
        reports[spec.name] = run_local_job(spark, spec, run, {**arguments, "snapshot_date": snapshot_date})
        say(f"  {spec.name:<16} {snapshot_date} done in {time.monotonic() - started:.1f} s")
    return reports


def format_summary(reports_by_date: dict[str, dict[str, Any]]) -> str:
    """Rows per table and items skipped per reason (and quarantined), one line per date."""
    columns = [*TABLES, *SKIP_REASONS, "unsupported_type", "quarantined"]
    header = ["snapshot_date", *columns]
    rows = []
    for snapshot_date, reports in sorted(reports_by_date.items()):
        built = reports[BUILD_TABLES.name]
        normalized = reports[NORMALIZE_ITEMS.name]
        values = [built["rows"].get(table, 0) for table in TABLES]
        values += [built["skipped"].get(reason, 0) for reason in (*SKIP_REASONS, "unsupported_type")]
        values.append(sum(normalized["quarantined"].values()))
        rows.append([snapshot_date, *map(str, values)])
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in [header, *rows]
    ]
    return "\n".join(lines)


def transform(
    lake: str,
    snapshot_dates: list[str] | None = None,
    out: TextIO | None = None,
    spark: SparkSession | None = None,
) -> dict[str, dict[str, Any]]:
    """Transform the given dates (default: every date in ``lake/raw``); print progress and a summary."""

    def say(text: str) -> None:
        print(text, file=out or sys.stdout, flush=True)

    lake = os.path.abspath(lake)
    dates = snapshot_dates or raw_snapshot_dates(layout.join(lake, "raw"))
    if not dates:
        raise FileNotFoundError(
            f"no raw data in {layout.join(lake, 'raw')}: run `spotify-etl extract --lake {lake}` first"
        )
    if spark is None:
        from .spark_session import build_spark_session

        say("starting local Spark ...")
        spark = build_spark_session(app_name="spotify-etl-local", master="local[*]")
    reports = {snapshot_date: transform_date(spark, lake, snapshot_date, say) for snapshot_date in dates}
    say("\nrows per table, items skipped per reason and quarantined records:")
    say(format_summary(reports))
    say(f"tables: {layout.join(lake, 'curated')}  run reports: {layout.join(lake, 'reports')}")
    return reports
