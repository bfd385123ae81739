"""Every query is Trino SQL (Athena) and translates to DuckDB (local) with sqlglot."""

from __future__ import annotations

import pytest
import sqlglot

from spotify_etl.analysis.dialect import parse_trino, to_duckdb
from spotify_etl.analysis.queries import load_query, query_names


@pytest.mark.parametrize("name", query_names())
def test_query_parses_as_trino_and_transpiles_to_duckdb(name: str) -> None:
    sql = load_query(name).sql
    assert isinstance(sqlglot.parse_one(sql, read="trino"), sqlglot.exp.Query)
    duckdb_sql = to_duckdb(sql)
    assert isinstance(sqlglot.parse_one(duckdb_sql, read="duckdb"), sqlglot.exp.Query)


def test_translation_maps_trino_functions_to_duckdb() -> None:
    sql = "SELECT max_by(a, b), cardinality(c), array_join(d, ', ') FROM t"
    translated = to_duckdb(sql).upper()
    assert "ARG_MAX(" in translated and "ARRAY_TO_STRING(" in translated


def test_one_statement_only() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        to_duckdb("SELECT 1; SELECT 2")
    with pytest.raises(ValueError, match="exactly one"):
        parse_trino("SELECT 1; SELECT 2")


def test_invalid_sql_is_refused() -> None:
    with pytest.raises(sqlglot.errors.ParseError):
        parse_trino("SELECT FROM WHERE")
