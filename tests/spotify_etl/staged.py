"""Build staged rows (STAGED_ITEM_SCHEMA / STAGED_PLAYLIST_SCHEMA) by hand for the table tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from spotify_etl.schemas import STAGED_ITEM_SCHEMA, STAGED_PLAYLIST_SCHEMA

DATE = "2026-11-20"
RUN = "20261120T060000Z-aaaaaaaa"
ADDED = dt.datetime(2026, 11, 1, 10, 0)


def ref(artist_id: str | None, name: str | None = None) -> tuple:
    url = f"https://open.spotify.com/artist/{artist_id}" if artist_id else None
    return (artist_id, name or (artist_id or "").upper(), url)


def staged_item(
    playlist_id: str,
    position: int,
    song_id: str | None = None,
    artists: list[tuple] | None = None,
    album_id: str | None = "alb1",
    album_artists: list[tuple] | None = None,
    skip_reason: str | None = None,
    release: tuple[str | None, str | None] = ("2020-05-17", "day"),
    **overrides: Any,
) -> dict[str, Any]:
    row = {
        "playlist_id": playlist_id,
        "position": position,
        "skip_reason": skip_reason,
        "added_at": ADDED,
        "added_by_id": "user1",
        "song_id": song_id,
        "song_name": f"name-{song_id}",
        "duration_ms": 200_000,
        "explicit": False,
        "popularity": None,
        "isrc": f"ISRC-{song_id}",
        "song_url": f"https://open.spotify.com/track/{song_id}",
        "album_id": album_id,
        "album_name": f"album-{album_id}",
        "album_type": "album",
        "album_release_date": release[0],
        "album_release_date_precision": release[1],
        "album_total_tracks": 10,
        "album_url": f"https://open.spotify.com/album/{album_id}",
        "album_artists": album_artists if album_artists is not None else [ref("art1")],
        "artists": artists if artists is not None else [ref("art1")],
        "run_id": RUN,
        "snapshot_date": DATE,
    }
    row.update(overrides)
    return row


def items_frame(spark, *rows: dict[str, Any]):
    return spark.createDataFrame(
        [tuple(r[f.name] for f in STAGED_ITEM_SCHEMA.fields) for r in rows], STAGED_ITEM_SCHEMA
    )


def playlists_frame(spark, *playlists: tuple[str, int]):
    """``(playlist_id, item_count)`` pairs -> staged playlist rows."""
    rows = [
        (pid, f"name-{pid}", "user1", f"snap-{pid}", count, RUN, dt.datetime(2026, 11, 20, 6), "f", DATE)
        for pid, count in playlists
    ]
    return spark.createDataFrame(rows, STAGED_PLAYLIST_SCHEMA)
