"""--snapshot-date: the as_of CTE rewritten in the syntax tree, the same way for both engines."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from spotify_etl.analysis.as_of import (
    AsOfError,
    as_of_cte,
    pin_snapshot_date,
    query_text,
    validate_snapshot_date,
)
from spotify_etl.analysis.dialect import to_duckdb
from spotify_etl.analysis.queries import load_query, query_names


@pytest.mark.parametrize("name", query_names())
def test_pinning_replaces_only_the_as_of_cte(name: str) -> None:
    original = sqlglot.parse_one(load_query(name).sql, read="trino")
    pinned_sql = pin_snapshot_date(load_query(name).sql, "2026-11-19")
    pinned = sqlglot.parse_one(pinned_sql, read="trino")

    cte = as_of_cte(pinned)
    assert cte.this.sql(dialect="trino") == "SELECT '2026-11-19' AS snapshot_date"
    # Everything but the as_of CTE is unchanged.
    as_of_cte(original).set("this", cte.this.copy())
    assert pinned == original
    # And it still translates for DuckDB.
    assert "'2026-11-19' AS snapshot_date" in to_duckdb(pinned_sql)


def test_without_a_date_the_file_is_sent_as_it_is() -> None:
    sql = load_query("top_artists").sql
    assert query_text(sql, None) is sql
    assert "2026-11-20" in query_text(sql, "2026-11-20")


@pytest.mark.parametrize("bad", ["2026-11-31", "20261120", "2026-11-20' OR '1'='1", ""])
def test_bad_dates_are_refused(bad: str) -> None:
    with pytest.raises(AsOfError, match="YYYY-MM-DD"):
        pin_snapshot_date("WITH as_of AS (SELECT 1) SELECT * FROM as_of", bad)


def test_valid_date_passes() -> None:
    assert validate_snapshot_date("2026-11-20") == "2026-11-20"


def test_query_without_as_of_is_refused() -> None:
    with pytest.raises(AsOfError, match="as_of"):
        pin_snapshot_date("SELECT * FROM song", "2026-11-20")


def test_literal_is_a_string_like_the_partition_column() -> None:
    tree = sqlglot.parse_one(
        pin_snapshot_date("WITH as_of AS (SELECT 1) SELECT 1", "2026-11-20"), read="trino"
    )
    literal = as_of_cte(tree).find(exp.Literal)
    assert literal is not None and literal.is_string
