"""Snowflake stand-in for the tests: fakesnow over a copy of the session's sample lake.

The sample lake is the bundled sample through the real jobs (tests/conftest.py ``sample_lake``):
Spark's Parquet, INT96 timestamps, dates, arrays and nulls. Each test gets its own copy of its
``curated/`` and ``reports/`` (a few hundred KB) and an in-memory fakesnow with the objects
terraform/snowflake declares, created by the same generator (``snowflake.local``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spotify_etl.snowflake.local import connect_local, create_objects, fakesnow_snowflake

SAMPLE_ROWS = {
    "2026-11-19": {"album": 84, "artist": 46, "song": 239, "playlist": 3},
    "2026-11-20": {"album": 85, "artist": 47, "song": 242, "playlist": 3},
}
"""Rows per table and date of the bundled sample, counted from its recordings
(tools/make_sample_api.py; tests/spotify_etl/test_cli.py checks the jobs produce them)."""


@pytest.fixture
def lake(sample_lake: Path, tmp_path: Path) -> Path:
    """A private copy of the sample lake's tables and reports, free to break."""
    copy = tmp_path / "lake"
    for zone in ("curated", "reports"):
        shutil.copytree(sample_lake / zone, copy / zone)
    return copy


@pytest.fixture
def snowflake(lake: Path) -> Iterator[Any]:
    """A fakesnow connection with the stage, file format and four tables over ``lake``."""
    with fakesnow_snowflake():
        connection = connect_local()
        create_objects(connection, str(lake))
        yield connection
        connection.close()


def query(connection: Any, statement: str) -> list[tuple[Any, ...]]:
    cursor = connection.cursor()
    cursor.execute(statement)
    return cursor.fetchall()


def rows_per_date(connection: Any, table: str) -> dict[str, int]:
    """{date: rows} of a Snowflake table, counted in Snowflake."""
    found = query(connection, f"SELECT SNAPSHOT_DATE, COUNT(*) FROM {table.upper()} GROUP BY 1")
    return {date.isoformat(): count for date, count in found}


def partition_files(lake: Path, table: str, snapshot_date: str) -> list[Path]:
    return sorted((lake / "curated" / table / f"snapshot_date={snapshot_date}").glob("*.parquet"))


def edit_report(lake: Path, snapshot_date: str, **changes: Any) -> None:
    """Change fields of a date's build_tables report (``rows`` is merged per table)."""
    path = lake / "reports" / f"snapshot_date={snapshot_date}" / "build_tables.json"
    report = json.loads(path.read_text())
    for key, value in changes.items():
        report[key] = {**report[key], **value} if key == "rows" else value
    path.write_text(json.dumps(report))
