"""The Glue jobs and workflow in terraform/ against spotify_etl.jobs.WORKFLOW.

local.glue_jobs (terraform/locals.tf) is the one place the jobs are declared; aws_glue_job.this,
the script uploads and the triggers are for_each over it. These tests check that map against
the JobSpecs (names, scripts, arguments, order) and that the resources really use it.
"""

from __future__ import annotations

import itertools
import re

from spotify_etl.job_args import WORKFLOW_ARGS
from spotify_etl.jobs import WORKFLOW

GLUE_SPECIAL_PARAMETER = re.compile(
    r"^--("
    r"extra-py-files|extra-files|extra-jars|TempDir|conf|additional-python-modules"
    r"|python-modules-installer-option|job-language|job-bookmark-option|enable-[a-z0-9-]+"
    r"|custom-logGroup-prefix|custom-logStream-prefix|spark-event-logs-path|datalake-formats"
    r")$"
)
"""Glue's own job parameters (docs: 'Using job parameters in AWS Glue jobs'); anything else in
the shared arguments would be an argument no script reads."""

GLUE_4_LOGGING = {
    "--enable-continuous-cloudwatch-log",
    "--enable-continuous-log-filter",
    "--continuous-log-logGroup",
    "--continuous-log-logStreamPrefix",
    "--continuous-log-conversionPattern",
}
"""Continuous logging arguments of Glue 4 and earlier; Glue 5.x logs in real time to
<--custom-logGroup-prefix>/output and /error ('Logging for AWS Glue jobs')."""

GLUE_LOG_PREFIX = re.compile(r"^[^:*]{1,400}$")
"""Glue's rule for --custom-logGroup-prefix: at most 400 characters, no ':' or '*'."""


def job_specs() -> dict:
    return {spec.name: spec for spec in WORKFLOW}


def argument_names(arguments: dict) -> set[str]:
    assert all(name.startswith("--") for name in arguments), f"arguments must start with --: {arguments}"
    return {name[2:] for name in arguments}


def test_one_terraform_job_per_workflow_job(tf):
    assert set(tf.local("glue_jobs")) == set(job_specs())


def test_job_scripts_are_the_jobspec_scripts_and_exist(tf):
    for name, job in tf.local("glue_jobs").items():
        spec = job_specs()[name]
        assert job["script"] == f"${{path.module}}/../glue_jobs/{spec.script}", name
        assert tf.resolve_module_path(job["script"]).is_file(), f"{name}: {job['script']} is missing"


def test_job_arguments_are_named_as_the_scripts_read_them(tf):
    for name, job in tf.local("glue_jobs").items():
        spec = job_specs()[name]
        names = argument_names(job["arguments"])
        missing = set(spec.required) - names
        unknown = names - set(spec.arguments)
        assert not missing, f"{name}: required argument(s) not passed: {sorted(missing)}"
        assert not unknown, f"{name}: argument(s) the script does not read: {sorted(unknown)}"
        # A fixed snapshot_date would pin every run to one day: it comes from the workflow run
        # properties or today's date.
        assert "snapshot_date" not in names, f"{name}: --snapshot_date must not be a default argument"


def test_shared_arguments_are_glue_parameters_only(tf):
    shared = tf.local("glue_default_arguments")
    for argument in shared:
        assert GLUE_SPECIAL_PARAMETER.match(argument), f"{argument} is not a Glue job parameter"
    script_arguments = {arg for spec in WORKFLOW for arg in spec.arguments} | set(WORKFLOW_ARGS)
    assert not argument_names(shared) & script_arguments, "script arguments belong in local.glue_jobs"
    assert shared["--job-bookmark-option"] == "job-bookmark-disable"
    assert shared["--enable-auto-scaling"] == "true"
    assert shared["--job-language"] == "python"
    for flag in ("--enable-metrics", "--enable-observability-metrics"):
        assert shared.get(flag) == "true", flag
    assert "aws_s3_object.glue_package.key" in shared["--extra-py-files"]
    assert shared["--TempDir"].startswith("s3://")


def test_argument_values_point_at_the_right_places(tf):
    assert tf.local("raw_path") == 's3://${aws_s3_bucket.data["raw"].bucket}/${var.raw_prefix}'
    # lake_path is the bucket root: the jobs append curated/, staging/, quarantine/, reports/.
    assert tf.local("lake_path") == 's3://${aws_s3_bucket.data["curated"].bucket}'
    for job in tf.local("glue_jobs").values():
        arguments = job["arguments"]
        if "--raw_path" in arguments:
            assert arguments["--raw_path"] == "${local.raw_path}"
        if "--lake_path" in arguments:
            assert arguments["--lake_path"] == "${local.lake_path}"
        if "--catalog_database" in arguments:
            assert arguments["--catalog_database"] == "${aws_glue_catalog_database.lake.name}"


