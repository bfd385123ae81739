"""The extract Lambda in terraform/ against the extract_lambda package."""

from __future__ import annotations

import importlib
import re

import pytest

from extract_lambda import config
from extract_lambda.playlist_ids import MINE, parse_playlist_ids

POWERTOOLS_ENV_VARS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"}
"""Read by aws-lambda-powertools itself, not by extract_lambda's code (config.ENV_VARS says so)."""

DEPLOYMENT_REQUIRED = {config.GLUE_WORKFLOW_NAME, config.RAW_PREFIX}
"""Optional for the code, required for this deployment: without GLUE_WORKFLOW_NAME no Glue run
starts, and RAW_PREFIX must be the prefix the Lambda's IAM policy and the Glue jobs use."""


def lambda_function(tf) -> dict:
    return tf.resource("aws_lambda_function", "extract")


def test_handler_exists_in_the_package(tf):
    handler = lambda_function(tf)["handler"]
    assert handler == "extract_lambda.handler.lambda_handler"
    module_name, _, function_name = handler.rpartition(".")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, function_name, None)), f"{handler} is not a function"


def test_runtime_architecture_and_limits(tf, load_tool):
    function = lambda_function(tf)
    # python3.11 (Amazon Linux 2) is deprecated in Lambda; the zip is built for the same runtime.
    assert function["runtime"] == "${local.lambda_runtime}"
    assert tf.local("lambda_runtime") == "python3.13" == load_tool("package_lambda").LAMBDA_RUNTIME
    assert function["architectures"] == ["arm64"]
    assert function["filename"] == "${local.lambda_zip_source}"
    assert tf.local("lambda_zip_source") == "${path.module}/../dist/extract_lambda.zip"
    assert function["source_code_hash"] == "${filebase64sha256(local.lambda_zip_source)}"
    assert tf.variables["lambda_timeout_seconds"]["default"] <= 900
    assert function["tracing_config"][0]["mode"] == "Active"


def test_environment_variables_are_the_ones_the_code_reads(tf):
    variables = lambda_function(tf)["environment"][0]["variables"]
    names = set(variables)
    unknown = names - set(config.ENV_VARS) - POWERTOOLS_ENV_VARS
    assert not unknown, f"environment variables no code reads: {sorted(unknown)}"
    missing = (set(config.REQUIRED_ENV_VARS) | DEPLOYMENT_REQUIRED) - names
    assert not missing, (
        f"environment variables the Lambda needs but Terraform does not set: {sorted(missing)}"
    )


def test_environment_values_match_the_rest_of_the_deployment(tf):
    variables = lambda_function(tf)["environment"][0]["variables"]
    assert variables[config.RAW_BUCKET] == '${aws_s3_bucket.data["raw"].bucket}'
    assert variables[config.RAW_PREFIX] == "${var.raw_prefix}"
    assert tf.variables["raw_prefix"]["default"] == config.DEFAULT_RAW_PREFIX
    assert variables[config.PLAYLIST_IDS] == '${join(",", var.playlist_ids)}'
    assert variables[config.SPOTIFY_SECRET_ID] == "${aws_secretsmanager_secret.spotify.arn}"
    assert variables[config.GLUE_WORKFLOW_NAME] == "${aws_glue_workflow.daily.name}"
    assert variables[config.EXTRACT_CONCURRENCY] == "${tostring(var.extract_concurrency)}"
    assert tf.variables["extract_concurrency"]["default"] == config.DEFAULT_CONCURRENCY


def test_failures_and_logs(tf):
    function = lambda_function(tf)
    assert function["function_name"] == "${local.lambda_function_name}"
    log_group = tf.resource("aws_cloudwatch_log_group", "lambda")
    assert log_group["name"] == "${local.lambda_log_group_name}"
    assert tf.local("lambda_log_group_name") == "/aws/lambda/${local.lambda_function_name}"
    assert log_group["retention_in_days"] == "${var.log_retention_days}"
    invoke_config = tf.resource("aws_lambda_function_event_invoke_config", "extract")
    destination = invoke_config["destination_config"][0]["on_failure"][0]["destination"]
    assert destination == "${aws_sqs_queue.lambda_failures.arn}"


def test_schedule_invokes_the_lambda_with_its_own_role(tf):
    schedule = tf.resource("aws_scheduler_schedule", "daily_extract")
    assert schedule["schedule_expression"] == "${var.schedule_expression}"
    target = schedule["target"][0]
    assert target["arn"] == "${aws_lambda_function.extract.arn}"
    assert target["role_arn"] == "${aws_iam_role.scheduler.arn}"
    statements = tf.data_source("aws_iam_policy_document", "scheduler")["statement"]
    assert [statement["actions"] for statement in statements] == [["lambda:InvokeFunction"]]
    assert all("aws_lambda_function.extract.arn" in resource for resource in statements[0]["resources"])


def test_reserved_concurrency_is_a_variable_that_reserves_nothing_by_default(tf):
    """A new account's concurrency quota is 10 and Lambda keeps 10 unreserved: any reservation
    makes apply fail there. Overlapping extractions are safe, so nothing is reserved by default."""
    assert lambda_function(tf)["reserved_concurrent_executions"] == "${var.lambda_reserved_concurrency}"
    variable = tf.variables["lambda_reserved_concurrency"]
    assert variable["default"] is None
    assert variable["type"] == "number"
    # null || try(...): older Terraform evaluates both sides of ||, so the comparison must never see null.
    condition = variable["validation"][0]["condition"]
    assert condition.startswith("${var.lambda_reserved_concurrency == null || try(")


def _playlist_ids_pattern(tf) -> re.Pattern[str]:
    """The regex of the playlist_ids validation, as Terraform reads the HCL string."""
    condition = tf.variables["playlist_ids"]["validation"][0]["condition"]
    quoted = re.search(r'regex\("((?:[^"\\]|\\.)*)"', condition).group(1)
    return re.compile(quoted.replace("\\\\", "\\"))


GOOD_REFERENCES = [
    "mine",
    "3cEYpjA9oz9GiPac4AsH4n",
    "spotify:playlist:3cEYpjA9oz9GiPac4AsH4n",
    "spotify:user:jo1234:playlist:3cEYpjA9oz9GiPac4AsH4n",
    "https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n",
    "https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n?si=4b1f2c3d",
    "https://open.spotify.com/intl-de/playlist/3cEYpjA9oz9GiPac4AsH4n",
    "open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n",
]
BAD_REFERENCES = [
    "Mine",
    "3cEYpjA9oz9GiPac4AsH4",
    "spotify:track:3cEYpjA9oz9GiPac4AsH4n",
    "https://open.spotify.com/album/3cEYpjA9oz9GiPac4AsH4n",
    "https://example.com/playlist/3cEYpjA9oz9GiPac4AsH4n",
]


def test_playlist_ids_default_to_mine_and_validate_as_the_lambda_parses(tf):
    variable = tf.variables["playlist_ids"]
    assert variable["default"] == [MINE] == [config.DEFAULT_PLAYLIST_IDS]
    pattern = _playlist_ids_pattern(tf)
    for reference in GOOD_REFERENCES:
        assert pattern.fullmatch(reference), reference
        assert parse_playlist_ids([reference]) in (("mine",), ("3cEYpjA9oz9GiPac4AsH4n",))
    for reference in BAD_REFERENCES:
        assert not pattern.fullmatch(reference), reference
        with pytest.raises(ValueError):
            parse_playlist_ids([reference])
    assert "development mode" in variable["description"] and "spotify-etl auth" in variable["description"]
