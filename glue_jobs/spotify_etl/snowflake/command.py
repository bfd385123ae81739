"""``spotify-etl load-snowflake``: load a lake's published dates into Snowflake (or fakesnow).

    spotify-etl load-snowflake --lake lake                      # SNOWFLAKE_* environment variables
    spotify-etl load-snowflake --lake lake --connection NAME    # a connections.toml profile
    spotify-etl load-snowflake --lake lake --fakesnow           # a local fakesnow database

The lake may be local or ``s3://<curated bucket>`` (then name the dates); the Snowflake side
reads the files through its own stage, so the lake named here is where the build_tables reports
are read, and must be the one the stage points at.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..lake_layout import join
from ..schemas import TABLES
from . import sql
from .loader import LoadError, LoadSummary, load_dates
from .reports import reported_dates


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lake", default="lake", help="the lake whose curated tables are loaded (default: ./lake)"
    )
    parser.add_argument(
        "--snapshot-date",
        action="append",
        metavar="YYYY-MM-DD",
        help="a date to load (repeatable; default: every date of a local lake with a build_tables report)",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--connection", metavar="NAME", help="a connections.toml profile (default: SNOWFLAKE_* variables)"
    )
    target.add_argument(
        "--fakesnow",
        nargs="?",
        const="",
        metavar="DIR",
        help="load into a local fakesnow database kept in DIR (default: LAKE/snowflake), created "
        "from the same DDL, with a file:// stage on LAKE/curated/",
    )


def _show_tables(connection: Any) -> None:
    cursor = connection.cursor()
    print("rows per table and date in Snowflake:")
    for table in TABLES:
        cursor.execute(sql.rows_by_date_sql(table))
        for snapshot_date, rows in cursor.fetchall():
            print(f"  {sql.table_name(table):<9} {snapshot_date}  {rows:>9}")


def _load(connection: Any, lake: str, dates: list[str]) -> LoadSummary:
    try:
        summary = load_dates(connection, lake, dates)
        _show_tables(connection)
    finally:
        connection.close()
    return summary


def main(args: argparse.Namespace) -> int:
    """Load, print what was loaded and skipped; 1 when a load failed or nothing was loaded."""
    lake = args.lake if args.lake.startswith("s3://") else os.path.abspath(args.lake)
    dates = [sql.checked_date(d) for d in args.snapshot_date or []] or reported_dates(lake)
    if not dates:
        reports = join(lake, "reports")
        raise FileNotFoundError(f"no build_tables report in {reports}: run `spotify-etl transform` first")
    from snowflake.connector.errors import Error as SnowflakeError

    try:
        if args.fakesnow is not None:
            from .local import connect_local, create_objects, fakesnow_snowflake

            db_path = args.fakesnow or join(lake, "snowflake")
            stage = f"file://{join(lake, 'curated')}/"
            print(f"loading {', '.join(dates)} into fakesnow ({db_path}), stage {stage}")
            with fakesnow_snowflake(db_path):
                connection = connect_local()
                create_objects(connection, lake)
                summary = _load(connection, lake, dates)
        else:
            from .connection import connect

            print(f"loading {', '.join(dates)} into Snowflake")
            summary = _load(connect(connection_name=args.connection), lake, dates)
    except (LoadError, SnowflakeError) as error:  # one clear line; the rolled-back load says why
        print(f"spotify-etl load-snowflake: {error}")
        return 1
    if not summary.loaded:
        print("spotify-etl load-snowflake: nothing loaded (see the dates above)")
        return 1
    return 0
