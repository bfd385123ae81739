"""A Snowflake on a laptop: fakesnow (DuckDB behind the real connector's API) over the local lake.

``spotify-etl load-snowflake --fakesnow`` and the tests use it: the objects terraform/snowflake
creates in a real account are created here from the same generator (``sql.create_table_sql``),
with a ``file://`` external stage on ``<lake>/curated/`` standing in for the S3 stage on
``s3://<curated bucket>/curated/``. Needs the dev extras (``fakesnow``).

What fakesnow models and what it does not is in docs/snowflake.md ("What only a real account can
prove"). One difference is bridged here, deliberately: Spark on a local file system writes a
hidden ``.part-....parquet.crc`` checksum beside every Parquet file, which S3 never holds; the
stand-in stage lists files as S3 would, without the hidden ones (``_``/``.`` prefixed, which
Spark's own readers skip too).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from typing import Any

from ..lake_layout import join
from ..schemas import TABLES
from . import sql

DATABASE = "SPOTIFY_ETL"
SCHEMA = "CURATED"


def _is_hidden(url: str) -> bool:
    return os.path.basename(url.rstrip("/")).startswith((".", "_"))


@contextlib.contextmanager
def fakesnow_snowflake(db_path: str | None = None) -> Iterator[None]:
    """Patch ``snowflake.connector.connect`` with fakesnow for the ``with`` block.

    ``db_path``: a folder that keeps the databases between runs (tables and their rows; stages
    and file formats live in memory and are created again by ``create_objects``); None keeps
    everything in memory.
    """
    import fakesnow
    import fakesnow.copy_into as fake_copy

    listing = fake_copy._source_glob  # fakesnow 0.12's stage listing (pinned in pyproject.toml)

    def as_on_s3(source: str, duck_conn: Any) -> list[str]:
        return [url for url in listing(source, duck_conn) if not _is_hidden(url)]

    if db_path:
        os.makedirs(db_path, exist_ok=True)
    fake_copy._source_glob = as_on_s3
    try:
        with fakesnow.patch(db_path=db_path), warnings.catch_warnings():
            # fakesnow's cursor warns that it copies DuckDB's Arrow result: a fakesnow detail.
            warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
            yield
    finally:
        fake_copy._source_glob = listing


def connect_local() -> Any:
    """A connection to the stand-in's database and schema (inside ``fakesnow_snowflake``)."""
    import snowflake.connector

    return snowflake.connector.connect(database=DATABASE, schema=SCHEMA)


def object_statements(lake_path: str, auto_ingest: bool = False) -> list[str]:
    """What terraform/snowflake creates, as statements for the stand-in: the Parquet file format,
    the stage on ``<lake>/curated/`` and the four tables (or, ``auto_ingest``, the landing tables
    and the views named after the tables)."""
    curated = join(os.path.abspath(lake_path), "curated") + "/"
    statements = [
        f"CREATE OR REPLACE FILE FORMAT {sql.FILE_FORMAT} TYPE = PARQUET",
        f"CREATE OR REPLACE STAGE {sql.STAGE} URL = 'file://{curated}' "
        f"FILE_FORMAT = (FORMAT_NAME = '{sql.FILE_FORMAT}')",
    ]
    for table in TABLES:
        if auto_ingest:
            statements += [sql.create_landing_table_sql(table), sql.create_view_sql(table)]
        else:
            statements.append(sql.create_table_sql(table))
    return statements


def create_objects(connection: Any, lake_path: str, auto_ingest: bool = False) -> None:
    """Create (or keep) the stand-in's objects over ``lake_path``."""
    cursor = connection.cursor()
    for statement in object_statements(lake_path, auto_ingest):
        cursor.execute(statement)
