"""The build_tables run reports the loader trusts: which dates are published, and their counts.

build_tables writes ``<lake>/reports/snapshot_date=D/build_tables.json`` for every run, with
``rows`` (per table) and ``published`` (true once the partitions are written). A date is loaded
only when its report says ``published: true``; the report's ``rows`` are what Snowflake must hold.
"""

from __future__ import annotations

import json
import os
from typing import Any

from .. import lake_layout as layout
from ..jobs import BUILD_TABLES


def read_report(lake_path: str, snapshot_date: str) -> dict[str, Any] | None:
    """The build_tables report of one date (local folder or S3), or None when there is none."""
    path = layout.report_path(lake_path, snapshot_date, BUILD_TABLES.name)
    if layout.is_s3(path):
        import boto3
        from botocore.config import Config

        bucket, _, key = path.split("://", 1)[1].partition("/")
        s3 = boto3.client("s3", config=Config(retries={"mode": "standard"}))
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None
        return json.loads(body)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _s3_report_dates(lake_path: str) -> list[str]:
    """The ``snapshot_date=D`` folders under ``<lake>/reports/`` on S3 (one paginated listing)."""
    import boto3
    from botocore.config import Config

    bucket, _, key = layout.join(lake_path, "reports").split("://", 1)[1].partition("/")
    s3 = boto3.client("s3", config=Config(retries={"mode": "standard"}))
    prefix = f"{key}/" if key else ""
    dates = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
        for common in page.get("CommonPrefixes", []):
            name = common["Prefix"][len(prefix) :].rstrip("/")
            value = name.removeprefix(layout.partition(""))
            if name != value and layout.is_snapshot_date(value):
                dates.append(value)
    return sorted(dates)


def reported_dates(lake_path: str) -> list[str]:
    """The dates of a lake (local folder or S3) that have a report folder, oldest first (on S3,
    folders without a build_tables report are left to ``why_not_loadable`` to explain)."""
    if layout.is_s3(lake_path):
        return _s3_report_dates(lake_path)
    root = layout.join(lake_path, "reports")
    if not os.path.isdir(root):
        return []
    prefix = layout.partition("")
    return sorted(
        name[len(prefix) :]
        for name in os.listdir(root)
        if name.startswith(prefix)
        and layout.is_snapshot_date(name[len(prefix) :])
        and os.path.isfile(layout.report_path(lake_path, name[len(prefix) :], BUILD_TABLES.name))
    )


def why_not_loadable(report: dict[str, Any] | None) -> str | None:
    """None when the report allows loading its date, else the reason the date is not loaded."""
    if report is None:
        return "no build_tables report: run the transform (build_tables) for this date first"
    if report.get("published") is not True:
        return "build_tables did not publish it (published: false; its report says why)"
    return None
