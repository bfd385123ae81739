"""Playlist references as people paste them (ID, ``spotify:playlist:`` URI, open.spotify.com URL),
plus ``mine``: every playlist the authorizing user owns or collaborates on (``discovery``).

spotipy's own URI/URL patterns do the parsing; on top, the ID must look like a Spotify ID
(22 base-62 characters), so a typo fails at configuration time, naming the bad value, instead
of as a 404 at 6 a.m.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spotipy import Spotify

MINE = "mine"
"""The reference that stands for the user's own and collaborative playlists (``GET /me/playlists``)."""

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
            f"not {MINE!r}, a Spotify playlist ID, spotify:playlist: URI or open.spotify.com/playlist/ "
            f"URL: {value!r}"
        )
    return candidate


def parse_playlist_ids(values: str | Iterable[str], default: str | None = None) -> tuple[str, ...]:
    """Normalise a comma-separated string or a list to playlist IDs and ``MINE``; keeps order,
    drops blanks and repeats. With nothing given: ``(default,)`` when a default is given (the
    Lambda's ``PLAYLIST_IDS`` defaults to ``mine``), else ``ValueError``."""
    items = values.split(",") if isinstance(values, str) else list(values)
    refs: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"a playlist reference must be a string, got {item!r}")
        if not item.strip():
            continue
        ref = MINE if item.strip() == MINE else normalize_playlist_id(item)
        if ref not in refs:
            refs.append(ref)
    if not refs:
        if default is not None:
            return (default,)
        raise ValueError(f"no playlist IDs given (use {MINE!r} for your own and collaborative playlists)")
    return tuple(refs)
