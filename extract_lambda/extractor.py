"""Read one playlist completely: its metadata, then every page of its items, exactly as served.

Pagination: ``next`` says whether there is another page; the next page is requested through
``playlist_items`` at ``offset + len(items)`` rather than by fetching the ``next`` URL, because
that URL is absolute (it would bypass ``SPOTIFY_API_BASE_URL``) and Spotify has not always
carried the ``fields`` filter over into it.

Consistency: pages are read by offset, so a playlist edited between two pages (a song added
or removed above the current offset) comes back with items duplicated or skipped and positions
shifted. The items pages carry no ``snapshot_id`` (Web API reference, Get Playlist Items), so the
playlist's ``snapshot_id`` is read before paging (with the metadata) and again after the last
page (``fields=snapshot_id``): if it changed, the pages may mix two versions and the playlist is
read once more; if it changed again, the playlist fails with that reason and nothing of it lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .log import logger
from .refusals import owner_text
from .run_id import iso_utc, utc_now
from .spotify_client import SpotifyApi, SpotifyRequestError

READS_PER_PLAYLIST = 2
"""A playlist whose snapshot_id changed while it was paged is read once more, then given up."""


class PlaylistChanged(SpotifyRequestError):
    """The playlist was edited during every read: its pages would mix versions."""


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
    """All of one playlist, from one version of it; raises ``SpotifyRequestError`` (refusals
    explained, ``PlaylistChanged`` when it kept changing) or ``BudgetExhausted`` when it cannot."""
    changes: list[str] = []
    for _ in range(READS_PER_PLAYLIST):
        playlist = flatten_playlist(api.playlist(playlist_id), playlist_id)
        before = playlist.get("snapshot_id")
        if not before:
            raise SpotifyRequestError(f"playlist {playlist_id}: Spotify returned no snapshot_id")
        items = _read_items(api, playlist_id, owner_text(playlist["owner_id"], playlist["owner_name"]))
        after = api.playlist_snapshot_id(playlist_id)
        if after == before:
            warning = _count_warning(playlist, items, playlist_id)
            if changes:
                reread = f"re-read: it changed while being read ({changes[0]})"
                warning = f"{reread}; {warning}" if warning else reread
            return PlaylistSnapshot(
                playlist=playlist, items=items, extracted_at=iso_utc(now()), warning=warning
            )
        changes.append(f"snapshot_id {before} -> {after}")
        logger.warning(
            "playlist changed while it was read", extra={"playlist_id": playlist_id, "change": changes[-1]}
        )
    raise PlaylistChanged(
        f"playlist {playlist_id} changed while it was being read, {len(changes)} times "
        f"({'; '.join(changes)}): its pages would mix versions (items duplicated, skipped or at the "
        "wrong positions), so nothing of it was landed; the next run reads it again"
    )


def _read_items(api: SpotifyApi, playlist_id: str, owner: str | None) -> list[Any]:
    items: list[Any] = []
    offset = 0
    while True:
        page = api.playlist_items_page(playlist_id, offset, owner)
        page_items = page.get("items") or []
        items.extend(page_items)
        if not page.get("next"):
            return items
        if not page_items:
            raise SpotifyRequestError(
                f"playlist {playlist_id}: Spotify sent an empty page with a next link at offset {offset}"
            )
        offset += len(page_items)


def _count_warning(playlist: dict[str, Any], items: list[Any], playlist_id: str) -> str | None:
    if playlist["total_items"] is None or playlist["total_items"] == len(items):
        return None
    logger.warning("item count differs from the playlist's total", extra={"playlist_id": playlist_id})
    return f"playlist metadata says {playlist['total_items']} items but {len(items)} were read"
