"""The extract Lambda's configuration: every environment variable it reads, named once.

Terraform's consistency test parses the Lambda's ``environment`` block and compares it with
``ENV_VARS``, so a variable added here without Terraform (or the reverse) fails a test instead
of failing in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .playlist_ids import MINE, parse_playlist_ids

RAW_BUCKET = "RAW_BUCKET"
RAW_PREFIX = "RAW_PREFIX"
PLAYLIST_IDS = "PLAYLIST_IDS"
SPOTIFY_SECRET_ID = "SPOTIFY_SECRET_ID"  # pragma: allowlist secret
GLUE_WORKFLOW_NAME = "GLUE_WORKFLOW_NAME"
SPOTIFY_API_BASE_URL = "SPOTIFY_API_BASE_URL"
SPOTIFY_ACCOUNTS_BASE_URL = "SPOTIFY_ACCOUNTS_BASE_URL"
RAW_PART_MAX_BYTES = "RAW_PART_MAX_BYTES"
EXTRACT_CONCURRENCY = "EXTRACT_CONCURRENCY"

REQUIRED_ENV_VARS: tuple[str, ...] = (RAW_BUCKET, SPOTIFY_SECRET_ID)
"""Set by Terraform on every deployment; the handler refuses to start without them."""

OPTIONAL_ENV_VARS: tuple[str, ...] = (
    PLAYLIST_IDS,
    RAW_PREFIX,
    GLUE_WORKFLOW_NAME,
    SPOTIFY_API_BASE_URL,
    SPOTIFY_ACCOUNTS_BASE_URL,
    RAW_PART_MAX_BYTES,
    EXTRACT_CONCURRENCY,
)
"""Have defaults (or switch a feature off when unset)."""

ENV_VARS: tuple[str, ...] = REQUIRED_ENV_VARS + OPTIONAL_ENV_VARS
"""Every environment variable the Lambda's code reads (Powertools' own POWERTOOLS_* aside)."""

DEFAULT_PLAYLIST_IDS = MINE
"""Empty ``PLAYLIST_IDS``: every playlist the authorizing user owns or collaborates on."""
DEFAULT_RAW_PREFIX = "raw/spotify/playlist_items"
DEFAULT_API_BASE_URL = "https://api.spotify.com/v1/"
DEFAULT_ACCOUNTS_BASE_URL = "https://accounts.spotify.com/"
DEFAULT_PART_MAX_BYTES = 64 * 1024 * 1024
"""Uncompressed bytes per raw file before the run is split into parts (a playlist is never split)."""
DEFAULT_CONCURRENCY = 8
"""Playlists read at once: 8 overlap the network waits enough to read hundreds of playlists in a
fraction of the sequential time, while staying far below Spotify's per-app rate limit."""
MAX_CONCURRENCY = 32
"""More workers only reach Spotify's rolling-window rate limit sooner (then all of them wait on 429)."""


class ConfigError(ValueError):
    """The deployment is misconfigured: nothing can be extracted until someone fixes it."""


def with_trailing_slash(url: str) -> str:
    """Base URLs are joined with relative paths, so they must end with ``/``."""
    return url if url.endswith("/") else url + "/"


def parse_part_max_bytes(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_PART_MAX_BYTES
    try:
        parsed = int(value)
    except ValueError:
        raise ConfigError(f"{RAW_PART_MAX_BYTES} must be a whole number of bytes, got {value!r}") from None
    if parsed < 1:
        raise ConfigError(f"{RAW_PART_MAX_BYTES} must be positive, got {parsed}")
    return parsed


def parse_concurrency(value: str | None) -> int:
    """How many playlists are read at once (``EXTRACT_CONCURRENCY``); the default when unset."""
    if value is None or not value.strip():
        return DEFAULT_CONCURRENCY
    try:
        parsed: int | None = int(value)
    except ValueError:
        parsed = None
    if parsed is None or not 1 <= parsed <= MAX_CONCURRENCY:
        raise ConfigError(
            f"{EXTRACT_CONCURRENCY} (how many playlists are read at once) must be a whole number from 1 "
            f"to {MAX_CONCURRENCY}, got {value!r}: fix it in the Lambda's environment (Terraform variable "
            f"extract_concurrency) or in the shell running spotify-etl extract, or unset it for the "
            f"default {DEFAULT_CONCURRENCY}"
        )
    return parsed


@dataclass(frozen=True)
class ExtractConfig:
    """What one deployment of the extract Lambda is told to do."""

    raw_bucket: str
    playlist_ids: tuple[str, ...]
    """Playlist IDs and ``mine`` (``playlist_ids.MINE``), in the configured order."""
    spotify_secret_id: str
    raw_prefix: str = DEFAULT_RAW_PREFIX
    glue_workflow_name: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    accounts_base_url: str = DEFAULT_ACCOUNTS_BASE_URL
    part_max_bytes: int = DEFAULT_PART_MAX_BYTES
    concurrency: int = DEFAULT_CONCURRENCY

    @property
    def raw_root(self) -> str:
        """The raw zone's root, as the Glue jobs are given it (they append ``snapshot_date=``)."""
        return f"s3://{self.raw_bucket}/{self.raw_prefix}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ExtractConfig:
        """Read and validate the environment; every problem is reported at once, by name."""
        missing = [name for name in REQUIRED_ENV_VARS if not environ.get(name, "").strip()]
        if missing:
            raise ConfigError(f"missing required environment variable(s): {', '.join(missing)}")
        try:
            playlist_ids = parse_playlist_ids(environ.get(PLAYLIST_IDS, ""), default=DEFAULT_PLAYLIST_IDS)
        except ValueError as error:
            raise ConfigError(f"{PLAYLIST_IDS}: {error}") from None
        prefix = environ.get(RAW_PREFIX, "").strip().strip("/") or DEFAULT_RAW_PREFIX
        return cls(
            raw_bucket=environ[RAW_BUCKET].strip(),
            playlist_ids=playlist_ids,
            spotify_secret_id=environ[SPOTIFY_SECRET_ID].strip(),
            raw_prefix=prefix,
            glue_workflow_name=environ.get(GLUE_WORKFLOW_NAME, "").strip() or None,
            api_base_url=with_trailing_slash(
                environ.get(SPOTIFY_API_BASE_URL, "").strip() or DEFAULT_API_BASE_URL
            ),
            accounts_base_url=with_trailing_slash(
                environ.get(SPOTIFY_ACCOUNTS_BASE_URL, "").strip() or DEFAULT_ACCOUNTS_BASE_URL
            ),
            part_max_bytes=parse_part_max_bytes(environ.get(RAW_PART_MAX_BYTES)),
            concurrency=parse_concurrency(environ.get(EXTRACT_CONCURRENCY)),
        )
