# The load job: third in the main stack's workflow, started when build_tables has succeeded
# (loader mode only). A glueetl job on Glue 5.1 rather than a Python shell job: Python shell
# offers Python 3.9 at most, and the loader imports the spotify_etl package (Python 3.11, and
# pyspark's types for the schemas), so it runs where the other jobs run, from the same zip. It
# starts no Spark work; the cost is Glue's minimum: 2 workers for 1 minute (docs/snowflake.md).

resource "aws_secretsmanager_secret" "loader_private_key" {
  #checkov:skip=CKV2_AWS_57:A key pair is rotated by hand: a new key in the user's second public-key slot (rsa_public_key_2), the new private key into this secret, then the old public key removed (docs/snowflake.md). No Lambda can do that for Snowflake.
  name                    = "${var.name_prefix}/snowflake-loader-private-key"
  description             = "PEM private key (PKCS#8) of the Snowflake service user ${snowflake_service_user.loader.name}. Set out of band, never by Terraform."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_s3_object" "load_script" {
  count = local.loader_enabled ? 1 : 0

  bucket      = var.artifacts_bucket
  key         = local.load_script_key
  source      = local.load_script_source
  source_hash = filemd5(local.load_script_source)
  kms_key_id  = var.kms_key_arn
}

resource "aws_glue_job" "load_snowflake" {
  count = local.loader_enabled ? 1 : 0

  name        = local.load_job_name
  description = "Load the dates build_tables published into Snowflake ${local.namespace}: one checked transaction per table and date."
  role_arn    = aws_iam_role.glue_load.arn

  glue_version      = "5.1"
  worker_type       = "G.1X"
  number_of_workers = 2
  execution_class   = var.glue_execution_class
  timeout           = var.glue_timeout_minutes
  max_retries       = var.glue_max_retries

  security_configuration = var.glue_security_configuration

  command {
    name            = "glueetl"
    script_location = "s3://${aws_s3_object.load_script[0].bucket}/${aws_s3_object.load_script[0].key}"
    python_version  = "3"
  }

  # snapshot_date is not set: the workflow run property (or today's UTC date) supplies it, as
  # for the other jobs. The private key is read from the secret at run time.
  default_arguments = {
    "--job-language"              = "python"
    "--job-bookmark-option"       = "job-bookmark-disable"
    "--custom-logGroup-prefix"    = local.glue_log_group_prefix
    "--extra-py-files"            = var.glue_package_path
    "--additional-python-modules" = local.snowflake_connector_spec
    "--lake_path"                 = var.lake_path
    "--snowflake_account"         = var.snowflake_account
    "--snowflake_user"            = snowflake_service_user.loader.name
    "--snowflake_role"            = snowflake_account_role.loader.name
    "--snowflake_warehouse"       = snowflake_warehouse.load.name
    "--snowflake_database"        = snowflake_database.this.name
    "--snowflake_schema"          = snowflake_schema.curated.name
    "--private_key_secret"        = aws_secretsmanager_secret.loader_private_key.arn
  }

  execution_property {
    max_concurrent_runs = 1
  }

  depends_on = [aws_iam_role_policy.glue_load]
}

resource "aws_glue_trigger" "load_snowflake" {
  count = local.loader_enabled ? 1 : 0

  name              = "${var.name_prefix}-start-load-snowflake"
  description       = "Starts load_snowflake when build_tables has succeeded."
  type              = "CONDITIONAL"
  workflow_name     = var.glue_workflow_name
  start_on_creation = true

  predicate {
    conditions {
      job_name         = var.glue_job_names["build_tables"]
      state            = "SUCCEEDED"
      logical_operator = "EQUALS"
    }
  }

  actions {
    job_name = aws_glue_job.load_snowflake[0].name
  }
}

# A failed load run is reported on the main stack's alarm topic (its policy lets the rules of
# this deployment, ${name_prefix}-*, publish).
resource "aws_cloudwatch_event_rule" "load_failed" {
  count = local.loader_enabled ? 1 : 0

  name        = "${var.name_prefix}-load-snowflake-failed"
  description = "A ${local.load_job_name} run ended FAILED, TIMEOUT or ERROR: the tables keep their last committed dates."

  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail = {
      jobName = [local.load_job_name]
      state   = ["FAILED", "TIMEOUT", "ERROR"]
    }
  })
}

resource "aws_cloudwatch_event_target" "load_failed" {
  count = local.loader_enabled ? 1 : 0

  rule      = aws_cloudwatch_event_rule.load_failed[0].name
  target_id = "alarm-topic"
  arn       = var.alarm_topic_arn
}
