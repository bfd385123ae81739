"""The Lambda's edge: configuration, AWS clients and the event in; the run summary out.

Everything else is in ``runner.run_extract``, shared with the local ``spotify-etl extract``.
The invocation raises only when no playlist landed (so the Lambda error alarm fires); the
manifest is written either way. When Spotify rotates the refresh token, the new one is merged
into the secret at once (``secretsmanager:PutSecretValue`` on that secret only), never logged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from botocore.config import Config

from .budget import TimeBudget
from .config import ConfigError, ExtractConfig
from .credentials import SpotifyCredentials
from .landing import S3Landing
from .log import install_log_redaction, logger
from .playlist_ids import parse_playlist_ids
from .run_id import utc_now
from .runner import run_extract
from .secret_store import merge_secret
from .spotify_client import SpotifyApi, build_spotify_api
from .workflow import GlueWorkflowStarter

BOTO_CONFIG = Config(retries={"mode": "standard"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def boto_session() -> boto3.session.Session:
    """One session per execution environment: warm invocations reuse its loaded service models."""
    return boto3.session.Session()


class NoPlaylistLanded(RuntimeError):
    """The run landed nothing: raised so the invocation counts as an error and the alarm fires."""


def parse_snapshot_date(value: Any) -> str:
    """A real calendar date written ``YYYY-MM-DD`` (the partition value the jobs read)."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ConfigError(f"snapshot_date must be a date written YYYY-MM-DD, got {value!r}")


def resolve_run_inputs(event: Any, config: ExtractConfig) -> tuple[tuple[str, ...], str]:
    """This invocation's playlists and date: the event's overrides, else the configuration / today (UTC)."""
    event = event if isinstance(event, Mapping) else {}
    playlist_ids = config.playlist_ids
    if event.get("playlist_ids") is not None:
        override = event["playlist_ids"]
        if not isinstance(override, list | tuple):
            raise ConfigError(
                f"event.playlist_ids must be a list of playlist IDs/URIs/URLs, got {override!r}"
            )
        try:
            playlist_ids = parse_playlist_ids(override)
        except ValueError as error:
            raise ConfigError(f"event.playlist_ids: {error}") from None
    if event.get("snapshot_date") is not None:
        snapshot_date = parse_snapshot_date(event["snapshot_date"])
    else:
        snapshot_date = utc_now().date().isoformat()
    return playlist_ids, snapshot_date


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Extract the configured playlists into the raw zone and start the Glue workflow."""
    install_log_redaction()
    config = ExtractConfig.from_env(os.environ)
    playlist_ids, snapshot_date = resolve_run_inputs(event, config)
    budget = TimeBudget.from_lambda_context(context)
    session = boto_session()
    s3 = session.client("s3", config=BOTO_CONFIG)
    secrets_client = session.client("secretsmanager", config=BOTO_CONFIG)

    def api_factory() -> SpotifyApi:
        try:
            secret = SecretsProvider(boto3_client=secrets_client).get(
                config.spotify_secret_id, transform="json"
            )
        except Exception as error:
            raise ConfigError(
                f"could not read the Spotify credentials from secret {config.spotify_secret_id}: {error}"
            ) from None
        credentials = SpotifyCredentials.from_secret(secret, config.spotify_secret_id)
        logger.info(
            "Spotify credentials read", extra={"client_id": credentials.client_id, "flow": credentials.flow}
        )
        return build_spotify_api(
            credentials,
            budget,
            config.api_base_url,
            config.accounts_base_url,
            reauthorize_command=reauthorize_command(config.spotify_secret_id),
            on_refresh_token=keep_in_secret,
        )

    def keep_in_secret(refresh_token: str) -> str:
        version = merge_secret(secrets_client, config.spotify_secret_id, {"refresh_token": refresh_token})
        return f"secret {config.spotify_secret_id} (version {version})"

    workflow = None
    if config.glue_workflow_name:
        glue = session.client("glue", config=BOTO_CONFIG)
        workflow = GlueWorkflowStarter(glue, config.glue_workflow_name, config.raw_root)

    summary = run_extract(
        api_factory=api_factory,
        playlist_ids=playlist_ids,
        snapshot_date=snapshot_date,
        landing=S3Landing(s3, config.raw_bucket, config.raw_prefix),
        budget=budget,
        part_max_bytes=config.part_max_bytes,
        concurrency=config.concurrency,
        workflow=workflow,
    )
    if summary["status"] == "failed":
        raise NoPlaylistLanded(failure_message(summary))
    return summary


def reauthorize_command(secret_id: str) -> str:
    """What a person runs to give the Lambda a (new) user authorization."""
    return f"spotify-etl auth --secret-id {secret_id}"


def failure_message(summary: dict[str, Any]) -> str:
    """Why a run landed nothing: the run's own error, then each playlist's."""
    reasons = [summary["error"]] if summary.get("error") else []
    reasons += [f"{result['playlist_id']}: {result['error']}" for result in summary["playlists"]]
    return (
        f"run {summary['run_id']} landed no playlist (manifest: {summary['manifest']}): {'; '.join(reasons)}"
    )
