# ---------------------------------------------------------------------------------------------
# Where and what
# ---------------------------------------------------------------------------------------------

variable "region" {
  description = "AWS region to deploy into (every resource of the pipeline lives in this one region)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-west-1."
  }
}

variable "project" {
  description = "Project name: the first part of every resource name (lowercase letters, digits and hyphens)."
  type        = string
  default     = "spotify-etl"

  validation {
    # Bucket names are <project>-<environment>-<role>-<account id>: at most 63 characters.
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.project)) && !endswith(var.project, "-")
    error_message = "project must be 2-16 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...): the second part of every resource name."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,7}$", var.environment))
    error_message = "environment must be 1-8 lowercase letters or digits, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (added to the provider's default_tags: Project, Environment, ManagedBy, Repository)."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------

variable "playlist_ids" {
  description = "What the extract Lambda reads every day: \"mine\" (the default) for every playlist owned by, or collaborative with, the user who ran `spotify-etl auth --secret-id` (GET /me/playlists), and/or playlist IDs, spotify:playlist: URIs or open.spotify.com/playlist/ URLs, in any mix. In development mode (every new app) Spotify answers 403 for the items of playlists that user neither owns nor collaborates on (followed playlists included, since March 2026) and 404 for its own editorial playlists (since November 2024); an app with extended quota may name other users' public playlists too. Client credentials alone read no playlist in development mode: run spotify-etl auth (docs/deploy.md)."
  type        = list(string)
  default     = ["mine"]

  validation {
    condition     = length(var.playlist_ids) > 0 && length(join(",", var.playlist_ids)) <= 3000 && alltrue([for ref in var.playlist_ids : can(regex("^(mine|[0-9A-Za-z]{22}|spotify:(user:[^:,]+:)?playlist:[0-9A-Za-z]{22}|(https?://)?open\\.spotify\\.com/(intl-[a-z]{2}/)?playlist/[0-9A-Za-z]{22}([?][^,]*)?)$", ref))])
    error_message = "playlist_ids must hold \"mine\" and/or playlist IDs (22 characters of [0-9A-Za-z]), spotify:playlist:<id> URIs or https://open.spotify.com/playlist/<id> URLs (no commas), at most 3000 characters joined (PLAYLIST_IDS must fit in the Lambda's 4 KB of environment)."
  }
}

