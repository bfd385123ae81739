"""generated.tf is what the package generates from schemas.py: columns, pipes' COPY, views."""

from __future__ import annotations

import importlib.util

import pytest

from spotify_etl.schemas import TABLES, data_columns
from spotify_etl.snowflake import sql

from ..terraform.conftest import REPO
from .conftest import heredoc_text

NAMESPACE = "${local.namespace}"


def generator():
    spec = importlib.util.spec_from_file_location("snowflake_sql_tf", REPO / "tools" / "snowflake_sql_tf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_tf_is_current():
    tool = generator()
    assert tool.OUT.read_text() == tool.render(), "stale: run python tools/snowflake_sql_tf.py"


@pytest.mark.parametrize("table", TABLES)
def test_table_columns_are_schemas_columns_then_the_date(tfs, table):
    declared = tfs.local("table_columns")[table]
    assert [(c["name"], c["type"], c["nullable"]) for c in declared] == [
        (field.name.upper(), sql.snowflake_type(field.dataType), True)
        for field in data_columns(TABLES[table])
    ] + [("SNAPSHOT_DATE", "DATE", False)]


@pytest.mark.parametrize("table", TABLES)
def test_landing_columns_add_where_each_row_came_from(tfs, table):
    declared = [(c["name"], c["type"]) for c in tfs.local("landing_columns")[table]]
    table_columns = [(c["name"], c["type"]) for c in tfs.local("table_columns")[table]]
    assert declared == [
        *table_columns,
        ("SOURCE_FILE", "VARCHAR"),
        ("FILE_LAST_MODIFIED", "TIMESTAMP_NTZ"),
        ("LOADED_AT", "TIMESTAMP_LTZ"),
    ]


@pytest.mark.parametrize("table", TABLES)
def test_each_pipes_copy_text_is_the_generated_sql(tfs, table):
    assert heredoc_text(tfs.local("pipe_copy_statements")[table]) == sql.pipe_copy_sql(table, NAMESPACE)


@pytest.mark.parametrize("table", TABLES)
def test_each_views_select_is_the_generated_sql(tfs, table):
    assert heredoc_text(tfs.local("current_rows_views")[table]) == sql.current_rows_view_sql(table, NAMESPACE)


def test_the_namespace_is_the_database_and_schema(tfs):
    assert tfs.local("namespace") == "${snowflake_database.this.name}.${snowflake_schema.curated.name}"


def test_stage_and_file_format_are_named_as_the_loader_names_them(tfs):
    assert tfs.local("stage_name") == sql.STAGE
    assert tfs.local("file_format_name") == sql.FILE_FORMAT
    assert tfs.resource("snowflake_stage", "curated")["name"] == "${local.stage_name}"
    assert tfs.resource("snowflake_file_format", "parquet")["name"] == "${local.file_format_name}"
