# The daily extraction: reads every playlist of var.playlist_ids from the Spotify Web API, writes
# <raw_prefix>/snapshot_date=D/<run_id>.jsonl.gz and <run_id>.manifest.json to the raw bucket
# (conditional puts: a run never overwrites another), then starts the Glue workflow with the run
# properties snapshot_date, run_id and raw_path.

resource "aws_cloudwatch_log_group" "lambda" {
  name              = local.lambda_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

# Failed asynchronous invocations (the scheduler invokes asynchronously), after Lambda's own
# retry, land here with the error and the request; an alarm watches its depth.
resource "aws_sqs_queue" "lambda_failures" {
  name                              = "${local.lambda_function_name}-failures"
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 3600
  message_retention_seconds         = 1209600 # 14 days, SQS's maximum
}

resource "aws_lambda_function" "extract" {
  #checkov:skip=CKV_AWS_117:The function only calls public endpoints (Spotify Web API, S3, Secrets Manager, Glue); a VPC would need a NAT gateway (about $32 a month) to reach Spotify and adds no protection here.
  #checkov:skip=CKV_AWS_272:The deployment package is built and deployed by the same `make deploy` from this repository; there is no separate publisher whose signature would add assurance.
  #checkov:skip=CKV_AWS_116:Failures go to an on-failure destination (aws_lambda_function_event_invoke_config.extract, SQS), which records the error with the request; a DLQ in addition would duplicate every failure.
  function_name = local.lambda_function_name
  description   = "Daily Spotify playlist extraction into the raw zone; starts the ${local.glue_workflow_name} Glue workflow."
  role          = aws_iam_role.lambda.arn

  filename         = local.lambda_zip_source
  source_code_hash = filebase64sha256(local.lambda_zip_source)
  handler          = "extract_lambda.handler.lambda_handler"
  runtime          = local.lambda_runtime
  architectures    = ["arm64"]
  timeout          = var.lambda_timeout_seconds
  memory_size      = var.lambda_memory_mb

  # null (the default) reserves nothing: a new account's concurrency quota (10) leaves nothing
  # to reserve, and two overlapping extractions are safe (both land under distinct run ids;
  # the jobs keep each playlist's latest extraction of the day).
  reserved_concurrent_executions = var.lambda_reserved_concurrency

  kms_key_arn = aws_kms_key.main.arn

  environment {
    variables = {
      RAW_BUCKET                = aws_s3_bucket.data["raw"].bucket
      RAW_PREFIX                = var.raw_prefix
      PLAYLIST_IDS              = join(",", var.playlist_ids)
      SPOTIFY_SECRET_ID         = aws_secretsmanager_secret.spotify.arn
      GLUE_WORKFLOW_NAME        = aws_glue_workflow.daily.name
      SPOTIFY_API_BASE_URL      = var.spotify_api_base_url
      SPOTIFY_ACCOUNTS_BASE_URL = var.spotify_accounts_base_url
      EXTRACT_CONCURRENCY       = tostring(var.extract_concurrency)
      POWERTOOLS_SERVICE_NAME   = "spotify-extract"
      POWERTOOLS_LOG_LEVEL      = var.log_level
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [
    aws_cloudwatch_log_group.lambda,
    aws_iam_role_policy.lambda,
  ]
}

resource "aws_lambda_function_event_invoke_config" "extract" {
  function_name                = aws_lambda_function.extract.function_name
  maximum_retry_attempts       = 1
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.lambda_failures.arn
    }
  }
}
