"""Raw envelope v1 (docs/raw_contract.md): one JSON line per playlist snapshot."""

from __future__ import annotations

import json
from typing import Any

from .extractor import PlaylistSnapshot

SCHEMA_VERSION = 1
"""Must equal ``spotify_etl.schemas.RAW_SCHEMA_VERSION``; the jobs quarantine any other version."""


def build_envelope(run_id: str, snapshot_date: str, snapshot: PlaylistSnapshot) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "snapshot_date": snapshot_date,
        "extracted_at": snapshot.extracted_at,
        "playlist": snapshot.playlist,
        "items": snapshot.items,  # exactly as the API returned them, all pages, in order
    }


def encode_line(envelope: dict[str, Any]) -> bytes:
    """UTF-8 JSON on one line, ``\\n``-terminated (JSON escapes any newline inside strings)."""
    return (json.dumps(envelope, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
