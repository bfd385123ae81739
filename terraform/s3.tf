# ---------------------------------------------------------------------------------------------
# Buckets
#
# Four data buckets, not one bucket with prefixes, because what they hold differs in how long it
# lives and in who may touch it:
#   raw            the extract Lambda's JSON Lines. The only copy of past playlist states (the
#                  Web API has no history), so versioned, kept (Standard-IA after 90 days) and
#                  never force-destroyed by default. The Lambda may write here and nowhere else.
#   curated        what the Glue jobs write: curated/<table>/snapshot_date=.../ (Parquet, read by
#                  Athena), staging/, quarantine/ and reports/. Versioned with a short
#                  noncurrent window: undo for a bad re-run of a date.
#   artifacts      Glue scripts, dist/spotify_etl.zip and the jobs' --TempDir (expired weekly).
#   athena-results query results, expired after a few days.
# With one bucket per kind, every IAM statement and bucket policy names a bucket instead of a
# prefix condition, lifecycle rules need no prefix filters, and a mistake in one cannot expire
# or expose another. Each bucket: SSE-KMS with the project key and an S3 Bucket Key, public
# access blocked, ACLs disabled (BucketOwnerEnforced), TLS required, server access logs to a
# fifth bucket. All four are versioned so they share one configuration (Athena results'
# noncurrent versions expire after a day, so versioning costs nothing there).
# The per-bucket settings iterate over local.data_buckets (not over aws_s3_bucket.data) and
# reference aws_s3_bucket.data[each.key]: that is the form checkov can connect to each bucket.
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "data" {
  #checkov:skip=CKV_AWS_144:Single-region analytics lake; raw is versioned and protected from force-destroy, and curated/results can be rebuilt from raw. Add replication for regional disaster recovery if it is ever needed.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to object events: the extract Lambda starts the Glue workflow itself (glue:StartWorkflowRun) once a run's files are written.
  for_each = local.data_buckets

  bucket        = local.bucket_names[each.key]
  force_destroy = each.value.force_destroy

  # Destroyed before the key: a raw or curated bucket that still holds data (and may not be
  # force-destroyed) stops `destroy` there, and with it the key's deletion (kms.tf).
  depends_on = [aws_kms_key.main, aws_kms_alias.main]
}

resource "aws_s3_bucket_ownership_controls" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  for_each = local.data_buckets

  bucket                  = aws_s3_bucket.data[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "data" {
  for_each = local.data_buckets

  bucket        = aws_s3_bucket.data[each.key].id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${each.key}/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_s3_bucket_policy" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.data]
}

data "aws_iam_policy_document" "tls_only" {
  for_each = local.data_buckets

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data[each.key].arn, "${aws_s3_bucket.data[each.key].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Lifecycle, bucket by bucket
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket_lifecycle_configuration" "raw" {
  bucket = aws_s3_bucket.data["raw"].id

  rule {
    id     = "raw-zone-tiering"
    status = "Enabled"

    filter {
      prefix = "${var.raw_prefix}/"
    }

    # Objects under 128 KB (manifests, small runs) are not transitioned: S3's default minimum.
    transition {
      days          = var.raw_transition_days
      storage_class = "STANDARD_IA"
    }

    dynamic "expiration" {
      for_each = var.raw_expiration_days > 0 ? [var.raw_expiration_days] : []
      content {
        days = expiration.value
      }
    }
  }

  rule {
    id     = "cleanup"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

resource "aws_s3_bucket_lifecycle_configuration" "curated" {
  bucket = aws_s3_bucket.data["curated"].id

  # Re-running a date overwrites its partitions: the replaced Parquet files stay restorable
  # as noncurrent versions for noncurrent_version_expiration_days.
  rule {
    id     = "cleanup"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.data["artifacts"].id

  rule {
    id     = "glue-temp-dir"
    status = "Enabled"

    filter {
      prefix = "${local.glue_temp_prefix}/"
    }

    expiration {
      days = 7
    }
  }

  rule {
    id     = "cleanup"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

resource "aws_s3_bucket_lifecycle_configuration" "athena_results" {
  bucket = aws_s3_bucket.data["athena-results"].id

  rule {
    id     = "expire-query-results"
    status = "Enabled"

    filter {}

    expiration {
      days = var.athena_results_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

# ---------------------------------------------------------------------------------------------
# Server access logs of the four data buckets
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the access-log target bucket; logging it into itself would log its own log deliveries.
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 (AES256) default encryption on the target bucket, not SSE-KMS.
  #checkov:skip=CKV_AWS_21:Access logs are written once by S3 and expired by the lifecycle rule; old versions would have nothing to restore.
  #checkov:skip=CKV_AWS_144:Single-region project; access logs are kept for access_log_expiration_days only.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new log objects.
  bucket        = local.bucket_names["access-logs"]
  force_destroy = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

data "aws_iam_policy_document" "access_logs" {
  # With BucketOwnerEnforced, log delivery is granted by this policy (ACL grants are ignored).
  statement {
    sid       = "S3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [for bucket in aws_s3_bucket.data : bucket.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
