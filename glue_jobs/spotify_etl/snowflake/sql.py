"""Every Snowflake statement of the delivery, built from ``schemas.py`` (pure functions, no I/O).

Tables: one per curated table, named after it (``ALBUM``, ``ARTIST``, ``SONG``, ``PLAYLIST``),
the stored columns of ``schemas.TABLES`` in order with Snowflake types, then ``SNAPSHOT_DATE
DATE NOT NULL``: in the lake the date is only in the path (``snapshot_date=D/``), so the load
writes it as a constant; a load by column name would leave it null.

Identifiers are unquoted, so Snowflake stores them upper-case; the Parquet fields are read with
their own (lower-case, case-sensitive) names, ``$1:album_id``. Snowflake's rules these follow:

- COPY INTO <table> with a transformation SELECT (``$1:<field>::<type>``), ``FILE_FORMAT =
  (FORMAT_NAME = ...)`` and ``FORCE = TRUE`` (load files again even if Snowflake's load metadata
  says they were loaded): docs.snowflake.com/en/sql-reference/sql/copy-into-table and
  /en/user-guide/data-load-transform.
- A stage path is a prefix: ``@stage/album/snapshot_date=2026-11-20/`` ends with ``/`` so that
  it can never match another date or table.
- Snowpipe's COPY may read the metadata columns ``METADATA$FILENAME`` (the path below the stage
  URL) and ``METADATA$FILE_LAST_MODIFIED``, ``METADATA$START_SCAN_TIME``:
  /en/user-guide/querying-metadata.
"""

from __future__ import annotations

import re

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    IntegerType,
    StringType,
    TimestampType,
)

from ..lake_layout import is_snapshot_date, partition
from ..schemas import PARTITION_COLUMN, TABLES, data_columns

STAGE = "CURATED_STAGE"
"""The external stage on ``s3://<curated bucket>/curated/`` (terraform/snowflake creates it)."""

FILE_FORMAT = "PARQUET_FORMAT"
"""The named Parquet file format (terraform/snowflake creates it)."""

LANDING_SUFFIX = "_LANDING"
"""Auto-ingest mode: the append-only table a pipe loads into is ``<TABLE>_LANDING``."""

LANDING_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("source_file", "VARCHAR", "METADATA$FILENAME"),
    ("file_last_modified", "TIMESTAMP_NTZ", "METADATA$FILE_LAST_MODIFIED"),
    ("loaded_at", "TIMESTAMP_LTZ", "METADATA$START_SCAN_TIME"),
)
"""(column, type, value in the pipe's COPY) the landing tables add to a table's columns: which
file each row came from, when that file was last written, when Snowpipe read it."""

WRITE_ID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
"""Spark names every file of one write ``part-<n>-<write job UUID>.c000.snappy.parquet``: the
UUID tells which files one run of build_tables wrote (tests/spotify_etl/snowflake checks it on
the files the jobs write)."""

_SNOWFLAKE_TYPES: dict[type[DataType], str] = {
    StringType: "VARCHAR",
    IntegerType: "NUMBER(10,0)",
    BooleanType: "BOOLEAN",
    DateType: "DATE",
    TimestampType: "TIMESTAMP_NTZ",
}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SnowflakeSqlError(ValueError):
    """A value that must not reach a statement (a malformed date, an unknown table or type)."""


def snowflake_type(data_type: DataType) -> str:
    """The Snowflake column type of a ``schemas.py`` type.

    array<string> -> ARRAY (semi-structured), date -> DATE, timestamp -> TIMESTAMP_NTZ (the jobs
    write UTC instants with the session time zone UTC, so the wall-clock value is UTC), int ->
    NUMBER(10,0) (Snowflake's INT is NUMBER(38,0); 10 digits hold every 32-bit value), boolean ->
    BOOLEAN, string -> VARCHAR. Any other type raises: add it here deliberately.
    """
    if isinstance(data_type, ArrayType):
        if isinstance(data_type.elementType, StringType):
            return "ARRAY"
        raise SnowflakeSqlError(f"no Snowflake type for {data_type.simpleString()}: only array<string> maps")
    for spark_type, name in _SNOWFLAKE_TYPES.items():
        if isinstance(data_type, spark_type):
            return name
    raise SnowflakeSqlError(
        f"no Snowflake type for Spark type {data_type.simpleString()}; add it to snowflake_type()"
    )


