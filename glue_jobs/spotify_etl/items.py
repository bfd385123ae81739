"""Kept envelopes -> one typed row per playlist item (STAGED_ITEM_SCHEMA).

Reads both item shapes: ``item`` (the Web API since February 2026) and ``track`` (extended-quota
apps). Items that are not songs keep their row with a ``skip_reason``; items that do not match
the item object's types are marked ``invalid_reason`` for the quarantine.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from .envelopes import CORRUPT, with_corrupt_column
from .schemas import PARTITION_COLUMN, PLAYLIST_ITEM_JSON_SCHEMA, STAGED_ITEM_SCHEMA

OPEN_SPOTIFY = "https://open.spotify.com"

ADDED_AT_PLACEHOLDER_SECONDS = 0
"""The ``added_at`` Spotify sends for items of its own generated playlists and of very old ones
(``1970-01-01T00:00:00Z``, usually with ``added_by: null``): the Unix epoch, not a time anyone
added a song (Spotify launched in 2008). Read as unknown (null), and counted in the report."""

STAGED_ITEM_FIELDS = tuple(
    field.name
    for field in STAGED_ITEM_SCHEMA.fields
    if field.name not in ("playlist_id", "position", "run_id", "snapshot_date")
)
"""The staged columns taken from the item object (``item_fields``); the rest come from its line."""

ITEM_FLAG_COLUMNS = ("added_at_placeholder", "fields_present", "item_shape", "item_type")
"""Item columns that are not staged but counted in the reports and the api_health table: the
item's ``added_at`` was the 1970 placeholder (``ADDED_AT_PLACEHOLDER_SECONDS``), which of
``PRESENCE_FIELDS`` the API sent (a bit each), the shape it came in and its type."""

ITEM_LEVEL_FIELDS = ("added_at", "added_by")
"""Fields of the playlist item object itself: their share is of every item."""

PRESENCE_FIELDS: tuple[str, ...] = (
    *ITEM_LEVEL_FIELDS,
    "name",
    "duration_ms",
    "explicit",
    "popularity",
    "isrc",
    "external_urls",
    "artists",
    "artist.name",
    "album.id",
    "album.name",
    "album.album_type",
    "album.release_date",
    "album.release_date_precision",
    "album.total_tracks",
    "album.artists",
)
"""The API fields the jobs read, as the drift sentinel names them: the share of items (or, past
ITEM_LEVEL_FIELDS, of songs) in which each is present and not null (a name: not blank; a list:
not empty). Popularity left development-mode apps in February 2026: a share that falls is how
such a change shows."""

KNOWN_ITEM_TYPES = ("track", "episode")
"""The item types the jobs know (anything else is skipped as ``unsupported_type``)."""

ITEM_VALUE_COLUMNS = frozenset(("parsed", *STAGED_ITEM_FIELDS, *ITEM_FLAG_COLUMNS))
"""What an item row carries of the item itself: the parsed struct, or its flattened columns."""


def items_of(exploded: DataFrame, lines: DataFrame) -> DataFrame:
    """The item rows of the given lines only, from an item-grained frame whose items were parsed
    (``parse_items`` or ``typed_items``); ``invalid_reason`` says why an item does not fit.

    The lines are few (one per playlist) and the items many, so the lines are broadcast.
    """
    keys = lines.select("source_file", "line_id")
    return (
        exploded.filter(F.col("position").isNotNull())
        .join(F.broadcast(keys), ["source_file", "line_id"], "left_semi")
        .select(
            "playlist_id",
            PARTITION_COLUMN,
            "run_id",
            "source_file",
            "line_number",
            "position",
            "item_text",
            F.col("item_invalid_reason").alias("invalid_reason"),
            *[c for c in exploded.columns if c in ITEM_VALUE_COLUMNS],
        )
    )


_NULL_ITEM = "item is null, not a playlist item object"


def parse_items(exploded: DataFrame) -> DataFrame:
    """Parse ``item_text`` with the item object's schema into ``parsed``; add
    ``item_invalid_reason`` (null if it fits, and on rows that are not items). The text is kept
    only where the quarantine needs it (items that do not fit)."""
    parsed = exploded.withColumn(
        "parsed",
        F.from_json(
            "item_text",
            with_corrupt_column(PLAYLIST_ITEM_JSON_SCHEMA),
            {"columnNameOfCorruptRecord": CORRUPT},
        ),
    )
    reason = (
        F.when(F.col("position").isNull(), F.lit(None).cast("string"))
        .when(F.col("item_text").isNull(), F.lit(_NULL_ITEM))
        .when(
            F.col("parsed").isNull() | F.col("parsed")[CORRUPT].isNotNull(),
            F.lit("item has a field of the wrong type"),
        )
        .otherwise(F.lit(None).cast("string"))
    )
    checked = parsed.withColumns(
        {"parsed": F.col("parsed").dropFields(CORRUPT), "item_invalid_reason": reason}
    )
    return checked.withColumn(
        "item_text", F.when(F.col("item_invalid_reason").isNotNull(), F.col("item_text"))
    )


def typed_items(exploded: DataFrame) -> DataFrame:
    """The same columns as ``parse_items`` for items Spark's JSON source already typed (``parsed``):
    only a null item can be wrong here, since a field of the wrong type made its line invalid."""
    reason = F.when(F.col("position").isNotNull() & F.col("parsed").isNull(), F.lit(_NULL_ITEM))
    return exploded.withColumns(
        {"item_text": F.lit(None).cast("string"), "item_invalid_reason": reason.cast("string")}
    )


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


def added_at(text: Column) -> tuple[Column, Column]:
    """(the item's ``added_at`` as a UTC timestamp, whether it was the 1970 placeholder): the
    placeholder and text that is not a timestamp read as null (``try_to_timestamp``: the same
    with Spark's ANSI mode on, where ``to_timestamp`` would fail the job)."""
    parsed = F.try_to_timestamp(text)
    epoch = F.timestamp_seconds(F.lit(ADDED_AT_PLACEHOLDER_SECONDS))
    placeholder = F.coalesce(parsed == epoch, F.lit(False))
    return F.when(~placeholder, parsed), placeholder


def _present(value: Column, kind: str = "value") -> Column:
    if kind == "text":
        return value.isNotNull() & (F.trim(value) != "")
    if kind == "list":
        return value.isNotNull() & (F.size(value) > 0)
    return value.isNotNull()


def presence_bits(parsed: Column) -> Column:
    """The ``PRESENCE_FIELDS`` the item object holds, one bit each (bit i: field i), as an int."""
    entity = F.coalesce(parsed["item"], parsed["track"])
    album = entity["album"]
    artists = entity["artists"]
    present = {
        "added_at": _present(parsed["added_at"], "text"),
        "added_by": _present(parsed["added_by"]["id"], "text"),
        "name": _present(entity["name"], "text"),
        "duration_ms": _present(entity["duration_ms"]),
        "explicit": _present(entity["explicit"]),
        "popularity": _present(entity["popularity"]),
        "isrc": _present(entity["external_ids"]["isrc"], "text"),
        "external_urls": _present(entity["external_urls"]["spotify"], "text"),
        "artists": _present(artists, "list"),
        "artist.name": _present(F.get(artists, 0)["name"], "text"),
        "album.id": _present(album["id"], "text"),
        "album.name": _present(album["name"], "text"),
        "album.album_type": _present(album["album_type"], "text"),
        "album.release_date": _present(album["release_date"], "text"),
        "album.release_date_precision": _present(album["release_date_precision"], "text"),
        "album.total_tracks": _present(album["total_tracks"]),
        "album.artists": _present(album["artists"], "list"),
    }
    bits = F.lit(0)
    for index, name in enumerate(PRESENCE_FIELDS):
        bits = bits + F.when(F.coalesce(present[name], F.lit(False)), F.lit(1 << index)).otherwise(F.lit(0))
    return bits


def item_fields(parsed: Column) -> list[Column]:
    """The staged columns that come from one parsed item object, whichever shape the API served,
    and the ``ITEM_FLAG_COLUMNS``."""
    entity = F.coalesce(parsed["item"], parsed["track"])
    album = entity["album"]
    added, placeholder = added_at(parsed["added_at"])
    return [
        skip_reason(entity, parsed["is_local"]).alias("skip_reason"),
        added.alias("added_at"),
        parsed["added_by"]["id"].alias("added_by_id"),
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
        placeholder.alias("added_at_placeholder"),
        presence_bits(parsed).alias("fields_present"),
        F.when(parsed["item"].isNotNull(), F.lit("item"))
        .when(parsed["track"].isNotNull(), F.lit("track"))
        .alias("item_shape"),
        entity["type"].alias("item_type"),
    ]


def flatten_items(rows: DataFrame) -> DataFrame:
    """Replace the ``parsed`` item struct by its staged columns: narrower rows to keep around."""
    return rows.select(*[c for c in rows.columns if c != "parsed"], *item_fields(F.col("parsed")))


def normalize_items(items: DataFrame) -> DataFrame:
    """Valid items (``parsed`` or already flattened, with their ``snapshot_date``) ->
    STAGED_ITEM_SCHEMA."""
    if "parsed" in items.columns:
        items = flatten_items(items)
    return items.select([F.col(field.name).cast(field.dataType) for field in STAGED_ITEM_SCHEMA.fields])
