"""Every schema of the pipeline, declared once.

The jobs read raw with these schemas (never inferred), the transforms produce them, the tests
compare against them and the Terraform consistency tests check the Glue Data Catalog tables
against them. Change a table here and the catalog test tells you what else must change.
"""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

RAW_SCHEMA_VERSION = 1
"""The raw envelope version these jobs read (docs/raw_contract.md)."""

PARTITION_COLUMN = "snapshot_date"
"""Every table and zone is partitioned by ``snapshot_date=YYYY-MM-DD`` (a string, as in the path)."""

SKIP_REASONS = ("null_item", "local_file", "episode")
"""Why a playlist item is not a song; counted in the job summary, never silently dropped."""


def _nullable(name: str, data_type: DataType) -> StructField:
    return StructField(name, data_type, nullable=True)


def _struct(**fields: DataType) -> StructType:
    return StructType([_nullable(name, data_type) for name, data_type in fields.items()])


# ---------------------------------------------------------------------------------------------
# Raw zone: the Web API's own objects, as the extract Lambda lands them (raw envelope v1).
# Only the fields the jobs use plus identity fields; unknown fields are ignored when parsing.
# ---------------------------------------------------------------------------------------------

RAW_LINE_SCHEMA = StructType(
    [
        StructField("source_file", StringType(), nullable=False),
        _nullable("line_number", IntegerType()),  # 1-based; null when the file itself is unreadable
        _nullable("line", StringType()),
        _nullable("read_error", StringType()),  # why the bytes could not be read as a text line
    ]
)
"""One physical line of a raw ``.jsonl.gz`` file, before any JSON parsing."""

ENVELOPE_TEXT_SCHEMA = _struct(
    schema_version=StringType(),
    run_id=StringType(),
    snapshot_date=StringType(),
    extracted_at=StringType(),
    playlist=StringType(),
    items=StringType(),
)
"""First parse of a line: every top-level field as its JSON text, so any JSON object parses
and each field can be validated (and explained) on its own."""

URLS_SCHEMA = _struct(spotify=StringType())

ARTIST_JSON_SCHEMA = _struct(
    id=StringType(),
    name=StringType(),
    type=StringType(),
    uri=StringType(),
    href=StringType(),
    external_urls=URLS_SCHEMA,
)

ALBUM_JSON_SCHEMA = _struct(
    id=StringType(),
    name=StringType(),
    album_type=StringType(),
    release_date=StringType(),
    release_date_precision=StringType(),
    total_tracks=IntegerType(),
    uri=StringType(),
    href=StringType(),
    external_urls=URLS_SCHEMA,
    artists=ArrayType(ARTIST_JSON_SCHEMA),
)

TRACK_OR_EPISODE_JSON_SCHEMA = _struct(
    id=StringType(),
    name=StringType(),
    type=StringType(),  # "track" or "episode"
    uri=StringType(),
    href=StringType(),
    duration_ms=IntegerType(),
    explicit=BooleanType(),
    popularity=IntegerType(),  # gone for development-mode apps since February 2026
    is_local=BooleanType(),
    track_number=IntegerType(),
    disc_number=IntegerType(),
    external_ids=_struct(isrc=StringType()),
    external_urls=URLS_SCHEMA,
    album=ALBUM_JSON_SCHEMA,
    artists=ArrayType(ARTIST_JSON_SCHEMA),
    show=_struct(id=StringType(), name=StringType()),  # episodes only
)

PLAYLIST_ITEM_JSON_SCHEMA = _struct(
    added_at=StringType(),
    added_by=_struct(id=StringType()),
    is_local=BooleanType(),
    item=TRACK_OR_EPISODE_JSON_SCHEMA,  # the field's name since February 2026
    track=TRACK_OR_EPISODE_JSON_SCHEMA,  # the older name, still served to extended-quota apps
)
"""One element of ``items`` in the raw envelope: a playlist item object as the Web API returns it."""

PLAYLIST_JSON_SCHEMA = _struct(
    id=StringType(),
    name=StringType(),
    owner_id=StringType(),
    owner_name=StringType(),
    snapshot_id=StringType(),
    description=StringType(),
    public=BooleanType(),
    collaborative=BooleanType(),
    total_items=IntegerType(),
    url=StringType(),
)
"""The ``playlist`` object of the raw envelope (written by the extractor, flat)."""

