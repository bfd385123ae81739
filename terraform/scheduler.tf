# Starts the extraction every day (var.schedule_expression, read in var.schedule_timezone).
# EventBridge Scheduler invokes the Lambda asynchronously: a failed run is retried once by
# Lambda and then sent to the failures queue (lambda.tf). The event is empty ({}): the
# Lambda extracts today's UTC date. The schedule holds no secret, so its AWS owned key suffices.
resource "aws_scheduler_schedule" "daily_extract" {
  #checkov:skip=CKV_AWS_297:The schedule carries no data (an empty event); a customer managed key would only add kms:Decrypt to the scheduler role, which is meant to be allowed to invoke the Lambda and nothing else.
  name                         = "${local.prefix}-daily-extract"
  description                  = "Daily Spotify playlist extraction (${local.lambda_function_name})."
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = var.schedule_enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.extract.arn
    role_arn = aws_iam_role.scheduler.arn

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }
}