def test_job_resources_are_built_from_the_map(tf):
    job = tf.resource("aws_glue_job", "this")
    assert job["for_each"] == "${local.glue_jobs}"
    assert job["default_arguments"] == "${merge(local.glue_default_arguments, each.value.arguments)}"
    command = job["command"][0]
    assert command["name"] == "glueetl"
    assert "aws_s3_object.glue_script[each.key]" in command["script_location"]
    script = tf.resource("aws_s3_object", "glue_script")
    assert script["for_each"] == "${local.glue_jobs}"
    assert script["source"] == "${each.value.script}"
    assert script["source_hash"] == "${filemd5(each.value.script)}"


def test_glue_logs_go_to_the_groups_terraform_creates(tf):
    """Glue 5.x writes to <prefix>/output and <prefix>/error: those two groups exist (with the
    retention and the key), the role may write exactly them, and no Glue 4 argument remains."""
    shared = tf.local("glue_default_arguments")
    job_arguments = [set(job["arguments"]) for job in tf.local("glue_jobs").values()]
    assert not GLUE_4_LOGGING & set(shared).union(*job_arguments)
    assert shared["--custom-logGroup-prefix"] == "${local.glue_log_group_prefix}"
    prefix = tf.render(tf.local("glue_log_group_prefix"))
    assert prefix == "/aws-glue/jobs/spotify-etl-dev"  # project-environment, default variables
    assert GLUE_LOG_PREFIX.match(prefix)

    names = {stream: tf.render(name) for stream, name in tf.local("glue_log_group_names").items()}
    assert names == {"output": f"{prefix}/output", "error": f"{prefix}/error"}
    group = tf.resource("aws_cloudwatch_log_group", "glue")
    assert group["for_each"] == "${local.glue_log_group_names}"
    assert group["name"] == "${each.value}"
    assert group["retention_in_days"] == "${var.log_retention_days}"
    assert group["kms_key_id"] == "${aws_kms_key.main.arn}"
    assert "${aws_cloudwatch_log_group.glue}" in tf.resource("aws_glue_job", "this")["depends_on"]

    (statement,) = [
        s
        for s in tf.data_source("aws_iam_policy_document", "glue")["statement"]
        if s["sid"] == "WriteGlueJobLogs"
    ]
    assert statement["resources"] == (
        '${[for name in values(local.glue_log_group_names) : "${local.log_group_arns[name]}:*"]}'
    )
    assert sorted(statement["actions"]) == [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ]
    assert tf.local("log_group_arns") == (
        '${{for name in local.log_group_names : name => "arn:${local.partition}:logs:${local.region}:'
        '${local.account_id}:log-group:${name}"}}'
    )


def test_the_security_configuration_leaves_log_encryption_to_the_log_groups(tf):
    """Its CloudWatch encryption is Glue 4's way (groups named after the configuration and the
    role); the groups carry the key themselves. S3 output and bookmarks stay encrypted here."""
    encryption = tf.resource("aws_glue_security_configuration", "main")["encryption_configuration"][0]
    assert encryption["cloudwatch_encryption"][0] == {"cloudwatch_encryption_mode": "DISABLED"}
    assert encryption["s3_encryption"][0]["s3_encryption_mode"] == "SSE-KMS"
    assert encryption["job_bookmarks_encryption"][0]["job_bookmarks_encryption_mode"] == "CSE-KMS"


def test_job_settings(tf):
    job = tf.resource("aws_glue_job", "this")
    assert job["glue_version"] == "5.1"
    assert job["worker_type"] == "${var.glue_worker_type}"
    assert job["number_of_workers"] == "${var.glue_number_of_workers}"
    assert job["execution_class"] == "${var.glue_execution_class}"
    assert tf.variables["glue_execution_class"]["default"] == "FLEX"
    assert job["max_retries"] == "${var.glue_max_retries}"
    # FLEX capacity can be reclaimed mid-run and the jobs are idempotent per date: one retry.
    assert tf.variables["glue_max_retries"]["default"] == 1
    assert job["timeout"] == "${var.glue_timeout_minutes}"
    assert job["security_configuration"] == "${aws_glue_security_configuration.main.name}"


