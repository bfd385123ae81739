"""``spotify-etl analyze``: run the ``sql/`` questions locally (DuckDB) or on Athena, print, chart.

The lead wires this into the CLI: ``configure_parser`` on a subparser, ``main`` as its handler,
and ``summarize_run`` at the end of ``spotify-etl run``. Locally the lake's tables are
(re)registered in ``<lake>/catalog.duckdb`` first, so a fresh lake needs no separate step.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

import pandas as pd

from ..catalog.local_catalog import register_tables
from ..lake_layout import is_s3
from .as_of import AsOfError, query_text, validate_snapshot_date
from .charts import CHART_MOVEMENT_PNG, TOP_ARTISTS_PNG, plot_chart_movement, plot_top_artists
from .deployment import Deployment, DeploymentError, Setting
from .errors import QueryFailedError
from .queries import Query, UnknownQueryError, load_queries, load_query
from .render import format_table

Runner = Callable[[str], pd.DataFrame]
"""Runs one Trino query and returns its result: locally or on Athena."""

COMMAND = "spotify-etl analyze"
"""How the CLI names this command, for messages (change here if the CLI names it otherwise)."""
DEFAULT_LAKE = "lake"
WORKGROUP_OUTPUT = "athena_workgroup"
DATABASE_OUTPUT = "glue_database"
REGION_OUTPUT = "region"
"""Terraform outputs (terraform/outputs.tf) that --athena reads when the flags are not given.
Never Athena's ``primary`` workgroup: the deployed one enforces the scan cutoff and encrypts
the results with the project key."""
TOP_ARTISTS = "top_artists"
CHART_MOVERS = "chart_movers"
POSITION_HISTORY = "position_history"
SUMMARY_TOP = 10
"""How many top artists, and how many places of each playlist, the end-of-run summary prints."""


class UsageError(ValueError):
    """The arguments cannot work together; the message says what to pass instead."""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the analysis options to ``parser`` (a subcommand's parser)."""
    parser.add_argument(
        "--query",
        action="append",
        metavar="NAME",
        help="a query of sql/ by name, e.g. top_artists (repeat for several; default: all)",
    )
    parser.add_argument(
        "--lake", default=DEFAULT_LAKE, metavar="DIR", help="local lake folder (default: lake)"
    )
    parser.add_argument(
        "--snapshot-date",
        metavar="YYYY-MM-DD",
        help="answer as of this snapshot date instead of the latest one in the data",
    )
    parser.add_argument("--athena", action="store_true", help="run on Athena instead of the local lake")
    parser.add_argument(
        "--workgroup",
        metavar="W",
        help="Athena workgroup (default: the deployed one: SPOTIFY_ETL_ATHENA_WORKGROUP, "
        "else terraform output athena_workgroup)",
    )
    parser.add_argument(
        "--database",
        metavar="D",
        help="Glue database of the tables (default: the deployed one: SPOTIFY_ETL_GLUE_DATABASE, "
        "else terraform output glue_database)",
    )
    parser.add_argument("--plot", metavar="DIR", help="also write the charts (PNG) into DIR")


def main(args: argparse.Namespace) -> int:
    """Run the chosen queries, print each as a table, write the charts if asked; 0 when all went well."""
    try:
        snapshot_date = validate_snapshot_date(args.snapshot_date) if args.snapshot_date else None
        queries = load_queries(args.query)
        runner = _runner(args)
    except (UsageError, AsOfError, UnknownQueryError, FileNotFoundError) as error:
        print(f"{COMMAND}: error: {error}", file=sys.stderr)
        return 2
    results: dict[str, pd.DataFrame] = {}
    try:
        for query in queries:  # printed as each one finishes: Athena queries take seconds each
            results[query.name] = runner(query_text(query.sql, snapshot_date))
            sys.stdout.write(format_table(results[query.name], title=_title(query, snapshot_date)) + "\n")
        if args.plot:
            paths = write_charts(runner, args.plot, snapshot_date, results)
            sys.stdout.write("Charts: " + ", ".join(paths) + "\n")
    except QueryFailedError as error:
        print(f"{COMMAND}: error: {error}", file=sys.stderr)
        return 1
    return 0


def summarize_run(lake_path: str, plot_dir: str, out: TextIO | None = None) -> list[str]:
    """The end of ``spotify-etl run``: register the local catalog, print the top artists and the
    chart movers of the latest snapshot, write the charts into ``plot_dir``; return their paths.

    ``out`` defaults to ``sys.stdout`` as it is at call time (not at import: pytest's capture
    and redirections replace it).
    """
    out = out if out is not None else sys.stdout
    catalog = register_tables(lake_path)
    runner = local_runner(catalog)
    out.write(_snapshots_line(runner) + "\n\n")
    queries = [load_query(TOP_ARTISTS), load_query(CHART_MOVERS)]
    results = run_queries(queries, runner, None)
    top_artists, movers = results[TOP_ARTISTS], results[CHART_MOVERS]
    out.write(format_table(top_artists, title=_title(queries[0], None), max_rows=SUMMARY_TOP) + "\n")
    top_movers = movers[movers["current_rank"] <= SUMMARY_TOP]
    note = f"(the top {SUMMARY_TOP} of each playlist; every song: {COMMAND} --query {CHART_MOVERS})"
    out.write(format_table(top_movers, title=_title(queries[1], None), notes=[note]) + "\n")
    paths = write_charts(runner, plot_dir, None, results)
    out.write("Charts written: " + ", ".join(paths) + "\n")
    out.write(
        f"More questions (sql/*.sql): {COMMAND} --lake {lake_path} [--query NAME] [--snapshot-date D]\n"
    )
    return paths


