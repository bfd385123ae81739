"""Kept envelopes -> one typed row per playlist item (STAGED_ITEM_SCHEMA).

Reads both item shapes: ``item`` (the Web API since February 2026) and ``track`` (extended-quota
apps). Items that are not songs keep their row with a ``skip_reason``; items that do not match
the item object's types are marked ``invalid_reason`` for the quarantine.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from .envelopes import CORRUPT, with_corrupt_column
from .schemas import PLAYLIST_ITEM_JSON_SCHEMA, STAGED_ITEM_SCHEMA

OPEN_SPOTIFY = "https://open.spotify.com"


def items_of(exploded: DataFrame, lines: DataFrame) -> DataFrame:
    """The item rows (from ``envelopes.explode_envelopes``) of the given lines only."""
    keys = lines.select("source_file", "line_number")
    return (
        exploded.filter(F.col("position").isNotNull())
        .join(keys, ["source_file", "line_number"], "left_semi")
        .select(
            F.col("playlist.id").alias("playlist_id"),
            "run_id",
            "source_file",
            "line_number",
            "position",
            "item_text",
        )
    )


def parse_items(items: DataFrame) -> DataFrame:
    """Parse ``item_text`` with the item object's schema; add ``invalid_reason`` (null if it fits)."""
    parsed = items.withColumn(
        "parsed",
        F.from_json(
            "item_text",
            with_corrupt_column(PLAYLIST_ITEM_JSON_SCHEMA),
            {"columnNameOfCorruptRecord": CORRUPT},
        ),
    )
    reason = (
        F.when(F.col("item_text").isNull(), F.lit("item is null, not a playlist item object"))
        .when(
            F.col("parsed").isNull() | F.col("parsed")[CORRUPT].isNotNull(),
            F.lit("item has a field of the wrong type"),
        )
        .otherwise(F.lit(None).cast("string"))
    )
    return parsed.withColumn("invalid_reason", reason)


def skip_reason(entity: Column, item_is_local: Column) -> Column:
    """Why an item is not a song, or null when it is one (see schemas.SKIP_REASONS)."""
    return (
        F.when(entity.isNull(), F.lit("null_item"))
        .when(entity["type"] == "episode", F.lit("episode"))
        .when(
            F.coalesce(item_is_local, F.lit(False))
            | F.coalesce(entity["is_local"], F.lit(False))
            | entity["id"].isNull(),
            F.lit("local_file"),
        )
        .when(entity["type"].isNotNull() & (entity["type"] != "track"), F.lit("unsupported_type"))
    )


def spotify_url(urls: Column, kind: str, spotify_id: Column) -> Column:
    """The open.spotify.com link: the API's own ``external_urls.spotify``, else built from the id."""
    return F.coalesce(urls["spotify"], F.concat(F.lit(f"{OPEN_SPOTIFY}/{kind}/"), spotify_id))


def artist_refs(artists: Column) -> Column:
    """The API's artist objects as (artist_id, artist_name, artist_url) structs, order kept."""
    return F.transform(
        F.coalesce(artists, F.array()),
        lambda artist: F.struct(
            artist["id"].alias("artist_id"),
            artist["name"].alias("artist_name"),
            spotify_url(artist["external_urls"], "artist", artist["id"]).alias("artist_url"),
        ),
    )


def normalize_items(items: DataFrame, snapshot_date: str) -> DataFrame:
    """Valid parsed items -> STAGED_ITEM_SCHEMA, whichever shape the API served."""
    entity = F.coalesce(F.col("parsed.item"), F.col("parsed.track"))
    album = entity["album"]
    staged = items.select(
        "playlist_id",
        "position",
        skip_reason(entity, F.col("parsed.is_local")).alias("skip_reason"),
        F.to_timestamp(F.col("parsed.added_at")).alias("added_at"),
        F.col("parsed.added_by.id").alias("added_by_id"),
        entity["id"].alias("song_id"),
        entity["name"].alias("song_name"),
        entity["duration_ms"].alias("duration_ms"),
        entity["explicit"].alias("explicit"),
        entity["popularity"].alias("popularity"),
        entity["external_ids"]["isrc"].alias("isrc"),
        spotify_url(entity["external_urls"], "track", entity["id"]).alias("song_url"),
        album["id"].alias("album_id"),
        album["name"].alias("album_name"),
        album["album_type"].alias("album_type"),
        album["release_date"].alias("album_release_date"),
        album["release_date_precision"].alias("album_release_date_precision"),
        album["total_tracks"].alias("album_total_tracks"),
        spotify_url(album["external_urls"], "album", album["id"]).alias("album_url"),
        artist_refs(album["artists"]).alias("album_artists"),
        artist_refs(entity["artists"]).alias("artists"),
        "run_id",
        F.lit(snapshot_date).alias("snapshot_date"),
    )
    return staged.select([F.col(field.name).cast(field.dataType) for field in STAGED_ITEM_SCHEMA.fields])
