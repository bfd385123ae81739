"""The sql/ files: found, loaded, documented, and written the way Athena's console needs them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from spotify_etl.analysis.queries import (
    SQL_DIR_ENV,
    UnknownQueryError,
    load_queries,
    load_query,
    query_names,
    sql_dir,
)
from spotify_etl.schemas import TABLES

REQUIRED = {
    "top_artists",
    "chart_movers",
    "new_entries_and_dropouts",
    "longevity",
    "release_decades",
    "playlist_profile",
    "collaborations",
    "position_history",
}


def test_sql_dir_is_the_repository_sql_folder() -> None:
    assert sql_dir() == Path(__file__).resolve().parents[3] / "sql"
    assert set(query_names()) >= REQUIRED


def test_env_var_overrides_the_sql_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine.sql").write_text("-- Mine.\n-- Second line.\nSELECT 1\n")
    monkeypatch.setenv(SQL_DIR_ENV, str(tmp_path))
    assert query_names() == ["mine"]
    query = load_query("mine.sql")
    assert (query.name, query.title, query.description) == ("mine", "Mine.", ["Mine.", "Second line."])


def test_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(UnknownQueryError, match="top_artists"):
        load_query("top_artist")


def test_load_queries_keeps_the_order_asked_for() -> None:
    assert [q.name for q in load_queries(["top_artists", "chart_movers"])] == ["top_artists", "chart_movers"]
    assert [q.name for q in load_queries()] == query_names()


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_query_is_documented_and_self_contained(name: str) -> None:
    query = load_query(name)
    # A header of "-- " lines saying what it answers and how to read it.
    assert len(query.description) >= 3
    assert query.title.endswith(".") and len(query.title) <= 100  # a one-line title, used as heading
    assert any("How to read it" in line for line in query.description)
    tree = sqlglot.parse_one(query.sql, read="trino")
    # The as_of CTE comes first and is the data's latest snapshot: the file runs as-is in Athena.
    first_cte = tree.find(exp.CTE)
    assert first_cte is not None and first_cte.alias == "as_of"
    assert "max(snapshot_date)" in first_cte.this.sql(dialect="trino").lower()
    # Tables are unqualified (the workgroup's database picks them) and no placeholder is left.
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name in ctes or isinstance(table.this, exp.Unnest):
            continue
        assert table.name in TABLES, table.sql()
        assert not table.db and not table.catalog, table.sql()
    assert not list(tree.find_all(exp.Placeholder)) and "${" not in query.sql