def columns(table: str) -> list[tuple[str, str]]:
    """(field name, Snowflake type) of a Snowflake table: the stored columns of ``schemas.TABLES``
    in order, then ``snapshot_date`` DATE. Field names are the Parquet (lower-case) names."""
    if table not in TABLES:
        raise SnowflakeSqlError(f"unknown table {table!r}: one of {', '.join(TABLES)}")
    stored = [(field.name, snowflake_type(field.dataType)) for field in data_columns(TABLES[table])]
    return [*stored, (PARTITION_COLUMN, "DATE")]


def identifier(name: str) -> str:
    """``name`` as an unquoted Snowflake identifier (upper-case, as Snowflake stores it)."""
    if not _IDENTIFIER.match(name):
        raise SnowflakeSqlError(f"{name!r} is not a plain identifier (letters, digits, underscores)")
    return name.upper()


def qualified(name: str, namespace: str | None = None) -> str:
    """``NAME`` or ``<namespace>.NAME``; ``namespace`` is ``DATABASE.SCHEMA`` as written in SQL."""
    return f"{namespace}.{identifier(name)}" if namespace else identifier(name)


def table_name(table: str, namespace: str | None = None) -> str:
    """The Snowflake table (or, in auto-ingest mode, view) of a curated table: ``SONG``."""
    columns(table)  # an unknown table raises
    return qualified(table, namespace)


def landing_table_name(table: str, namespace: str | None = None) -> str:
    """Auto-ingest mode: the append-only table a pipe loads, ``SONG_LANDING``."""
    return table_name(table, namespace) + LANDING_SUFFIX


def checked_date(snapshot_date: str) -> str:
    """``snapshot_date`` if it is a real ``YYYY-MM-DD`` date: the only value ever put into a
    statement, so it is checked before any SQL is built."""
    if not is_snapshot_date(snapshot_date):
        raise SnowflakeSqlError(
            f"snapshot date {snapshot_date!r} is not a date in YYYY-MM-DD form (e.g. 2026-11-20)"
        )
    return snapshot_date


def _column_list(names: list[str]) -> str:
    return ", ".join(identifier(name) for name in names)


def _field_reads(table: str) -> list[str]:
    """``$1:<field>::<type>`` for every stored column: a Parquet row is one OBJECT in ``$1``."""
    return [f"$1:{name}::{type_}" for name, type_ in columns(table) if name != PARTITION_COLUMN]


def create_table_sql(table: str, namespace: str | None = None) -> str:
    """``CREATE TABLE IF NOT EXISTS`` of one table (the DDL terraform/snowflake declares; used
    by the local fakesnow stand-in and the tests)."""
    lines = [
        f"    {identifier(name)} {type_}{' NOT NULL' if name == PARTITION_COLUMN else ''}"
        for name, type_ in columns(table)
    ]
    return f"CREATE TABLE IF NOT EXISTS {table_name(table, namespace)} (\n" + ",\n".join(lines) + "\n)"


def delete_date_sql(table: str, snapshot_date: str) -> str:
    """Remove one date from a table (the first statement of a date's load transaction)."""
    date = checked_date(snapshot_date)
    return f"DELETE FROM {table_name(table)} WHERE {identifier(PARTITION_COLUMN)} = '{date}'::DATE"


def partition_location(table: str, snapshot_date: str, namespace: str | None = None) -> str:
    """The stage path of one table's partition: ``@CURATED_STAGE/song/snapshot_date=D/``."""
    date = checked_date(snapshot_date)
    columns(table)
    return f"@{qualified(STAGE, namespace)}/{table}/{partition(date)}/"


def copy_date_sql(table: str, snapshot_date: str) -> str:
    """COPY one table's partition of one date into the table, the date as a constant column.

    ``FORCE = TRUE``: a rerun of a date in the lake writes new files (Spark names each file
    after its write job), but a rerun of the load with the same files must load them again
    after the DELETE; Snowflake's load metadata would otherwise skip files it has seen.
    """
    date = checked_date(snapshot_date)
    names = [name for name, _ in columns(table)]
    reads = [*_field_reads(table), f"'{date}'::DATE"]
    return (
        f"COPY INTO {table_name(table)} ({_column_list(names)})\n"
        f"FROM (SELECT {', '.join(reads)}\n"
        f"      FROM {partition_location(table, date)})\n"
        f"FILE_FORMAT = (FORMAT_NAME = '{identifier(FILE_FORMAT)}')\n"
        "FORCE = TRUE"
    )


