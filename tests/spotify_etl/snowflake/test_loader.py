"""The loader on fakesnow over the Parquet the real jobs wrote: exact, rerunnable, all or nothing."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spotify_etl.schemas import TABLE_KEYS, TABLES
from spotify_etl.snowflake import sql
from spotify_etl.snowflake.loader import LoadError, copy_outcome, load_dates, load_table_date

from .conftest import SAMPLE_ROWS, edit_report, partition_files, query, rows_per_date

D19, D20 = "2026-11-19", "2026-11-20"


def quiet(_: str) -> None:
    pass


def lake_rows(lake: Path, table: str, snapshot_date: str) -> list[dict[str, Any]]:
    """The partition's rows as pyarrow reads the Parquet (timestamps as microseconds), by key."""
    data = pa.concat_tables([pq.read_table(path) for path in partition_files(lake, table, snapshot_date)])
    for index, column in enumerate(data.schema):
        if pa.types.is_timestamp(column.type):
            data = data.set_column(index, column.name, data.column(index).cast(pa.timestamp("us")))
    return sorted(data.to_pylist(), key=lambda row: tuple(row[key] for key in TABLE_KEYS[table]))


def snowflake_rows(connection: Any, table: str, snapshot_date: str) -> list[dict[str, Any]]:
    """The date's rows in Snowflake, as Python values: ARRAY arrives as JSON text and NUMBER as
    Decimal through the connector (as from a real account), so they are decoded here."""
    names = [name for name, _ in sql.columns(table) if name != "snapshot_date"]
    keys = ", ".join(key.upper() for key in TABLE_KEYS[table])
    found = query(
        connection,
        f"SELECT {', '.join(n.upper() for n in names)}, SNAPSHOT_DATE FROM {table.upper()} "
        f"WHERE SNAPSHOT_DATE = '{snapshot_date}'::DATE ORDER BY {keys}",
    )
    rows = []
    for values in found:
        assert values[-1] == dt.date.fromisoformat(snapshot_date)
        row = {}
        for (name, type_), value in zip(sql.columns(table), values[:-1], strict=False):
            if value is not None and type_ == "ARRAY":
                value = json.loads(value)
            elif isinstance(value, decimal.Decimal):
                value = int(value)
            row[name] = value
        rows.append(row)
    return rows


def test_both_dates_load_row_for_row_with_every_value_equal_to_the_lake(snowflake, lake):
    summary = load_dates(snowflake, str(lake), [D19, D20], say=quiet)

    assert not summary.skipped
    assert {(load.snapshot_date, load.table): load.rows for load in summary.loaded} == {
        (date, table): rows for date, counts in SAMPLE_ROWS.items() for table, rows in counts.items()
    }
    kinds_seen: set[str] = set()
    for table in TABLES:
        assert rows_per_date(snowflake, table) == {date: SAMPLE_ROWS[date][table] for date in SAMPLE_ROWS}
        for date in (D19, D20):
            expected = lake_rows(lake, table, date)
            assert snowflake_rows(snowflake, table, date) == expected, f"{table} {date}"
            for row in expected:
                kinds_seen |= {type(value).__name__ for value in row.values()}
                kinds_seen |= {"empty list" for value in row.values() if value == []}
    # The comparison covered every kind of value the tables hold, nulls included.
    assert {"str", "int", "bool", "list", "date", "datetime", "NoneType"} <= kinds_seen


def test_timestamps_keep_their_fraction_of_a_second(snowflake, lake):
    load_dates(snowflake, str(lake), [D20], say=quiet)
    extracted = {row["extracted_at"] for row in lake_rows(lake, "playlist", D20)}
    assert any(value.microsecond for value in extracted), "the sample has sub-second extracted_at"
    loaded = {row["extracted_at"] for row in snowflake_rows(snowflake, "playlist", D20)}
    assert loaded == extracted


def test_loading_a_date_again_leaves_its_rows_unchanged(snowflake, lake):
    load_dates(snowflake, str(lake), [D20], say=quiet)
    before = snowflake_rows(snowflake, "song", D20)

    again = load_dates(snowflake, str(lake), [D20], say=quiet)  # the same files: FORCE loads them

    assert [load.rows for load in again.loaded] == [SAMPLE_ROWS[D20][table] for table in TABLES]
    assert rows_per_date(snowflake, "song") == {D20: SAMPLE_ROWS[D20]["song"]}
    assert snowflake_rows(snowflake, "song", D20) == before


def test_a_rerun_of_the_date_in_the_lake_replaces_it_exactly(snowflake, lake):
    load_dates(snowflake, str(lake), [D19, D20], say=quiet)
    # A rerun of build_tables replaces the date's files with new ones under new names (Spark
    # names them after the write job): what makes an append-only Snowpipe count a date twice.
    for table in TABLES:
        for path in partition_files(lake, table, D20):
            path.rename(path.with_name(path.name.replace("part-00000-", "part-00000-9")))

    load_dates(snowflake, str(lake), [D20], say=quiet)

    for table in TABLES:
        assert rows_per_date(snowflake, table) == {date: SAMPLE_ROWS[date][table] for date in SAMPLE_ROWS}


