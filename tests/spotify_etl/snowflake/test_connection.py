"""Key-pair connection settings: from the environment or a profile, never a password, no key in errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from spotify_etl.snowflake import connection as sf

ENV = {
    "SNOWFLAKE_ACCOUNT": "myorg-myaccount",
    "SNOWFLAKE_USER": "SPOTIFY_ETL_DEV_LOADER",
    "SNOWFLAKE_ROLE": "SPOTIFY_ETL_DEV_LOADER",
    "SNOWFLAKE_WAREHOUSE": "SPOTIFY_ETL_DEV",
    "SNOWFLAKE_DATABASE": "SPOTIFY_ETL_DEV",
    "SNOWFLAKE_SCHEMA": "CURATED",
}


ARMOUR = "PRIVATE KEY-----\n"
NOT_A_KEY = f"-----BEGIN {ARMOUR}bm90IGEga2V5\n-----END {ARMOUR}".encode()
"""PEM armour around the base64 of the text "not a key"."""


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey, passphrase: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_settings_from_the_environment_with_a_key_file(key, tmp_path: Path):
    path = tmp_path / "rsa_key.p8"
    path.write_bytes(pem(key))

    settings = sf.settings_from_env({**ENV, "SNOWFLAKE_PRIVATE_KEY_FILE": str(path)})

    assert settings == {
        "account": "myorg-myaccount",
        "user": "SPOTIFY_ETL_DEV_LOADER",
        "role": "SPOTIFY_ETL_DEV_LOADER",
        "warehouse": "SPOTIFY_ETL_DEV",
        "database": "SPOTIFY_ETL_DEV",
        "schema": "CURATED",
        "private_key": der(key),
    }
    assert "password" not in settings


def test_an_encrypted_key_as_pem_text_with_its_passphrase(key):
    env = {
        **ENV,
        "SNOWFLAKE_PRIVATE_KEY": pem(key, b"s3cret-phrase").decode(),
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "s3cret-phrase",  # pragma: allowlist secret
    }
    assert sf.settings_from_env(env)["private_key"] == der(key)


def test_missing_settings_are_named_together():
    with pytest.raises(sf.ConnectionSettingsError) as raised:
        sf.settings_from_env({"SNOWFLAKE_ACCOUNT": "myorg-myaccount"})
    message = str(raised.value)
    for name in ("SNOWFLAKE_USER", "SNOWFLAKE_ROLE", "SNOWFLAKE_SCHEMA", "SNOWFLAKE_PRIVATE_KEY_FILE"):
        assert name in message
    assert "SNOWFLAKE_ACCOUNT" not in message.split("not set")[0]


@pytest.mark.parametrize("case", ["not a key", "encrypted, no passphrase", "wrong passphrase"])
def test_an_unreadable_key_is_refused_without_showing_it(key, case):
    text = {
        "not a key": NOT_A_KEY,
        "encrypted, no passphrase": pem(key, b"right"),
        "wrong passphrase": pem(key, b"right"),
    }[case]
    env = {**ENV, "SNOWFLAKE_PRIVATE_KEY": text.decode()}
    if case == "wrong passphrase":
        env["SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"] = "wrong"  # pragma: allowlist secret

    with pytest.raises(sf.ConnectionSettingsError) as raised:
        sf.settings_from_env(env)

    message = str(raised.value)
    assert "SNOWFLAKE_PRIVATE_KEY is not a readable PEM private key" in message
    body = [line for line in text.decode().splitlines() if line and not line.startswith("-----")]
    assert not any(line in message for line in body), "the key's content must not be in the message"
    assert "right" not in message and "wrong" not in message


def test_a_missing_key_file_says_which(tmp_path: Path):
    path = tmp_path / "nowhere.p8"
    with pytest.raises(sf.ConnectionSettingsError, match=f"SNOWFLAKE_PRIVATE_KEY_FILE={path}"):
        sf.settings_from_env({**ENV, "SNOWFLAKE_PRIVATE_KEY_FILE": str(path)})


def test_connect_signs_in_with_the_key_pair_and_tags_its_queries(monkeypatch, key):
    import snowflake.connector

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(snowflake.connector, "connect", lambda **kwargs: calls.append(kwargs) or "conn")

    settings = {**{k: ENV[v] for k, v in sf.SETTINGS_FROM_ENV.items()}, "private_key": der(key)}
    assert sf.connect(settings) == "conn"
    assert sf.connect(connection_name="spotify") == "conn"

    (direct, profile) = calls
    assert direct["authenticator"] == "SNOWFLAKE_JWT" and direct["private_key"] == der(key)
    assert "password" not in direct
    assert direct["session_parameters"] == {"QUERY_TAG": "spotify-etl load-snowflake"}
    assert profile == {"connection_name": "spotify", "session_parameters": direct["session_parameters"]}
