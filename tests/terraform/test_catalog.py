"""The Glue Data Catalog tables in terraform/ against spotify_etl.schemas and the catalog code.

The build_tables job refuses to register a partition when the table's columns differ from
schemas.catalog_columns() (spotify_etl.catalog.glue_catalog): this test finds the difference
before a deployment does.
"""

from __future__ import annotations

from spotify_etl import lake_layout
from spotify_etl.catalog.glue_catalog import PARQUET_INPUT_FORMAT, PARQUET_OUTPUT_FORMAT, PARQUET_SERDE
from spotify_etl.schemas import CATALOG_TABLES, PARTITION_COLUMN, TABLE_DESCRIPTIONS, catalog_columns


def test_one_catalog_table_per_schema_table(tf):
    """The four curated tables and api_health (the API drift sentinel), nothing else."""
    assert set(tf.local("catalog_tables")) == set(CATALOG_TABLES)
    assert "api_health" in tf.local("catalog_tables")


def test_descriptions_are_the_schemas(tf):
    for table, definition in tf.local("catalog_tables").items():
        assert definition["description"] == TABLE_DESCRIPTIONS[table], table


def test_columns_and_types_match_schemas_in_order(tf):
    for table, definition in tf.local("catalog_tables").items():
        declared = [(column["name"], column["type"]) for column in definition["columns"]]
        assert declared == catalog_columns(table), f"catalog table {table} differs from schemas.py"


def test_partition_key_is_snapshot_date_string(tf):
    assert tf.local("catalog_partition_key") == {"name": PARTITION_COLUMN, "type": "string"}
    table = tf.resource("aws_glue_catalog_table", "this")
    assert table["partition_keys"] == [
        {"name": "${local.catalog_partition_key.name}", "type": "${local.catalog_partition_key.type}"}
    ]


def test_table_resource_is_built_from_the_map(tf):
    table = tf.resource("aws_glue_catalog_table", "this")
    assert table["for_each"] == "${local.catalog_tables}"
    assert table["name"] == "${each.key}"
    assert table["database_name"] == "${aws_glue_catalog_database.lake.name}"
    storage = table["storage_descriptor"][0]
    assert "columns" not in storage, "columns come from local.catalog_tables only (dynamic block)"
    dynamic = storage["dynamic"][0]["columns"]
    assert dynamic["for_each"] == "${each.value.columns}"
    assert dynamic["content"] == [{"name": "${columns.value.name}", "type": "${columns.value.type}"}]


def test_parquet_storage_matches_the_partitions_the_job_registers(tf):
    table = tf.resource("aws_glue_catalog_table", "this")
    assert table["table_type"] == "EXTERNAL_TABLE"
    storage = table["storage_descriptor"][0]
    assert storage["input_format"] == PARQUET_INPUT_FORMAT
    assert storage["output_format"] == PARQUET_OUTPUT_FORMAT
    assert storage["ser_de_info"][0]["serialization_library"] == PARQUET_SERDE
    # The job's layout, with Terraform's expressions for the lake root and the table name.
    expected = lake_layout.table_path("${local.lake_path}", "${each.key}") + "/"
    assert storage["location"] == expected


def test_parameters_and_partition_projection(tf):
    parameters = tf.resource("aws_glue_catalog_table", "this")["parameters"]
    assert parameters["EXTERNAL"] == "TRUE"
    assert parameters["classification"] == "parquet"
    assert parameters["projection.enabled"] == "true"
    key = f"projection.{PARTITION_COLUMN}"
    assert parameters[f"{key}.type"] == "date"
    assert parameters[f"{key}.format"] == "yyyy-MM-dd"
    assert parameters[f"{key}.range"] == "${var.partition_projection_start_date},NOW"
    assert parameters[f"{key}.interval"] == "1"
    assert parameters[f"{key}.interval.unit"] == "DAYS"
    # "$${snapshot_date}" is HCL for the literal ${snapshot_date} Athena substitutes.
    expected = (
        lake_layout.table_partition_path("${local.lake_path}", "${each.key}", "$${snapshot_date}") + "/"
    )
    assert parameters["storage.location.template"] == expected
