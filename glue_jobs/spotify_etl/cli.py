"""``spotify-etl``: the pipeline on a laptop (extract, transform, analyze, or all of it: run).

The commands call the same code that runs on AWS: the extract Lambda's extractor, the Glue jobs
(through the same argument parser) and the same SQL files that Athena runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .spark_session import JavaNotFoundError

if TYPE_CHECKING:
    from .snapshot_dates import DateSelection

DEFAULT_LAKE = "lake"


def _add_lake(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", default=DEFAULT_LAKE, help="the local lake folder (default: ./lake)")


def _selection(values: Sequence[str] | None) -> DateSelection | None:
    """``--snapshot-date`` values (dates, ``first..last`` ranges, comma lists, ``all``) as one
    selection; None when none was given."""
    from .snapshot_dates import parse_snapshot_dates

    selection = None
    for value in values or []:
        named = parse_snapshot_dates(value, "--snapshot-date")
        selection = named if selection is None else selection.union(named)
    return selection


def _transform(args: argparse.Namespace) -> int:
    from .local_workflow import transform

    transform(args.lake, _selection(args.snapshot_date))
    return 0


def _run(args: argparse.Namespace) -> int:
    """extract -> transform -> analyze, as the parts are there."""
    from extract_lambda import local as extract

    from .analysis.command import summarize_run
    from .analysis.health import summarize_health
    from .local_workflow import transform

    lake = os.path.abspath(args.lake)
    has_credentials = extract.has_local_credentials()  # spotipy's variables or `spotify-etl auth`'s file
    dates = [None] if has_credentials else extract.sample_snapshot_dates()
    source = (
        "the Spotify Web API"
        if has_credentials
        else "the bundled sample of API responses (no credentials set)"
    )
    print(f"[1/3] extract from {source} into {lake}/raw", flush=True)
    extracted = []
    for snapshot_date in dates:
        summary = extract.run_local_extract(lake, snapshot_date=snapshot_date)
        extracted.append(summary["snapshot_date"])
        landed = [p for p in summary["playlists"] if p["status"] == "ok"]
        print(
            f"  {summary['snapshot_date']}: {len(landed)}/{len(summary['playlists'])} playlists landed",
            flush=True,
        )
        for line in extract.format_discovery(summary):
            print(f"    {line}", flush=True)
        for playlist in summary["playlists"]:
            if playlist["status"] != "ok":
                print(
                    f"    {playlist['playlist_id']}: {playlist['status']}: {playlist.get('error')}",
                    flush=True,
                )
    print("[2/3] transform (the Glue workflow's jobs, on local Spark, every date in one pass)", flush=True)
    transform(lake, _selection([",".join(sorted(set(extracted)))]))
    print("[3/3] analyze (the sql/ queries, on DuckDB; then the API's health)", flush=True)
    plot_dir = args.plot or os.path.join(lake, "charts")
    summarize_run(lake, plot_dir)
    print(flush=True)
    summarize_health(lake, plot_dir)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from extract_lambda import auth
    from extract_lambda import local as extract

    from .analysis import command as analyze
    from .analysis import health
    from .snowflake import command as load_snowflake

    parser = argparse.ArgumentParser(prog="spotify-etl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    auth_parser = commands.add_parser(
        "auth", help="authorize the Spotify app once as your user: a refresh token for the Lambda or extract"
    )
    auth.configure_parser(auth_parser)
    auth_parser.set_defaults(handler=auth.main)

    extract_parser = commands.add_parser(
        "extract", help="read playlists (or replay the sample) into LAKE/raw"
    )
    extract.configure_parser(extract_parser)
    extract_parser.set_defaults(handler=extract.main)

    transform_parser = commands.add_parser(
        "transform", help="run the Glue jobs locally: LAKE/raw -> LAKE/curated"
    )
    _add_lake(transform_parser)
    transform_parser.add_argument(
        "--snapshot-date",
        action="append",
        metavar="DATES",
        help="a date (YYYY-MM-DD), a range (FIRST..LAST, the dates of it that raw holds), a comma "
        "list of both, or all (repeatable; default: every date in LAKE/raw), all in one pass",
    )
    transform_parser.set_defaults(handler=_transform)

    analyze_parser = commands.add_parser("analyze", help="run the sql/ questions on DuckDB (or Athena)")
    analyze.configure_parser(analyze_parser)
    analyze_parser.set_defaults(handler=analyze.main)

    health_parser = commands.add_parser(
        "health", help="how the Spotify API answered, per date (api_health): drift table and chart"
    )
    health.configure_parser(health_parser)
    health_parser.set_defaults(handler=health.main)

    snowflake_parser = commands.add_parser(
        "load-snowflake", help="load the published dates into Snowflake (or a local fakesnow)"
    )
    load_snowflake.configure_parser(snowflake_parser)
    snowflake_parser.set_defaults(handler=load_snowflake.main)

    run_parser = commands.add_parser("run", help="the whole pipeline: extract, transform, analyze")
    _add_lake(run_parser)
    run_parser.add_argument("--plot", metavar="DIR", help="where to write the charts (default: LAKE/charts)")
    run_parser.set_defaults(handler=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The extractor logs JSON lines for CloudWatch; on a terminal the commands print a summary
    # instead, so only errors are logged unless POWERTOOLS_LOG_LEVEL says otherwise.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (FileNotFoundError, ValueError, JavaNotFoundError) as error:  # one clear line, no traceback
        print(f"spotify-etl {args.command}: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # a job ran and failed: its message says which dates and why
        from .jobs.build_tables import DatesNotPublishedError
        from .jobs.normalize_items import ApiDriftError, NoValidInputError

        if not isinstance(error, NoValidInputError | ApiDriftError | DatesNotPublishedError):
            raise
        print(f"spotify-etl {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
