"""Read one playlist completely: its metadata, then every page of its items, exactly as served.

Pagination: ``next`` says whether there is another page; the next page is requested through
``playlist_items`` at ``offset + len(items)`` rather than by fetching the ``next`` URL, because
that URL is absolute (it would bypass ``SPOTIFY_API_BASE_URL``) and Spotify has not always
carried the ``fields`` filter over into it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .log import logger
from .run_id import iso_utc, utc_now
from .spotify_client import SpotifyApi, SpotifyRequestError


@dataclass(frozen=True)
class PlaylistSnapshot:
    """One playlist as read now: flattened metadata and all its items in playlist order."""

    playlist: dict[str, Any]
    items: list[Any]
    extracted_at: str
    warning: str | None = None


def flatten_playlist(metadata: dict[str, Any], playlist_id: str) -> dict[str, Any]:
    """The envelope's ``playlist`` object from ``GET /playlists/{id}`` (count in ``items``/``tracks``)."""
    owner = metadata.get("owner") or {}
    summary = metadata.get("items")
    if not isinstance(summary, dict):
        summary = metadata.get("tracks")
    total = summary.get("total") if isinstance(summary, dict) else None
    playlist_key = metadata.get("id") or playlist_id
    return {
        "id": playlist_key,
        "name": metadata.get("name"),
        "owner_id": owner.get("id"),
        "owner_name": owner.get("display_name"),
        "snapshot_id": metadata.get("snapshot_id"),
        "description": metadata.get("description"),
        "public": metadata.get("public"),
        "collaborative": metadata.get("collaborative"),
        "total_items": total,
        "url": (metadata.get("external_urls") or {}).get("spotify")
        or f"https://open.spotify.com/playlist/{playlist_key}",
    }


def extract_playlist(
    api: SpotifyApi, playlist_id: str, now: Callable[[], datetime] = utc_now
) -> PlaylistSnapshot:
    """All of one playlist; raises ``SpotifyRequestError`` / ``BudgetExhausted`` when it cannot."""
    playlist = flatten_playlist(api.playlist(playlist_id), playlist_id)
    if not playlist.get("snapshot_id"):
        raise SpotifyRequestError(f"playlist {playlist_id}: Spotify returned no snapshot_id")
    items: list[Any] = []
    offset = 0
    while True:
        page = api.playlist_items_page(playlist_id, offset)
        page_items = page.get("items") or []
        items.extend(page_items)
        if not page.get("next"):
            break
        if not page_items:
            raise SpotifyRequestError(
                f"playlist {playlist_id}: Spotify sent an empty page with a next link at offset {offset}"
            )
        offset += len(page_items)
    warning = None
    if playlist["total_items"] is not None and playlist["total_items"] != len(items):
        warning = (
            f"playlist metadata says {playlist['total_items']} items but {len(items)} were read "
            "(was it edited during the extraction?)"
        )
        logger.warning("item count differs from the playlist's total", extra={"playlist_id": playlist_id})
    return PlaylistSnapshot(playlist=playlist, items=items, extracted_at=iso_utc(now()), warning=warning)
