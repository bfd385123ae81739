# The workgroup analysts use: results encrypted in the results bucket, a per-query scan cutoff
# (bytes_scanned_cutoff_per_query) and settings users cannot override.
resource "aws_athena_workgroup" "main" {
  name          = local.athena_workgroup_name
  description   = "Spotify playlist analytics (${local.prefix}): queries over the ${local.glue_database_name} database."
  state         = "ENABLED"
  force_destroy = true # the saved queries below and the query history go with it

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "AUTO"
    }

    result_configuration {
      output_location       = "s3://${aws_s3_bucket.data["athena-results"].bucket}/${local.athena_results_prefix}/"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = aws_kms_key.main.arn
      }
    }
  }
}

# Every sql/*.sql file (one Athena query each) becomes a saved query named after the file.
resource "aws_athena_named_query" "this" {
  for_each = fileset("${path.module}/../sql", "*.sql")

  name        = trimsuffix(each.value, ".sql")
  description = "sql/${each.value} of the spotify-etl repository."
  workgroup   = aws_athena_workgroup.main.id
  database    = aws_glue_catalog_database.lake.name
  query       = file("${path.module}/../sql/${each.value}")
}
