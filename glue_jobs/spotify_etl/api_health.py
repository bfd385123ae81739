"""The API drift sentinel: how the Web API's answers looked on each date, and what changed.

normalize_items counts, per date and in the same Spark job as its other counts, the items in
which each field the jobs read is present (``items.PRESENCE_FIELDS``), the item shapes (``item``
since February 2026, ``track`` before) and types; it reads the fields of each raw file's first
line that the schema does not know, and the HTTP outcome of each playlist from the extract
runs' manifests. This module turns those counts into ``api_health`` rows (API_HEALTH_SCHEMA) and
compares a date with its trailing history (``drift``): the public pipelines that broke in
November 2024 and March 2026 broke silently, their fields going null and their shapes changing.

Everything here is plain Python on a few rows per date.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StructType

from .items import ITEM_LEVEL_FIELDS, KNOWN_ITEM_TYPES, PRESENCE_FIELDS
from .schemas import ENVELOPE_SCHEMA

FIELD_PRESENT, ITEM_SHAPE, ITEM_TYPE, UNKNOWN_FIELD, HTTP_STATUS, HTTP_RESPONSES = (
    "field_present",
    "item_shape",
    "item_type",
    "unknown_field",
    "http_status",
    "http_responses",
)
"""The measures of API_HEALTH_MEASURES (schemas.py)."""
TRAILING_DATES = 7
"""How many earlier dates (that have api_health rows) a date is compared with."""
DEFAULT_MAX_FIELD_SHARE_DROP = 0.2
"""A field's share may fall by at most this much (0.2 = 20 points) under its trailing median."""
NO_VALUE = "(none)"
"""The name of an item shape or type the item did not have (an unavailable track: ``"item": null``)."""


def presence_sums() -> list[Column]:
    """Aggregates over item rows (with ``fields_present``): how many have each PRESENCE_FIELDS
    field, as columns ``present_<i>``."""
    return [
        F.sum(F.shiftright(F.col("fields_present"), index).bitwiseAND(F.lit(1)))
        .cast("long")
        .alias(f"present_{index}")
        for index in range(len(PRESENCE_FIELDS))
    ]


def _share(count: int, total: int) -> float | None:
    return round(count / total, 6) if total else None


def health_rows(
    item_counts: Sequence[Mapping[str, Any]],
    unknown_fields: Mapping[str, int],
    files: int,
    http: Mapping[str, Mapping[str, int]],
) -> list[tuple[str, str, int, int, float | None]]:
    """One date's ``api_health`` rows ``(measure, name, count, total, share)``, sorted.

    ``item_counts``: the date's rows of the item aggregate, each with ``valid``, ``skip_reason``,
    ``item_shape``, ``item_type``, ``count`` and ``present_<i>``; only valid items count (an
    item that does not fit the schema is quarantined, not measured). ``unknown_fields``: field
    path -> files whose first line has it, of ``files``. ``http``: ``{"status": {code: playlists},
    "retries": {kind: retries}, "requests": {"requests": n}}`` from the manifests (empty: none).
    """
    valid = [row for row in item_counts if row["valid"]]
    items = sum(row["count"] for row in valid)
    songs = [row for row in valid if row["skip_reason"] is None]
    song_count = sum(row["count"] for row in songs)
    rows: list[tuple[str, str, int, int, float | None]] = []
    for index, name in enumerate(PRESENCE_FIELDS):
        of = valid if name in ITEM_LEVEL_FIELDS else songs
        total = items if name in ITEM_LEVEL_FIELDS else song_count
        count = sum(row[f"present_{index}"] or 0 for row in of)
        rows.append((FIELD_PRESENT, name, count, total, _share(count, total)))
    for measure, column in ((ITEM_SHAPE, "item_shape"), (ITEM_TYPE, "item_type")):
        counted: dict[str, int] = {}
        for row in valid:
            key = row[column] or NO_VALUE
            counted[key] = counted.get(key, 0) + row["count"]
        rows += [(measure, name, count, items, _share(count, items)) for name, count in counted.items()]
    rows += [
        (UNKNOWN_FIELD, name, count, files, _share(count, files)) for name, count in unknown_fields.items()
    ]
    statuses = http.get("status", {})
    playlists = sum(statuses.values())
    rows += [
        (HTTP_STATUS, name, count, playlists, _share(count, playlists)) for name, count in statuses.items()
    ]
    requests = sum(http.get("requests", {}).values())
    rows += [
        (HTTP_RESPONSES, name, count, requests, _share(count, requests))
        for name, count in http.get("responses", {}).items()
    ]
    return sorted(rows, key=lambda row: (row[0], row[1]))


