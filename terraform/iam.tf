# Three roles, each allowed what its code does and nothing else. Every statement names the
# resources of this deployment; the only "*" resources are for actions that have no
# resource-level permissions (X-Ray, CloudWatch PutMetricData — the latter restricted to the Glue
# and project namespaces by a condition). tests/terraform/test_iam.py keeps it that way.

locals {
  raw_bucket_arn       = aws_s3_bucket.data["raw"].arn
  curated_bucket_arn   = aws_s3_bucket.data["curated"].arn
  artifacts_bucket_arn = aws_s3_bucket.data["artifacts"].arn
  glue_workflow_arn    = "arn:${local.partition}:glue:${local.region}:${local.account_id}:workflow/${local.glue_workflow_name}"
  glue_catalog_arn     = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  glue_database_arn    = "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${local.glue_database_name}"
  glue_tables_arn      = "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${local.glue_database_name}/*"
}

# ---------------------------------------------------------------------------------------------
# Extract Lambda
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "lambda" {
  name               = "${local.prefix}-extract-lambda"
  description        = "Execution role of the ${local.lambda_function_name} Lambda."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "extract"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "WriteTheRawZoneOnly"
    actions   = ["s3:PutObject"]
    resources = ["${local.raw_bucket_arn}/${var.raw_prefix}/*"]
  }

  statement {
    sid       = "ReadTheSpotifySecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.spotify.arn]
  }

  # Spotify may answer a refresh with a new refresh token; the Lambda merges it into the secret
  # at once (extract_lambda/secret_store.py), or the next run would fail with invalid_grant.
  statement {
    sid       = "KeepARotatedRefreshToken"
    actions   = ["secretsmanager:PutSecretValue"]
    resources = [aws_secretsmanager_secret.spotify.arn]
  }

  statement {
    sid       = "StartTheWorkflow"
    actions   = ["glue:StartWorkflowRun"]
    resources = [local.glue_workflow_arn]
  }

  # SSE-KMS raw objects, the secret, the encrypted environment and the failures queue.
  statement {
    sid       = "UseTheProjectKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }

  statement {
    sid       = "SendFailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.lambda_failures.arn]
  }

  statement {
    sid       = "WriteItsLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda.arn}:*"]
  }

  # X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions.
  statement {
    sid       = "XRayTracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

# ---------------------------------------------------------------------------------------------
# Glue jobs
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "glue" {
  name               = local.glue_role_name
  description        = "Role of the ${local.prefix} Glue jobs."
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

resource "aws_iam_role_policy" "glue" {
  name   = "etl"
  role   = aws_iam_role.glue.id
  policy = data.aws_iam_policy_document.glue.json
}

data "aws_iam_policy_document" "glue" {
  # normalize_items reads one date's raw files.
  statement {
    sid       = "ListTheRawZone"
    actions   = ["s3:ListBucket"]
    resources = [local.raw_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.raw_prefix, "${var.raw_prefix}/*"]
    }
  }

  statement {
    sid       = "ReadTheRawZone"
    actions   = ["s3:GetObject"]
    resources = ["${local.raw_bucket_arn}/${var.raw_prefix}/*"]
  }

  # Both jobs write the lake: curated/, staging/, quarantine/, reports/ (Spark lists, writes
  # and deletes while it commits and overwrites partitions).
  statement {
    sid       = "ListTheLake"
    actions   = ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"]
    resources = [local.curated_bucket_arn]
  }

  statement {
    sid = "ReadAndWriteTheLake"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${local.curated_bucket_arn}/*"]
  }

  # Scripts and dist/spotify_etl.zip; --TempDir.
  statement {
    sid       = "ReadTheArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${local.artifacts_bucket_arn}/${local.glue_artifacts_prefix}/scripts/*", "${local.artifacts_bucket_arn}/${local.glue_artifacts_prefix}/lib/*"]
  }

  statement {
    sid       = "ListTheTempDir"
    actions   = ["s3:ListBucket"]
    resources = [local.artifacts_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.glue_temp_prefix}/*"]
    }
  }

  statement {
    sid       = "UseTheTempDir"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.artifacts_bucket_arn}/${local.glue_temp_prefix}/*"]
  }

  # SSE-KMS objects (read and write), CSE-KMS bookmarks, encrypted logs.
  statement {
    sid       = "UseTheProjectKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [aws_kms_key.main.arn]
  }

  # build_tables registers each new partition of the four tables, normalize_items those of
  # api_health (boto3).
  statement {
    sid = "RegisterPartitions"
    actions = [
      "glue:GetTable",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:BatchGetPartition",
      "glue:CreatePartition",
      "glue:BatchCreatePartition",
      "glue:UpdatePartition",
      "glue:BatchUpdatePartition",
    ]
    resources = [local.glue_catalog_arn, local.glue_database_arn, local.glue_tables_arn]
  }

  # Inside the workflow the jobs read snapshot_date, run_id and raw_path from the run.
  statement {
    sid       = "ReadWorkflowRunProperties"
    actions   = ["glue:GetWorkflowRunProperties"]
    resources = [local.glue_workflow_arn]
  }

  # Glue 5.x writes each run's log streams into <--custom-logGroup-prefix>/output and /error,
  # the two groups glue.tf creates (with retention and the key) before any job runs. Their
  # encryption is the group's, so no logs:AssociateKmsKey; logs:CreateLogGroup is kept on these
  # two names only, because Glue's log agent may ask for its group before writing (it exists).
  statement {
    sid       = "WriteGlueJobLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for name in values(local.glue_log_group_names) : "${local.log_group_arns[name]}:*"]
  }

  # PutMetricData has no resource-level permissions; the condition keeps it to Glue's namespace
  # (--enable-metrics, --enable-observability-metrics) and the project's, where the jobs put
  # their own health metrics (spotify_etl.metrics, --metrics_namespace).
  statement {
    sid       = "PublishMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue", local.metrics_namespace]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# EventBridge Scheduler
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "scheduler" {
  name               = "${local.prefix}-scheduler"
  description        = "Lets the ${local.prefix} daily schedule invoke the extract Lambda, and nothing else."
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-extract"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeTheExtractLambda"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.extract.arn, "${aws_lambda_function.extract.arn}:*"]
  }
}
