"""The ``song`` table: one row per playlist item that is a Spotify track."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..schemas import SONG_SCHEMA
from .conform import conform


def songs_only(staged_items: DataFrame) -> DataFrame:
    """Items that are songs: no skip reason (episodes, null items and local files are counted
    by the job, not built into tables)."""
    return staged_items.filter(F.col("skip_reason").isNull())


def build_song(staged_items: DataFrame) -> DataFrame:
    artist_ids = F.filter(F.transform("artists", lambda artist: artist["artist_id"]), lambda i: i.isNotNull())
    songs = songs_only(staged_items).select(
        "*",
        artist_ids.alias("artist_ids"),
        artist_ids[0].alias("artist_id"),  # the first credited artist
    )
    return conform(songs, SONG_SCHEMA)
