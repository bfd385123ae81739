"""The Glue job that loads Snowflake: third in the workflow, after build_tables has succeeded.

terraform/snowflake creates it (a Glue 5.1 ``glueetl`` job: Python 3.11 and pyspark's types, so
it runs the very ``spotify_etl`` package of the other jobs; it starts no Spark work). Its
arguments are named as LOAD_SNOWFLAKE says; the dates come from the same workflow run properties
as the other jobs' (``dates_to_load``). The private key is read from Secrets Manager at run time
and handed to the connector in memory: it is in no argument, file, log or Terraform state.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..job_args import JobSpec, glue_workflow_properties, resolve_job_args
from ..snapshot_dates import DateSelection
from .connection import connect, private_key_der
from .loader import LoadError, load_dates
from .reports import reported_dates

log = logging.getLogger(__name__)

LOAD_SNOWFLAKE = JobSpec(
    name="load_snowflake",
    script="job_load_snowflake.py",
    required=(
        "lake_path",
        "snowflake_account",
        "snowflake_user",
        "snowflake_role",
        "snowflake_warehouse",
        "snowflake_database",
        "snowflake_schema",
        "private_key_secret",
    ),
    optional=("snapshot_date", "snapshot_dates"),
)
"""The load job: its arguments exactly as terraform/snowflake passes them (tests check both)."""


def dates_to_load(args: Mapping[str, Any]) -> list[str]:
    """The snapshot dates this run loads, from the resolved job arguments: the run's
    ``snapshot_dates``/``snapshot_date`` (workflow run properties, then the job's arguments, then
    today's UTC date), as the other jobs of the workflow read them. A range or ``all`` stands for
    the dates of the range that have a build_tables report (the dates the workflow built)."""
    selection: DateSelection = args["snapshot_dates"]
    if not selection.needs_raw_listing:
        return list(selection.resolve())
    return list(selection.resolve(reported_dates(args["lake_path"])))


def private_key_from_secret(secret_id: str, client: Any = None) -> bytes:
    """The PEM private key stored (out of band) in the Secrets Manager secret ``secret_id``."""
    if client is None:
        import boto3
        from botocore.config import Config

        client = boto3.client("secretsmanager", config=Config(retries={"mode": "standard"}))
    put_it = (
        f"put the PEM private key into it: aws secretsmanager put-secret-value --secret-id {secret_id} "
        "--secret-string file://rsa_key.p8 (docs/snowflake.md, 'The key pair')"
    )
    try:
        # A secret Terraform created without a value has no AWSCURRENT version yet: Secrets
        # Manager answers ResourceNotFoundException for it.
        secret = client.get_secret_value(SecretId=secret_id)
    except client.exceptions.ResourceNotFoundException:
        raise LoadError(f"secret {secret_id} has no value yet: {put_it}") from None
    pem = secret.get("SecretString")
    if not pem:
        raise LoadError(f"secret {secret_id} holds no text: {put_it}")
    return pem.encode()


def connection_settings(args: Mapping[str, Any], pem: bytes) -> dict[str, Any]:
    """connect() keywords from the job's arguments and the private key."""
    return {
        "account": args["snowflake_account"],
        "user": args["snowflake_user"],
        "role": args["snowflake_role"],
        "warehouse": args["snowflake_warehouse"],
        "database": args["snowflake_database"],
        "schema": args["snowflake_schema"],
        "private_key": private_key_der(pem, source=f"secret {args['private_key_secret']}"),
    }


def run(
    args: Mapping[str, Any],
    secret_reader: Callable[[str], bytes] = private_key_from_secret,
    opener: Callable[[Mapping[str, Any]], Any] = connect,
) -> dict[str, Any]:
    """Load the run's dates; return the job's summary. Fails (LoadError) when a table's load
    fails, or when none of the dates could be loaded (no published build_tables report)."""
    dates = dates_to_load(args)
    settings = connection_settings(args, secret_reader(args["private_key_secret"]))
    connection = opener(settings)
    try:
        summary = load_dates(connection, args["lake_path"], dates, say=log.info)
    finally:
        connection.close()
    if dates and len(summary.skipped) == len(dates):
        raise LoadError(f"nothing loaded: {summary.skipped}")
    return {
        "job": LOAD_SNOWFLAKE.name,
        "snapshot_dates": dates,
        "loaded": [vars(load) for load in summary.loaded],
        "skipped": summary.skipped,
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """The Glue entry point: arguments and workflow run properties, then run."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = resolve_job_args(argv if argv is not None else sys.argv, LOAD_SNOWFLAKE, glue_workflow_properties)
    report = run(args)
    print(json.dumps(report, sort_keys=True))  # the job's summary, in its CloudWatch log
    return report
