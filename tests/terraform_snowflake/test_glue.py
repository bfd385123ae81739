"""The load job in the main stack's workflow: named arguments of LOAD_SNOWFLAKE, after build_tables."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from spotify_etl.snowflake.job import LOAD_SNOWFLAKE

from ..terraform.conftest import REPO
from .conftest import resolve_locals


def test_the_job_runs_the_load_script_from_the_shared_package(tfs):
    job = tfs.resource("aws_glue_job", "load_snowflake")
    assert job["count"] == "${local.loader_enabled ? 1 : 0}"
    assert job["glue_version"] == "5.1"
    (command,) = job["command"]
    assert command["name"] == "glueetl"
    script = tfs.local("load_script_source")
    assert script == f"${{path.module}}/../../glue_jobs/{LOAD_SNOWFLAKE.script}"
    assert tfs.resolve_module_path(script).is_file()
    assert tfs.local("load_script_key").endswith(LOAD_SNOWFLAKE.script)
    assert job["default_arguments"]["--extra-py-files"] == "${var.glue_package_path}"


def test_the_job_arguments_are_the_ones_the_script_reads(tfs):
    arguments = tfs.resource("aws_glue_job", "load_snowflake")["default_arguments"]
    own = {
        name[2:]
        for name in arguments
        if not re.match(r"^--(job-|enable-|extra-py|additional-python|custom-logGroup)", name)
    }
    assert own == set(LOAD_SNOWFLAKE.required)
    assert "--snapshot_date" not in arguments  # the workflow run property supplies it


def test_the_job_logs_the_glue_5_way_into_the_main_stacks_groups(tfs):
    """Glue 5.x writes <--custom-logGroup-prefix>/output and /error; the main stack's groups have
    the retention and the key (whose policy names exactly those groups), so the load job uses them."""
    arguments = tfs.resource("aws_glue_job", "load_snowflake")["default_arguments"]
    assert arguments["--custom-logGroup-prefix"] == "${local.glue_log_group_prefix}"
    assert tfs.local("glue_log_group_prefix") == '${trimsuffix(var.glue_log_groups["output"], "/output")}'
    assert not [name for name in arguments if name.startswith(("--enable-continuous", "--continuous-log"))]
    assert not tfs.resources_of("aws_cloudwatch_log_group")


def test_the_glue_connector_pin_satisfies_the_projects_requirement(tfs):
    pin = Requirement(resolve_locals("${local.snowflake_connector_spec}", tfs))
    (pinned_version,) = [spec.version for spec in pin.specifier if spec.operator == "=="]
    dev = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    (wanted,) = [Requirement(r) for r in dev if Requirement(r).name == pin.name]
    assert wanted.specifier.contains(pinned_version), (pin, wanted)
    arguments = tfs.resource("aws_glue_job", "load_snowflake")["default_arguments"]
    assert arguments["--additional-python-modules"] == "${local.snowflake_connector_spec}"


def test_the_job_starts_when_build_tables_has_succeeded(tfs):
    trigger = tfs.resource("aws_glue_trigger", "load_snowflake")
    assert trigger["type"] == "CONDITIONAL" and trigger["workflow_name"] == "${var.glue_workflow_name}"
    (predicate,) = trigger["predicate"]
    assert predicate["conditions"] == [
        {
            "job_name": '${var.glue_job_names["build_tables"]}',
            "state": "SUCCEEDED",
            "logical_operator": "EQUALS",
        }
    ]
    assert trigger["actions"] == [{"job_name": "${aws_glue_job.load_snowflake[0].name}"}]


def test_a_failed_run_is_reported_on_the_alarm_topic(tfs, main_tf):
    rule = tfs.resource("aws_cloudwatch_event_rule", "load_failed")
    assert rule["name"].startswith("${var.name_prefix}-")
    assert '"FAILED"' in rule["event_pattern"] and "local.load_job_name" in rule["event_pattern"]
    assert tfs.resource("aws_cloudwatch_event_target", "load_failed")["arn"] == "${var.alarm_topic_arn}"
    # the main stack's topic lets every rule named <prefix>-* publish
    topic = main_tf.data_source("aws_iam_policy_document", "alarms_topic")
    (events,) = [
        s for s in topic["statement"] if s["principals"][0]["identifiers"] == ["events.amazonaws.com"]
    ]
    (condition,) = events["condition"]
    assert condition["test"] == "ArnLike"
    assert condition["values"] == [
        "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.prefix}-*"
    ]
