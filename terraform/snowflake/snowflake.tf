# The Snowflake side: a database and schema, a warehouse that suspends after a minute, the
# Parquet file format, the storage integration and external stage on s3://<curated>/curated/,
# the tables (or, in auto-ingest mode, landing tables, pipes and views), and a key-pair service
# user whose role has only what the loader needs.

resource "snowflake_database" "this" {
  name    = local.database_name
  comment = "Spotify playlists: album, artist, song and playlist, loaded from the ${var.name_prefix} lake."
}

resource "snowflake_schema" "curated" {
  database = snowflake_database.this.name
  name     = var.schema_name
  comment  = "The curated tables of the ${var.name_prefix} lake, one row set per snapshot_date."
}

resource "snowflake_warehouse" "load" {
  name                = "${local.sf_prefix}_LOAD"
  warehouse_size      = var.warehouse_size
  auto_suspend        = var.warehouse_auto_suspend_seconds
  auto_resume         = true
  initially_suspended = true
  comment             = "Runs the ${var.name_prefix} loads (COPY INTO); suspends after ${var.warehouse_auto_suspend_seconds} s idle."
}

# Parquet as Spark writes it (snappy). Provider 2.11 has no use_logical_type argument: the
# types come from the COPY's casts ($1:<field>::<type>); docs/snowflake.md says what only a real
# account can prove about Parquet's INT96 timestamps and DATEs.
resource "snowflake_file_format" "parquet" {
  database    = snowflake_database.this.name
  schema      = snowflake_schema.curated.name
  name        = local.file_format_name
  format_type = "PARQUET"
  compression = "AUTO"
  comment     = "Parquet files of the curated tables."
}

resource "snowflake_storage_integration" "curated" {
  name                      = "${local.sf_prefix}_CURATED"
  type                      = "EXTERNAL_STAGE"
  storage_provider          = "S3"
  enabled                   = true
  storage_aws_role_arn      = local.snowflake_role_arn
  storage_allowed_locations = [local.stage_url]
  comment                   = "Read access to the curated tables of ${var.curated_bucket} (IAM role ${local.snowflake_role_name})."
}

resource "snowflake_stage" "curated" {
  database            = snowflake_database.this.name
  schema              = snowflake_schema.curated.name
  name                = local.stage_name
  url                 = local.stage_url
  storage_integration = snowflake_storage_integration.curated.name
  file_format         = "FORMAT_NAME = ${snowflake_file_format.parquet.fully_qualified_name}"
  comment             = "The curated tables: <table>/snapshot_date=YYYY-MM-DD/*.parquet."

  # Snowflake checks the role when the stage is first used, not when it is created; the
  # policy is there before any load all the same.
  depends_on = [aws_iam_role_policy.snowflake_stage]
}

# ---------------------------------------------------------------------------------------------
# Loader mode: the tables (columns from generated.tf: schemas.py through the package)
# ---------------------------------------------------------------------------------------------

