"""Least privilege in terraform/: every policy is an aws_iam_policy_document this test can read,
no Allow statement grants "*" actions, and "*" resources appear only where AWS offers nothing
narrower."""

from __future__ import annotations

STAR_RESOURCE_ACTIONS = {
    "xray:PutTraceSegments": "X-Ray has no resource-level permissions for writing traces",
    "xray:PutTelemetryRecords": "X-Ray has no resource-level permissions for writing traces",
    "cloudwatch:PutMetricData": "no resource-level permissions; narrowed by a cloudwatch:namespace condition",
}
"""Actions that may have "*" as their resource, and why."""

CONDITION_REQUIRED_WITH_STAR = {"cloudwatch:PutMetricData": "cloudwatch:namespace"}

KEY_POLICY_DOCUMENTS = {
    "kms_key": 'a KMS key policy: "Resource": "*" means the key itself; the account-root statement '
    "with kms:* is AWS's default statement that hands the key's use to IAM policies",
}
"""Documents whose "*" resources (and the root's kms:*) are allowed, and why."""

POLICY_ATTRIBUTES = {
    "aws_iam_role": "assume_role_policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_policy": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_sqs_queue_policy": "policy",
    "aws_kms_key": "policy",
    "aws_secretsmanager_secret_policy": "policy",  # pragma: allowlist secret
}


def policy_documents(tf) -> dict[str, dict]:
    return {name: body for (kind, name), body in tf.data.items() if kind == "aws_iam_policy_document"}


def allow_statements(tf):
    for name, document in policy_documents(tf).items():
        for index, statement in enumerate(document.get("statement", [])):
            if statement.get("effect", "Allow") == "Allow":
                yield name, statement.get("sid", f"statement {index}"), statement


def test_every_policy_is_a_policy_document_data_source(tf):
    for kind, attribute in POLICY_ATTRIBUTES.items():
        for name, body in tf.resources_of(kind).items():
            policy = body.get(attribute)
            if policy is None:
                continue
            assert policy.startswith("${data.aws_iam_policy_document.") and policy.endswith(".json}"), (
                f"{kind}.{name}.{attribute} must be a data.aws_iam_policy_document (so this test reads it)"
            )
    for name, body in tf.resources_of("aws_sqs_queue").items():
        assert "policy" not in body, f"aws_sqs_queue.{name}: use aws_sqs_queue_policy with a policy document"
    assert not tf.resources_of("aws_iam_role_policy_attachment"), "no managed policies: inline documents only"
    assert not tf.resources_of("aws_iam_policy_attachment")


def test_no_statement_allows_every_action(tf):
    for document, sid, statement in allow_statements(tf):
        for action in statement.get("actions", []):
            assert action != "*", f"{document}/{sid} allows every action"
            if document in KEY_POLICY_DOCUMENTS:
                continue
            assert not action.endswith(":*"), f"{document}/{sid} allows every action of a service: {action}"
        assert "not_actions" not in statement, (
            f"{document}/{sid}: Allow with not_actions grants almost everything"
        )


def test_star_resources_only_where_there_is_nothing_narrower(tf):
    for document, sid, statement in allow_statements(tf):
        resources = statement.get("resources", [])
        if isinstance(resources, str):  # one expression (a for expression): a list of ARNs, not "*"
            resources = [resources]
        if "*" not in resources or document in KEY_POLICY_DOCUMENTS:
            continue
        actions = set(statement.get("actions", []))
        unexplained = actions - set(STAR_RESOURCE_ACTIONS)
        assert not unexplained, (
            f'{document}/{sid}: "*" resource for {sorted(unexplained)}, which can be narrowed'
        )
        for action, condition_key in CONDITION_REQUIRED_WITH_STAR.items():
            if action in actions:
                keys = {condition["variable"] for condition in statement.get("condition", [])}
                assert condition_key in keys, (
                    f'{document}/{sid}: {action} on "*" needs a {condition_key} condition'
                )


def test_the_lambda_writes_only_the_raw_zone(tf):
    statements = policy_documents(tf)["lambda"]["statement"]
    s3 = [statement for statement in statements if any(a.startswith("s3:") for a in statement["actions"])]
    assert [statement["actions"] for statement in s3] == [["s3:PutObject"]]
    assert s3[0]["resources"] == ["${local.raw_bucket_arn}/${var.raw_prefix}/*"]


def test_the_glue_role_has_exactly_the_catalog_calls_of_build_tables(tf):
    statements = policy_documents(tf)["glue"]["statement"]
    catalog = {action for s in statements for action in s["actions"] if action.startswith("glue:")}
    assert catalog == {
        "glue:GetTable",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
        "glue:CreatePartition",
        "glue:BatchCreatePartition",
        "glue:UpdatePartition",
        "glue:BatchUpdatePartition",
        "glue:GetWorkflowRunProperties",
    }
    for statement in statements:
        if any(action.startswith("glue:") for action in statement["actions"]):
            assert all(resource.startswith("${local.glue_") for resource in statement["resources"]), (
                f"{statement.get('sid')}: Glue actions on other resources than this deployment's"
            )


def test_the_lambda_reads_and_writes_only_the_spotify_secret(tf):
    statements = policy_documents(tf)["lambda"]["statement"]
    secret = [s for s in statements if any(a.startswith("secretsmanager:") for a in s["actions"])]
    actions = sorted(action for statement in secret for action in statement["actions"])
    assert actions == ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
    assert all(s["resources"] == ["${aws_secretsmanager_secret.spotify.arn}"] for s in secret)


def test_the_glue_role_puts_metrics_into_glues_and_the_projects_namespace_only(tf):
    """The jobs put their health metrics (spotify_etl.metrics) into local.metrics_namespace, the
    namespace the alarms watch; PutMetricData has no resource, so the condition is the limit."""
    statements = policy_documents(tf)["glue"]["statement"]
    (metrics,) = [s for s in statements if "cloudwatch:PutMetricData" in s["actions"]]
    assert metrics["actions"] == ["cloudwatch:PutMetricData"]
    (condition,) = metrics["condition"]
    assert condition["test"] == "StringEquals"
    assert condition["variable"] == "cloudwatch:namespace"
    assert sorted(condition["values"]) == ["${local.metrics_namespace}", "Glue"]
