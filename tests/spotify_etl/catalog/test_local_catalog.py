"""register_tables: one view per table in <lake>/catalog.duckdb, typed like Athena sees the tables."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spotify_etl.catalog.local_catalog import duckdb_type, register_tables
from spotify_etl.lake_layout import local_catalog_path, table_partition_path
from spotify_etl.schemas import CATALOG_TABLES, TABLES, data_columns


def _write_artists(lake: str, snapshot_date: str, names: list[str]) -> None:
    """An artist partition as Spark writes it: the data columns, no snapshot_date in the file."""
    folder = table_partition_path(lake, "artist", snapshot_date)
    os.makedirs(folder, exist_ok=True)
    rows = [{"artist_id": f"id-{n}", "artist_name": n, "artist_url": None} for n in names]
    schema = pa.schema([(f.name, pa.string()) for f in data_columns(TABLES["artist"])])
    pq.write_table(
        pa.Table.from_pylist(rows, schema=schema), os.path.join(folder, "part-00000.snappy.parquet")
    )
    Path(folder, "_SUCCESS").touch()


def _columns(catalog: str, table: str) -> list[tuple[str, str]]:
    with duckdb.connect(catalog, read_only=True) as connection:
        return [(row[0], row[1]) for row in connection.sql(f"DESCRIBE {table}").fetchall()]


def _query(catalog: str, sql: str) -> list[tuple]:
    with duckdb.connect(catalog, read_only=True) as connection:
        return connection.sql(sql).fetchall()


def test_views_over_files_and_typed_empty_views(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    _write_artists(lake, "2026-11-19", ["Alice"])
    _write_artists(lake, "2026-11-20", ["Alice", "Bob"])

    catalog = register_tables(lake)

    assert catalog == local_catalog_path(lake)
    assert _query(catalog, "SELECT snapshot_date, count(*) FROM artist GROUP BY 1 ORDER BY 1") == [
        ("2026-11-19", 1),
        ("2026-11-20", 2),
    ]
    # snapshot_date stays a string, as in Athena (hive_types), and comes last as in the catalog.
    assert _columns(catalog, "artist")[-1] == ("snapshot_date", "VARCHAR")
    # Tables without files yet: empty, with the schema's columns and types.
    for table in ("album", "song", "playlist"):
        assert _query(catalog, f"SELECT count(*) FROM {table}") == [(0,)]
        assert _columns(catalog, table) == [(f.name, duckdb_type(f.dataType)) for f in TABLES[table].fields]
    assert dict(_columns(catalog, "song"))["artist_ids"] == "VARCHAR[]"
    assert dict(_columns(catalog, "album"))["release_date"] == "DATE"
    # api_health (normalize_items) too: a lake from before it exists reads as an empty table.
    assert _query(catalog, "SELECT count(*) FROM api_health") == [(0,)]
    assert _columns(catalog, "api_health") == [
        ("measure", "VARCHAR"),
        ("name", "VARCHAR"),
        ("count", "BIGINT"),
        ("total", "BIGINT"),
        ("share", "DOUBLE"),
        ("snapshot_date", "VARCHAR"),
    ]


def test_register_is_idempotent_and_picks_up_new_tables(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    register_tables(lake)
    catalog = register_tables(lake)  # again: no error
    assert _query(catalog, "SELECT count(*) FROM artist") == [(0,)]

    _write_artists(lake, "2026-11-20", ["Alice", "Bob"])
    register_tables(lake)
    assert _query(catalog, "SELECT count(*) FROM artist") == [(2,)]
    with duckdb.connect(catalog, read_only=True) as connection:
        views = {
            row[0]
            for row in connection.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
    assert views == set(CATALOG_TABLES) == {*TABLES, "api_health"}

    # A later partition is seen without registering again (the view reads the files at query time).
    _write_artists(lake, "2026-11-21", ["Cleo"])
    assert _query(catalog, "SELECT count(DISTINCT snapshot_date) FROM artist") == [
        (2,)
    ]  # 2026-11-20 and 2026-11-21


def test_catalog_works_from_another_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write_artists("lake", "2026-11-20", ["Alice"])
    catalog = register_tables("lake")
    monkeypatch.chdir("/")
    assert _query(str(tmp_path / catalog), "SELECT artist_name FROM artist") == [("Alice",)]


def test_s3_lake_is_refused() -> None:
    with pytest.raises(ValueError, match="Athena"):
        register_tables("s3://bucket/lake")
