"""The ``playlist`` table: one row per playlist per snapshot date, with its item and song counts."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from ..schemas import PLAYLIST_SCHEMA
from .conform import conform
from .song import songs_only


def build_playlist(staged_playlists: DataFrame, staged_items: DataFrame) -> DataFrame:
    keys = ["snapshot_date", "playlist_id"]
    song_counts = songs_only(staged_items).groupBy(*keys).agg(F.count(F.lit(1)).alias("song_count"))
    playlists = staged_playlists.join(song_counts, keys, "left").withColumn(
        "song_count", F.coalesce("song_count", F.lit(0))
    )
    return conform(playlists, PLAYLIST_SCHEMA)
