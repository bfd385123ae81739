"""register_partitions against moto's Glue: idempotent, right values, location and storage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from spotify_etl.catalog.glue_catalog import (
    PARQUET_INPUT_FORMAT,
    PARQUET_OUTPUT_FORMAT,
    PARQUET_SERDE,
    CatalogSchemaMismatchError,
    CatalogTableMissingError,
    check_tables,
    register_partitions,
)
from spotify_etl.schemas import TABLES, catalog_columns

DATABASE = "spotify_etl"
LAKE = "s3://curated-bucket"


def _table_input(table: str, columns: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A catalog table as the Terraform module declares it."""
    columns = catalog_columns(table) if columns is None else columns
    return {
        "Name": table,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE"},
        "PartitionKeys": [{"Name": "snapshot_date", "Type": "string"}],
        "StorageDescriptor": {
            "Columns": [{"Name": name, "Type": type_name} for name, type_name in columns],
            "Location": f"{LAKE}/curated/{table}/",
            "InputFormat": PARQUET_INPUT_FORMAT,
            "OutputFormat": PARQUET_OUTPUT_FORMAT,
            "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE},
        },
    }


@pytest.fixture
def glue() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("glue", region_name="eu-west-1")
        client.create_database(DatabaseInput={"Name": DATABASE})
        yield client


@pytest.fixture
def glue_with_tables(glue: Any) -> Any:
    for table in TABLES:
        glue.create_table(DatabaseName=DATABASE, TableInput=_table_input(table))
    return glue


def test_register_twice_keeps_one_partition_per_table(glue_with_tables: Any) -> None:
    first = register_partitions(glue_with_tables, DATABASE, LAKE, ["2026-11-20"])
    second = register_partitions(glue_with_tables, DATABASE, LAKE, ["2026-11-20"])

    assert first == {table: {"created": 1, "updated": 0} for table in TABLES}
    assert second == {table: {"created": 0, "updated": 1} for table in TABLES}
    for table in TABLES:
        partitions = glue_with_tables.get_partitions(DatabaseName=DATABASE, TableName=table)["Partitions"]
        assert len(partitions) == 1
        partition = partitions[0]
        assert partition["Values"] == ["2026-11-20"]
        sd = partition["StorageDescriptor"]
        assert sd["Location"] == f"s3://curated-bucket/curated/{table}/snapshot_date=2026-11-20/"
        assert sd["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
        assert sd["OutputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
        assert sd["SerdeInfo"]["SerializationLibrary"] == (
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
        )
        assert sd["SerdeInfo"]["Parameters"] == {"serialization.format": "1"}  # as terraform/catalog.tf
        assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == catalog_columns(table)
        assert "snapshot_date" not in [c["Name"] for c in sd["Columns"]]


def test_a_second_date_adds_a_second_partition(glue_with_tables: Any) -> None:
    register_partitions(glue_with_tables, DATABASE, LAKE, ["2026-11-19"], tables=["song"])
    result = register_partitions(glue_with_tables, DATABASE, LAKE + "/", ["2026-11-20"], tables=["song"])

    assert result == {"song": {"created": 1, "updated": 0}}
    partitions = glue_with_tables.get_partitions(DatabaseName=DATABASE, TableName="song")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["2026-11-19", "2026-11-20"]
    locations = {p["Values"][0]: p["StorageDescriptor"]["Location"] for p in partitions}
    assert locations["2026-11-20"] == "s3://curated-bucket/curated/song/snapshot_date=2026-11-20/"


def test_s3a_lake_path_is_registered_as_s3(glue_with_tables: Any) -> None:
    register_partitions(glue_with_tables, DATABASE, "s3a://curated-bucket/lake", ["2026-11-20"], ["artist"])
    partition = glue_with_tables.get_partition(
        DatabaseName=DATABASE, TableName="artist", PartitionValues=["2026-11-20"]
    )["Partition"]
    assert partition["StorageDescriptor"]["Location"] == (
        "s3://curated-bucket/lake/curated/artist/snapshot_date=2026-11-20/"
    )


def test_a_year_of_dates_is_registered_in_batches(glue_with_tables: Any) -> None:
    calls: list[str] = []
    glue_with_tables.meta.events.register("before-call.glue.*", lambda model, **_: calls.append(model.name))
    dates = [f"2026-{month:02d}-{day:02d}" for month in range(1, 13) for day in range(1, 29)]  # 336
    register_partitions(glue_with_tables, DATABASE, LAKE, dates[:150], tables=["song"])
    result = register_partitions(glue_with_tables, DATABASE, LAKE, dates, tables=["song"])
    assert result == {"song": {"created": 186, "updated": 150}}
    # 150 dates: 2 creates; 336 dates: 4 creates, then the 150 that existed in 2 updates
    assert calls == ["BatchCreatePartition"] * 6 + ["BatchUpdatePartition"] * 2
    partitions = glue_with_tables.get_paginator("get_partitions").paginate(
        DatabaseName=DATABASE, TableName="song"
    )
    assert sorted(p["Values"][0] for page in partitions for p in page["Partitions"]) == dates


def test_missing_table_says_apply_terraform_first(glue: Any) -> None:
    with pytest.raises(CatalogTableMissingError, match=r"spotify_etl\.album.*Terraform"):
        check_tables(glue, DATABASE)


def test_missing_database_says_apply_terraform_first() -> None:
    with mock_aws():
        client = boto3.client("glue", region_name="eu-west-1")
        with pytest.raises(CatalogTableMissingError, match="apply the Terraform catalog tables"):
            check_tables(client, "nope", tables=["song"])


def test_table_with_other_columns_is_refused(glue: Any) -> None:
    glue.create_table(
        DatabaseName=DATABASE, TableInput=_table_input("artist", columns=[("artist_id", "string")])
    )
    with pytest.raises(CatalogSchemaMismatchError, match="artist_name"):
        check_tables(glue, DATABASE, tables=["artist"])


def test_matching_tables_pass_the_check(glue_with_tables: Any) -> None:
    check_tables(glue_with_tables, DATABASE)  # raises on any problem


def test_bad_date_is_refused_before_any_call(glue_with_tables: Any) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        register_partitions(glue_with_tables, DATABASE, LAKE, ["2026-11-20", "2026-13-01"])
    assert glue_with_tables.get_partitions(DatabaseName=DATABASE, TableName="song")["Partitions"] == []


def test_module_ships_to_glue_without_analysis_dependencies() -> None:
    """The job's --extra-py-files zip has boto3 but not duckdb, pandas or awswrangler."""
    import ast
    from pathlib import Path

    import spotify_etl.catalog.glue_catalog as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"duckdb", "pandas", "awswrangler", "matplotlib", "pyarrow"}
