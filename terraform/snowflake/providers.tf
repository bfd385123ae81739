# Its own root module and state: AWS-only users of ../ (the main stack) never initialise the
# Snowflake provider. The AWS side here (Glue load job, its secret and role, the IAM role that
# Snowflake's storage integration assumes, the S3 notification of the auto-ingest mode) is in
# the same region and account as the main stack.
provider "aws" {
  region = var.region

  default_tags {
    tags = merge(
      {
        Project    = "spotify-etl"
        NamePrefix = var.name_prefix
        ManagedBy  = "terraform"
        Repository = "spotify-etl"
        Component  = "snowflake"
      },
      var.tags,
    )
  }
}

# Signs in as the deployer, from the environment or ~/.snowflake/config (docs/snowflake.md):
# SNOWFLAKE_ORGANIZATION_NAME, SNOWFLAKE_ACCOUNT_NAME, SNOWFLAKE_USER, SNOWFLAKE_AUTHENTICATOR =
# SNOWFLAKE_JWT and SNOWFLAKE_PRIVATE_KEY (never in a file of this repository). The role must be
# able to create databases, warehouses, roles, users and storage integrations.
provider "snowflake" {
  role = var.snowflake_admin_role

  # Provider 2.x refuses to plan a preview resource that is not listed here.
  preview_features_enabled = [
    "snowflake_file_format_resource",
    "snowflake_pipe_resource",
    "snowflake_stage_resource",
    "snowflake_storage_integration_resource",
    "snowflake_table_resource",
  ]
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}
