provider "aws" {
  region = var.region

  # Every taggable resource gets these; var.tags adds to them (and wins on a clash).
  default_tags {
    tags = merge(
      {
        Project     = var.project
        Environment = var.environment
        ManagedBy   = "terraform"
        Repository  = "spotify-etl"
      },
      var.tags,
    )
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}
