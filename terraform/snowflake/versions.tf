terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
    # 2.11.x: later 2.x releases split snowflake_stage and snowflake_storage_integration into
    # per-cloud resources; this configuration is written (and checked offline) against 2.11.
    snowflake = {
      source  = "snowflakedb/snowflake"
      version = "~> 2.11.0"
    }
  }
}
