"""The local catalog: a DuckDB file with one view per catalog table (the curated tables and
api_health), as Athena sees them.

``make run`` and the analysis commands query ``<lake>/catalog.duckdb`` the way Athena queries the
Glue Data Catalog: the same table names, ``snapshot_date`` a string partition column. The views
read the Parquet files at query time, so registering again is only needed when a table gets its
first files (until then its view is an empty, typed stand-in).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructType,
    TimestampType,
)

from ..lake_layout import is_s3, join, local_catalog_path, table_path
from ..schemas import CATALOG_TABLES, PARTITION_COLUMN

_DUCKDB_TYPES: dict[type[DataType], str] = {
    StringType: "VARCHAR",
    IntegerType: "INTEGER",
    LongType: "BIGINT",
    DoubleType: "DOUBLE",
    BooleanType: "BOOLEAN",
    DateType: "DATE",
    TimestampType: "TIMESTAMP",
}


def duckdb_type(data_type: DataType) -> str:
    """The DuckDB type of a Spark type, for the empty stand-in view of a table without files."""
    if isinstance(data_type, ArrayType):
        return f"{duckdb_type(data_type.elementType)}[]"
    if isinstance(data_type, StructType):
        inner = ", ".join(f'"{field.name}" {duckdb_type(field.dataType)}' for field in data_type.fields)
        return f"STRUCT({inner})"
    for spark_type, name in _DUCKDB_TYPES.items():
        if isinstance(data_type, spark_type):
            return name
    raise ValueError(f"no DuckDB type for Spark type {data_type.simpleString()}; add it to duckdb_type()")


def parquet_glob(lake_path: str, table: str) -> str:
    """Every Parquet file of every partition of a table (``_SUCCESS`` and the like excluded)."""
    return join(table_path(lake_path, table), "*", "*.parquet")


def view_sql(lake_path: str, table: str) -> str:
    """``CREATE OR REPLACE VIEW`` for one table: over its files, or empty with the schema's types."""
    pattern = parquet_glob(os.path.abspath(lake_path), table)
    if glob.glob(pattern):
        source = (
            f"SELECT * FROM read_parquet({_quote(pattern)}, hive_partitioning = true, "
            f"hive_types = {{'{PARTITION_COLUMN}': VARCHAR}}, union_by_name = true)"
        )
    else:
        columns = ", ".join(
            f'CAST(NULL AS {duckdb_type(f.dataType)}) AS "{f.name}"' for f in CATALOG_TABLES[table].fields
        )
        source = f"SELECT {columns} WHERE false"
    return f'CREATE OR REPLACE VIEW "{table}" AS {source}'


def register_tables(lake_path: str, tables: Iterable[str] = CATALOG_TABLES) -> str:
    """Create or refresh ``<lake>/catalog.duckdb`` with a view per table; return its path.

    Paths in the views are absolute, so the catalog works from any working directory.
    Idempotent: every view is replaced, nothing else in the file is touched.
    """
    import duckdb

    if is_s3(lake_path):
        raise ValueError(f"the local catalog is for a local lake folder, not {lake_path}; use Athena")
    os.makedirs(lake_path, exist_ok=True)
    catalog = local_catalog_path(lake_path)
    with duckdb.connect(catalog) as connection:
        for table in tables:
            connection.execute(view_sql(lake_path, table))
    return catalog


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
