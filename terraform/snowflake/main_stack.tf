# Values of the main stack (../), named exactly as its outputs: `make deploy-snowflake` writes
# them to main_stack.auto.tfvars.json from `terraform -chdir=terraform output -json`
# (tools/main_stack_tfvars.py). Only variables are declared in this file: the tool passes on the
# outputs whose names are declared here.

variable "region" {
  description = "AWS region of the main stack."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name of the main stack (<project>-<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,24}$", var.name_prefix))
    error_message = "name_prefix must be the main stack's <project>-<environment> (lowercase letters, digits, hyphens)."
  }
}

variable "curated_bucket" {
  description = "Bucket of the lake the Glue jobs write; the tables are under curated/<table>/snapshot_date=D/."
  type        = string
}

variable "lake_path" {
  description = "Root of the lake (--lake_path of the jobs): the load job reads the build_tables reports there."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the lake, the artifacts and the logs (Snowflake's role and the load job decrypt with it)."
  type        = string
}

variable "artifacts_bucket" {
  description = "Bucket of the Glue scripts and the spotify_etl package."
  type        = string
}

variable "glue_package_path" {
  description = "S3 URI of dist/spotify_etl.zip, uploaded by the main stack (--extra-py-files)."
  type        = string
}

variable "glue_security_configuration" {
  description = "Glue security configuration of the main stack (KMS for logs and S3 output)."
  type        = string
}

variable "glue_log_groups" {
  description = "The Glue jobs' CloudWatch log groups (Glue 5.x, --custom-logGroup-prefix): {output = ..., error = ...}. The load job logs there too: the groups have the retention and the project key, and the key's policy lets CloudWatch Logs use it for exactly these groups."
  type        = map(string)
}

variable "glue_workflow_name" {
  description = "The Glue workflow the load job joins (after build_tables)."
  type        = string
}

variable "glue_job_names" {
  description = "Glue job name of each spotify_etl job of the main stack; the load job starts when build_tables has succeeded."
  type        = map(string)
}

variable "alarm_topic_arn" {
  description = "SNS topic of the pipeline's alarms: failed load job runs are reported there."
  type        = string
}
