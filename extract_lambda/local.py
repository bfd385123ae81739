"""``spotify-etl extract``: the Lambda's extraction on a laptop, into ``DIR/raw``.

Credentials, first found wins: spotipy's variables (``SPOTIPY_CLIENT_ID``,
``SPOTIPY_CLIENT_SECRET``, optional ``SPOTIPY_REFRESH_TOKEN``), then the credentials file that
``spotify-etl auth`` writes (``credentials_file``). With either it reads the real Web API
(``PLAYLIST_IDS``, default ``mine``); a refresh token that Spotify rotates is written back to the
file. Without credentials it replays the bundled sample through the very same spotipy client,
retries, pagination and landing code, as the sample's user (a refresh-token grant, ``mine``):
only the ``requests`` transport is swapped for one that answers from the recordings. Like the
Lambda it reads ``EXTRACT_CONCURRENCY`` playlists at once (default 8) and ``RAW_PART_MAX_BYTES``.
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
    DEFAULT_PLAYLIST_IDS,
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
from .credentials import LOCAL_REFRESH_TOKEN, CredentialsError, SpotifyCredentials
from .credentials_file import credentials_path, merge_credentials_file, read_credentials_file
from .handler import parse_snapshot_date
from .landing import LocalLanding
from .log import install_log_redaction, logger
from .playlist_ids import parse_playlist_ids
from .replay import Recording, load_recording, replay_session, sample_dates
from .run_id import utc_now
from .runner import run_extract
from .spotify_client import SpotifyApi, build_spotify_api

REPLAY_CREDENTIALS = ("replay-client-id", "replay-client-secret", "replay-refresh-token")
"""Throwaway credentials for the replay: they only ever reach the replay adapter, which answers
the refresh-token grant with a user token for the sample's user."""
LOCAL_REAUTHORIZE = "spotify-etl auth"


def local_credentials(
    environ: Mapping[str, str] = os.environ,
) -> tuple[SpotifyCredentials | None, Path | None]:
    """The local credentials and the file they came from: spotipy's variables (no file), else the
    credentials file, else ``(None, None)`` (replay the sample)."""
    from_env = SpotifyCredentials.from_local_env(environ)
    if from_env is not None:
        return from_env, None
    path = credentials_path(environ)
    values = read_credentials_file(path)
    if values is None:
        return None, None
    return SpotifyCredentials.from_json(values, f"the credentials file {path}"), path


def has_local_credentials(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``spotify-etl extract`` would read the real Web API (else it replays the sample)."""
    return local_credentials(environ)[0] is not None


def _refresh_token_sink(path: Path | None, environ: Mapping[str, str]) -> Callable[[str], str]:
    """Where a rotated refresh token goes: the credentials file it came from; from the
    environment it cannot be kept, which the summary and the log then say."""

    def keep(refresh_token: str) -> str:
        if path is None:
            raise CredentialsError(
                f"{LOCAL_REFRESH_TOKEN} comes from the environment, which this command cannot change; "
                f"run `{LOCAL_REAUTHORIZE}` to keep credentials in {credentials_path(environ)}, which "
                "is then updated by itself"
            )
        return str(merge_credentials_file(path, {"refresh_token": refresh_token}))

    return keep


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
    credentials, path = local_credentials(environ)
    concurrency = parse_concurrency(environ.get(EXTRACT_CONCURRENCY))
    session_factory: Callable[[], requests.Session] | None = None
    on_refresh_token: Callable[[str], str] | None = None
    if credentials is None:
        dates = sample_snapshot_dates()
        snapshot_date = parse_snapshot_date(snapshot_date) if snapshot_date else dates[-1]
        recording = load_recording(snapshot_date)  # a clear error when the date is not in the sample
        ids = parse_playlist_ids(playlist_ids) if playlist_ids else recording.default_refs
        session_factory = partial(replay_transport, recording)
        credentials = SpotifyCredentials(*REPLAY_CREDENTIALS)
        api_base, accounts_base = DEFAULT_API_BASE_URL, DEFAULT_ACCOUNTS_BASE_URL
        logger.info("replaying the bundled sample", extra={"snapshot_date": snapshot_date})
    else:
        snapshot_date = parse_snapshot_date(snapshot_date) if snapshot_date else utc_now().date().isoformat()
        source = playlist_ids or environ.get(PLAYLIST_IDS, "")
        try:
            ids = parse_playlist_ids(source, default=DEFAULT_PLAYLIST_IDS)
        except ValueError as error:
            raise ConfigError(f"playlist IDs (--playlist-ids or {PLAYLIST_IDS}): {error}") from None
        api_base = with_trailing_slash(environ.get(SPOTIFY_API_BASE_URL) or DEFAULT_API_BASE_URL)
        accounts_base = with_trailing_slash(
            environ.get(SPOTIFY_ACCOUNTS_BASE_URL) or DEFAULT_ACCOUNTS_BASE_URL
        )
        on_refresh_token = _refresh_token_sink(path, environ)

    budget = TimeBudget(None)
    real_credentials = credentials

    def api_factory() -> SpotifyApi:
        return build_spotify_api(
            real_credentials,
            budget,
            api_base,
            accounts_base,
            session_factory=session_factory,
            reauthorize_command=LOCAL_REAUTHORIZE,
            on_refresh_token=on_refresh_token,
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
        help="comma-separated playlist IDs, spotify: URIs, open.spotify.com URLs and 'mine' (the "
        "playlists you own or collaborate on) (default: PLAYLIST_IDS, else mine; replay: the sample's "
        "mine plus two refused playlists)",
    )


def format_discovery(summary: dict[str, Any]) -> list[str]:
    """What ``mine`` found: one line, then one per playlist left out (with why)."""
    discovery = summary.get("discovery")
    if not discovery:
        return []
    if discovery["status"] != "ok":
        return [f"mine: not resolved: {discovery['error']}"]
    lines = [
        f"mine: {discovery['kept']} of the {discovery['found']} playlists of "
        f"{discovery['user_name'] or discovery['user_id']} kept (owned or collaborative)"
    ]
    for playlist in discovery["playlists"]:
        if not playlist["kept"]:
            lines.append(f"  {playlist['name'] or playlist['id']}: {playlist['reason']}")
    return lines


def format_summary(summary: dict[str, Any]) -> str:
    """A few lines for a person: what ``mine`` found, each playlist's status and items, then where
    the files are."""
    lines = [f"run {summary['run_id']}  snapshot_date {summary['snapshot_date']}  {summary['status']}"]
    lines += format_discovery(summary)
    if summary.get("error") and not (summary.get("discovery") or {}).get("error"):
        lines.append(f"error: {summary['error']}")
    for result in summary["playlists"]:
        name = result["name"] or result["playlist_id"]
        items = "" if result["item_count"] is None else f"{result['item_count']} items"
        lines.append(f"  {result['status']:<7} {name:<32} {items}")
        if result["error"]:
            lines.append(f"          {result['error']}")
        if result["warning"]:
            lines.append(f"          warning: {result['warning']}")
    rotation = (summary.get("auth") or {}).get("refresh_token_rotated")
    if rotation:
        kept = f"kept in {rotation['saved_to']}" if rotation["saved_to"] else f"NOT kept: {rotation['error']}"
        lines.append(f"Spotify issued a new refresh token: {kept}")
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
