"""Loading published dates into Snowflake: one transaction per table and date, checked.

For each date whose build_tables report says ``published: true``, and each table, in one
transaction: DELETE the date, COPY the date's partition (FORCE), check the COPY's result (every
file LOADED, files found, rows loaded == the report's ``rows``), then COMMIT; otherwise ROLLBACK
and raise, naming table, date and counts. So a rerun of a date replaces it exactly, and a failed
load leaves the table as it was. The loader issues DML and COPY only: it creates nothing
(terraform/snowflake does, or ``snowflake.local`` on a laptop).

COPY INTO <table> takes part in the transaction like any DML (a Snowflake quickstart: "The COPY
operation is also transactionally controlled"); its result has one row per file with ``file``,
``status`` (LOADED, LOAD_FAILED, PARTIALLY_LOADED), ``rows_parsed``, ``rows_loaded``,
``first_error``..., or, when no file matched, a single ``status`` column "Copy executed with 0
files processed." (docs.snowflake.com/en/sql-reference/sql/copy-into-table, Output).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..schemas import TABLES
from . import sql
from .reports import read_report, why_not_loadable

Printer = Callable[[str], None]


class LoadError(RuntimeError):
    """A table's date was not loaded (rolled back): the message names table, date and counts."""


@dataclass(frozen=True)
class CopyOutcome:
    """What one COPY INTO reported: files seen, rows loaded, and the files not fully LOADED."""

    files: int
    rows_loaded: int
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableLoad:
    """One committed load: ``rows`` (== the report's count) from ``files`` Parquet files."""

    snapshot_date: str
    table: str
    rows: int
    files: int


@dataclass
class LoadSummary:
    """Every committed table load, and the dates not loaded with why."""

    loaded: list[TableLoad] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def copy_outcome(description: Iterable[Any], rows: Iterable[tuple[Any, ...]]) -> CopyOutcome:
    """Read a COPY INTO result (``cursor.description``, ``cursor.fetchall()``)."""
    names = [str(column[0]).lower() for column in description]
    if "rows_loaded" not in names:  # "Copy executed with 0 files processed."
        return CopyOutcome(files=0, rows_loaded=0)
    files = loaded = 0
    problems = []
    for row in rows:
        record = dict(zip(names, row, strict=True))
        files += 1
        loaded += int(record.get("rows_loaded") or 0)
        if str(record.get("status", "")).upper() != "LOADED":
            problems.append(f"{record.get('file')}: {record.get('status')} ({record.get('first_error')})")
    return CopyOutcome(files=files, rows_loaded=loaded, problems=tuple(problems))


def load_table_date(connection: Any, table: str, snapshot_date: str, expected_rows: int) -> TableLoad:
    """Replace one date of one table in one transaction; roll back and raise LoadError unless
    the COPY loaded every file and exactly ``expected_rows`` rows (at least one file when rows
    are expected)."""
    delete = sql.delete_date_sql(table, snapshot_date)  # validates the date before anything runs
    copy = sql.copy_date_sql(table, snapshot_date)
    location = sql.partition_location(table, snapshot_date)
    cursor = connection.cursor()
    cursor.execute("BEGIN TRANSACTION")
    try:
        cursor.execute(delete)
        cursor.execute(copy)
        outcome = copy_outcome(cursor.description, cursor.fetchall())
        where = f"{table} {snapshot_date}"
        if outcome.problems:
            raise LoadError(f"{where}: files not loaded: {'; '.join(outcome.problems)}; rolled back")
        if outcome.files == 0 and expected_rows > 0:
            raise LoadError(
                f"{where}: no Parquet file at {location} but build_tables reported {expected_rows} "
                "rows; rolled back (is the stage on the lake's curated/ prefix, and the date published?)"
            )
        if outcome.rows_loaded != expected_rows:
            raise LoadError(
                f"{where}: loaded {outcome.rows_loaded} rows from {outcome.files} file(s) but "
                f"build_tables reported {expected_rows}; rolled back (rerun build_tables for the date, "
                "then load it again)"
            )
        cursor.execute("COMMIT")
    except BaseException:
        _roll_back(cursor)
        raise
    return TableLoad(snapshot_date, table, outcome.rows_loaded, outcome.files)


def _roll_back(cursor: Any) -> None:
    """ROLLBACK, keeping the original error if the session is already gone (Snowflake rolls an
    open transaction back when its session ends)."""
    with contextlib.suppress(Exception):  # the error being raised is the one that matters
        cursor.execute("ROLLBACK")


def expected_rows(report: dict[str, Any], table: str, snapshot_date: str) -> int:
    """The report's row count of ``table``; a report without it is refused."""
    rows = report.get("rows", {})
    if not isinstance(rows.get(table), int):
        raise LoadError(f"{table} {snapshot_date}: the build_tables report has no row count for {table}")
    return rows[table]


def load_dates(
    connection: Any, lake_path: str, snapshot_dates: Iterable[str], say: Printer = print
) -> LoadSummary:
    """Load every table of every date that build_tables published; say what happens.

    A date without a report, or whose report says ``published: false``, is not loaded: it is
    in ``skipped`` with the reason. Stops at the first table that fails (LoadError): the tables
    and dates before it stay committed, and loading them again is always safe.
    """
    summary = LoadSummary()
    for snapshot_date in snapshot_dates:
        sql.checked_date(snapshot_date)
        report = read_report(lake_path, snapshot_date)
        reason = why_not_loadable(report)
        if reason:
            summary.skipped[snapshot_date] = reason
            say(f"  {snapshot_date}  not loaded: {reason}")
            continue
        for table in TABLES:
            expected = expected_rows(report, table, snapshot_date)
            done = load_table_date(connection, table, snapshot_date, expected)
            summary.loaded.append(done)
            say(f"  {snapshot_date}  {table:<8} {done.rows:>9} rows from {done.files} file(s)")
    return summary
