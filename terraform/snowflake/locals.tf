locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Which mode (variables.tf, snowpipe_enabled): the loader (tables kept exact by the Glue load
  # job, one transaction per table and date) or auto-ingest (pipes, landing tables, views).
  loader_enabled = !var.snowpipe_enabled
  loader_tables  = local.loader_enabled ? local.table_columns : {}
  landing_tables = var.snowpipe_enabled ? local.landing_columns : {}

  # ------------------------------------------------------------------------------------------
  # Snowflake names. The stage and the file format are named as spotify_etl.snowflake.sql
  # (STAGE, FILE_FORMAT) names them; the tables as the curated tables, upper-case (generated.tf).
  # ------------------------------------------------------------------------------------------
  sf_prefix        = upper(replace(var.name_prefix, "-", "_"))
  database_name    = var.database_name != "" ? var.database_name : local.sf_prefix
  namespace        = "${snowflake_database.this.name}.${snowflake_schema.curated.name}"
  stage_name       = "CURATED_STAGE"
  file_format_name = "PARQUET_FORMAT"

  # The stage reads the curated tables and nothing else of the lake bucket (not staging/,
  # quarantine/ or reports/): the integration may use this location only, the IAM role reads
  # only under it, and the auto-ingest notification covers only it.
  stage_prefix = "curated/"
  stage_url    = "s3://${var.curated_bucket}/${local.stage_prefix}"

  # ------------------------------------------------------------------------------------------
  # AWS names
  # ------------------------------------------------------------------------------------------
  curated_bucket_arn   = "arn:${local.partition}:s3:::${var.curated_bucket}"
  artifacts_bucket_arn = "arn:${local.partition}:s3:::${var.artifacts_bucket}"
  snowflake_role_name  = "${var.name_prefix}-snowflake-stage"
  snowflake_role_arn   = "arn:${local.partition}:iam::${local.account_id}:role/${local.snowflake_role_name}"
  load_job_name        = "${var.name_prefix}-load-snowflake"
  load_role_name       = "${var.name_prefix}-glue-load-snowflake"
  load_script_source   = "${path.module}/../../glue_jobs/job_load_snowflake.py"
  load_script_key      = "glue/scripts/job_load_snowflake.py"
  glue_workflow_arn    = "arn:${local.partition}:glue:${var.region}:${local.account_id}:workflow/${var.glue_workflow_name}"
  # Glue 5.x logs in real time to <--custom-logGroup-prefix>/output and /error: the load job
  # writes into the main stack's two groups (created there with the retention and the key).
  glue_log_group_prefix = trimsuffix(var.glue_log_groups["output"], "/output")
  glue_log_group_arns = [
    for name in values(var.glue_log_groups) :
    "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${name}"
  ]
  snowflake_connector_spec = "snowflake-connector-python==4.8.1"
}
