"""A Snowflake connection with key-pair authentication, from the environment or a profile.

Snowflake is retiring sign-in with a password alone; a service user (TYPE = SERVICE) cannot
have a password at all and signs in with a key pair (JWT): docs.snowflake.com/en/user-guide/
key-pair-auth. So there is no password setting here.

From the environment (``spotify-etl load-snowflake``):

    SNOWFLAKE_ACCOUNT                 account identifier, e.g. myorg-myaccount
    SNOWFLAKE_USER                    the service user (terraform/snowflake: <PREFIX>_LOADER)
    SNOWFLAKE_PRIVATE_KEY_FILE        path of the PEM private key (PKCS#8), or
    SNOWFLAKE_PRIVATE_KEY             the PEM text itself (e.g. from a secret store)
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE  only if the key is encrypted
    SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE, SNOWFLAKE_SCHEMA

or a named connection of the connector's ``connections.toml`` (``--connection NAME``; the
connector reads ``~/.snowflake/connections.toml`` or ``$SNOWFLAKE_HOME/connections.toml``, with
``authenticator = "SNOWFLAKE_JWT"`` and ``private_key_file``). Key material never appears in an
error message or a log line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

SETTINGS_FROM_ENV: dict[str, str] = {
    "account": "SNOWFLAKE_ACCOUNT",
    "user": "SNOWFLAKE_USER",
    "role": "SNOWFLAKE_ROLE",
    "warehouse": "SNOWFLAKE_WAREHOUSE",
    "database": "SNOWFLAKE_DATABASE",
    "schema": "SNOWFLAKE_SCHEMA",
}
"""connect() keyword -> environment variable."""

PRIVATE_KEY_FILE_ENV = "SNOWFLAKE_PRIVATE_KEY_FILE"  # pragma: allowlist secret
PRIVATE_KEY_ENV = "SNOWFLAKE_PRIVATE_KEY"  # pragma: allowlist secret
PASSPHRASE_ENV = "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"

QUERY_TAG = "spotify-etl load-snowflake"
"""Every statement of a load carries this tag in Snowflake's query history."""


class ConnectionSettingsError(ValueError):
    """A setting is missing or the private key cannot be read; says which and what to do."""


def private_key_der(pem: bytes, passphrase: bytes | None = None, source: str = "the private key") -> bytes:
    """The DER (PKCS#8) bytes the connector takes as ``private_key``, from a PEM private key.

    Raises ConnectionSettingsError naming ``source`` (never the key's content) when the PEM is
    not a private key, is encrypted without a passphrase, or the passphrase is wrong.
    """
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError) as error:
        kind = type(error).__name__
        raise ConnectionSettingsError(
            f"{source} is not a readable PEM private key ({kind}; encrypted keys need "
            f"{PASSPHRASE_ENV}). Make one with: openssl genrsa 2048 | openssl pkcs8 -topk8 "
            "-inform PEM -out rsa_key.p8 -nocrypt (docs/snowflake.md)"
        ) from None
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """connect() keywords from the environment; every one of SETTINGS_FROM_ENV and a private key
    (file or PEM text) are required."""
    env = os.environ if environ is None else environ
    missing = [name for name in SETTINGS_FROM_ENV.values() if not env.get(name)]
    if not (env.get(PRIVATE_KEY_FILE_ENV) or env.get(PRIVATE_KEY_ENV)):
        missing.append(f"{PRIVATE_KEY_FILE_ENV} (or {PRIVATE_KEY_ENV})")
    if missing:
        raise ConnectionSettingsError(
            f"Snowflake connection: {', '.join(missing)} not set; set them (docs/snowflake.md) or "
            "pass --connection NAME for a connections.toml profile"
        )
    passphrase = env.get(PASSPHRASE_ENV)
    if env.get(PRIVATE_KEY_FILE_ENV):
        path = env[PRIVATE_KEY_FILE_ENV]
        try:
            with open(os.path.expanduser(path), "rb") as handle:
                pem = handle.read()
        except OSError as error:
            raise ConnectionSettingsError(f"{PRIVATE_KEY_FILE_ENV}={path}: {error.strerror}") from None
        source = f"{PRIVATE_KEY_FILE_ENV} ({path})"
    else:
        pem, source = env[PRIVATE_KEY_ENV].encode(), PRIVATE_KEY_ENV
    settings: dict[str, Any] = {key: env[name] for key, name in SETTINGS_FROM_ENV.items()}
    settings["private_key"] = private_key_der(pem, passphrase.encode() if passphrase else None, source)
    return settings


def connect(settings: Mapping[str, Any] | None = None, connection_name: str | None = None) -> Any:
    """Open a connection: ``settings`` (account, user, private_key DER, role, warehouse, database,
    schema), or the ``connection_name`` profile of connections.toml; key-pair (JWT) either way.

    The connector is looked up at call time (``snowflake.connector.connect``), so fakesnow's
    patch stands in for it on a laptop and in the tests.
    """
    import snowflake.connector

    common: dict[str, Any] = {"session_parameters": {"QUERY_TAG": QUERY_TAG}}
    if connection_name:
        return snowflake.connector.connect(connection_name=connection_name, **common)
    if settings is None:
        settings = settings_from_env()
    return snowflake.connector.connect(authenticator="SNOWFLAKE_JWT", **settings, **common)
