"""The Glue load job: AWS's argument parser, the workflow's date, the key from Secrets Manager."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto import mock_aws

from spotify_etl.job_args import JobArgumentError, resolve_job_args, to_argv
from spotify_etl.schemas import TABLES
from spotify_etl.snowflake.job import LOAD_SNOWFLAKE, dates_to_load, private_key_from_secret, run
from spotify_etl.snowflake.loader import LoadError
from spotify_etl.snowflake.local import connect_local, create_objects

from .conftest import SAMPLE_ROWS, rows_per_date

REGION = "eu-west-1"
SECRET = "spotify-etl-dev/snowflake-loader-private-key"  # pragma: allowlist secret


def job_arguments(lake: Path, **extra: str) -> dict[str, str]:
    return {
        "lake_path": str(lake),
        "snowflake_account": "myorg-myaccount",
        "snowflake_user": "SPOTIFY_ETL_DEV_LOADER",
        "snowflake_role": "SPOTIFY_ETL_DEV_LOADER",
        "snowflake_warehouse": "SPOTIFY_ETL_DEV",
        "snowflake_database": "SPOTIFY_ETL_DEV",
        "snowflake_schema": "CURATED",
        "private_key_secret": SECRET,
        **extra,
    }


@pytest.fixture(scope="module")
def pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture
def secrets(monkeypatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        client.create_secret(Name=SECRET)  # created by terraform/snowflake without a value
        yield client


def test_the_workflow_run_property_names_the_date():
    args = resolve_job_args(
        to_argv({**job_arguments(Path("/lake")), "WORKFLOW_NAME": "wf", "WORKFLOW_RUN_ID": "wr_1"}),
        LOAD_SNOWFLAKE,
        lambda name, run_id: {"snapshot_date": "2026-11-19", "run_id": "r"},
    )
    assert dates_to_load(args) == ["2026-11-19"]


def test_a_run_without_a_date_loads_todays(monkeypatch):
    args = resolve_job_args(to_argv(job_arguments(Path("/lake"))), LOAD_SNOWFLAKE, today=lambda: "2026-11-30")
    assert dates_to_load(args) == ["2026-11-30"]


def test_a_backfill_range_loads_the_dates_build_tables_reported(lake):
    """snapshot_dates as the other jobs read it: a range stands for the built dates in it."""
    arguments = {**job_arguments(lake), "snapshot_dates": "2026-11-01..2026-11-19,2026-11-25"}
    args = resolve_job_args(to_argv(arguments), LOAD_SNOWFLAKE)
    assert dates_to_load(args) == ["2026-11-19", "2026-11-25"]  # the named date stays, to be explained


def test_the_reported_dates_of_a_lake_on_s3(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="curated", CreateBucketConfiguration={"LocationConstraint": REGION})
        for key in (
            "reports/snapshot_date=2026-11-20/build_tables.json",
            "reports/snapshot_date=2026-11-19/normalize_items.json",
            "reports/snapshot_date=2026-02-30/build_tables.json",
            "reports/notes.txt",
            "curated/song/snapshot_date=2026-11-18/x.parquet",
        ):
            s3.put_object(Bucket="curated", Key=key, Body=b"{}")
        args = resolve_job_args(
            to_argv({**job_arguments(Path("/lake")), "lake_path": "s3://curated", "snapshot_dates": "all"}),
            LOAD_SNOWFLAKE,
        )
        assert dates_to_load(args) == ["2026-11-19", "2026-11-20"]


def test_a_missing_argument_is_named():
    arguments = job_arguments(Path("/lake"))
    del arguments["private_key_secret"]
    with pytest.raises(JobArgumentError, match="private_key_secret"):
        resolve_job_args(to_argv(arguments), LOAD_SNOWFLAKE)


def test_the_job_loads_the_date_with_the_key_from_secrets_manager(snowflake, lake, secrets, pem):
    secrets.put_secret_value(SecretId=SECRET, SecretString=pem.decode())
    args = resolve_job_args(to_argv(job_arguments(lake, snapshot_date="2026-11-20")), LOAD_SNOWFLAKE)
    opened: list[dict[str, Any]] = []

    def opener(settings: dict[str, Any]) -> Any:
        opened.append(settings)
        return connect_local()  # the fakesnow stand-in of the account

    report = run(args, opener=opener)

    assert report["loaded"] == [
        {"snapshot_date": "2026-11-20", "table": table, "rows": SAMPLE_ROWS["2026-11-20"][table], "files": 1}
        for table in TABLES
    ]
    assert rows_per_date(snowflake, "song") == {"2026-11-20": 242}
    (settings,) = opened
    assert settings["account"] == "myorg-myaccount" and settings["schema"] == "CURATED"
    key = serialization.load_der_private_key(settings["private_key"], password=None)
    assert (
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        == pem
    )


def test_a_run_whose_date_was_not_published_fails(snowflake, lake, secrets, pem):
    secrets.put_secret_value(SecretId=SECRET, SecretString=pem.decode())
    args = resolve_job_args(to_argv(job_arguments(lake, snapshot_date="2026-11-21")), LOAD_SNOWFLAKE)
    with pytest.raises(LoadError, match=r"nothing loaded.*2026-11-21.*no build_tables report"):
        run(args, opener=lambda settings: connect_local())


def test_a_secret_without_a_value_says_what_to_put_there(secrets):
    with pytest.raises(LoadError, match=f"secret {SECRET} has no value yet: .*put-secret-value"):
        private_key_from_secret(SECRET, secrets)


def test_the_key_is_read_from_the_secret(secrets, pem):
    secrets.put_secret_value(SecretId=SECRET, SecretString=pem.decode())
    assert private_key_from_secret(SECRET, secrets) == pem


def test_the_local_stand_in_creates_what_the_loader_needs(tmp_path):
    """create_objects is idempotent: a second run over the same lake keeps the tables."""
    from spotify_etl.snowflake.local import fakesnow_snowflake

    with fakesnow_snowflake(str(tmp_path / "db")):
        connection = connect_local()
        create_objects(connection, str(tmp_path))
        create_objects(connection, str(tmp_path))
        assert rows_per_date(connection, "album") == {}
        connection.close()
