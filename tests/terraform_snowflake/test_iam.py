"""The AWS roles: Snowflake's (trust on the integration's outputs, read curated/ only, decrypt),
and the load job's (reports, its secret, the workflow's properties)."""

from __future__ import annotations

from .conftest import resolve_locals, statements


def test_the_snowflake_role_trusts_the_integrations_user_and_external_id(tfs):
    role = tfs.resource("aws_iam_role", "snowflake_stage")
    assert role["assume_role_policy"] == "${data.aws_iam_policy_document.snowflake_assume.json}"
    (statement,) = tfs.data_source("aws_iam_policy_document", "snowflake_assume")["statement"]
    assert statement["actions"] == ["sts:AssumeRole"]
    (principal,) = statement["principals"]
    assert principal == {
        "type": "AWS",
        "identifiers": ["${snowflake_storage_integration.curated.storage_aws_iam_user_arn}"],
    }
    (condition,) = statement["condition"]
    assert condition == {
        "test": "StringEquals",
        "variable": "sts:ExternalId",
        "values": ["${snowflake_storage_integration.curated.storage_aws_external_id}"],
    }


def test_the_integration_names_the_role_terraform_creates(tfs):
    integration = tfs.resource("snowflake_storage_integration", "curated")
    arn = resolve_locals(integration["storage_aws_role_arn"], tfs)
    name = resolve_locals(tfs.resource("aws_iam_role", "snowflake_stage")["name"], tfs)
    assert arn == f"arn:${{local.partition}}:iam::${{local.account_id}}:role/{name}".replace(
        "${local.partition}", resolve_locals("${local.partition}", tfs)
    ).replace("${local.account_id}", resolve_locals("${local.account_id}", tfs))


def test_the_snowflake_role_reads_the_curated_tables_only_and_can_decrypt_them(tfs):
    policy = statements(tfs.data_source("aws_iam_policy_document", "snowflake_stage"))
    read = policy["ReadTheCuratedTables"]
    assert sorted(read["actions"]) == ["s3:GetObject", "s3:GetObjectVersion"]
    assert [resolve_locals(r, tfs) for r in read["resources"]] == [
        "arn:${data.aws_partition.current.partition}:s3:::${var.curated_bucket}/curated/*"
    ]
    listing = policy["ListTheCuratedTables"]
    assert listing["actions"] == ["s3:ListBucket"]
    assert [resolve_locals(v, tfs) for v in listing["condition"][0]["values"]] == ["curated/*"]
    assert policy["DecryptTheLake"] == {
        "sid": "DecryptTheLake",
        "actions": ["kms:Decrypt"],
        "resources": ["${var.kms_key_arn}"],
    }
    actions = {action for statement in policy.values() for action in statement["actions"]}
    assert not any(action.startswith(("s3:Put", "s3:Delete")) or action.endswith("*") for action in actions)


def test_the_load_job_reads_reports_and_its_secret_only(tfs):
    policy = statements(tfs.data_source("aws_iam_policy_document", "glue_load"))
    assert [resolve_locals(r, tfs) for r in policy["ReadTheReports"]["resources"]] == [
        "arn:${data.aws_partition.current.partition}:s3:::${var.curated_bucket}/reports/*"
    ]
    assert policy["ReadThePrivateKey"]["resources"] == ["${aws_secretsmanager_secret.loader_private_key.arn}"]
    assert policy["ReadWorkflowRunProperties"]["actions"] == ["glue:GetWorkflowRunProperties"]
    logs = policy["WriteGlueJobLogs"]["resources"]  # the main stack's two groups, their streams
    assert logs == '${[for arn in local.glue_log_group_arns : "${arn}:*"]}'
    for statement in policy.values():
        if statement["sid"] != "WriteGlueJobLogs":  # log streams of the two groups: ":*" above
            assert "*" not in statement["resources"], statement["sid"]
        assert not any(a.startswith(("s3:Put", "s3:Delete")) for a in statement["actions"]), statement["sid"]


def test_the_private_key_has_no_value_in_terraform(tfs):
    assert not tfs.resources_of("aws_secretsmanager_secret_version")
    secret = tfs.resource("aws_secretsmanager_secret", "loader_private_key")
    assert secret["kms_key_id"] == "${var.kms_key_arn}"
