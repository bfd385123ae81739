"""A hand-written raw day for the baselines' tests: every skip rule, both item shapes, positions.

Shared by test_baselines.py and test_spark_bare.py; each picks its own items.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

DATE = "2026-11-20"
TABLES = ("album", "artist", "song")
EXPECTED_KEY = {"album": "albums", "artist": "artists", "song": "songs"}

TRACK = {
    "type": "track",
    "id": "t1",
    "name": "Song",
    "duration_ms": 1000,
    "explicit": False,
    "is_local": False,
    "external_ids": {"isrc": "X1"},
    "external_urls": {"spotify": "https://open.spotify.com/track/t1"},
    "album": {
        "id": "al1",
        "name": "Album",
        "album_type": "album",
        "release_date": "2019-03",
        "release_date_precision": "month",
        "total_tracks": 3,
        "external_urls": {"spotify": "https://open.spotify.com/album/al1"},
        "artists": [{"id": "ar9", "name": "Album Artist", "external_urls": {"spotify": "u9"}}],
    },
    "artists": [
        {"id": "ar1", "name": "One", "external_urls": {"spotify": "u1"}},
        {"id": "ar2", "name": "Two", "external_urls": {"spotify": "u2"}},
    ],
}
LOCAL = {
    **TRACK,
    "id": None,
    "is_local": True,
    "album": {**TRACK["album"], "id": None, "artists": []},
    "artists": [{"id": None, "name": "Me", "external_urls": {}}],
}
EPISODE = {"type": "episode", "id": "e1", "name": "Episode", "duration_ms": 9, "external_urls": {}}


def item(entity: dict | None, field: str = "item", is_local: bool = False) -> dict:
    """A playlist item object; ``field`` is ``item`` (2026) or ``track`` (the older shape)."""
    return {"added_at": "2026-11-19T08:15:00Z", "added_by": {"id": "u"}, "is_local": is_local, field: entity}


def write_day(raw: Path, items: list[dict | None]) -> Path:
    """``raw/snapshot_date=DATE/``: one file with playlist p1 holding ``items`` and playlist p2
    without items, beside a manifest (not raw data). Returns ``raw``."""
    folder = raw / f"snapshot_date={DATE}"
    folder.mkdir(parents=True)
    envelope = {
        "schema_version": 1,
        "run_id": "20261120T060002Z-00000000",
        "snapshot_date": DATE,
        "extracted_at": "2026-11-20T06:00:04.512Z",
        "playlist": {"id": "p1", "snapshot_id": "s1", "name": "P", "total_items": len(items)},
        "items": items,
    }
    empty = {**envelope, "playlist": {"id": "p2", "snapshot_id": "s2"}, "items": []}
    lines = "".join(json.dumps(e) + "\n" for e in (envelope, empty))
    (folder / "20261120T060002Z-00000000.jsonl.gz").write_bytes(gzip.compress(lines.encode(), mtime=0))
    (folder / "20261120T060002Z-00000000.manifest.json").write_text("{}")
    return raw