# ---------------------------------------------------------------------------------------------
# Auto-ingest mode (terraform/snowflake, snowpipe_enabled = true): a pipe per table appends every
# new Parquet file to <TABLE>_LANDING; a view named after the table shows only the rows of the
# files the latest write of each date produced, so a rerun (new files, new names) never counts
# a date twice. terraform/snowflake holds this SQL as text; tests/terraform_snowflake checks it.
# ---------------------------------------------------------------------------------------------


def landing_columns(table: str) -> list[tuple[str, str]]:
    """(name, Snowflake type) of a landing table: the table's columns, then where each row came
    from (``LANDING_COLUMNS``)."""
    return [*columns(table), *((name, type_) for name, type_, _ in LANDING_COLUMNS)]


def create_landing_table_sql(table: str, namespace: str | None = None) -> str:
    """``CREATE TABLE IF NOT EXISTS <TABLE>_LANDING`` (the local stand-in and the tests)."""
    lines = [f"    {identifier(name)} {type_}" for name, type_ in landing_columns(table)]
    return (
        f"CREATE TABLE IF NOT EXISTS {landing_table_name(table, namespace)} (\n" + ",\n".join(lines) + "\n)"
    )


def pipe_copy_sql(table: str, namespace: str) -> str:
    """The COPY statement of the table's pipe: every file under ``@CURATED_STAGE/<table>/`` into
    ``<TABLE>_LANDING``, the date taken from the file's path (``.../snapshot_date=D/part-...``).

    No FORCE (Snowpipe does not take it) and no date constant: a pipe loads whatever file S3
    announces. Names are qualified with ``namespace`` because a pipe outlives any session.
    """
    names = [name for name, _ in landing_columns(table)]
    date_from_path = f"TO_DATE(SPLIT_PART(SPLIT_PART(METADATA$FILENAME, '{PARTITION_COLUMN}=', 2), '/', 1))"
    reads = [*_field_reads(table), date_from_path, *(value for _, _, value in LANDING_COLUMNS)]
    return (
        f"COPY INTO {landing_table_name(table, namespace)} ({_column_list(names)})\n"
        f"FROM (SELECT {', '.join(reads)}\n"
        f"      FROM @{qualified(STAGE, namespace)}/{table}/)\n"
        f"FILE_FORMAT = (FORMAT_NAME = '{qualified(FILE_FORMAT, namespace)}')"
    )


def current_rows_view_sql(table: str, namespace: str | None = None) -> str:
    """The SELECT of the view named after the table: the landing rows of the files of the
    latest write of each date only.

    A write is known by the Spark write-job UUID in its file names (``WRITE_ID_PATTERN``; a file
    without one is a write of its own); the latest write of a date is that of the date's most
    recently modified file. A rerun's files replace the earlier write's rows as soon as Snowpipe
    loads the first of them: never both, so never twice.
    """
    names = [name for name, _ in columns(table)]
    return (
        f"SELECT {_column_list(names)}\n"
        f"FROM (SELECT *, COALESCE(REGEXP_SUBSTR(SOURCE_FILE, '{WRITE_ID_PATTERN}'), SOURCE_FILE)"
        " AS WRITE_ID\n"
        f"      FROM {landing_table_name(table, namespace)})\n"
        "QUALIFY WRITE_ID = FIRST_VALUE(WRITE_ID) OVER (\n"
        f"    PARTITION BY {identifier(PARTITION_COLUMN)} ORDER BY FILE_LAST_MODIFIED DESC, WRITE_ID DESC)"
    )


def create_view_sql(table: str, namespace: str | None = None) -> str:
    """``CREATE OR REPLACE VIEW <TABLE> AS <current_rows_view_sql>`` (local stand-in, tests)."""
    select = current_rows_view_sql(table, namespace)
    return f"CREATE OR REPLACE VIEW {table_name(table, namespace)} AS\n{select}"


def rows_by_date_sql(table: str) -> str:
    """Rows per date of one table (what ``spotify-etl load-snowflake`` shows after a load)."""
    date = identifier(PARTITION_COLUMN)
    return f"SELECT {date}, COUNT(*) FROM {table_name(table)} GROUP BY {date} ORDER BY {date}"
