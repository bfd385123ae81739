"""Versions, variables and buckets of terraform/: the conventions the brief fixes."""

from __future__ import annotations

EXPECTED_FILES = {
    "versions.tf",
    "providers.tf",
    "variables.tf",
    "locals.tf",
    "s3.tf",
    "secret.tf",
    "lambda.tf",
    "scheduler.tf",
    "glue.tf",
    "catalog.tf",
    "athena.tf",
    "monitoring.tf",
    "iam.tf",
    "outputs.tf",
}


def test_files_split_by_concern(tf):
    present = {path.name for path in tf.directory.glob("*.tf")}
    assert present >= EXPECTED_FILES, f"missing: {sorted(EXPECTED_FILES - present)}"
    for example in ("terraform.tfvars.example", "backend.tf.example"):
        assert (tf.directory / example).is_file(), example


def test_terraform_and_provider_versions_are_pinned(tf):
    (settings,) = tf.terraform
    assert settings["required_version"] == ">= 1.6"
    aws = settings["required_providers"][0]["aws"]
    assert aws == {"source": "hashicorp/aws", "version": "~> 6.25"}


def test_every_variable_is_typed_and_described(tf):
    for name, variable in tf.variables.items():
        assert variable.get("type"), f"variable {name} has no type"
        assert str(variable.get("description", "")).strip(), f"variable {name} has no description"
    assert tf.variables["playlist_ids"]["type"] == "${list(string)}"


def test_every_output_is_described(tf):
    for name, output in tf.outputs.items():
        assert str(output.get("description", "")).strip(), f"output {name} has no description"


def test_buckets_are_private_encrypted_and_tls_only(tf):
    buckets = tf.local("data_buckets")
    assert set(buckets) == {"raw", "curated", "artifacts", "athena-results"}
    per_bucket = (
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_logging",
        "aws_s3_bucket_policy",
    )
    for kind in per_bucket:
        assert tf.resource(kind, "data")["for_each"] == "${local.data_buckets}", (
            f"{kind}.data must cover every bucket"
        )
    for kind in (*per_bucket[:3], "aws_s3_bucket_policy"):
        tf.resource(kind, "access_logs")
    sse = tf.resource("aws_s3_bucket_server_side_encryption_configuration", "data")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert (
        tf.resource("aws_s3_bucket_versioning", "data")["versioning_configuration"][0]["status"] == "Enabled"
    )
    for name in ("data", "access_logs"):
        ownership = tf.resource("aws_s3_bucket_ownership_controls", name)["rule"][0]
        assert ownership["object_ownership"] == "BucketOwnerEnforced"
        block = tf.resource("aws_s3_bucket_public_access_block", name)
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ):
            assert block[flag] is True, f"{name}: {flag}"
    for name in ("tls_only", "access_logs"):
        statements = tf.data_source("aws_iam_policy_document", name)["statement"]
        deny = [s for s in statements if s.get("effect") == "Deny"]
        assert any(
            condition["variable"] == "aws:SecureTransport" and condition["values"] == ["false"]
            for statement in deny
            for condition in statement.get("condition", [])
        ), f"{name}: no deny of aws:SecureTransport = false"
    for bucket in ("raw", "curated", "artifacts", "athena_results", "access_logs"):
        tf.resource("aws_s3_bucket_lifecycle_configuration", bucket)


def test_the_secret_value_is_not_in_terraform(tf):
    assert not tf.resources_of("aws_secretsmanager_secret_version"), (
        "the Spotify credentials are set out of band (docs/deploy.md), never in Terraform state"
    )
