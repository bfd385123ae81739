"""Credentials from the secret or spotipy's variables; secret values stay out of repr and errors."""

from __future__ import annotations

import pytest

from extract_lambda.credentials import CredentialsError, SpotifyCredentials
from extract_lambda.log import REDACTED, redactor

SECRET = "cs-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"  # pragma: allowlist secret
REFRESH = "rt-QwErTy123456AsDfGh789"  # pragma: allowlist secret


def test_from_secret_and_flow():
    credentials = SpotifyCredentials.from_secret(
        {"client_id": "cid", "client_secret": SECRET, "refresh_token": REFRESH}, "s"
    )
    assert (credentials.client_id, credentials.client_secret, credentials.refresh_token) == (
        "cid",
        SECRET,
        REFRESH,
    )
    assert credentials.flow == "refresh_token"
    assert SpotifyCredentials.from_secret({"client_id": "cid", "client_secret": SECRET}, "s").flow == (
        "client_credentials"
    )


def test_repr_hides_the_secrets_and_they_are_registered_for_redaction():
    credentials = SpotifyCredentials("cid", SECRET, REFRESH)
    assert SECRET not in repr(credentials) and REFRESH not in repr(credentials)
    assert redactor.redact(f"x {SECRET} y {REFRESH}") == f"x {REDACTED} y {REDACTED}"


@pytest.mark.parametrize(
    "secret", [{}, {"client_id": "cid"}, {"client_secret": SECRET}, ["not", "a", "dict"]]
)
def test_incomplete_secret_is_named_without_values(secret):
    with pytest.raises(CredentialsError, match="secret spotify-etl/extract") as raised:
        SpotifyCredentials.from_secret(secret, "spotify-etl/extract")
    assert SECRET not in str(raised.value)


def test_from_local_env():
    assert SpotifyCredentials.from_local_env({}) is None
    credentials = SpotifyCredentials.from_local_env(
        {"SPOTIPY_CLIENT_ID": "cid", "SPOTIPY_CLIENT_SECRET": SECRET, "SPOTIPY_REFRESH_TOKEN": REFRESH}
    )
    assert credentials.refresh_token == REFRESH
    with pytest.raises(CredentialsError, match="set both SPOTIPY_CLIENT_ID and SPOTIPY_CLIENT_SECRET"):
        SpotifyCredentials.from_local_env({"SPOTIPY_CLIENT_ID": "cid"})
