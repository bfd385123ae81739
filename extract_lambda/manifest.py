"""The run's manifest: what was asked, what landed, what failed and why, and how Spotify answered
each playlist (``http``, ``http_outcomes``). normalize_items reads only the playlists' ``http``
(for the api_health table: schemas.MANIFEST_SCHEMA); the rest is for people."""

from __future__ import annotations

import json
from typing import Any

from .landing import date_key

CONTENT_TYPE = "application/json"


def manifest_key(snapshot_date: str, run_id: str) -> str:
    return date_key(snapshot_date, f"{run_id}.manifest.json")


def build_manifest(summary: dict[str, Any], versions: dict[str, Any]) -> dict[str, Any]:
    """The summary's durable part; the manifest's own location is in the summary, not in itself."""
    return {
        "run_id": summary["run_id"],
        "snapshot_date": summary["snapshot_date"],
        "started_at": summary["started_at"],
        "finished_at": summary["finished_at"],
        "status": summary["status"],
        "error": summary["error"],
        "raw_path": summary["raw_path"],
        "discovery": summary["discovery"],
        "auth": summary["auth"],
        "playlists": summary["playlists"],
        "objects": summary["objects"],
        "workflow": summary["workflow"],
        "versions": versions,
    }


def encode_manifest(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
