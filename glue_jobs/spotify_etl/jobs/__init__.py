"""The Glue jobs of the workflow, in order. Each module is an edge: it reads, calls pure
transforms and writes. The thin entry scripts in ``glue_jobs/`` and ``spotify-etl transform``
both call ``run``."""

from __future__ import annotations

from ..job_args import JobSpec

NORMALIZE_ITEMS = JobSpec(
    name="normalize_items",
    script="job_normalize_items.py",
    required=("raw_path", "lake_path"),
    optional=(
        "snapshot_date",
        "snapshot_dates",
        "catalog_database",  # registers the api_health partitions
        "metrics_namespace",
        "blocking_checks",
        "max_field_share_drop",
    ),
)
BUILD_TABLES = JobSpec(
    name="build_tables",
    script="job_build_tables.py",
    required=("lake_path",),
    optional=(
        "snapshot_date",
        "snapshot_dates",
        "raw_path",
        "catalog_database",
        "metrics_namespace",
        "blocking_checks",
        "min_volume_share",
        "max_item_count_change",
    ),
)
WORKFLOW: tuple[JobSpec, ...] = (NORMALIZE_ITEMS, BUILD_TABLES)
"""The Glue workflow's jobs in trigger order: build_tables starts when normalize_items succeeds."""
