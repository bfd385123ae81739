"""Small hand-written Web API objects for the tests: tracks, episodes, playlist items, envelopes.

Shaped like the Web API's own responses (a subset of fields), so the transforms are tested on
what Spotify sends, in both item shapes.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

OPEN = "https://open.spotify.com"
API = "https://api.spotify.com/v1"


def artist(artist_id: str, name: str) -> dict[str, Any]:
    return {
        "id": artist_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
        "href": f"{API}/artists/{artist_id}",
        "external_urls": {"spotify": f"{OPEN}/artist/{artist_id}"},
    }


def album(
    album_id: str,
    name: str,
    artists: list[dict],
    release_date: str = "2020-05-01",
    precision: str = "day",
    album_type: str = "album",
    total_tracks: int = 10,
) -> dict[str, Any]:
    return {
        "id": album_id,
        "name": name,
        "album_type": album_type,
        "release_date": release_date,
        "release_date_precision": precision,
        "total_tracks": total_tracks,
        "uri": f"spotify:album:{album_id}",
        "href": f"{API}/albums/{album_id}",
        "external_urls": {"spotify": f"{OPEN}/album/{album_id}"},
        "artists": artists,
    }


def track(
    track_id: str,
    name: str,
    artists: list[dict],
    album_obj: dict,
    duration_ms: int = 200_000,
    explicit: bool = False,
    popularity: int | None = None,
    isrc: str | None = None,
) -> dict[str, Any]:
    obj = {
        "id": track_id,
        "name": name,
        "type": "track",
        "uri": f"spotify:track:{track_id}",
        "href": f"{API}/tracks/{track_id}",
        "duration_ms": duration_ms,
        "explicit": explicit,
        "is_local": False,
        "track_number": 1,
        "disc_number": 1,
        "external_ids": {"isrc": isrc or f"US{track_id[:10].upper()}"},
        "external_urls": {"spotify": f"{OPEN}/track/{track_id}"},
        "album": album_obj,
        "artists": artists,
    }
    if popularity is not None:  # development-mode apps no longer get it
        obj["popularity"] = popularity
    return obj


def episode(episode_id: str, name: str) -> dict[str, Any]:
    return {
        "id": episode_id,
        "name": name,
        "type": "episode",
        "uri": f"spotify:episode:{episode_id}",
        "duration_ms": 1_800_000,
        "explicit": False,
        "external_urls": {"spotify": f"{OPEN}/episode/{episode_id}"},
        "show": {"id": "show0000000000000000001", "name": "A Show"},
    }


def local_track(name: str) -> dict[str, Any]:
    return {
        "id": None,
        "name": name,
        "type": "track",
        "uri": f"spotify:local:Someone:{name}:{name}:180",
        "duration_ms": 180_000,
        "explicit": False,
        "is_local": True,
        "external_ids": {},
        "external_urls": {},
        "album": {"id": None, "name": "", "artists": []},
        "artists": [{"id": None, "name": "Someone", "type": "artist", "external_urls": {}}],
    }


def item(entity: dict | None, added_at: str = "2026-11-01T10:00:00Z", shape: str = "item") -> dict[str, Any]:
    """A playlist item object; ``shape`` is ``item`` (since Feb 2026) or ``track`` (older apps)."""
    is_local = bool(entity and entity.get("is_local"))
    return {"added_at": added_at, "added_by": {"id": "user1"}, "is_local": is_local, shape: entity}


def envelope(
    playlist_id: str,
    items: list[Any],
    snapshot_date: str = "2026-11-20",
    run_id: str = "20261120T060000Z-aaaaaaaa",
    extracted_at: str = "2026-11-20T06:00:01Z",
    name: str = "A Playlist",
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "run_id": run_id,
        "snapshot_date": snapshot_date,
        "extracted_at": extracted_at,
        "playlist": {
            "id": playlist_id,
            "name": name,
            "owner_id": "user1",
            "owner_name": "User One",
            "snapshot_id": f"snap-{playlist_id}-{snapshot_date}",
            "description": "",
            "public": True,
            "collaborative": False,
            "total_items": len(items),
            "url": f"{OPEN}/playlist/{playlist_id}",
        },
        "items": items,
    }


def write_raw(raw_root: Path, snapshot_date: str, name: str, lines: list[Any]) -> Path:
    """Write one raw file: dicts become JSON lines, strings are written as they are."""
    folder = raw_root / f"snapshot_date={snapshot_date}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_bytes(gzip.compress(text.encode()))
    return path


def write_cut_raw(
    raw_root: Path, snapshot_date: str, name: str, complete: list[Any], cut_short: Any
) -> bytes:
    """Write a raw file whose gzip stream ends inside its last line, as an interrupted upload
    leaves it: ``complete`` lines, then about half of ``cut_short``'s. Returns what zlib can
    still decompress from it (the complete lines and the start of the cut one)."""
    lines = [line if isinstance(line, str) else json.dumps(line) for line in (*complete, cut_short)]
    text = "".join(line + "\n" for line in lines).encode()
    data = gzip.compress(text)
    whole = len(text) - len(lines[-1]) - 1  # the bytes of the complete lines
    for end in range(len(data) - 8, 0, -1):  # the longest prefix that ends inside the last line
        readable = zlib.decompressobj(wbits=31).decompress(data[:end])
        if len(readable) < whole + len(lines[-1]) // 2:
            break
    assert readable.count(b"\n") == len(complete), "the cut must fall inside the last line"
    folder = raw_root / f"snapshot_date={snapshot_date}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data[:end])
    return readable
