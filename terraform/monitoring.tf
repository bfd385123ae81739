# Where failures are told: one encrypted SNS topic fed by CloudWatch alarms (extract Lambda; the
# data's freshness, volume and API drift, from the jobs' own metrics) and an EventBridge rule
# (Glue job runs that end FAILED, TIMEOUT or ERROR); subscribe an e-mail address with
# var.alarm_email, or anything else SNS delivers to. The dashboard at the end shows the jobs'
# metrics (spotify_etl.metrics) day by day.

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
    namespace = local.metrics_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "lambda_logged_problems" {
  alarm_name          = "${local.prefix}-extract-logged-problems"
  alarm_description   = "The extract Lambda logged an error or a failed playlist (partial run, or the Glue workflow not started: see the run's manifest and ${local.lambda_log_group_name})."
  namespace           = local.metrics_namespace
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

# ---------------------------------------------------------------------------------------------
# The data: freshness, volume and API drift, from the metrics the jobs put into
# local.metrics_namespace (spotify_etl.metrics: names, units and dimensions; tests/terraform
# checks every metric named here against it). Alarm names stay under ${local.prefix}-: the key
# policy lets only those publish to the encrypted topic.
# ---------------------------------------------------------------------------------------------

locals {
  # The hour of the daily run, from a daily cron "cron(M H * * ? *)" (null for rate(), at() or a
  # cron that does not run once every day).
  schedule_daily_cron = try(regex("^cron\\(([0-9]{1,2}) ([0-9]{1,2}) [*?] \\* [*?] \\*\\)$", var.schedule_expression), null)
  schedule_hour       = local.schedule_daily_cron == null ? null : tonumber(local.schedule_daily_cron[1])

  # The hours in which the freshness alarm judges: every hour but those from the run's hour up to
  # the deadline (a run in progress). HOUR() of a data point is the UTC hour its 24-hour window
  # starts, which in CloudWatch's default sliding window is the hour of the evaluation.
  freshness_judged_hours = local.schedule_hour == null ? "" : format(
    local.schedule_hour < var.freshness_deadline_hour ? "HOUR(published) < %d OR HOUR(published) >= %d" : "HOUR(published) < %d AND HOUR(published) >= %d",
    local.schedule_hour, var.freshness_deadline_hour,
  )
}

# Fires when no snapshot date has been published by the deadline. Each minute CloudWatch sums
# DatesPublished over the last 24 hours (period 86400 in its default sliding window; FILL makes
# the sum 0 when nothing was put: missing data counts as breaching). IF keeps that sum in the
# judged hours, from the deadline until the next run's hour, and in the other hours (the run's
# hour up to the deadline) only when it is at least 1: there the alarm can turn OK when a date is
# published but never ALARM, since the expression has no data point and the alarm keeps its state
# (treat_missing_data = "ignore"). So a run in progress never alarms, and a day that is late
# stays in ALARM until a date is published, without an OK at the next run's hour. ("Using math
# expressions with CloudWatch metrics": HOUR, FILL, IF without an else drops the points whose
# condition is false; "Alarm evaluation window": sliding by default.) Approximation: the window is
# the last 24 hours, so when the previous publish came after the deadline (a rerun at 14:00), the
# alarm fires 24 hours after it instead of at the deadline; a publish of any date, a backfill
# too, counts. tests/terraform/test_monitoring.py models these rules hour by hour.
resource "aws_cloudwatch_metric_alarm" "freshness" {
  alarm_name          = "${local.prefix}-freshness"
  alarm_description   = "No snapshot date was published in the last 24 hours, at ${format("%02d:00", var.freshness_deadline_hour)} UTC (the deadline) or later: the daily run did not happen or did not publish (schedule off, extract failed, workflow not started, Glue capacity, a job failed, or a blocking check stopped build_tables). See docs/deploy.md, When an alarm fires."
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "ignore"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  metric_query {
    id = "published"

    metric {
      namespace   = local.metrics_namespace
      metric_name = "DatesPublished"
      period      = 86400
      stat        = "Sum"
    }
  }

  metric_query {
    id         = "filled"
    expression = "FILL(published, 0)"
  }

  metric_query {
    id          = "fresh"
    expression  = "IF((${local.freshness_judged_hours}) OR filled > 0, filled)"
    label       = "Dates published in the last 24 hours (judged from the deadline until the next run)"
    return_data = true
  }

  lifecycle {
    precondition {
      condition     = local.schedule_hour != null && var.schedule_timezone == "UTC"
      error_message = "The freshness alarm needs the hour of the daily run: schedule_expression must be a daily cron such as cron(0 6 * * ? *) (minute and hour fixed, every day) with schedule_timezone = \"UTC\"."
    }
    precondition {
      condition     = local.schedule_hour != var.freshness_deadline_hour
      error_message = "freshness_deadline_hour must differ from the hour of the daily run (schedule_expression): give the run time to publish."
    }
  }
}

# build_tables' volume and continuity checks (VolumeWarnings, its total without a dimension):
# a warning of any check in the last 24 hours keeps the alarm in ALARM; it returns to OK a day
# after the run that warned, when the next run warns no more. Which check, for which playlist and
# date: the dashboard and reports/snapshot_date=D/build_tables.json.
resource "aws_cloudwatch_metric_alarm" "volume_warnings" {
  alarm_name          = "${local.prefix}-volume-warnings"
  alarm_description   = "build_tables warned on a volume or continuity check in the last 24 hours: a playlist's item count changed while its snapshot_id did not, far fewer songs than the trailing 7-date median, a configured playlist missing, or an empty day. The run report (reports/snapshot_date=D/build_tables.json) names the check and the playlist; the dashboard ${local.prefix}-health shows which check."
  namespace           = local.metrics_namespace
  metric_name         = "VolumeWarnings"
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# normalize_items' API drift sentinel (ApiDriftWarnings, its total without a dimension). The
# first run, with no history to compare with, does not warn.
resource "aws_cloudwatch_metric_alarm" "api_drift_warnings" {
  alarm_name          = "${local.prefix}-api-drift-warnings"
  alarm_description   = "normalize_items saw the Spotify Web API change in the last 24 hours: a field's share of items fell by more than max_field_share_drop against the trailing median, a new item type, or a field the schema does not know. The api_health table (spotify-etl health, or Athena) and reports/snapshot_date=D/normalize_items.json say which; the dashboard ${local.prefix}-health shows which check."
  namespace           = local.metrics_namespace
  metric_name         = "ApiDriftWarnings"
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# ---------------------------------------------------------------------------------------------
# Dashboard: the jobs' metrics day by day (Sum per day; the field presence as the day's lowest
# share). Each graph is one SEARCH per series: the metric schema {namespace,Dimension} finds every
# value the jobs put (each table, reason, rule, check, field, job) without Terraform knowing them,
# and {namespace} alone the totals without a dimension ("CloudWatch search expression syntax").
# ---------------------------------------------------------------------------------------------

locals {
  dashboard_name   = "${local.prefix}-health"
  dashboard_period = 86400

  dashboard_graphs = [
    { title = "Dates published and not published (build_tables)", stat = "Sum", series = [{ metric = "DatesPublished", dimension = "" }, { metric = "DatesNotPublished", dimension = "" }] },
    { title = "Rows published per table", stat = "Sum", series = [{ metric = "Rows", dimension = "Table" }] },
    { title = "Items skipped per reason (not songs)", stat = "Sum", series = [{ metric = "ItemsSkipped", dimension = "Reason" }] },
    { title = "Quarantined records per level", stat = "Sum", series = [{ metric = "QuarantinedRecords", dimension = "Level" }] },
    { title = "Data-quality rule violations per rule", stat = "Sum", series = [{ metric = "RuleViolations", dimension = "Rule" }] },
    { title = "Volume and continuity warnings per check", stat = "Sum", series = [{ metric = "VolumeWarnings", dimension = "Check" }] },
    { title = "API drift warnings per check", stat = "Sum", series = [{ metric = "ApiDriftWarnings", dimension = "Check" }] },
    { title = "Field presence per field (% of items, lowest of the day)", stat = "Minimum", series = [{ metric = "FieldPresence", dimension = "Field" }] },
    { title = "Job duration (seconds, longest of the day)", stat = "Maximum", series = [{ metric = "JobDuration", dimension = "Job" }] },
  ]

  dashboard_alarms = [
    aws_cloudwatch_metric_alarm.freshness.arn,
    aws_cloudwatch_metric_alarm.volume_warnings.arn,
    aws_cloudwatch_metric_alarm.api_drift_warnings.arn,
    aws_cloudwatch_metric_alarm.lambda_errors.arn,
    aws_cloudwatch_metric_alarm.lambda_failures_queue.arn,
    aws_cloudwatch_metric_alarm.lambda_logged_problems.arn,
  ]

  # Two graphs a row, 12 of 24 columns wide, under a row with the alarms.
  dashboard_widgets = concat(
    [{
      type   = "alarm"
      x      = 0
      y      = 0
      width  = 24
      height = 3
      properties = {
        title  = "Alarms: freshness, volume, API drift and the extract Lambda"
        alarms = local.dashboard_alarms
      }
    }],
    [for index, graph in local.dashboard_graphs : {
      type   = "metric"
      x      = (index % 2) * 12
      y      = 3 + floor(index / 2) * 6
      width  = 12
      height = 6
      properties = {
        title  = graph.title
        region = local.region
        view   = "timeSeries"
        period = local.dashboard_period
        stat   = graph.stat
        metrics = [for position, series in graph.series : [{
          id = "s${index}_${position}"
          expression = format(
            "SEARCH('{\"%s\"%s} MetricName=\"%s\"', '%s', %d)",
            local.metrics_namespace, series.dimension == "" ? "" : ",${series.dimension}", series.metric, graph.stat, local.dashboard_period,
          )
        }]]
      }
    }],
  )
}

resource "aws_cloudwatch_dashboard" "health" {
  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({ start = "-P30D", widgets = local.dashboard_widgets })
}
