"""``spotify-etl extract``: the Lambda's extraction on a laptop, into ``DIR/raw``.

With spotipy's variables (``SPOTIPY_CLIENT_ID``, ``SPOTIPY_CLIENT_SECRET``, optional
``SPOTIPY_REFRESH_TOKEN``) it reads the real Web API. Without them it replays the bundled
sample through the very same spotipy client, retries, pagination and landing code: only the
``requests`` transport is swapped for one that answers from the recordings. Like the Lambda it
reads ``EXTRACT_CONCURRENCY`` playlists at once (default 8) and ``RAW_PART_MAX_BYTES``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import requests

from .budget import TimeBudget
from .config import (
    DEFAULT_ACCOUNTS_BASE_URL,
    DEFAULT_API_BASE_URL,
    EXTRACT_CONCURRENCY,
    PLAYLIST_IDS,
    SPOTIFY_ACCOUNTS_BASE_URL,
    SPOTIFY_API_BASE_URL,
    ConfigError,
    parse_concurrency,
    parse_part_max_bytes,
    with_trailing_slash,
)
from .config import RAW_PART_MAX_BYTES as PART_MAX_BYTES_VAR
from .credentials import SpotifyCredentials
from .handler import parse_snapshot_date
from .landing import LocalLanding
from .log import install_log_redaction, logger
from .playlist_ids import parse_playlist_ids
from .replay import Recording, load_recording, replay_session, sample_dates
from .run_id import utc_now
from .runner import run_extract
from .spotify_client import SpotifyApi, build_spotify_api

REPLAY_CREDENTIALS = ("replay-client-id", "replay-client-secret")
"""Throwaway credentials for the replay: they only ever reach the replay adapter."""


def replay_transport(recording: Recording) -> requests.Session:
    """A session answered by the recording: one per worker thread, like the real transport."""
    return replay_session(recording)[0]


def sample_snapshot_dates() -> list[str]:
    """The snapshot dates recorded in the bundled sample, oldest first."""
    return sample_dates()


def run_local_extract(
    lake_dir: str,
    snapshot_date: str | None = None,
    playlist_ids: list[str] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> dict[str, Any]:
    """Extract into ``lake_dir/raw/snapshot_date=D/<run_id>.jsonl.gz`` (+ manifest); the handler's summary."""
    install_log_redaction()
    credentials = SpotifyCredentials.from_local_env(environ)
    concurrency = parse_concurrency(environ.get(EXTRACT_CONCURRENCY))
    session_factory: Callable[[], requests.Session] | None = None
    if credentials is None:
        dates = sample_snapshot_dates()
        snapshot_date = parse_snapshot_date(snapshot_date) if snapshot_date else dates[-1]
        recording = load_recording(snapshot_date)  # a clear error when the date is not in the sample
        ids = parse_playlist_ids(playlist_ids) if playlist_ids else recording.playlist_ids
        session_factory = partial(replay_transport, recording)
        credentials = SpotifyCredentials(*REPLAY_CREDENTIALS)
        api_base, accounts_base = DEFAULT_API_BASE_URL, DEFAULT_ACCOUNTS_BASE_URL
        logger.info("replaying the bundled sample", extra={"snapshot_date": snapshot_date})
    else:
        snapshot_date = parse_snapshot_date(snapshot_date) if snapshot_date else utc_now().date().isoformat()
        source = playlist_ids or environ.get(PLAYLIST_IDS, "")
        try:
            ids = parse_playlist_ids(source)
        except ValueError as error:
            raise ConfigError(f"playlist IDs (--playlist-ids or {PLAYLIST_IDS}): {error}") from None
        api_base = with_trailing_slash(environ.get(SPOTIFY_API_BASE_URL) or DEFAULT_API_BASE_URL)
        accounts_base = with_trailing_slash(
            environ.get(SPOTIFY_ACCOUNTS_BASE_URL) or DEFAULT_ACCOUNTS_BASE_URL
        )

    budget = TimeBudget(None)

    def api_factory() -> SpotifyApi:
        return build_spotify_api(
            credentials, budget, api_base, accounts_base, session_factory=session_factory
        )

    return run_extract(
        api_factory=api_factory,
        playlist_ids=list(ids),
        snapshot_date=snapshot_date,
        landing=LocalLanding(Path(lake_dir) / "raw"),
        budget=budget,
        part_max_bytes=parse_part_max_bytes(environ.get(PART_MAX_BYTES_VAR)),
        concurrency=concurrency,
    )


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``spotify-etl extract``."""
    parser.add_argument(
        "--lake", default="lake", help="the local lake folder; raw files go to LAKE/raw (default: lake)"
    )
    parser.add_argument(
        "--snapshot-date",
        default=None,
        help="YYYY-MM-DD; replay: a date of the sample (default: the latest); real API: default today (UTC)",
    )
    parser.add_argument(
        "--playlist-ids",
        default=None,
        help="comma-separated playlist IDs, spotify: URIs or open.spotify.com URLs "
        "(default: PLAYLIST_IDS; replay: every playlist in the sample)",
    )


def format_summary(summary: dict[str, Any]) -> str:
    """A few lines for a person: each playlist's status and items, then where the files are."""
    lines = [f"run {summary['run_id']}  snapshot_date {summary['snapshot_date']}  {summary['status']}"]
    for result in summary["playlists"]:
        name = result["name"] or result["playlist_id"]
        items = "" if result["item_count"] is None else f"{result['item_count']} items"
        lines.append(f"  {result['status']:<7} {name:<32} {items}")
        if result["error"]:
            lines.append(f"          {result['error']}")
    for obj in summary["objects"]:
        lines.append(f"raw:      {obj['uri']}")
    lines.append(f"manifest: {summary['manifest'] or summary['manifest_error']}")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Run the extraction; exit status 1 when no playlist landed (as the Lambda would raise)."""
    if "POWERTOOLS_LOG_LEVEL" not in os.environ:
        logger.setLevel("ERROR")  # the human summary below is the output; JSON logs on request
    playlist_ids = args.playlist_ids.split(",") if args.playlist_ids else None
    try:
        summary = run_local_extract(args.lake, args.snapshot_date, playlist_ids)
    except ValueError as error:
        print(f"spotify-etl extract: {error}", file=sys.stderr)
        return 2
    print(format_summary(summary))
    return 1 if summary["status"] == "failed" else 0