variable "raw_prefix" {
  description = "Key prefix of the raw zone in the raw bucket (no leading or trailing slash); the extract Lambda writes <raw_prefix>/snapshot_date=YYYY-MM-DD/<run_id>.jsonl.gz under it."
  type        = string
  default     = "raw/spotify/playlist_items"

  validation {
    condition     = can(regex("^[A-Za-z0-9_=.-]+(/[A-Za-z0-9_=.-]+)*$", var.raw_prefix))
    error_message = "raw_prefix must be a key prefix such as raw/spotify/playlist_items: no leading or trailing slash, no empty segment."
  }
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression of the daily extraction: cron(...), rate(...) or at(...). The default runs at 06:00 every day in schedule_timezone."
  type        = string
  default     = "cron(0 6 * * ? *)"

  validation {
    condition     = can(regex("^(cron|rate|at)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must look like cron(0 6 * * ? *), rate(1 day) or at(2026-12-01T06:00:00)."
  }
}

variable "schedule_timezone" {
  description = "IANA time zone the schedule expression is read in. Keep UTC: the snapshot date is the UTC date of the run."
  type        = string
  default     = "UTC"
}

variable "schedule_enabled" {
  description = "Whether the daily schedule is enabled (false pauses extraction without destroying anything)."
  type        = bool
  default     = true
}

variable "lambda_timeout_seconds" {
  description = "Extract Lambda timeout in seconds: playlists are read extract_concurrency at a time, page by page (50 items a request), with back-off on HTTP 429."
  type        = number
  default     = 600

  validation {
    condition     = var.lambda_timeout_seconds >= 30 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 30 and 900 (Lambda's maximum)."
  }
}

variable "extract_concurrency" {
  description = "How many playlists the extract Lambda reads at once (EXTRACT_CONCURRENCY). Each playlist's pages are read in order; a 429 from Spotify holds every reader until Retry-After has passed. 1 reads one request at a time."
  type        = number
  default     = 8

  validation {
    condition     = var.extract_concurrency >= 1 && var.extract_concurrency <= 32 && floor(var.extract_concurrency) == var.extract_concurrency
    error_message = "extract_concurrency must be a whole number from 1 to 32 (more only reaches Spotify's rate limit sooner)."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Concurrent executions reserved for the extract Lambda; null (the default) reserves none. Reserving needs an account concurrency quota above 10 (Lambda keeps 10 unreserved; a new account's quota is 10, so any reservation fails there). Two overlapping extractions are safe: both land, and the jobs keep each playlist's latest extraction."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrency == null || try(var.lambda_reserved_concurrency >= 1 && floor(var.lambda_reserved_concurrency) == var.lambda_reserved_concurrency, false)
    error_message = "lambda_reserved_concurrency must be null (no reservation) or a whole number of at least 1 (0 would stop the function from running)."
  }
}

variable "lambda_memory_mb" {
  description = "Extract Lambda memory in MB (CPU scales with it); 512 MB holds a few large playlists in memory while gzipping."
  type        = number
  default     = 512

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "log_level" {
  description = "Log level of the extract Lambda (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARNING, ERROR."
  }
}

variable "spotify_api_base_url" {
  description = "Base URL of the Spotify Web API (SPOTIFY_API_BASE_URL)."
  type        = string
  default     = "https://api.spotify.com/v1"

  validation {
    condition     = startswith(var.spotify_api_base_url, "https://")
    error_message = "spotify_api_base_url must be an https:// URL."
  }
}

variable "spotify_accounts_base_url" {
  description = "Base URL of the Spotify accounts service that issues tokens (SPOTIFY_ACCOUNTS_BASE_URL)."
  type        = string
  default     = "https://accounts.spotify.com"

  validation {
    condition     = startswith(var.spotify_accounts_base_url, "https://")
    error_message = "spotify_accounts_base_url must be an https:// URL."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted Spotify secret can still be restored (0 deletes it at once, 7-30 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

# ---------------------------------------------------------------------------------------------
# Glue
# ---------------------------------------------------------------------------------------------

variable "glue_execution_class" {
  description = "Glue execution class: FLEX (spare capacity, about 34% cheaper, may start later; right for a daily batch) or STANDARD."
  type        = string
  default     = "FLEX"

  validation {
    condition     = contains(["FLEX", "STANDARD"], var.glue_execution_class)
    error_message = "glue_execution_class must be FLEX or STANDARD."
  }
}

variable "glue_worker_type" {
  description = "Glue worker type: G.1X (1 DPU: 4 vCPU, 16 GB) suits days up to millions of items; G.2X (2 DPU) doubles memory and cores per worker."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X"], var.glue_worker_type)
    error_message = "glue_worker_type must be G.1X or G.2X (the worker types that FLEX also runs on)."
  }
}

variable "glue_number_of_workers" {
  description = "Maximum number of workers (glue_worker_type) per Glue job run; auto scaling uses fewer when it can. 2 is Glue's minimum."
  type        = number
  default     = 2

  validation {
    condition     = var.glue_number_of_workers >= 2 && var.glue_number_of_workers <= 50 && floor(var.glue_number_of_workers) == var.glue_number_of_workers
    error_message = "glue_number_of_workers must be a whole number between 2 and 50."
  }
}

variable "glue_timeout_minutes" {
  description = "Timeout of each Glue job run in minutes (a FLEX run's wait for capacity counts too)."
  type        = number
  default     = 60

  validation {
    condition     = var.glue_timeout_minutes >= 5 && var.glue_timeout_minutes <= 2880
    error_message = "glue_timeout_minutes must be between 5 and 2880."
  }
}

variable "glue_max_retries" {
  description = "Automatic retries of a failed Glue job run (0 or 1). 1 by default: FLEX capacity can be reclaimed in the middle of a run, and the jobs are idempotent per snapshot date, so a retry is safe; a run that fails twice is looked at (the failure alarm fires for each failed attempt)."
  type        = number
  default     = 1

  validation {
    condition     = contains([0, 1], var.glue_max_retries)
    error_message = "glue_max_retries must be 0 or 1."
  }
}

variable "partition_projection_start_date" {
  description = "First snapshot_date (YYYY-MM-DD) Athena's partition projection covers; the range ends at NOW."
  type        = string
  default     = "2026-01-01"

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.partition_projection_start_date)) && can(formatdate("YYYY-MM-DD", "${var.partition_projection_start_date}T00:00:00Z"))
    error_message = "partition_projection_start_date must be a real date in YYYY-MM-DD form."
  }
}

# ---------------------------------------------------------------------------------------------
# Storage, Athena, logs and alarms
# ---------------------------------------------------------------------------------------------

variable "raw_transition_days" {
  description = "Days after which raw objects move to S3 Standard-IA (objects under 128 KB stay in Standard: S3's default minimum size for transitions)."
  type        = number
  default     = 90

  validation {
    condition     = var.raw_transition_days >= 30
    error_message = "raw_transition_days must be at least 30 (Standard-IA's minimum)."
  }
}

variable "raw_expiration_days" {
  description = "Days after which raw objects are deleted; 0 keeps them for ever (raw is the only copy of past playlist states: Spotify has no history API)."
  type        = number
  default     = 0

  validation {
    condition     = var.raw_expiration_days == 0 || var.raw_expiration_days > var.raw_transition_days
    error_message = "raw_expiration_days must be 0 (keep) or more than raw_transition_days."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted version of a raw, curated or artifact object is kept (the undo window of a bad re-run)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "athena_results_expiration_days" {
  description = "Days Athena query results are kept in the results bucket."
  type        = number
  default     = 7

  validation {
    condition     = var.athena_results_expiration_days >= 1
    error_message = "athena_results_expiration_days must be at least 1."
  }
}

variable "access_log_expiration_days" {
  description = "Days S3 server access logs are kept."
  type        = number
  default     = 90

  validation {
    condition     = var.access_log_expiration_days >= 1
    error_message = "access_log_expiration_days must be at least 1."
  }
}

variable "force_destroy_data_buckets" {
  description = "Let terraform destroy delete the raw and curated buckets with everything in them. Keep false except for a throw-away environment: raw is the only copy of past playlist states."
  type        = bool
  default     = false
}

variable "athena_bytes_scanned_cutoff" {
  description = "Bytes one Athena query may scan in the workgroup before Athena cancels it (at $5/TB, the default 1 GiB caps a query at about half a cent). Minimum 10 MB."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB, Athena's minimum)."
  }
}

variable "log_retention_days" {
  description = "Retention in days of the Lambda's and the Glue jobs' CloudWatch log groups (one of the values CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (the address must confirm the subscription); empty for no subscription."
  type        = string
  default     = ""

  validation {
    condition     = var.alarm_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be empty or an e-mail address."
  }
}

# ---------------------------------------------------------------------------------------------
# Health: freshness, volume and API drift (monitoring.tf; the jobs' checks)
# ---------------------------------------------------------------------------------------------

variable "freshness_deadline_hour" {
  description = "UTC hour (0-23) by which the day's snapshot date must be published: from then on the freshness alarm fires while no date has been published in the last 24 hours. From the hour of the daily schedule (schedule_expression, a daily cron in UTC) until this hour the alarm can only clear (on a publish), never fire, so a run in progress never alarms and a day that is already late stays in ALARM until a date is published. The default 9 gives the 06:00 run three hours. If the previous publish came after the deadline (a late rerun at 14:00), the alarm fires 24 hours after it (14:00) rather than at the deadline; a publish of any date, a backfill too, counts as fresh."
  type        = number
  default     = 9

  validation {
    condition     = var.freshness_deadline_hour >= 0 && var.freshness_deadline_hour <= 23 && floor(var.freshness_deadline_hour) == var.freshness_deadline_hour
    error_message = "freshness_deadline_hour must be a whole UTC hour from 0 to 23."
  }
}

variable "min_volume_share" {
  description = "build_tables' songs_below_trailing_median check: a day's songs must be at least this share of the median of the trailing 7 published dates (0.5: half the usual songs warns)."
  type        = number
  default     = 0.5

  validation {
    condition     = var.min_volume_share > 0 && var.min_volume_share <= 1
    error_message = "min_volume_share must be a share above 0 and at most 1."
  }
}

variable "max_item_count_change" {
  description = "build_tables' item_count_changed_same_snapshot check: a playlist whose item count changed by more than this share of the previous date's count while its snapshot_id stayed the same warns (0: any change). Spotify changes snapshot_id on every edit, so a change without it means items were lost or gained in transit."
  type        = number
  default     = 0

  validation {
    condition     = var.max_item_count_change >= 0 && var.max_item_count_change <= 1
    error_message = "max_item_count_change must be a share from 0 to 1."
  }
}

variable "max_field_share_drop" {
  description = "normalize_items' field_share_dropped check: how far a field's share of items (0-1) may fall below its median over the trailing 7 dates before it warns (0.2: 20 points)."
  type        = number
  default     = 0.2

  validation {
    condition     = var.max_field_share_drop > 0 && var.max_field_share_drop <= 1
    error_message = "max_field_share_drop must be a share above 0 and at most 1."
  }
}

variable "blocking_checks" {
  description = "Volume, continuity and API drift checks that stop publishing instead of only warning (recorded, metered and alarmed): any of item_count_changed_same_snapshot, songs_below_trailing_median, playlist_missing, empty_day (build_tables), field_share_dropped, unknown_item_type, unknown_field (normalize_items), or \"all\". Empty (the default): every check only warns."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for check in var.blocking_checks : contains(["item_count_changed_same_snapshot", "songs_below_trailing_median", "playlist_missing", "empty_day", "field_share_dropped", "unknown_item_type", "unknown_field", "all"], check)])
    error_message = "blocking_checks may hold only item_count_changed_same_snapshot, songs_below_trailing_median, playlist_missing, empty_day, field_share_dropped, unknown_item_type, unknown_field or all."
  }
}
