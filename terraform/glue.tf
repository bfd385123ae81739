# The Glue side: the entry scripts and the shared package in the artifacts bucket, one job per
# entry of local.glue_jobs (spotify_etl.jobs.WORKFLOW), and the workflow that chains them.

# Arguments every job gets. Logging is Glue 5.x's: real time, always on, into
# <--custom-logGroup-prefix>/output and /error (local.glue_log_group_names); Glue 4's
# --enable-continuous-cloudwatch-log and --continuous-log-* arguments have no place here. The job-specific ones (named exactly as the scripts read them) are in
# local.glue_jobs. snapshot_date is deliberately absent: inside the workflow it comes from the
# run property the Lambda sets (glue:GetWorkflowRunProperties), and a run started by hand without
# it processes today's UTC date.
locals {
  glue_default_arguments = {
    "--job-language"                 = "python"
    "--job-bookmark-option"          = "job-bookmark-disable"
    "--enable-auto-scaling"          = "true"
    "--enable-metrics"               = "true"
    "--enable-observability-metrics" = "true"
    "--custom-logGroup-prefix"       = local.glue_log_group_prefix
    "--extra-py-files"               = "s3://${aws_s3_bucket.data["artifacts"].bucket}/${aws_s3_object.glue_package.key}"
    "--TempDir"                      = "s3://${aws_s3_bucket.data["artifacts"].bucket}/${local.glue_temp_prefix}/"
  }
}

# source_hash, not etag: with SSE-KMS an object's ETag is not the MD5 of its bytes, so
# `etag = filemd5(...)` would show a change on every plan.
resource "aws_s3_object" "glue_script" {
  for_each = local.glue_jobs

  bucket      = aws_s3_bucket.data["artifacts"].id
  key         = "${local.glue_artifacts_prefix}/scripts/${basename(each.value.script)}"
  source      = each.value.script
  source_hash = filemd5(each.value.script)
  kms_key_id  = aws_kms_key.main.arn
}

# dist/spotify_etl.zip, built by `make package` (tools/package_glue.py): the spotify_etl package
# for --extra-py-files.
resource "aws_s3_object" "glue_package" {
  bucket      = aws_s3_bucket.data["artifacts"].id
  key         = "${local.glue_artifacts_prefix}/lib/spotify_etl.zip"
  source      = local.glue_package_source
  source_hash = filemd5(local.glue_package_source)
  kms_key_id  = aws_kms_key.main.arn
}

# Encrypts what the jobs write to S3 and their (disabled) bookmarks. The logs are encrypted by
# their log groups (kms_key_id below: CloudWatch Logs encrypts everything a group receives), not
# by the configuration: its CloudWatch encryption is the Glue 4 mechanism that sends a job's
# logs to groups named /aws-glue/jobs/<configuration>-role/<role>/..., which Glue 5.x's
# --custom-logGroup-prefix groups replace. Left on, it would only make the group names depend on
# how a Glue version combines the two.
resource "aws_glue_security_configuration" "main" {
  #checkov:skip=CKV_AWS_99:CloudWatch Logs encryption is set on the jobs' log groups themselves (aws_cloudwatch_log_group.glue, kms_key_id = the project key); S3 and bookmark encryption stay on here.
  name = local.glue_security_configuration_name

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "DISABLED"
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = aws_kms_key.main.arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = aws_kms_key.main.arn
    }
  }
}

resource "aws_cloudwatch_log_group" "glue" {
  for_each = local.glue_log_group_names

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_glue_job" "this" {
  for_each = local.glue_jobs

  name        = "${local.prefix}-${replace(each.key, "_", "-")}"
  description = each.value.description
  role_arn    = aws_iam_role.glue.arn

  glue_version      = "5.1"
  worker_type       = var.glue_worker_type
  number_of_workers = var.glue_number_of_workers
  execution_class   = var.glue_execution_class
  timeout           = var.glue_timeout_minutes
  max_retries       = var.glue_max_retries

  security_configuration = aws_glue_security_configuration.main.name

  command {
    name            = "glueetl"
    script_location = "s3://${aws_s3_object.glue_script[each.key].bucket}/${aws_s3_object.glue_script[each.key].key}"
    python_version  = "3"
  }

  default_arguments = merge(local.glue_default_arguments, each.value.arguments)

  execution_property {
    max_concurrent_runs = 1
  }

  depends_on = [
    aws_cloudwatch_log_group.glue,
    aws_iam_role_policy.glue,
  ]
}

# ---------------------------------------------------------------------------------------------
# Workflow: the Lambda's glue:StartWorkflowRun (or a console "Run workflow") fires the ON_DEMAND
# trigger, which starts the first job; each CONDITIONAL trigger starts a job when the job it
# comes after has SUCCEEDED. One run at a time: two runs would write the same partitions.
# ---------------------------------------------------------------------------------------------

resource "aws_glue_workflow" "daily" {
  name                = local.glue_workflow_name
  description         = "Daily Spotify ETL, started by the extract Lambda with the run properties snapshot_date, run_id and raw_path."
  max_concurrent_runs = 1
}

resource "aws_glue_trigger" "start" {
  name          = "${local.prefix}-start"
  description   = "Starts ${local.glue_first_job} when the workflow is started (by the extract Lambda or by hand)."
  type          = "ON_DEMAND"
  workflow_name = aws_glue_workflow.daily.name

  actions {
    job_name = aws_glue_job.this[local.glue_first_job].name
  }
}

resource "aws_glue_trigger" "after" {
  for_each = { for name, job in local.glue_jobs : name => job if job.after != null }

  name              = "${local.prefix}-start-${replace(each.key, "_", "-")}"
  description       = "Starts ${each.key} when ${each.value.after} has succeeded."
  type              = "CONDITIONAL"
  workflow_name     = aws_glue_workflow.daily.name
  start_on_creation = true

  predicate {
    conditions {
      job_name         = aws_glue_job.this[each.value.after].name
      state            = "SUCCEEDED"
      logical_operator = "EQUALS"
    }
  }

  actions {
    job_name = aws_glue_job.this[each.key].name
  }
}
