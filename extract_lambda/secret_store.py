"""Merge keys into the JSON object of a Secrets Manager secret (read, merge, put a new version).

Used by ``spotify-etl auth --secret-id`` (client ID, client secret and refresh token) and by the
Lambda when Spotify rotates the refresh token. Other keys of the secret are kept. The value is
never logged nor put in an error message. Read-merge-put is not atomic; the one writer at a time
is the Lambda (reserved concurrency 1) or a person running ``spotify-etl auth``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError


class SecretStoreError(RuntimeError):
    """The secret could not be read or written; says which secret and what to do."""


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def read_secret_json(client: Any, secret_id: str) -> dict[str, Any]:
    """The secret's JSON object; ``{}`` when the secret exists but has no value yet."""
    try:
        text = client.get_secret_value(SecretId=secret_id)["SecretString"]
    except ClientError as error:
        if _error_code(error) != "ResourceNotFoundException":
            raise SecretStoreError(f"could not read secret {secret_id}: {_error_code(error)}") from None
        try:
            client.describe_secret(SecretId=secret_id)
        except ClientError:
            raise SecretStoreError(
                f"secret {secret_id} does not exist (in this account and region): deploy first "
                "(Terraform creates <project>-<env>/spotify-credentials), or check --secret-id and "
                "AWS_REGION (terraform -chdir=terraform output spotify_secret_name)"
            ) from None
        return {}  # created by Terraform, no value put yet
    try:
        values = json.loads(text)
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise SecretStoreError(
            f"secret {secret_id} does not hold a JSON object: put one with the keys client_id, "
            "client_secret and refresh_token (docs/deploy.md)"
        )
    return values


def merge_secret(client: Any, secret_id: str, values: Mapping[str, str]) -> str:
    """Put a new version of the secret with ``values`` merged in; returns the new version's ID."""
    merged = {**read_secret_json(client, secret_id), **values}
    try:
        answer = client.put_secret_value(SecretId=secret_id, SecretString=json.dumps(merged))
    except ClientError as error:
        raise SecretStoreError(f"could not write secret {secret_id}: {_error_code(error)}") from None
    return str(answer["VersionId"])
