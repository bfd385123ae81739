output "raw_bucket" {
  description = "Bucket of the raw zone (the extract Lambda's JSON Lines)."
  value       = aws_s3_bucket.data["raw"].bucket
}

output "raw_path" {
  description = "Root of the raw zone, as the normalize_items job gets it (--raw_path)."
  value       = local.raw_path
}

output "curated_bucket" {
  description = "Bucket of the lake the Glue jobs write: curated/<table>/, staging/, quarantine/, reports/."
  value       = aws_s3_bucket.data["curated"].bucket
}

output "lake_path" {
  description = "Root of the lake, as the jobs get it (--lake_path)."
  value       = local.lake_path
}

output "artifacts_bucket" {
  description = "Bucket of the Glue scripts, the spotify_etl package and the jobs' temporary files."
  value       = aws_s3_bucket.data["artifacts"].bucket
}

output "athena_results_bucket" {
  description = "Bucket of Athena's query results."
  value       = aws_s3_bucket.data["athena-results"].bucket
}

output "access_logs_bucket" {
  description = "Bucket of the S3 server access logs of the four data buckets."
  value       = aws_s3_bucket.access_logs.bucket
}

output "lambda_function_name" {
  description = "Name of the extract Lambda."
  value       = aws_lambda_function.extract.function_name
}

output "lambda_failures_queue_url" {
  description = "SQS queue of extractions that failed after Lambda's retry."
  value       = aws_sqs_queue.lambda_failures.url
}

output "glue_workflow_name" {
  description = "Name of the Glue workflow the Lambda starts every day."
  value       = aws_glue_workflow.daily.name
}

output "glue_job_names" {
  description = "Glue job name of each spotify_etl job."
  value       = { for name, job in aws_glue_job.this : name => job.name }
}

output "glue_database" {
  description = "Glue Data Catalog database of the curated tables (the Athena database)."
  value       = aws_glue_catalog_database.lake.name
}

output "athena_workgroup" {
  description = "Athena workgroup to query in (results location, encryption and scan cutoff enforced)."
  value       = aws_athena_workgroup.main.name
}

output "athena_named_queries" {
  description = "Saved Athena queries, one per sql/*.sql file."
  value       = sort([for query in aws_athena_named_query.this : query.name])
}

output "spotify_secret_arn" {
  description = "ARN of the Secrets Manager secret that holds the Spotify credentials."
  value       = aws_secretsmanager_secret.spotify.arn
}

output "spotify_secret_name" {
  description = "Name of the Secrets Manager secret that holds the Spotify credentials."
  value       = aws_secretsmanager_secret.spotify.name
}

output "set_secret_command" {
  description = "Command that stores the Spotify credentials from a local JSON file (never commit that file)."
  value       = "aws secretsmanager put-secret-value --region ${local.region} --secret-id ${aws_secretsmanager_secret.spotify.name} --secret-string file://spotify-credentials.json"
}

output "start_workflow_command" {
  description = "Command that (re)processes snapshot dates: replace the value with a date, a list (D1,D2), a range (FIRST..LAST: the dates in it that raw holds) or all; the raw files of the dates must exist."
  value       = "aws glue start-workflow-run --region ${local.region} --name ${aws_glue_workflow.daily.name} --run-properties snapshot_dates=YYYY-MM-DD"
}

output "alarm_topic_arn" {
  description = "SNS topic of the pipeline's alarms (subscribe with var.alarm_email or any SNS protocol)."
  value       = aws_sns_topic.alarms.arn
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the jobs' health metrics (spotify_etl.metrics) and the extract Lambda's logged problems."
  value       = local.metrics_namespace
}

output "health_dashboard" {
  description = "CloudWatch dashboard of the pipeline's health: rows, skipped items, quarantine, rule violations, warnings, field presence, job durations, dates published and the alarms."
  value       = aws_cloudwatch_dashboard.health.dashboard_name
}

output "kms_key_arn" {
  description = "KMS key that encrypts the buckets, secret, queue, topic, logs, Glue output and Athena results (Athena users need kms:Decrypt and kms:GenerateDataKey on it)."
  value       = aws_kms_key.main.arn
}

output "region" {
  description = "AWS region of the deployment (make smoke and spotify-etl analyze --athena call it)."
  value       = local.region
}

output "lambda_log_group" {
  description = "CloudWatch log group of the extract Lambda."
  value       = aws_cloudwatch_log_group.lambda.name
}

output "glue_log_groups" {
  description = "CloudWatch log groups of the Glue jobs (Glue 5.x, --custom-logGroup-prefix): output (the scripts' stdout and stderr) and error (Spark, Glue and GlueLogger)."
  value       = { for stream, group in aws_cloudwatch_log_group.glue : stream => group.name }
}

# ---------------------------------------------------------------------------------------------
# For terraform/snowflake (its own root module): `make deploy-snowflake` passes these on
# (tools/main_stack_tfvars.py), with curated_bucket, lake_path, kms_key_arn, artifacts_bucket,
# glue_workflow_name, glue_job_names and alarm_topic_arn above.
# ---------------------------------------------------------------------------------------------

output "name_prefix" {
  description = "Prefix of every resource name (<project>-<environment>)."
  value       = local.prefix
}

output "glue_package_path" {
  description = "S3 URI of the spotify_etl package the Glue jobs import (--extra-py-files)."
  value       = local.glue_default_arguments["--extra-py-files"]
}

output "glue_security_configuration" {
  description = "Glue security configuration of the jobs (the project key for their S3 output and bookmarks; their logs are encrypted by their log groups)."
  value       = aws_glue_security_configuration.main.name
}
