"""The ``artist`` table: every artist of every song (all credited artists, not only the first)
and of every song's album, one row per artist per snapshot date."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..schemas import ARTIST_SCHEMA
from .conform import conform, first_per_key
from .song import songs_only


def build_artist(staged_items: DataFrame) -> DataFrame:
    songs = songs_only(staged_items)
    credits = songs.select(
        "playlist_id",
        "position",
        "snapshot_date",
        F.lit(0).alias("source"),
        F.posexplode("artists").alias("slot", "a"),
    ).unionByName(
        songs.select(
            "playlist_id",
            "position",
            "snapshot_date",
            F.lit(1).alias("source"),
            F.posexplode("album_artists").alias("slot", "a"),
        )
    )
    artists = credits.select(
        "snapshot_date",
        "playlist_id",
        "position",
        "source",
        "slot",
        "a.artist_id",
        "a.artist_name",
        "a.artist_url",
    ).filter(F.col("artist_id").isNotNull())
    order = [F.col(c) for c in ("playlist_id", "position", "source", "slot")]  # the first credit seen
    chosen = first_per_key(artists, "artist_id", ["artist_name", "artist_url"], order)
    return conform(chosen, ARTIST_SCHEMA)