@dataclass(frozen=True)
class Drift:
    """One date's drift warnings: check name (metrics.API_DRIFT_CHECKS) -> what changed."""

    snapshot_date: str
    warnings: dict[str, list[str]]

    @property
    def counts(self) -> dict[str, int]:
        return {check: len(found) for check, found in self.warnings.items()}


def drift(
    snapshot_date: str,
    rows: Iterable[tuple[str, str, int, int, float | None]],
    history: Mapping[str, Iterable[tuple[str, str, int, int, float | None]]],
    max_field_share_drop: float = DEFAULT_MAX_FIELD_SHARE_DROP,
) -> Drift:
    """Compare a date's api_health ``rows`` with ``history`` (earlier date -> its rows; the
    TRAILING_DATES latest are used). With no history there is nothing to compare: no warning.

    - ``field_share_dropped``: a field's share is below its trailing median by more than
      ``max_field_share_drop`` (a field with no items to measure is left out);
    - ``unknown_item_type``: an item type neither in KNOWN_ITEM_TYPES nor seen in the history;
    - ``unknown_field``: a field the schema does not know, not seen in the history.
    """
    earlier = sorted(day for day in history if day < snapshot_date)[-TRAILING_DATES:]
    checks: dict[str, list[str]] = {"field_share_dropped": [], "unknown_item_type": [], "unknown_field": []}
    if not earlier:
        return Drift(snapshot_date, {})
    rows = list(rows)
    past = [row for day in earlier for row in history[day]]
    for measure, name, _, total, share in rows:
        if measure != FIELD_PRESENT or share is None or not total:
            continue
        shares = [row[4] for row in past if row[0] == FIELD_PRESENT and row[1] == name and row[4] is not None]
        if shares:
            median = statistics.median(shares)
            if share < median - max_field_share_drop:
                checks["field_share_dropped"].append(
                    f"{name}: {share:.0%} of items, trailing median {median:.0%}"
                )
    seen_types = {row[1] for row in past if row[0] == ITEM_TYPE} | set(KNOWN_ITEM_TYPES) | {NO_VALUE}
    checks["unknown_item_type"] = sorted(
        f"{name}: {count} item(s)"
        for measure, name, count, _, _ in rows
        if measure == ITEM_TYPE and name not in seen_types
    )
    seen_fields = {row[1] for row in past if row[0] == UNKNOWN_FIELD}
    checks["unknown_field"] = sorted(
        f"{name}: in {count} of {total} file(s)"
        for measure, name, count, total, _ in rows
        if measure == UNKNOWN_FIELD and name not in seen_fields
    )
    return Drift(snapshot_date, {check: found for check, found in checks.items() if found})


# -------------------------------------------------------------------------------------------
# Fields the schema does not know
# -------------------------------------------------------------------------------------------


def _known(schema: StructType) -> dict[str, Any]:
    """The field names of a schema, nested: name -> the same for its struct (or array of struct)."""
    known: dict[str, Any] = {}
    for field in schema.fields:
        data_type = field.dataType
        if isinstance(data_type, ArrayType):
            data_type = data_type.elementType
        known[field.name] = _known(data_type) if isinstance(data_type, StructType) else {}
    return known


KNOWN_ENVELOPE = _known(ENVELOPE_SCHEMA)
"""What the jobs read of a raw line (the items: PLAYLIST_ITEM_JSON_SCHEMA); anything else in it
is unknown to them."""


def unknown_paths(value: Any, known: Mapping[str, Any] = KNOWN_ENVELOPE, path: str = "") -> set[str]:
    """The paths (``items[].item.album.label``) of the fields of a parsed raw line that the
    schema does not know; a list's elements share one path (``[]``). Only objects the schema
    describes are looked into."""
    found: set[str] = set()
    if isinstance(value, list):
        for element in value:
            found |= unknown_paths(element, known, f"{path}[]")
        return found
    if not isinstance(value, dict):
        return found
    for key, inner in value.items():
        where = f"{path}.{key}" if path else key
        if key not in known:
            found.add(where)
        elif known[key]:
            found |= unknown_paths(inner, known[key], where)
    return found
