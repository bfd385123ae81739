"""``spotify-etl health``: how the Spotify Web API answered, snapshot date by snapshot date.

Reads the api_health table (normalize_items writes it: schemas.API_HEALTH_SCHEMA) through the
local catalog with DuckDB, like the other analysis code, and prints one table per measure of
``schemas.API_HEALTH_MEASURES``: field presence, item shapes, item types, unknown fields and
HTTP outcomes, a column per date. The chart (field presence over time) goes beside the others.
``spotify-etl run`` prints the same summary after the analysis.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from typing import TextIO

import pandas as pd

from ..catalog.local_catalog import parquet_glob, register_tables
from ..lake_layout import is_s3
from ..schemas import API_HEALTH_MEASURES
from .charts import API_HEALTH_PNG, plot_field_presence
from .command import DEFAULT_LAKE, Runner, local_runner
from .render import format_table

COMMAND = "spotify-etl health"
HEALTH_TABLE = "api_health"
SHARE_MEASURE = "field_present"
"""The measure printed as a share of items (percent); the others are counts."""
MAX_DATES = 14
"""Date columns printed (the latest ones); the chart shows every date."""
HEALTH_QUERY = (
    'SELECT snapshot_date, measure, name, "count", total, share FROM api_health '
    "ORDER BY snapshot_date, measure, name"
)
"""Trino SQL (runs on Athena as it is; locally translated to DuckDB like the sql/ queries)."""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the health options to ``parser`` (a subcommand's parser)."""
    parser.add_argument(
        "--lake", default=DEFAULT_LAKE, metavar="DIR", help="local lake folder (default: lake)"
    )
    parser.add_argument(
        "--plot", metavar="DIR", help=f"where to write {API_HEALTH_PNG} (default: LAKE/charts)"
    )


def main(args: argparse.Namespace) -> int:
    """Print the drift tables and write the chart; 1 when the lake has no api_health table."""
    lake = args.lake
    if is_s3(lake):
        print(f"{COMMAND}: error: --lake {lake} is on S3: query api_health with Athena", file=sys.stderr)
        return 2
    if not os.path.isdir(lake):
        print(
            f"{COMMAND}: error: no lake folder {lake}; run `spotify-etl run --lake {lake}` first",
            file=sys.stderr,
        )
        return 2
    if not has_health_table(lake):
        print(no_health_table_message(lake), file=sys.stderr)
        return 1
    summarize_health(lake, args.plot or os.path.join(lake, "charts"))
    return 0


def has_health_table(lake_path: str) -> bool:
    """Whether the lake holds api_health files (a lake written before the sentinel has none)."""
    return bool(glob.glob(parquet_glob(os.path.abspath(lake_path), HEALTH_TABLE)))


def no_health_table_message(lake_path: str) -> str:
    """One line: what is missing, why, and what to run."""
    return (
        f"{COMMAND}: no api_health table in {lake_path} (written by normalize_items since the API "
        f"drift sentinel; this lake is older): run `spotify-etl transform --lake {lake_path}` to measure it"
    )


def summarize_health(lake_path: str, plot_dir: str, out: TextIO | None = None) -> str | None:
    """Register the local catalog, print the drift tables and write ``api_health.png`` into
    ``plot_dir``; return the chart's path, or None (and one line saying so) without api_health.

    ``out`` defaults to ``sys.stdout`` as it is at call time.
    """
    out = out if out is not None else sys.stdout
    if not has_health_table(lake_path):
        out.write(no_health_table_message(lake_path) + "\n")
        return None
    health = read_health(local_runner(register_tables(lake_path)))
    out.write(format_health(health))
    path = plot_field_presence(health, os.path.join(plot_dir, API_HEALTH_PNG))
    out.write(f"Chart written: {path}\n")
    return path


def read_health(runner: Runner) -> pd.DataFrame:
    """Every api_health row: snapshot_date, measure, name, count, total, share."""
    return runner(HEALTH_QUERY)


def format_health(health: pd.DataFrame, max_dates: int = MAX_DATES) -> str:
    """The drift tables as text: a header line, then one table per measure that has rows."""
    dates = sorted(str(d) for d in health["snapshot_date"].unique())
    if not dates:
        return "API health (api_health): no rows.\n"
    shown = dates[-max_dates:]
    lines = [f"API health (api_health): {len(dates)} snapshot date(s), {dates[0]} to {dates[-1]}."]
    if len(shown) < len(dates):
        lines.append(f"(the latest {len(shown)} dates; the chart shows all {len(dates)})")
    text = "\n".join(lines) + "\n\n"
    for measure in measures(health):
        table = measure_table(health, measure, shown)
        unit = (
            "share of items in percent; - where the date had no items"
            if measure == SHARE_MEASURE
            else "count; 0: none that date"
        )
        title = f"{measure}: {API_HEALTH_MEASURES.get(measure, measure)}"
        text += format_table(table, title=title, notes=[f"({unit})"]) + "\n"
    return text


def measures(health: pd.DataFrame) -> list[str]:
    """The measures present, in API_HEALTH_MEASURES order (any other after them, by name)."""
    present = set(health["measure"])
    known = [measure for measure in API_HEALTH_MEASURES if measure in present]
    return known + sorted(present - set(known))


def measure_table(health: pd.DataFrame, measure: str, dates: list[str]) -> pd.DataFrame:
    """One measure as a table: a row per name (sorted), a column per date of ``dates``.

    ``field_present`` cells are the share of items in percent (one decimal; null when the date
    had no items or did not measure the field). The other measures are counts, 0 for a name that
    a measured date (one with any api_health row) does not list: no item of that type, no raw
    object with that unknown field, no playlist with that status.
    """
    rows = health[health["measure"] == measure]
    value = "share" if measure == SHARE_MEASURE else "count"
    cells = rows.groupby(["name", "snapshot_date"])[value].first().unstack("snapshot_date")
    cells = cells.reindex(columns=dates).sort_index()
    cells.columns = [str(date) for date in cells.columns]
    if measure == SHARE_MEASURE:
        cells = (cells.astype("Float64") * 100).round(1)
    else:
        measured = {str(date) for date in health["snapshot_date"]}
        for date in cells.columns:
            if date in measured:
                cells[date] = cells[date].fillna(0)
        cells = cells.astype("Int64")
    return cells.rename_axis(columns=None).reset_index()
