# The curated tables and api_health, as Athena reads them. Columns and types are exactly
# spotify_etl.schemas.catalog_columns(table) (local.catalog_tables; tests/terraform compares).
# Partition projection computes the snapshot_date partitions from the path template, so Athena
# needs no partition metadata; the jobs still register each new partition (build_tables the
# four curated tables, normalize_items api_health) for Spark and Glue readers of the catalog.

resource "aws_glue_catalog_database" "lake" {
  name        = local.glue_database_name
  description = "Spotify playlist analytics lake (${local.prefix}): album, artist, song and playlist tables and the Web API's health (api_health), partitioned by snapshot_date."
}

resource "aws_glue_catalog_table" "this" {
  for_each = local.catalog_tables

  name          = each.key
  database_name = aws_glue_catalog_database.lake.name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "EXTERNAL"                               = "TRUE"
    "classification"                         = "parquet"
    "parquet.compression"                    = "SNAPPY"
    "projection.enabled"                     = "true"
    "projection.snapshot_date.type"          = "date"
    "projection.snapshot_date.format"        = "yyyy-MM-dd"
    "projection.snapshot_date.range"         = "${var.partition_projection_start_date},NOW"
    "projection.snapshot_date.interval"      = "1"
    "projection.snapshot_date.interval.unit" = "DAYS"
    "storage.location.template"              = "${local.lake_path}/curated/${each.key}/snapshot_date=$${snapshot_date}/"
  }

  partition_keys {
    name = local.catalog_partition_key.name
    type = local.catalog_partition_key.type
  }

  storage_descriptor {
    location      = "${local.lake_path}/curated/${each.key}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      name                  = "parquet"
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}
