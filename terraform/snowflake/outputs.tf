output "database" {
  description = "Snowflake database.schema of the tables (or, in auto-ingest mode, of the views)."
  value       = local.namespace
}

output "warehouse" {
  description = "Warehouse of the loads (auto-suspends)."
  value       = snowflake_warehouse.load.name
}

output "loader_user" {
  description = "Key-pair service user of the load job (SNOWFLAKE_USER for spotify-etl load-snowflake)."
  value       = snowflake_service_user.loader.name
}

output "loader_role" {
  description = "Role of the loader (SNOWFLAKE_ROLE)."
  value       = snowflake_account_role.loader.name
}

output "storage_integration" {
  description = "Storage integration of the stage (DESC INTEGRATION shows the IAM user and external ID the role trusts)."
  value       = snowflake_storage_integration.curated.name
}

output "snowflake_stage_role_arn" {
  description = "IAM role Snowflake assumes to read s3://<curated bucket>/curated/."
  value       = aws_iam_role.snowflake_stage.arn
}

output "load_job_name" {
  description = "Glue job that loads Snowflake after build_tables (loader mode; null in auto-ingest mode)."
  value       = one(aws_glue_job.load_snowflake[*].name)
}

output "private_key_secret_name" {
  description = "Secrets Manager secret that holds the loader's private key (set out of band)."
  value       = aws_secretsmanager_secret.loader_private_key.name
}

output "set_private_key_command" {
  description = "Command that stores the private key from a local file (keep rsa_key.p8 out of the repository)."
  value       = "aws secretsmanager put-secret-value --region ${var.region} --secret-id ${aws_secretsmanager_secret.loader_private_key.name} --secret-string file://rsa_key.p8"
}

output "snowpipe_notification_channel" {
  description = "SQS queue of the pipes (auto-ingest mode; null otherwise)."
  value       = var.snowpipe_enabled ? snowflake_pipe.curated["album"].notification_channel : null
}