def test_loading_one_date_leaves_the_other_untouched(snowflake, lake):
    load_dates(snowflake, str(lake), [D19], say=quiet)
    d19 = snowflake_rows(snowflake, "album", D19)

    load_dates(snowflake, str(lake), [D20], say=quiet)

    assert snowflake_rows(snowflake, "album", D19) == d19
    assert rows_per_date(snowflake, "album") == {D19: 84, D20: 85}


@pytest.mark.parametrize("damage", ["missing folder", "empty folder"])
def test_a_partition_without_files_rolls_back_and_names_table_date_and_count(snowflake, lake, damage):
    load_dates(snowflake, str(lake), [D20], say=quiet)
    folder = lake / "curated" / "song" / f"snapshot_date={D20}"
    shutil.rmtree(folder)
    if damage == "empty folder":
        folder.mkdir()

    with pytest.raises(LoadError) as raised:
        load_table_date(snowflake, "song", D20, 242)

    message = str(raised.value)
    assert "song 2026-11-20" in message and "242" in message and "rolled back" in message
    assert rows_per_date(snowflake, "song") == {D20: 242}, "the DELETE was rolled back with the COPY"


def test_a_count_other_than_the_report_rolls_back(snowflake, lake):
    load_dates(snowflake, str(lake), [D20], say=quiet)
    edit_report(lake, D20, rows={"song": 241})

    with pytest.raises(LoadError) as raised:
        load_dates(snowflake, str(lake), [D20], say=quiet)

    assert "song 2026-11-20: loaded 242 rows from 1 file(s) but build_tables reported 241" in str(
        raised.value
    )
    assert rows_per_date(snowflake, "song") == {D20: 242}
    # album and artist, before song in TABLES, were committed; playlist, after it, not attempted
    assert rows_per_date(snowflake, "album") == {D20: 85}


def test_a_failure_on_the_first_load_leaves_the_table_empty(snowflake, lake):
    edit_report(lake, D19, rows={"album": 1})
    with pytest.raises(LoadError):
        load_dates(snowflake, str(lake), [D19], say=quiet)
    assert rows_per_date(snowflake, "album") == {}


def test_a_table_with_no_rows_that_day_is_emptied_for_the_date(snowflake, lake):
    load_dates(snowflake, str(lake), [D20], say=quiet)
    # build_tables deletes a table's partition when it has no rows that day (lake_io)
    shutil.rmtree(lake / "curated" / "playlist" / f"snapshot_date={D20}")
    edit_report(lake, D20, rows={"playlist": 0})

    summary = load_dates(snowflake, str(lake), [D20], say=quiet)

    assert ("playlist", 0, 0) in {(load.table, load.rows, load.files) for load in summary.loaded}
    assert rows_per_date(snowflake, "playlist") == {}


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"published": False}, "published: false"), (None, "no build_tables report")],
)
def test_dates_that_build_tables_did_not_publish_are_not_loaded(snowflake, lake, change, reason):
    if change:
        edit_report(lake, D20, **change)
    else:
        (lake / "reports" / f"snapshot_date={D20}" / "build_tables.json").unlink()
    said: list[str] = []

    summary = load_dates(snowflake, str(lake), [D19, D20], say=said.append)

    assert reason in summary.skipped[D20] and D19 not in summary.skipped
    assert any(D20 in line and "not loaded" in line and reason in line for line in said)
    assert rows_per_date(snowflake, "song") == {D19: 239}


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-11-20' OR '1'='1", "20261120", ""])
def test_a_malformed_date_is_refused_before_any_statement(bad):
    class Refuses:
        def cursor(self):
            raise AssertionError("no statement may run for a malformed date")

    with pytest.raises(sql.SnowflakeSqlError, match="YYYY-MM-DD"):
        load_dates(Refuses(), "/nowhere", [bad], say=quiet)
    with pytest.raises(sql.SnowflakeSqlError):
        load_table_date(Refuses(), "song", bad, 1)


def test_copy_outcome_reads_snowflakes_result_shapes():
    nothing = copy_outcome([("status",)], [("Copy executed with 0 files processed.",)])
    assert (nothing.files, nothing.rows_loaded, nothing.problems) == (0, 0, ())

    description = [(name,) for name in ("file", "status", "rows_parsed", "rows_loaded", "first_error")]
    result = copy_outcome(
        description,
        [("s3://b/a.parquet", "LOADED", 10, 10, None), ("s3://b/b.parquet", "LOAD_FAILED", 5, 0, "bad row")],
    )
    assert (result.files, result.rows_loaded) == (2, 10)
    assert result.problems == ("s3://b/b.parquet: LOAD_FAILED (bad row)",)


def test_the_stage_lists_the_partition_as_s3_would(lake):
    """Local Spark writes a hidden .crc beside each file (S3 holds none); the stand-in skips it."""
    hidden = list((lake / "curated" / "song" / f"snapshot_date={D20}").glob(".*.crc"))
    assert hidden, "the local lake has Hadoop checksum files"
    assert len(partition_files(lake, "song", D20)) == 1