ENVELOPE_SCHEMA = _struct(
    schema_version=StringType(),  # any JSON value reads as its text: 1 -> "1"
    run_id=StringType(),
    snapshot_date=StringType(),
    extracted_at=StringType(),
    playlist=PLAYLIST_JSON_SCHEMA,
    items=ArrayType(PLAYLIST_ITEM_JSON_SCHEMA),
)
"""A whole raw envelope v1 line, typed: what the fast path parses in one pass (only the fields
the jobs use; Spark skips the rest of the API's objects)."""


HTTP_OUTCOME_SCHEMA = _struct(
    status=IntegerType(),
    requests=IntegerType(),
    responses=MapType(StringType(), IntegerType()),
    retries=IntegerType(),
)
"""How one playlist's requests went (the extract manifest's ``http``: final status, requests sent,
answers per status, repeated requests)."""

MANIFEST_SCHEMA = _struct(
    run_id=StringType(),
    snapshot_date=StringType(),
    playlists=ArrayType(_struct(playlist_id=StringType(), status=StringType(), http=HTTP_OUTCOME_SCHEMA)),
)
"""What the jobs read of an extract run's ``<run_id>.manifest.json`` (docs/raw_contract.md):
each playlist's HTTP outcome, for the api_health table."""


# ---------------------------------------------------------------------------------------------
# Staging: typed playlist items and playlist snapshots, written by the normalize_items job and
# read by the build_tables job.
# ---------------------------------------------------------------------------------------------

ARTIST_REF_SCHEMA = _struct(artist_id=StringType(), artist_name=StringType(), artist_url=StringType())

STAGED_PLAYLIST_SCHEMA = _struct(
    playlist_id=StringType(),
    playlist_name=StringType(),
    owner_id=StringType(),
    snapshot_id=StringType(),
    item_count=IntegerType(),  # items in the envelope: what reconciliation must account for
    run_id=StringType(),
    extracted_at=TimestampType(),
    source_file=StringType(),
    snapshot_date=StringType(),
)

STAGED_ITEM_SCHEMA = _struct(
    playlist_id=StringType(),
    position=IntegerType(),
    skip_reason=StringType(),  # null for a song, else one of SKIP_REASONS
    added_at=TimestampType(),
    added_by_id=StringType(),
    song_id=StringType(),
    song_name=StringType(),
    duration_ms=IntegerType(),
    explicit=BooleanType(),
    popularity=IntegerType(),
    isrc=StringType(),
    song_url=StringType(),
    album_id=StringType(),
    album_name=StringType(),
    album_type=StringType(),
    album_release_date=StringType(),
    album_release_date_precision=StringType(),
    album_total_tracks=IntegerType(),
    album_url=StringType(),
    album_artists=ArrayType(ARTIST_REF_SCHEMA),
    artists=ArrayType(ARTIST_REF_SCHEMA),
    run_id=StringType(),
    snapshot_date=StringType(),
)

QUARANTINE_SCHEMA = _struct(
    level=StringType(),  # "file", "line" or "item": how much of the input the record stands for
    reason=StringType(),
    source_file=StringType(),
    line_number=IntegerType(),
    playlist_id=StringType(),
    position=IntegerType(),
    payload=StringType(),  # the offending text, whole: nothing is lost
    snapshot_date=StringType(),
)


# ---------------------------------------------------------------------------------------------
# Curated tables: Parquet (snappy), partitioned by snapshot_date, registered in the catalog.
# ---------------------------------------------------------------------------------------------

ALBUM_SCHEMA = _struct(
    album_id=StringType(),
    album_name=StringType(),
    album_type=StringType(),
    release_date=DateType(),
    release_date_precision=StringType(),
    total_tracks=IntegerType(),
    album_url=StringType(),
    artist_ids=ArrayType(StringType()),
    snapshot_date=StringType(),
)

ARTIST_SCHEMA = _struct(
    artist_id=StringType(),
    artist_name=StringType(),
    artist_url=StringType(),
    snapshot_date=StringType(),
)

SONG_SCHEMA = _struct(
    playlist_id=StringType(),
    position=IntegerType(),
    song_id=StringType(),
    song_name=StringType(),
    duration_ms=IntegerType(),
    explicit=BooleanType(),
    popularity=IntegerType(),
    isrc=StringType(),
    album_id=StringType(),
    artist_id=StringType(),
    artist_ids=ArrayType(StringType()),
    added_at=TimestampType(),
    song_url=StringType(),
    snapshot_date=StringType(),
)

