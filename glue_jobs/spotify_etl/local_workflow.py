"""The Glue workflow, run on a laptop: the same jobs, in the same order, with the same arguments.

``spotify-etl transform`` and ``spotify-etl run`` use this; on AWS the Glue workflow's
conditional trigger does the chaining. Every date of the run goes through each job in one pass,
as a backfill does on Glue.
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
from .jobs.build_tables import DatesNotPublishedError
from .jobs.entry import SPARK_JOBS, run_local_job
from .schemas import SKIP_REASONS, TABLES
from .snapshot_dates import ALL, DateSelection

Printer = Callable[[str], None]


def raw_snapshot_dates(raw_path: str) -> list[str]:
    """The snapshot dates that have a raw folder, oldest first."""
    if not os.path.isdir(raw_path):
        return []
    prefix = "snapshot_date="
    return sorted(name[len(prefix) :] for name in os.listdir(raw_path) if name.startswith(prefix))


def _dates_text(dates: list[str]) -> str:
    if len(dates) <= 4:
        return ", ".join(dates)
    return f"{dates[0]} .. {dates[-1]} ({len(dates)} dates)"


def run_jobs(spark: SparkSession, lake: str, selection: DateSelection, say: Printer) -> dict[str, Any]:
    """Run the workflow's jobs over ``lake/raw`` into ``lake`` for ``selection``, each job once for
    every date; return both jobs' summaries. When some dates were not published, the
    ``DatesNotPublishedError`` carries both summaries too (``summaries``)."""
    raw_path = layout.join(lake, "raw")
    arguments = {"raw_path": raw_path, "lake_path": lake, "snapshot_dates": selection}
    summaries: dict[str, Any] = {}
    for spec, run in ((NORMALIZE_ITEMS, normalize_items.run), (BUILD_TABLES, build_tables.run)):
        started = time.monotonic()
        say(f"  {spec.name:<16} ...")
        try:
            summaries[spec.name] = run_local_job(spark, spec, run, arguments)
        except DatesNotPublishedError as error:
            summaries[spec.name] = error.summary
            error.summaries = summaries
            say(f"  {spec.name:<16} done in {time.monotonic() - started:.1f} s, with dates not published")
            raise
        dates = summaries[spec.name]["snapshot_dates"]
        say(
            f"  {spec.name:<16} {_dates_text(dates)} done in {time.monotonic() - started:.1f} s"
            f" ({summaries[spec.name][SPARK_JOBS]} Spark jobs)"
        )
    return summaries


def format_summary(summaries: dict[str, Any]) -> str:
    """Rows per table and items skipped per reason (and quarantined), one line per date."""
    columns = [*TABLES, *SKIP_REASONS, "unsupported_type", "quarantined"]
    header = ["snapshot_date", *columns]
    normalized = summaries[NORMALIZE_ITEMS.name]["reports"]
    built = summaries.get(BUILD_TABLES.name, {}).get("reports", {})
    rows = []
    for snapshot_date in sorted(set(normalized) | set(built)):
        report = built.get(snapshot_date, {})
        if "rows" in report:
            values = [str(report["rows"].get(table, 0)) for table in TABLES]
            values += [
                str(report["skipped"].get(reason, 0)) for reason in (*SKIP_REASONS, "unsupported_type")
            ]
        else:
            values = ["-"] * (len(TABLES) + len(SKIP_REASONS) + 1)
        values.append(str(sum(normalized.get(snapshot_date, {}).get("quarantined", {}).values())))
        if not report.get("published"):
            values[-1] += "  not published"
        rows.append([snapshot_date, *values])
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *rows]
    ]
    return "\n".join(lines)


def transform(
    lake: str,
    selection: DateSelection | None = None,
    out: TextIO | None = None,
    spark: SparkSession | None = None,
) -> dict[str, Any]:
    """Transform the dates of ``selection`` (default: every date in ``lake/raw``) in one pass of each
    job; print progress and a summary; return both jobs' summaries."""

    def say(text: str) -> None:
        print(text, file=out or sys.stdout, flush=True)

    lake = os.path.abspath(lake)
    if not raw_snapshot_dates(layout.join(lake, "raw")):
        raise FileNotFoundError(
            f"no raw data in {layout.join(lake, 'raw')}: run `spotify-etl extract --lake {lake}` first"
        )
    selection = selection or DateSelection(everything=True)
    if spark is None:
        from .spark_session import build_spark_session

        say("starting local Spark ...")
        spark = build_spark_session(app_name="spotify-etl-local", master="local[*]")
    say(f"snapshot dates: {selection.describe() if selection.describe() != ALL else 'all in raw'}")
    try:
        summaries = run_jobs(spark, lake, selection, say)
    except DatesNotPublishedError as error:
        _print_summary(error.summaries, lake, say)
        raise
    _print_summary(summaries, lake, say)
    return summaries


def _print_summary(summaries: dict[str, Any], lake: str, say: Printer) -> None:
    say("\nrows per table, items skipped per reason and quarantined records:")
    say(format_summary(summaries))
    say(f"tables: {layout.join(lake, 'curated')}  run reports: {layout.join(lake, 'reports')}")