def test_conditional_triggers_chain_the_jobs_in_workflow_order(tf):
    jobs = tf.local("glue_jobs")
    order = [spec.name for spec in WORKFLOW]
    assert jobs[order[0]]["after"] is None, f"{order[0]} must be the first job (after = null)"
    for previous, current in itertools.pairwise(order):
        assert jobs[current]["after"] == previous, f"{current} must run after {previous}"
    assert (
        tf.local("glue_first_job") == "${one([for name, job in local.glue_jobs : name if job.after == null])}"
    )

    start = tf.resource("aws_glue_trigger", "start")
    assert start["type"] == "ON_DEMAND"
    assert start["workflow_name"] == "${aws_glue_workflow.daily.name}"
    assert [action["job_name"] for action in start["actions"]] == [
        "${aws_glue_job.this[local.glue_first_job].name}"
    ]

    after = tf.resource("aws_glue_trigger", "after")
    assert after["type"] == "CONDITIONAL"
    assert after["workflow_name"] == "${aws_glue_workflow.daily.name}"
    assert after["for_each"] == "${{for name, job in local.glue_jobs : name => job if job.after != null}}"
    assert after["start_on_creation"] is True
    predicate = after["predicate"][0]
    assert predicate["conditions"] == [
        {
            "job_name": "${aws_glue_job.this[each.value.after].name}",
            "state": "SUCCEEDED",
            "logical_operator": "EQUALS",
        }
    ]
    assert [action["job_name"] for action in after["actions"]] == ["${aws_glue_job.this[each.key].name}"]
    assert set(tf.resources_of("aws_glue_trigger")) == {"start", "after"}, (
        "jobs are chained by these two only"
    )


def test_failed_glue_runs_are_reported(tf):
    rule = tf.resource("aws_cloudwatch_event_rule", "glue_job_failed")["event_pattern"]
    assert '"aws.glue"' in rule and '"Glue Job State Change"' in rule
    assert "[for job in aws_glue_job.this : job.name]" in rule
    for state in ("FAILED", "TIMEOUT", "ERROR"):
        assert f'"{state}"' in rule
    target = tf.resource("aws_cloudwatch_event_target", "glue_job_failed")
    assert target["arn"] == "${aws_sns_topic.alarms.arn}"


HEALTH_ARGUMENTS = {
    "metrics_namespace": "${local.metrics_namespace}",
    "catalog_database": "${aws_glue_catalog_database.lake.name}",
    "blocking_checks": "${local.blocking_checks_argument}",
    "min_volume_share": "${tostring(var.min_volume_share)}",
    "max_field_share_drop": "${tostring(var.max_field_share_drop)}",
    "max_item_count_change": "${tostring(var.max_item_count_change)}",
}
"""The health arguments (issue 18) and the Terraform value each job gets for them."""


def test_every_health_argument_a_job_reads_is_passed(tf):
    """A job whose JobSpec reads a health argument gets it, from the one place Terraform keeps
    it: without --metrics_namespace a job puts no metric and the alarms would watch nothing."""
    for name, job in tf.local("glue_jobs").items():
        spec = job_specs()[name]
        wanted = {argument for argument in spec.arguments if argument in HEALTH_ARGUMENTS}
        passed = {argument: job["arguments"].get(f"--{argument}") for argument in wanted}
        assert passed == {argument: HEALTH_ARGUMENTS[argument] for argument in wanted}, name
    readers = {spec.name for spec in WORKFLOW if "metrics_namespace" in spec.arguments}
    assert readers == set(job_specs()), "both jobs put metrics: both read --metrics_namespace"


def test_both_jobs_resolve_date_ranges_against_raw(tf):
    """A workflow run with snapshot_dates=2026-01-01..2026-03-31 (a backfill) must give both jobs
    the same dates: each matches the range against the dates raw holds, so each gets --raw_path
    (without it build_tables refuses a range with a JobArgumentError)."""
    for name, job in tf.local("glue_jobs").items():
        assert "raw_path" in job_specs()[name].arguments, name
        assert job["arguments"].get("--raw_path") == "${local.raw_path}", name


def test_blocking_checks_default_to_none(tf):
    """No check blocks unless configured; a job argument needs a value, so none is "none"."""
    assert tf.variables["blocking_checks"]["default"] == []
    assert tf.local("blocking_checks_argument") == (
        '${length(var.blocking_checks) > 0 ? join(",", var.blocking_checks) : "none"}'
    )