PLAYLIST_SCHEMA = _struct(
    playlist_id=StringType(),
    playlist_name=StringType(),
    owner_id=StringType(),
    snapshot_id=StringType(),
    item_count=IntegerType(),
    song_count=IntegerType(),
    run_id=StringType(),
    extracted_at=TimestampType(),
    snapshot_date=StringType(),
)

TABLES: dict[str, StructType] = {
    "album": ALBUM_SCHEMA,
    "artist": ARTIST_SCHEMA,
    "song": SONG_SCHEMA,
    "playlist": PLAYLIST_SCHEMA,
}
"""The curated tables, by name: what the build_tables job writes and the catalog registers."""

API_HEALTH_SCHEMA = _struct(
    measure=StringType(),
    name=StringType(),
    count=LongType(),
    total=LongType(),
    share=DoubleType(),
    snapshot_date=StringType(),
)
"""How the Web API's answers looked on each date (the API drift sentinel, normalize_items): one row
per (measure, name). ``measure`` is one of API_HEALTH_MEASURES; ``count`` of ``total`` items (or
playlists, for ``http_status``) had it; ``share`` = count / total (null when total is 0)."""

API_HEALTH_MEASURES: dict[str, str] = {
    "field_present": "items in which the field the jobs read (name: its path) is present and not null",
    "item_shape": "items served in the 2026 shape (name 'item') or the older one ('track')",
    "item_type": "items of each type (name: track, episode, or a type Spotify added)",
    "unknown_field": "raw objects with a field the jobs' schema does not know (name: its path)",
    "http_status": "playlists whose extraction ended with each HTTP status (name: 200, 403, ...; "
    "none: no answer)",
    "http_responses": "the extraction's HTTP answers per status (name: 200, 429, 503, ...) and its retries "
    "(name: retries), of every request",
}

HEALTH_TABLES: dict[str, StructType] = {"api_health": API_HEALTH_SCHEMA}
"""Tables that describe the input rather than the playlists: written whatever the data quality
(normalize_items), registered in the catalog like the curated tables."""

TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "album": ("album_id",),
    "artist": ("artist_id",),
    "song": ("playlist_id", "position"),
    "playlist": ("playlist_id",),
}
"""The unique key of each table within one snapshot_date partition."""

TABLE_PLAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "song": ("song_id", "song_name", "isrc", "song_url"),
}
"""Columns written without Parquet dictionary encoding: a day's values are mostly distinct, so a
dictionary costs the (single) writer time and saves next to no space. Measured on the song table
of a 1M-item day: 4.1 s instead of 6.3 s to write its one file, 76.1 instead of 74.8 MiB (and
114.8 MiB with no dictionary at all)."""

TABLE_DESCRIPTIONS: dict[str, str] = {
    "album": "One row per album per snapshot date, from every song's album.",
    "artist": "One row per artist per snapshot date, from every artist of every song and album.",
    "song": "One row per playlist item that is a Spotify track, per snapshot date.",
    "playlist": "One row per playlist per snapshot date: metadata and item counts.",
    "api_health": "One row per measure of the Web API's answers per snapshot date: field presence, "
    "item shapes and types, unknown fields, HTTP outcomes.",
}

CATALOG_TABLES: dict[str, StructType] = {**TABLES, **HEALTH_TABLES}
"""Every table of the Glue Data Catalog (and of the local catalog), by name."""


def data_columns(schema: StructType) -> list[StructField]:
    """The columns stored in the Parquet files: all but the partition column (it is in the path)."""
    return [field for field in schema.fields if field.name != PARTITION_COLUMN]


def hive_type(data_type: DataType) -> str:
    """The Glue Data Catalog / Hive type name of a Spark type, as Athena and Terraform spell it."""
    if isinstance(data_type, ArrayType):
        return f"array<{hive_type(data_type.elementType)}>"
    if isinstance(data_type, StructType):
        inner = ",".join(f"{field.name}:{hive_type(field.dataType)}" for field in data_type.fields)
        return f"struct<{inner}>"
    names = {
        StringType: "string",
        IntegerType: "int",
        LongType: "bigint",
        DoubleType: "double",
        BooleanType: "boolean",
        DateType: "date",
        TimestampType: "timestamp",
    }
    for spark_type, name in names.items():
        if isinstance(data_type, spark_type):
            return name
    raise ValueError(f"no catalog type for Spark type {data_type.simpleString()}; add it to hive_type()")


def catalog_columns(table: str) -> list[tuple[str, str]]:
    """(name, catalog type) of a table's stored columns, in order: what the catalog must declare."""
    return [(field.name, hive_type(field.dataType)) for field in data_columns(CATALOG_TABLES[table])]
