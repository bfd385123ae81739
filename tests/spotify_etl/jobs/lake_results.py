"""What a run wrote for one snapshot date, read back from a lake: table rows in file order, the
quarantine records and the jobs' reports, so that two runs' results can be compared value for
value (issue 16: a multi-date run against date-by-date runs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from spotify_etl.lake_layout import quarantine_path, report_path
from spotify_etl.schemas import CATALOG_TABLES

JOBS = ("normalize_items", "build_tables")


def table_files(lake: Path, table: str, snapshot_date: str) -> list[Path]:
    return sorted((lake / "curated" / table / f"snapshot_date={snapshot_date}").glob("*.parquet"))


def table_rows(lake: Path, table: str, snapshot_date: str) -> list[dict[str, Any]]:
    """Every row of a table's partition, in file order (the files are sorted by the key)."""
    return [
        row for path in table_files(lake, table, snapshot_date) for row in pq.read_table(path).to_pylist()
    ]


def quarantine(lake: Path, snapshot_date: str) -> list[dict[str, Any]]:
    folder = Path(quarantine_path(str(lake), snapshot_date))
    records = [json.loads(line) for path in folder.glob("*.json") for line in path.read_text().splitlines()]
    return sorted(records, key=lambda r: (r["source_file"], r["line_number"] or 0, r["position"] or -1))


def report(lake: Path, snapshot_date: str, job: str) -> dict[str, Any]:
    return json.loads(Path(report_path(str(lake), snapshot_date, job)).read_text())


def results(lake: Path, snapshot_date: str) -> dict[str, Any]:
    """Everything the jobs wrote for ``snapshot_date``: files and rows per table, quarantine,
    reports (the run's own ``run_id`` aside: each run has its own)."""
    reports = {job: report(lake, snapshot_date, job) for job in JOBS}
    for found in reports.values():
        found.pop("run_id", None)
    return {
        "files": {table: len(table_files(lake, table, snapshot_date)) for table in CATALOG_TABLES},
        "rows": {table: table_rows(lake, table, snapshot_date) for table in CATALOG_TABLES},
        "quarantine": quarantine(lake, snapshot_date),
        "reports": reports,
    }


def file_times(lake: Path, snapshot_date: str) -> dict[str, int]:
    """The curated files of a date and their modification times (ns): what a rerun of another
    date must leave alone."""
    found = lake.glob(f"curated/*/snapshot_date={snapshot_date}/*")
    return {str(path.relative_to(lake)): path.stat().st_mtime_ns for path in found}
