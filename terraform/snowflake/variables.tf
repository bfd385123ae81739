# ---------------------------------------------------------------------------------------------
# Snowflake
# ---------------------------------------------------------------------------------------------

variable "snowflake_account" {
  description = "Account identifier the load job connects to: <organization name>-<account name> (Snowsight: Admin > Accounts)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_.-]+)?$", var.snowflake_account))
    error_message = "snowflake_account must be an account identifier such as myorg-myaccount."
  }
}

variable "snowflake_admin_role" {
  description = "Role Terraform uses in Snowflake: it must be able to create storage integrations, databases, warehouses, roles and users (ACCOUNTADMIN, or a role granted those privileges)."
  type        = string
  default     = "ACCOUNTADMIN"
}

variable "loader_rsa_public_key" {
  description = "Public key of the loader's key pair (the base64 body of rsa_key.pub, without the BEGIN/END lines). The private key goes into the Secrets Manager secret, never into Terraform."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+/=\\s]{200,}$", var.loader_rsa_public_key)) && !strcontains(var.loader_rsa_public_key, "PRIVATE")
    error_message = "loader_rsa_public_key must be the base64 body of an RSA public key (at least 2048 bits), not a private key."
  }
}

variable "database_name" {
  description = "Snowflake database of the tables; empty: the main stack's prefix in upper case (SPOTIFY_ETL_DEV)."
  type        = string
  default     = ""
}

variable "schema_name" {
  description = "Snowflake schema of the tables, the stage and the file format."
  type        = string
  default     = "CURATED"

  validation {
    condition     = can(regex("^[A-Z][A-Z0-9_]*$", var.schema_name))
    error_message = "schema_name must be an upper-case identifier (letters, digits, underscores)."
  }
}

variable "warehouse_size" {
  description = "Size of the load warehouse: a daily load of a few hundred thousand rows needs no more than XSMALL."
  type        = string
  default     = "XSMALL"
}

variable "warehouse_auto_suspend_seconds" {
  description = "Seconds of idleness after which the warehouse suspends (Snowflake bills at least 60 s per resume)."
  type        = number
  default     = 60

  validation {
    condition     = var.warehouse_auto_suspend_seconds >= 60
    error_message = "warehouse_auto_suspend_seconds must be at least 60 (Snowflake bills a minimum of 60 s per resume)."
  }
}

variable "snowpipe_enabled" {
  description = "Auto-ingest mode: a pipe per table loads every new Parquet file into <TABLE>_LANDING, and views named after the tables show the latest write of each date. Off: the Glue load job keeps tables exact after each build_tables (docs/snowflake.md)."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------
# The Glue load job
# ---------------------------------------------------------------------------------------------

variable "glue_max_retries" {
  description = "Automatic retries of a failed load run (0 or 1). 1 by default, as for the main stack's jobs: FLEX capacity can be reclaimed mid-run, and a load is exact on a rerun (one DELETE + COPY transaction per table and date)."
  type        = number
  default     = 1

  validation {
    condition     = contains([0, 1], var.glue_max_retries)
    error_message = "glue_max_retries must be 0 or 1."
  }
}

variable "glue_execution_class" {
  description = "FLEX (spare capacity, cheaper, may start minutes later) or STANDARD."
  type        = string
  default     = "FLEX"

  validation {
    condition     = contains(["FLEX", "STANDARD"], var.glue_execution_class)
    error_message = "glue_execution_class must be FLEX or STANDARD."
  }
}

variable "glue_timeout_minutes" {
  description = "Minutes after which a load job run is stopped."
  type        = number
  default     = 30
}

variable "secret_recovery_window_days" {
  description = "Days a deleted private-key secret can be restored (0: deleted at once)."
  type        = number
  default     = 7
}

variable "tags" {
  description = "Extra tags for every AWS resource of this module."
  type        = map(string)
  default     = {}
}
