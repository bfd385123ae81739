"""Spotify app credentials, from Secrets Manager (Lambda) or spotipy's variables (local).

The secret values are kept out of ``repr`` so that a dataclass printed in a log or a traceback
shows only the client ID, and they are registered with the log redactor as soon as read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .log import redactor

LOCAL_CLIENT_ID = "SPOTIPY_CLIENT_ID"
LOCAL_CLIENT_SECRET = "SPOTIPY_CLIENT_SECRET"  # pragma: allowlist secret
LOCAL_REFRESH_TOKEN = "SPOTIPY_REFRESH_TOKEN"
"""spotipy's own variable names, for local runs against the real API."""


class CredentialsError(ValueError):
    """The credentials are missing or malformed (never says what the secret values are)."""


@dataclass(frozen=True)
class SpotifyCredentials:
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        redactor.register_client(self.client_id, self.client_secret)
        redactor.register(self.client_secret, self.refresh_token)

    @property
    def flow(self) -> str:
        """Which OAuth flow these credentials use: with a refresh token the app reads as its owner."""
        return "refresh_token" if self.refresh_token else "client_credentials"

    @classmethod
    def from_json(cls, values: Mapping[str, Any], source: str) -> SpotifyCredentials:
        """From a JSON object (the secret's, or the local credentials file's): ``client_id``,
        ``client_secret``, optional ``refresh_token``; ``source`` names it in errors."""
        if not isinstance(values, Mapping):
            raise CredentialsError(f"{source} must hold a JSON object")
        missing = [key for key in ("client_id", "client_secret") if not str(values.get(key) or "").strip()]
        if missing:
            raise CredentialsError(f"{source} lacks {' and '.join(missing)}: run spotify-etl auth")
        refresh_token = str(values.get("refresh_token") or "").strip() or None
        return cls(str(values["client_id"]).strip(), str(values["client_secret"]).strip(), refresh_token)

    @classmethod
    def from_secret(cls, secret: Mapping[str, Any], secret_id: str) -> SpotifyCredentials:
        """From the secret's JSON: ``client_id``, ``client_secret``, optional ``refresh_token``."""
        return cls.from_json(secret, f"secret {secret_id}")

    @classmethod
    def from_local_env(cls, environ: Mapping[str, str]) -> SpotifyCredentials | None:
        """From spotipy's variables; ``None`` when neither is set (the local run then replays the sample)."""
        client_id = environ.get(LOCAL_CLIENT_ID, "").strip()
        client_secret = environ.get(LOCAL_CLIENT_SECRET, "").strip()
        if not client_id and not client_secret:
            return None
        if not client_id or not client_secret:
            raise CredentialsError(
                f"set both {LOCAL_CLIENT_ID} and {LOCAL_CLIENT_SECRET} (or neither, to replay the sample)"
            )
        return cls(client_id, client_secret, environ.get(LOCAL_REFRESH_TOKEN, "").strip() or None)
