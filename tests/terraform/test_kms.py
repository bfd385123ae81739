"""The project key: one key-policy statement per service principal, each with conditions the
service's requests really carry, and the key kept by `destroy` while the data buckets are.

The rules (terraform/kms.tf cites the documents): EventBridge's requests to KMS for an encrypted
SNS target carry no aws:SourceAccount / aws:SourceArn, so a source condition on its statement
drops every Glue failure event; SNS's encryption context aws:sns:topicArn is on every request.
CloudWatch alarms carry aws:SourceArn (the alarm) and aws:SourceAccount. CloudWatch Logs carries
the encryption context aws:logs:arn (the log group).
"""

from __future__ import annotations

SOURCE_KEYS = {"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"}
TOPIC_CONTEXT = "kms:EncryptionContext:aws:sns:topicArn"


def key_policy(tf) -> list[dict]:
    assert tf.resource("aws_kms_key", "main")["policy"] == "${data.aws_iam_policy_document.kms_key.json}"
    return tf.data_source("aws_iam_policy_document", "kms_key")["statement"]


def service_statements(tf) -> dict[str, dict]:
    """Statements with a service principal, by that principal (exactly one each)."""
    found = {}
    for statement in key_policy(tf):
        for principal in statement.get("principals", []):
            if principal["type"] != "Service":
                continue
            assert len(principal["identifiers"]) == 1, (
                f"{statement['sid']}: one service per statement, each with its own conditions"
            )
            (service,) = principal["identifiers"]
            assert service not in found, f"{service} has two statements"
            found[service] = statement
    return found


def conditions(statement: dict) -> dict[str, dict]:
    return {condition["variable"]: condition for condition in statement.get("condition", [])}


def test_one_statement_per_service_principal(tf):
    assert set(service_statements(tf)) == {
        "logs.${local.region}.amazonaws.com",
        "events.amazonaws.com",
        "cloudwatch.amazonaws.com",
    }


def test_eventbridge_is_limited_by_the_topic_not_by_source_keys_it_does_not_send(tf):
    statement = service_statements(tf)["events.amazonaws.com"]
    found = conditions(statement)
    assert not SOURCE_KEYS & set(found), "EventBridge sends no source keys to KMS: every event would be lost"
    assert found == {
        TOPIC_CONTEXT: {
            "test": "StringEquals",
            "variable": TOPIC_CONTEXT,
            "values": ["${local.alarm_topic_arn}"],
        }
    }
    assert sorted(statement["actions"]) == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_cloudwatch_alarms_are_limited_to_this_deployments_alarms_and_topic(tf):
    statement = service_statements(tf)["cloudwatch.amazonaws.com"]
    found = conditions(statement)
    assert found[TOPIC_CONTEXT]["values"] == ["${local.alarm_topic_arn}"]
    assert found["aws:SourceAccount"]["values"] == ["${local.account_id}"]
    (alarm_pattern,) = found["aws:SourceArn"]["values"]
    assert found["aws:SourceArn"]["test"] == "ArnLike"
    prefix = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:"
    assert alarm_pattern == prefix + "${local.prefix}-*"
    # Every alarm that publishes to the topic must match the pattern, or its notifications are lost.
    alarms = tf.resources_of("aws_cloudwatch_metric_alarm")
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["alarm_name"].startswith("${local.prefix}-"), f"alarm {name}: {alarm['alarm_name']}"


def test_the_topic_in_the_key_policy_is_the_alarm_topic(tf):
    assert tf.resource("aws_sns_topic", "alarms")["name"] == "${local.alarm_topic_name}"
    assert tf.resource("aws_sns_topic", "alarms")["kms_master_key_id"] == "${aws_kms_key.main.arn}"
    assert tf.local("alarm_topic_arn") == (
        "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.alarm_topic_name}"
    )
    assert tf.render(tf.local("alarm_topic_name")) == "spotify-etl-dev-alarms"


def test_cloudwatch_logs_may_use_the_key_for_the_pipelines_log_groups_only(tf):
    statement = service_statements(tf)["logs.${local.region}.amazonaws.com"]
    found = conditions(statement)
    assert set(found) == {"kms:EncryptionContext:aws:logs:arn"}
    assert found["kms:EncryptionContext:aws:logs:arn"]["values"] == (
        "${[for name in local.log_group_names : local.log_group_arns[name]]}"
    )
    assert tf.local("log_group_names") == (
        "${concat([local.lambda_log_group_name], values(local.glue_log_group_names))}"
    )
    # ... and those are all the log groups there are, each encrypted with the key.
    groups = tf.resources_of("aws_cloudwatch_log_group")
    assert groups["lambda"]["name"] == "${local.lambda_log_group_name}"
    assert groups["glue"]["for_each"] == "${local.glue_log_group_names}"
    assert set(groups) == {"lambda", "glue"}
    assert {group["kms_key_id"] for group in groups.values()} == {"${aws_kms_key.main.arn}"}


def test_the_glue_failure_events_reach_the_topic_without_a_role(tf):
    """EventBridge: a RoleArn on an SNS target can make delivery to an encrypted topic fail."""
    target = tf.resource("aws_cloudwatch_event_target", "glue_job_failed")
    assert "role_arn" not in target
    topic_policy = tf.data_source("aws_iam_policy_document", "alarms_topic")["statement"]
    events = [s for s in topic_policy if s["principals"][0]["identifiers"] == ["events.amazonaws.com"]]
    # this deployment's rules: the Glue job failures here, the load job's in terraform/snowflake
    assert conditions(events[0])["aws:SourceArn"]["values"] == [
        "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.prefix}-*"
    ]
    assert (
        tf.resource("aws_cloudwatch_event_rule", "glue_job_failed")["name"]
        == "${local.prefix}-glue-job-failed"
    )


def test_the_key_outlives_destroy_while_the_data_buckets_are_kept(tf):
    """Terraform destroys a resource before what it depends on and stops the dependencies of a
    resource whose destruction failed: the data buckets depend on the key and its alias, so a
    raw or curated bucket that still holds data (force_destroy false) keeps the key."""
    buckets = tf.resource("aws_s3_bucket", "data")
    assert {"${aws_kms_key.main}", "${aws_kms_alias.main}"} <= set(buckets["depends_on"])
    assert buckets["force_destroy"] == "${each.value.force_destroy}"
    data_buckets = tf.local("data_buckets")
    for kept in ("raw", "curated"):
        assert data_buckets[kept]["force_destroy"] == "${var.force_destroy_data_buckets}"
    assert tf.variables["force_destroy_data_buckets"]["default"] is False
    key = tf.resource("aws_kms_key", "main")
    assert key["deletion_window_in_days"] == 30  # the longest undo KMS offers
    assert key["enable_key_rotation"] is True
