# Where failures are told: one encrypted SNS topic fed by CloudWatch alarms (extract Lambda) and
# an EventBridge rule (Glue job runs that end FAILED, TIMEOUT or ERROR); subscribe an e-mail
# address with var.alarm_email, or anything else SNS delivers to.

resource "aws_sns_topic" "alarms" {
  name              = local.alarm_topic_name
  display_name      = "${local.prefix} alarms"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "GlueJobFailureEvents"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    # This stack's rule, and those of terraform/snowflake (its load job's failures), all named
    # <prefix>-*.
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.prefix}-*"]
    }
  }

  statement {
    sid       = "PipelineAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.prefix}-*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == "" ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ---------------------------------------------------------------------------------------------
# Extract Lambda
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  alarm_name          = "${local.prefix}-extract-errors"
  alarm_description   = "The extract Lambda ${local.lambda_function_name} raised an error: no raw data (and no Glue run) for today unless its retry succeeds. Logs: ${local.lambda_log_group_name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.extract.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "lambda_failures_queue" {
  alarm_name          = "${local.prefix}-extract-failed-invocations"
  alarm_description   = "An extraction failed after Lambda's retry and is in ${aws_sqs_queue.lambda_failures.name} (with its error). Re-run it by invoking ${local.lambda_function_name}, then purge the queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.lambda_failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# A run that lands some playlists but not all, or lands everything but cannot start the Glue
# workflow, succeeds as an invocation (extract_lambda raises only when nothing landed): its
# Powertools JSON log says so ("playlist failed" warnings, ERROR lines such as "Glue workflow not
# started"). The metric exists only when a line matches, so it costs nothing on quiet days.
resource "aws_cloudwatch_log_metric_filter" "lambda_logged_problems" {
  name           = "${local.prefix}-extract-logged-problems"
  log_group_name = aws_cloudwatch_log_group.lambda.name
  pattern        = "{ ($.level = \"ERROR\") || ($.level = \"CRITICAL\") || ($.message = \"playlist failed\") }"

  metric_transformation {
    name      = "ExtractLoggedProblems"
    namespace = "SpotifyETL/${local.prefix}"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "lambda_logged_problems" {
  alarm_name          = "${local.prefix}-extract-logged-problems"
  alarm_description   = "The extract Lambda logged an error or a failed playlist (partial run, or the Glue workflow not started: see the run's manifest and ${local.lambda_log_group_name})."
  namespace           = "SpotifyETL/${local.prefix}"
  metric_name         = "ExtractLoggedProblems"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  depends_on = [aws_cloudwatch_log_metric_filter.lambda_logged_problems]
}

# ---------------------------------------------------------------------------------------------
# Glue jobs
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "glue_job_failed" {
  name        = "${local.prefix}-glue-job-failed"
  description = "A ${local.prefix} Glue job run ended FAILED, TIMEOUT or ERROR."

  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail = {
      jobName = [for job in aws_glue_job.this : job.name]
      state   = ["FAILED", "TIMEOUT", "ERROR"]
    }
  })
}

# No role_arn: SNS is a target EventBridge reaches through the topic policy above, and a role on
# such a target can make delivery to a KMS-encrypted topic fail (EventBridge user guide, "Using
# resource-based policies for Amazon EventBridge"). The key policy (kms.tf) lets EventBridge
# use the topic's key.
resource "aws_cloudwatch_event_target" "glue_job_failed" {
  rule      = aws_cloudwatch_event_rule.glue_job_failed.name
  target_id = "alarm-topic"
  arn       = aws_sns_topic.alarms.arn
}
