# One customer managed key encrypts everything the pipeline stores: the buckets (SSE-KMS with
# S3 Bucket Keys, so S3 asks KMS about once per bucket and hour, not per object), the secret,
# the Lambda's environment, the failures queue, the alarm topic, the log groups, the Glue jobs'
# output and bookmarks, and Athena's results. A customer managed key (not the AWS managed ones)
# because EventBridge and CloudWatch alarms can publish to an encrypted SNS topic only when the
# key's policy lets them, and the aws/sns key's policy cannot be changed. $1 a month.
#
# The key outlives `make destroy` while the data it encrypts is kept: the raw and curated
# buckets depend on the key and its alias (s3.tf), so Terraform destroys them first, and a
# non-empty bucket with force_destroy = false fails to go (BucketNotEmpty), which stops the
# destruction of everything the bucket depends on. The key is then still there, not scheduled
# for deletion, and the kept data stays readable. With force_destroy_data_buckets = true (or
# empty buckets) the buckets go first and the key follows. docs/deploy.md ("Destroy") says why
# this and not prevent_destroy.
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

# In a key policy "Resource": "*" means this key and nothing else. One statement per service
# principal, each limited by the conditions that service's requests really carry (a condition
# on a key the request lacks denies every request, silently for a service: the alarm is lost).
# The users and roles of the account get the key through IAM (first statement); S3, Secrets
# Manager, SQS, Lambda and Athena use it on behalf of those callers, so they need no statement.
data "aws_iam_policy_document" "kms_key" {
  #checkov:skip=CKV_AWS_109:Key policy, not an IAM policy: the account-root statement is AWS's default key policy statement that delegates the key's use to IAM policies (iam.tf grants each role only what it needs).
  #checkov:skip=CKV_AWS_111:Key policy, not an IAM policy: "Resource": "*" in a key policy means this key only; service principals are limited by encryption context or source conditions.
  #checkov:skip=CKV_AWS_356:Key policy, not an IAM policy: "Resource": "*" in a key policy means this key only.
  # Lets IAM policies of this account grant use of the key (the roles in iam.tf do, each for
  # what it needs; analysts need kms:Decrypt and kms:GenerateDataKey, docs/deploy.md); without
  # it only this policy could.
  statement {
    sid       = "EnableIamPoliciesOfThisAccount"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts the Lambda's and the Glue jobs' log groups, and only those: every
  # request carries the encryption context aws:logs:arn = the log group's ARN (CloudWatch Logs
  # user guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
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
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [for name in local.log_group_names : local.log_group_arns[name]]
    }
  }

  # EventBridge publishes the Glue job state changes to the encrypted alarm topic. Its KMS
  # requests carry no aws:SourceAccount or aws:SourceArn (the statement AWS documents for an
  # EventBridge target that is an SNS topic with a customer managed key has no condition; a
  # source condition here drops every event without an error anyone sees). What every request
  # does carry is SNS's own encryption context, aws:sns:topicArn, which keeps EventBridge's use
  # of the key to this topic (Amazon SNS developer guide, "Key management"; the same condition
  # in the AWS GameLift guide's key policy for an encrypted notification topic).
  statement {
    sid       = "EventBridgeToTheAlarmTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.alarm_topic_arn]
    }
  }

  # CloudWatch alarms publish to the same topic. Their requests do carry the alarm as
  # aws:SourceArn and its account as aws:SourceAccount (CloudWatch's confused-deputy guidance),
  # so the statement is limited to this deployment's alarms as well as to the topic.
  statement {
    sid       = "CloudWatchAlarmsToTheAlarmTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.alarm_topic_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.prefix}-*"]
    }
  }
}
