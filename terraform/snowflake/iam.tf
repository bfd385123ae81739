# Two roles: the one Snowflake's storage integration assumes to read the curated tables, and
# the Glue load job's. Each names this deployment's resources only.

# ---------------------------------------------------------------------------------------------
# Snowflake's storage integration
# ---------------------------------------------------------------------------------------------

# Snowflake assumes the role as its own IAM user, with the integration's external ID
# (docs.snowflake.com/en/user-guide/data-load-s3-config-storage-integration). The role's ARN is
# built from its name (locals.tf), so the integration can name it before it exists.
resource "aws_iam_role" "snowflake_stage" {
  name                 = local.snowflake_role_name
  description          = "Assumed by Snowflake (storage integration ${snowflake_storage_integration.curated.name}) to read s3://${var.curated_bucket}/${local.stage_prefix}."
  assume_role_policy   = data.aws_iam_policy_document.snowflake_assume.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "snowflake_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [snowflake_storage_integration.curated.storage_aws_iam_user_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [snowflake_storage_integration.curated.storage_aws_external_id]
    }
  }
}

resource "aws_iam_role_policy" "snowflake_stage" {
  name   = "read-curated"
  role   = aws_iam_role.snowflake_stage.id
  policy = data.aws_iam_policy_document.snowflake_stage.json
}

data "aws_iam_policy_document" "snowflake_stage" {
  statement {
    sid       = "ReadTheCuratedTables"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${local.curated_bucket_arn}/${local.stage_prefix}*"]
  }

  statement {
    sid       = "ListTheCuratedTables"
    actions   = ["s3:ListBucket"]
    resources = [local.curated_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.stage_prefix}*"]
    }
  }

  statement {
    sid       = "LocateTheBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [local.curated_bucket_arn]
  }

  # The lake is SSE-KMS with the project key.
  statement {
    sid       = "DecryptTheLake"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

# ---------------------------------------------------------------------------------------------
# The Glue load job
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "glue_load" {
  name               = local.load_role_name
  description        = "Role of the ${local.load_job_name} Glue job."
  assume_role_policy = data.aws_iam_policy_document.glue_assume.json
}

data "aws_iam_policy_document" "glue_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "glue_load" {
  name   = "load-snowflake"
  role   = aws_iam_role.glue_load.id
  policy = data.aws_iam_policy_document.glue_load.json
}

data "aws_iam_policy_document" "glue_load" {
  # The build_tables reports: published or not, and the row counts Snowflake must hold. Listing
  # lets a missing report answer 404 ("not published") instead of 403.
  statement {
    sid       = "ReadTheReports"
    actions   = ["s3:GetObject"]
    resources = ["${local.curated_bucket_arn}/reports/*"]
  }

  statement {
    sid       = "ListTheReports"
    actions   = ["s3:ListBucket"]
    resources = [local.curated_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["reports/*"]
    }
  }

  statement {
    sid       = "ReadTheScriptAndPackage"
    actions   = ["s3:GetObject"]
    resources = ["${local.artifacts_bucket_arn}/${local.load_script_key}", "${local.artifacts_bucket_arn}/glue/lib/*"]
  }

  statement {
    sid       = "ReadThePrivateKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.loader_private_key.arn]
  }

  # The reports, the artifacts and the secret are encrypted with the project key; Glue's
  # security configuration encrypts the job's logs with it.
  statement {
    sid       = "UseTheProjectKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "ReadWorkflowRunProperties"
    actions   = ["glue:GetWorkflowRunProperties"]
    resources = [local.glue_workflow_arn]
  }

  statement {
    sid       = "WriteGlueJobLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for arn in local.glue_log_group_arns : "${arn}:*"]
  }
}
