"""Where each zone of the lake lives, for a local folder and for S3 alike.

``raw_path`` is the raw zone's root (``DIR/raw`` locally, ``s3://<raw bucket>/<raw prefix>`` on
AWS); ``lake_path`` is the root of everything the jobs write (``DIR`` locally, the curated bucket
on AWS). Paths are built as strings so that the same code serves ``s3://`` and local folders.
"""

from __future__ import annotations

import datetime as dt
import re

from .schemas import PARTITION_COLUMN

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

STAGED_PLAYLIST = "playlist_snapshot"
STAGED_ITEM = "playlist_item"


def join(root: str, *parts: str) -> str:
    """Join path parts with ``/`` (S3 and POSIX both), never doubling a separator."""
    return "/".join([root.rstrip("/"), *(part.strip("/") for part in parts)])


def is_snapshot_date(value: object) -> bool:
    """True for a real calendar date written ``YYYY-MM-DD``: the only form a partition value takes."""
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def date_of_path(path: str) -> str:
    """The snapshot date of the ``snapshot_date=YYYY-MM-DD`` folder a file lies in ("" when none)."""
    folder = path.rstrip("/").rsplit("/", 2)[-2] if path.count("/") else ""
    prefix = f"{PARTITION_COLUMN}="
    return folder[len(prefix) :] if folder.startswith(prefix) else ""


def partition(snapshot_date: str) -> str:
    return f"{PARTITION_COLUMN}={snapshot_date}"


def raw_date_path(raw_path: str, snapshot_date: str) -> str:
    """The folder holding every raw run file of one snapshot date."""
    return join(raw_path, partition(snapshot_date))


def staging_path(lake_path: str, dataset: str) -> str:
    return join(lake_path, "staging", dataset)


def table_path(lake_path: str, table: str) -> str:
    return join(lake_path, "curated", table)


def table_partition_path(lake_path: str, table: str, snapshot_date: str) -> str:
    return join(table_path(lake_path, table), partition(snapshot_date))


def quarantine_root(lake_path: str) -> str:
    """Invalid input, with its reason and source file (JSON Lines), partitioned by snapshot date."""
    return join(lake_path, "quarantine")


def quarantine_path(lake_path: str, snapshot_date: str) -> str:
    """Invalid input of one date, with its reason and source file (JSON Lines)."""
    return join(quarantine_root(lake_path), partition(snapshot_date))


def report_path(lake_path: str, snapshot_date: str, job: str) -> str:
    """The run report (JSON) of one job for one date: counts and reconciliation."""
    return join(lake_path, "reports", partition(snapshot_date), f"{job}.json")


def local_catalog_path(lake_path: str) -> str:
    """The local catalog: a DuckDB database with a view per table over the Parquet files."""
    return join(lake_path, "catalog.duckdb")


def is_s3(path: str) -> bool:
    return path.startswith(("s3://", "s3a://"))
