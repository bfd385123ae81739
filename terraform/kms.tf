# One customer managed key encrypts everything the pipeline stores: the buckets (SSE-KMS with
# S3 Bucket Keys, so S3 asks KMS about once per bucket and hour, not per object), the secret,
# the Lambda's environment, the DLQ, the alarm topic, the log groups, the Glue jobs' output,
# logs and bookmarks, and Athena's results. A customer managed key (not the AWS managed ones)
# because EventBridge and CloudWatch alarms can publish to an encrypted SNS topic only when the
# key's policy lets them, and the aws/sns key's policy cannot be changed. $1 a month.
resource "aws_kms_key" "main" {
  description             = "${local.prefix}: encrypts the Spotify ETL buckets, secret, queue, topic, logs and Glue output"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_key.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.prefix}"
  target_key_id = aws_kms_key.main.key_id
}

# In a key policy "Resource": "*" means this key and nothing else.
data "aws_iam_policy_document" "kms_key" {
  #checkov:skip=CKV_AWS_109:Key policy, not an IAM policy: the account-root statement is AWS's default key policy statement that delegates the key's use to IAM policies (iam.tf grants each role only what it needs).
  #checkov:skip=CKV_AWS_111:Key policy, not an IAM policy: "Resource": "*" in a key policy means this key only; service principals are limited by encryption context or source account.
  #checkov:skip=CKV_AWS_356:Key policy, not an IAM policy: "Resource": "*" in a key policy means this key only.
  # Lets IAM policies of this account grant use of the key (the roles in iam.tf do, each for
  # what it needs); without it only this policy could.
  statement {
    sid       = "EnableIamPoliciesOfThisAccount"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts the Lambda's and the Glue jobs' log groups, and only those.
  statement {
    sid = "CloudWatchLogsForThePipelineLogGroups"
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:DescribeKey",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.lambda_log_group_name}",
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/jobs/*",
      ]
    }
  }

  # EventBridge (Glue job failures) and CloudWatch alarms publish to the encrypted SNS topic.
  statement {
    sid       = "PublishToTheEncryptedAlarmTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}
