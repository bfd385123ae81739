locals {
  prefix     = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = var.region

  # ------------------------------------------------------------------------------------------
  # Names (known at plan time, so policies can name resources before they exist)
  # ------------------------------------------------------------------------------------------
  lambda_function_name = "${local.prefix}-extract"
  # The Lambda's Python is its own, not Glue's: python3.13 (Amazon Linux 2023, deprecation
  # 2029-06-30 in Lambda's runtime table) on arm64. tools/package_lambda.py builds the zip for
  # exactly this runtime (LAMBDA_PYTHON); tests/terraform checks that the two agree.
  lambda_runtime                   = "python3.13"
  lambda_log_group_name            = "/aws/lambda/${local.lambda_function_name}"
  glue_role_name                   = "${local.prefix}-glue"
  glue_security_configuration_name = "${local.prefix}-glue"
  glue_workflow_name               = "${local.prefix}-daily"
  glue_database_name               = replace(local.prefix, "-", "_")
  athena_workgroup_name            = local.prefix

  # The jobs' CloudWatch metrics (spotify_etl.metrics; both jobs get it as --metrics_namespace)
  # and the extract Lambda's logged problems share this namespace; the Glue role may put metrics
  # into it and Glue's own namespace only (iam.tf).
  metrics_namespace = "SpotifyETL/${local.prefix}"

  # Glue 5.x logs in real time to two groups, /aws-glue/jobs/output (the script's stdout and
  # stderr) and /aws-glue/jobs/error (Spark, Glue and the GlueLogger), or, with the job
  # argument --custom-logGroup-prefix P, to P/output and P/error ("Logging for AWS Glue jobs",
  # Glue developer guide). The prefix keeps this deployment's logs apart from other jobs in the
  # account; glue.tf creates both groups, with the retention and the project key, before any
  # job runs. (The logs-v2 and <security configuration>-role/<role> groups are Glue 4's.)
  glue_log_group_prefix = "/aws-glue/jobs/${local.prefix}"
  glue_log_group_names = {
    output = "${local.glue_log_group_prefix}/output"
    error  = "${local.glue_log_group_prefix}/error"
  }

  # Every log group of the pipeline: each is created by Terraform with a retention and the
  # project key, and the key policy lets CloudWatch Logs use the key for exactly these.
  log_group_names = concat([local.lambda_log_group_name], values(local.glue_log_group_names))
  log_group_arns = {
    for name in local.log_group_names :
    name => "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${name}"
  }

  # The alarm topic's name and ARN are known before the topic exists: the key policy (which
  # the encrypted topic needs first) names the topic in its encryption-context conditions.
  alarm_topic_name = "${local.prefix}-alarms"
  alarm_topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.alarm_topic_name}"

  # ------------------------------------------------------------------------------------------
  # Buckets: one per kind of data, because they differ in versioning, lifecycle and who may
  # touch them (see s3.tf).
  # ------------------------------------------------------------------------------------------
  data_buckets = {
    raw            = { force_destroy = var.force_destroy_data_buckets }
    curated        = { force_destroy = var.force_destroy_data_buckets }
    artifacts      = { force_destroy = true }
    athena-results = { force_destroy = true }
  }
  bucket_names = {
    for role in concat(keys(local.data_buckets), ["access-logs"]) :
    role => "${local.prefix}-${role}-${local.account_id}"
  }

  # The two roots the jobs know (spotify_etl.lake_layout): raw_path is the raw zone's root,
  # lake_path the root of everything the jobs write (curated/, staging/, quarantine/, reports/).
  raw_path  = "s3://${aws_s3_bucket.data["raw"].bucket}/${var.raw_prefix}"
  lake_path = "s3://${aws_s3_bucket.data["curated"].bucket}"

  glue_artifacts_prefix = "glue"
  glue_temp_prefix      = "glue/tmp"
  athena_results_prefix = "results"

  # ------------------------------------------------------------------------------------------
  # Glue jobs: one entry per spotify_etl.jobs.WORKFLOW job (the key is JobSpec.name). `script`
  # is JobSpec.script, `arguments` are the job arguments exactly as the script reads them
  # (JobSpec.required / optional) and `after` is the job whose success starts this one (null:
  # the first job, started by the workflow's ON_DEMAND trigger). snapshot_date is not set:
  # the workflow run property (set by the extract Lambda) or today's UTC date supplies it.
  # tests/terraform checks all of this against the Python code.
  # ------------------------------------------------------------------------------------------
  glue_jobs = {
    normalize_items = {
      description = "Parse the run's snapshot dates' raw playlist files into typed staging items; quarantine what is invalid; measure the Web API's answers (api_health)."
      script      = "${path.module}/../glue_jobs/job_normalize_items.py"
      after       = null
      arguments = {
        "--raw_path"             = local.raw_path
        "--lake_path"            = local.lake_path
        "--catalog_database"     = aws_glue_catalog_database.lake.name
        "--metrics_namespace"    = local.metrics_namespace
        "--blocking_checks"      = local.blocking_checks_argument
        "--max_field_share_drop" = tostring(var.max_field_share_drop)
      }
    }
    build_tables = {
      description = "Build the album, artist, song and playlist tables of the run's snapshot dates and register their partitions."
      script      = "${path.module}/../glue_jobs/job_build_tables.py"
      after       = "normalize_items"
      arguments = {
        # raw_path: a range or "all" in snapshot_dates is matched against the dates raw holds,
        # so both jobs of a workflow run resolve the same dates.
        "--raw_path"              = local.raw_path
        "--lake_path"             = local.lake_path
        "--catalog_database"      = aws_glue_catalog_database.lake.name
        "--metrics_namespace"     = local.metrics_namespace
        "--blocking_checks"       = local.blocking_checks_argument
        "--min_volume_share"      = tostring(var.min_volume_share)
        "--max_item_count_change" = tostring(var.max_item_count_change)
      }
    }
  }
  # "none" rather than an empty value when no check blocks (the default): a job argument is a
  # name and a value.
  blocking_checks_argument = length(var.blocking_checks) > 0 ? join(",", var.blocking_checks) : "none"
  glue_first_job           = one([for name, job in local.glue_jobs : name if job.after == null])

  glue_package_source = "${path.module}/../dist/spotify_etl.zip"
  lambda_zip_source   = "${path.module}/../dist/extract_lambda.zip"

  # ------------------------------------------------------------------------------------------
  # Data Catalog tables: exactly spotify_etl.schemas.catalog_columns(table), in order, for every
  # table of schemas.CATALOG_TABLES: the four curated tables (build_tables) and api_health
  # (normalize_items). The partition key snapshot_date (string, YYYY-MM-DD) is added to every
  # table in catalog.tf.
  # ------------------------------------------------------------------------------------------
  catalog_partition_key = { name = "snapshot_date", type = "string" }

  catalog_tables = {
    album = {
      description = "One row per album per snapshot date, from every song's album."
      columns = [
        { name = "album_id", type = "string" },
        { name = "album_name", type = "string" },
        { name = "album_type", type = "string" },
        { name = "release_date", type = "date" },
        { name = "release_date_precision", type = "string" },
        { name = "total_tracks", type = "int" },
        { name = "album_url", type = "string" },
        { name = "artist_ids", type = "array<string>" },
      ]
    }
    artist = {
      description = "One row per artist per snapshot date, from every artist of every song and album."
      columns = [
        { name = "artist_id", type = "string" },
        { name = "artist_name", type = "string" },
        { name = "artist_url", type = "string" },
      ]
    }
    song = {
      description = "One row per playlist item that is a Spotify track, per snapshot date."
      columns = [
        { name = "playlist_id", type = "string" },
        { name = "position", type = "int" },
        { name = "song_id", type = "string" },
        { name = "song_name", type = "string" },
        { name = "duration_ms", type = "int" },
        { name = "explicit", type = "boolean" },
        { name = "popularity", type = "int" },
        { name = "isrc", type = "string" },
        { name = "album_id", type = "string" },
        { name = "artist_id", type = "string" },
        { name = "artist_ids", type = "array<string>" },
        { name = "added_at", type = "timestamp" },
        { name = "song_url", type = "string" },
      ]
    }
    playlist = {
      description = "One row per playlist per snapshot date: metadata and item counts."
      columns = [
        { name = "playlist_id", type = "string" },
        { name = "playlist_name", type = "string" },
        { name = "owner_id", type = "string" },
        { name = "snapshot_id", type = "string" },
        { name = "item_count", type = "int" },
        { name = "song_count", type = "int" },
        { name = "run_id", type = "string" },
        { name = "extracted_at", type = "timestamp" },
      ]
    }
    api_health = {
      description = "One row per measure of the Web API's answers per snapshot date: field presence, item shapes and types, unknown fields, HTTP outcomes."
      columns = [
        { name = "measure", type = "string" },
        { name = "name", type = "string" },
        { name = "count", type = "bigint" },
        { name = "total", type = "bigint" },
        { name = "share", type = "double" },
      ]
    }
  }
}
