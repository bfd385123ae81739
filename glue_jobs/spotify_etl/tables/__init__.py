"""Staged items -> the curated tables. Each builder is a pure ``DataFrame -> DataFrame``."""

from __future__ import annotations

from pyspark.sql import DataFrame

from .album import build_album
from .artist import build_artist
from .playlist import build_playlist
from .song import build_song, songs_only

__all__ = ["build_album", "build_artist", "build_playlist", "build_song", "build_tables", "songs_only"]


def build_tables(staged_items: DataFrame, staged_playlists: DataFrame) -> dict[str, DataFrame]:
    """All curated tables of one snapshot date, by name (the keys of ``schemas.TABLES``)."""
    return {
        "album": staged_items.transform(build_album),
        "artist": staged_items.transform(build_artist),
        "song": staged_items.transform(build_song),
        "playlist": staged_playlists.transform(build_playlist, staged_items),
    }