resource "snowflake_table" "curated" {
  for_each = local.loader_tables

  database = snowflake_database.this.name
  schema   = snowflake_schema.curated.name
  name     = upper(each.key)
  comment  = "The ${each.key} table of the lake, every published snapshot_date; loaded by ${local.load_job_name}."

  dynamic "column" {
    for_each = each.value
    content {
      name     = column.value.name
      type     = column.value.type
      nullable = column.value.nullable
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Auto-ingest mode: landing tables, one pipe each, views named after the tables
# ---------------------------------------------------------------------------------------------

resource "snowflake_table" "landing" {
  for_each = local.landing_tables

  database = snowflake_database.this.name
  schema   = snowflake_schema.curated.name
  name     = "${upper(each.key)}_LANDING"
  comment  = "Append-only: every Parquet file of ${each.key} Snowpipe loaded, with its file name and times. Query the view ${upper(each.key)}."

  dynamic "column" {
    for_each = each.value
    content {
      name     = column.value.name
      type     = column.value.type
      nullable = column.value.nullable
    }
  }
}

resource "snowflake_pipe" "curated" {
  for_each = local.landing_tables

  database       = snowflake_database.this.name
  schema         = snowflake_schema.curated.name
  name           = "${upper(each.key)}_PIPE"
  comment        = "Loads every new Parquet file of ${each.key} (S3 event notification) into ${upper(each.key)}_LANDING."
  auto_ingest    = true
  copy_statement = trimspace(local.pipe_copy_statements[each.key])

  depends_on = [snowflake_table.landing, snowflake_stage.curated]
}

resource "snowflake_view" "current" {
  for_each = local.landing_tables

  database  = snowflake_database.this.name
  schema    = snowflake_schema.curated.name
  name      = upper(each.key)
  comment   = "The rows of the latest write of each snapshot_date in ${upper(each.key)}_LANDING: a rerun never counts twice."
  statement = trimspace(local.current_rows_views[each.key])

  depends_on = [snowflake_table.landing]
}

# ---------------------------------------------------------------------------------------------
# The loader's role and service user (key pair only: a SERVICE user has no password)
# ---------------------------------------------------------------------------------------------

resource "snowflake_account_role" "loader" {
  name    = "${local.sf_prefix}_LOADER"
  comment = "Loads the ${var.name_prefix} tables: DELETE and COPY INTO, nothing else."
}

# Custom roles belong under SYSADMIN, so that administrators manage what they own.
resource "snowflake_grant_account_role" "loader_to_sysadmin" {
  role_name        = snowflake_account_role.loader.name
  parent_role_name = "SYSADMIN"
}

resource "snowflake_service_user" "loader" {
  name              = "${local.sf_prefix}_LOADER"
  comment           = "The ${local.load_job_name} Glue job (key pair; private key in Secrets Manager ${aws_secretsmanager_secret.loader_private_key.name})."
  rsa_public_key    = var.loader_rsa_public_key
  default_role      = snowflake_account_role.loader.name
  default_warehouse = snowflake_warehouse.load.name
  default_namespace = "${snowflake_database.this.name}.${snowflake_schema.curated.name}"
}

resource "snowflake_grant_account_role" "loader_to_user" {
  role_name = snowflake_account_role.loader.name
  user_name = snowflake_service_user.loader.name
}

resource "snowflake_grant_privileges_to_account_role" "loader_warehouse" {
  account_role_name = snowflake_account_role.loader.name
  privileges        = ["USAGE"]

  on_account_object {
    object_type = "WAREHOUSE"
    object_name = snowflake_warehouse.load.name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_database" {
  account_role_name = snowflake_account_role.loader.name
  privileges        = ["USAGE"]

  on_account_object {
    object_type = "DATABASE"
    object_name = snowflake_database.this.name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_schema" {
  account_role_name = snowflake_account_role.loader.name
  privileges        = ["USAGE"]

  on_schema {
    schema_name = snowflake_schema.curated.fully_qualified_name
  }
}

# COPY INTO <table> from a named external stage with a named file format needs USAGE on both
# and INSERT on the table (docs.snowflake.com/en/sql-reference/sql/copy-into-table, access
# control requirements); the DELETE of a date needs DELETE, and SELECT for its WHERE.
resource "snowflake_grant_privileges_to_account_role" "loader_stage" {
  account_role_name = snowflake_account_role.loader.name
  privileges        = ["USAGE"]

  on_schema_object {
    object_type = "STAGE"
    object_name = snowflake_stage.curated.fully_qualified_name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_file_format" {
  account_role_name = snowflake_account_role.loader.name
  privileges        = ["USAGE"]

  on_schema_object {
    object_type = "FILE FORMAT"
    object_name = snowflake_file_format.parquet.fully_qualified_name
  }
}

resource "snowflake_grant_privileges_to_account_role" "loader_tables" {
  for_each = snowflake_table.curated

  account_role_name = snowflake_account_role.loader.name
  privileges        = ["SELECT", "INSERT", "DELETE"]

  on_schema_object {
    object_type = "TABLE"
    object_name = each.value.fully_qualified_name
  }
}

# Auto-ingest mode: the pipes run as their owner; the role only reads the views.
resource "snowflake_grant_privileges_to_account_role" "reader_views" {
  for_each = snowflake_view.current

  account_role_name = snowflake_account_role.loader.name
  privileges        = ["SELECT"]

  on_schema_object {
    object_type = "VIEW"
    object_name = each.value.fully_qualified_name
  }
}
