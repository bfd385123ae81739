"""Merging into the secret's JSON (moto): other keys kept, a secret without a value, clear errors."""

from __future__ import annotations

import json

import pytest
from extract_testkit import SECRET_ID, USER_SECRET

from extract_lambda.secret_store import SecretStoreError, merge_secret, read_secret_json


def value(aws, secret_id=SECRET_ID):
    return json.loads(aws.secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"])


def test_merge_keeps_the_other_keys_and_returns_the_new_version(aws):
    version = merge_secret(aws.secretsmanager, SECRET_ID, {"refresh_token": "rt-new", "note": "n"})
    assert value(aws) == USER_SECRET | {"refresh_token": "rt-new", "note": "n"}
    assert aws.secretsmanager.describe_secret(SecretId=SECRET_ID)["VersionIdsToStages"][version] == [
        "AWSCURRENT"
    ]


def test_a_secret_created_by_terraform_without_a_value_starts_empty(aws):
    aws.secretsmanager.create_secret(Name="fresh")  # what Terraform leaves
    assert read_secret_json(aws.secretsmanager, "fresh") == {}
    merge_secret(aws.secretsmanager, "fresh", {"client_id": "cid"})
    assert value(aws, "fresh") == {"client_id": "cid"}


def test_a_missing_secret_says_what_to_check(aws):
    with pytest.raises(SecretStoreError, match=r"secret nope does not exist .* deploy first"):
        read_secret_json(aws.secretsmanager, "nope")


def test_a_value_that_is_not_a_json_object_is_refused_without_showing_it(aws):
    aws.secretsmanager.put_secret_value(SecretId=SECRET_ID, SecretString="client_secret=hunter22")
    with pytest.raises(SecretStoreError) as raised:
        merge_secret(aws.secretsmanager, SECRET_ID, {"refresh_token": "rt"})
    assert "does not hold a JSON object" in str(raised.value) and "hunter22" not in str(raised.value)
