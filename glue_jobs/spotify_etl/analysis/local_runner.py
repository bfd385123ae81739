"""Run a Trino query on the local lake: translate to DuckDB, query the views of ``catalog.duckdb``."""

from __future__ import annotations

import os

import duckdb
import pandas as pd

from .dialect import to_duckdb
from .errors import QueryFailedError


def run_local(trino_sql: str, catalog_path: str) -> pd.DataFrame:
    """The query's result on the local catalog (opened read-only: several readers can share it)."""
    if not os.path.exists(catalog_path):
        raise FileNotFoundError(
            f"no local catalog at {catalog_path}; register the lake's tables first "
            "(spotify_etl.catalog.local_catalog.register_tables, done by `spotify-etl run` and `analyze`)"
        )
    duckdb_sql = to_duckdb(trino_sql)
    with duckdb.connect(catalog_path, read_only=True) as connection:
        try:
            return connection.sql(duckdb_sql).df()
        except duckdb.Error as error:
            raise QueryFailedError(f"DuckDB: {error}") from error
