# Auto-ingest mode: S3 tells Snowflake about every new Parquet file under curated/. All pipes of
# an account and region share one SQS queue (their notification_channel), so one notification
# on the bucket serves the four pipes; each pipe's COPY picks the files under its own table.
# A bucket has one notification configuration: this resource owns the curated bucket's (the
# main stack sets none).
resource "aws_s3_bucket_notification" "snowpipe" {
  count = var.snowpipe_enabled ? 1 : 0

  bucket = var.curated_bucket

  queue {
    id            = "snowpipe-curated"
    queue_arn     = snowflake_pipe.curated["album"].notification_channel
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.stage_prefix
    filter_suffix = ".parquet"
  }
}
