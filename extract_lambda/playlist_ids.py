"""Playlist references as people paste them (ID, ``spotify:playlist:`` URI, open.spotify.com URL).

spotipy's own URI/URL patterns do the parsing; on top, the ID must look like a Spotify ID
(22 base-62 characters), so a typo fails at configuration time, naming the bad value, instead
of as a 404 at 6 a.m.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spotipy import Spotify

_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")


def normalize_playlist_id(value: str) -> str:
    """The bare playlist ID of ``value``; ``ValueError`` naming ``value`` when it is not one."""
    text = value.strip()
    candidate: str | None = None
    uri = re.search(Spotify._regex_spotify_uri, text)
    url = re.search(Spotify._regex_spotify_url, text)
    if uri is not None:
        groups = uri.groupdict()
        candidate = groups["playlistid"] or (groups["id"] if groups["type"] == "playlist" else None)
    elif url is not None:
        groups = url.groupdict()
        candidate = groups["id"] if groups["type"] == "playlist" else None
    else:
        candidate = text
    if candidate is None or not _SPOTIFY_ID.match(candidate):
        raise ValueError(
            f"not a Spotify playlist ID, spotify:playlist: URI or open.spotify.com/playlist/ URL: {value!r}"
        )
    return candidate


def parse_playlist_ids(values: str | Iterable[str]) -> tuple[str, ...]:
    """Normalise a comma-separated string or a list; keeps order, drops blanks and repeats."""
    items = values.split(",") if isinstance(values, str) else list(values)
    ids: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"a playlist reference must be a string, got {item!r}")
        if not item.strip():
            continue
        playlist_id = normalize_playlist_id(item)
        if playlist_id not in ids:
            ids.append(playlist_id)
    if not ids:
        raise ValueError("no playlist IDs given")
    return tuple(ids)
