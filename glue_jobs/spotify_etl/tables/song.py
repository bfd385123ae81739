"""The ``song`` table: one row per playlist item that is a Spotify track."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from ..schemas import SONG_SCHEMA
from .conform import conform


def songs_only(staged_items: DataFrame) -> DataFrame:
    """Items that are songs: no skip reason (episodes, null items and local files are counted
    by the job, not built into tables)."""
    return staged_items.filter(F.col("skip_reason").isNull())


def credited_ids(artists: Column) -> Column:
    """The ids of a list of artist refs, in credit order, each once: a credit is a set in order
    (Spotify sometimes lists one artist twice on a track, which must not count twice)."""
    return F.array_distinct(F.filter(F.transform(artists, lambda artist: artist["artist_id"]), F.isnotnull))


def build_song(staged_items: DataFrame) -> DataFrame:
    artist_ids = credited_ids(F.col("artists"))
    songs = songs_only(staged_items).select(
        "*",
        artist_ids.alias("artist_ids"),
        # the first credited artist; get() gives null past the end, also in ANSI mode
        F.get(artist_ids, 0).alias("artist_id"),
    )
    return conform(songs, SONG_SCHEMA)