def run_queries(
    queries: Sequence[Query], runner: Runner, snapshot_date: str | None
) -> dict[str, pd.DataFrame]:
    """Each query's result by name, pinned to ``snapshot_date`` when one is given."""
    return {query.name: runner(query_text(query.sql, snapshot_date)) for query in queries}


def write_charts(
    runner: Runner,
    plot_dir: str,
    snapshot_date: str | None,
    results: dict[str, pd.DataFrame] | None = None,
) -> list[str]:
    """Write top_artists.png and chart_movement.png, reusing results already at hand."""
    results = dict(results or {})
    for name in (TOP_ARTISTS, POSITION_HISTORY):
        if name not in results:
            results[name] = runner(query_text(load_query(name).sql, snapshot_date))
    snapshot = f"snapshot {snapshot_date}" if snapshot_date else "latest snapshot"
    return [
        plot_top_artists(results[TOP_ARTISTS], os.path.join(plot_dir, TOP_ARTISTS_PNG), snapshot=snapshot),
        plot_chart_movement(results[POSITION_HISTORY], os.path.join(plot_dir, CHART_MOVEMENT_PNG)),
    ]


def local_runner(catalog_path: str) -> Runner:
    """Queries on the local catalog (DuckDB)."""
    from .local_runner import run_local

    return lambda sql: run_local(sql, catalog_path)


def athena_runner(database: str, workgroup: str, region: str | None = None) -> Runner:
    """Queries on Athena (awswrangler), in the given database and workgroup (and region, when
    given; else the AWS configuration's)."""
    from .athena_runner import run_athena

    session = None
    if region:
        import boto3

        session = boto3.session.Session(region_name=region)
    return lambda sql: run_athena(sql, database=database, workgroup=workgroup, boto3_session=session)


def athena_target(
    args: argparse.Namespace, deployment: Deployment | None = None
) -> tuple[Setting, Setting, Setting | None]:
    """The workgroup, database and region --athena uses: the flags, else the deployment's
    (environment or Terraform outputs); a UsageError when one is known from nowhere."""
    deployment = deployment or Deployment()
    chosen = {}
    for flag, output in (("workgroup", WORKGROUP_OUTPUT), ("database", DATABASE_OUTPUT)):
        value = getattr(args, flag)
        chosen[output] = Setting(output, value, f"--{flag}") if value else deployment.get(output)
    missing = [output for output, setting in chosen.items() if setting is None]
    if missing:
        raise UsageError(
            f"--athena: {deployment.missing_message(missing)}; or pass --workgroup W --database D"
        )
    # The deployment's names belong to its region: Terraform's when a name came from Terraform,
    # SPOTIFY_ETL_REGION when set, else the AWS configuration's (None).
    from_terraform = any(setting.source.startswith("terraform") for setting in chosen.values())
    region = deployment.get(REGION_OUTPUT, terraform=from_terraform)
    return chosen[WORKGROUP_OUTPUT], chosen[DATABASE_OUTPUT], region


def _runner(args: argparse.Namespace) -> Runner:
    if args.athena:
        try:
            workgroup, database, region = athena_target(args)
        except DeploymentError as error:  # an environment value that is not valid JSON, say
            raise UsageError(f"--athena: {error}") from None
        where = f", region {region}" if region else ""
        print(f"{COMMAND}: Athena workgroup {workgroup}, database {database}{where}", file=sys.stderr)
        return athena_runner(database.value, workgroup.value, region.value if region else None)
    if is_s3(args.lake):
        raise UsageError(f"--lake {args.lake} is on S3: query it with --athena --database D")
    if not os.path.isdir(args.lake):
        raise FileNotFoundError(f"no lake folder {args.lake}; run `spotify-etl run --lake {args.lake}` first")
    return local_runner(register_tables(args.lake))


def _title(query: Query, snapshot_date: str | None) -> str:
    """The header's first line, then the query's name (and the pinned date, if any)."""
    as_of = f", snapshot {snapshot_date}" if snapshot_date else ""
    return f"{query.title} [{query.name}{as_of}]"


def _snapshots_line(runner: Runner) -> str:
    """Which snapshots the lake holds, so the tables' "latest" and "previous" have a date."""
    frame = runner(
        "SELECT count(DISTINCT snapshot_date) AS dates, min(snapshot_date) AS first_date, "
        "max(snapshot_date) AS last_date FROM playlist"
    )
    dates, first, last = (frame.iloc[0][c] for c in ("dates", "first_date", "last_date"))
    if not dates:
        return "The lake holds no snapshot yet."
    return f"The lake holds {int(dates)} snapshot date(s), {first} to {last}; latest: {last}."
