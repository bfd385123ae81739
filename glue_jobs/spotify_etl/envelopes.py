"""Raw lines -> validated raw envelopes (v1), and the choice of one extraction per playlist.

Each line is parsed in two steps: first every top-level field as JSON text (any JSON object
parses), then each field with its own type. A line that fails gets the first failing check as
its ``invalid_reason``; nothing is dropped here, the job routes invalid lines to quarantine.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from .schemas import ENVELOPE_TEXT_SCHEMA, PLAYLIST_JSON_SCHEMA, RAW_SCHEMA_VERSION

CORRUPT = "_corrupt_record"
_CORRUPT_OPTIONS = {"columnNameOfCorruptRecord": CORRUPT}


def with_corrupt_column(schema: StructType) -> StructType:
    """``schema`` plus the column where Spark's JSON parser puts a record that does not fit."""
    return StructType([*schema.fields, StructField(CORRUPT, StringType(), nullable=True)])


def _first_failing(*checks: tuple[Column, Column]) -> Column:
    """The reason of the first check whose condition holds, else null (a CASE WHEN chain)."""
    reason = F.lit(None).cast("string")
    for condition, message in reversed(checks):
        reason = F.when(condition, message).otherwise(reason)
    return reason


def parse_envelopes(lines: DataFrame, snapshot_date: str) -> DataFrame:
    """Parse RAW_LINE_SCHEMA rows into envelope columns plus ``invalid_reason`` (null when valid).

    ``snapshot_date`` is the folder's date: a line that claims another date is invalid, since
    reading it would put a playlist into the wrong partition.
    """
    text = F.from_json("line", with_corrupt_column(ENVELOPE_TEXT_SCHEMA), _CORRUPT_OPTIONS)
    parsed = lines.withColumn("_env", text)
    env = F.col("_env")
    playlist = F.from_json(env["playlist"], with_corrupt_column(PLAYLIST_JSON_SCHEMA), _CORRUPT_OPTIONS)
    parsed = parsed.withColumns(
        {
            "_playlist": playlist,
            "items": F.from_json(env["items"], ArrayType(StringType())),
            "extracted_at": F.to_timestamp(env["extracted_at"]),
        }
    )
    version = env["schema_version"]
    reason = _first_failing(
        (F.col("read_error").isNotNull(), F.col("read_error")),
        (F.col("line").isNull(), F.lit("line could not be read")),
        (env[CORRUPT].isNotNull(), F.lit("line is not valid JSON or not a JSON object")),
        (version.isNull(), F.lit("missing field schema_version")),
        (
            version != F.lit(str(RAW_SCHEMA_VERSION)),
            F.format_string(
                f"unknown schema_version %s: these jobs read version {RAW_SCHEMA_VERSION} "
                "(docs/raw_contract.md); deploy jobs that read it, or re-extract",
                version,
            ),
        ),
        (env["playlist"].isNull(), F.lit("missing field playlist")),
        (F.col("_playlist")[CORRUPT].isNotNull(), F.lit("playlist has a field of the wrong type")),
        (F.col("_playlist.id").isNull(), F.lit("missing field playlist.id")),
        (env["items"].isNull(), F.lit("missing field items")),
        (F.col("items").isNull(), F.lit("items is not an array")),
        (env["run_id"].isNull(), F.lit("missing field run_id")),
        (
            env["extracted_at"].isNull() | F.col("extracted_at").isNull(),
            F.lit("missing or unreadable extracted_at (expected an ISO 8601 UTC timestamp)"),
        ),
        (
            env["snapshot_date"] != F.lit(snapshot_date),
            F.format_string(
                f"snapshot_date %s in the line differs from its folder snapshot_date={snapshot_date}",
                env["snapshot_date"],
            ),
        ),
    )
    return parsed.select(
        "source_file",
        "line_number",
        "line",
        reason.alias("invalid_reason"),
        env["run_id"].alias("run_id"),
        "extracted_at",
        F.col("_playlist").dropFields(CORRUPT).alias("playlist"),
        env["playlist"].alias("playlist_text"),
        "items",
    )


def explode_envelopes(envelopes: DataFrame) -> DataFrame:
    """One row per item of each valid envelope (``position`` 0-based, ``item_text`` its JSON), and
    one row with a null position for an invalid envelope or one without items.

    Everything downstream works on this item-grained frame, so no row holds a whole playlist:
    a 10,000-item line is 10,000 small rows, which Spark can cache and spread. The line's text
    and the playlist's JSON are kept only where the quarantine needs them (invalid lines).
    """
    valid = F.col("invalid_reason").isNull()
    return envelopes.select(
        "source_file",
        "line_number",
        "invalid_reason",
        "run_id",
        "extracted_at",
        "playlist",
        F.when(~valid, F.col("line")).alias("line"),
        F.when(~valid, F.col("playlist_text")).alias("playlist_text"),
        F.when(valid, F.size("items")).cast("int").alias("item_count"),
        F.posexplode_outer(F.when(valid, F.col("items"))).alias("position", "item_text"),
    ).withColumn("position", F.col("position").cast("int"))


def one_row_per_line(exploded: DataFrame) -> DataFrame:
    """Back from items to lines: the row of each line's first item (or its only row)."""
    return exploded.filter(F.col("position").isNull() | (F.col("position") == 0)).drop(
        "position", "item_text"
    )


def mark_latest_extraction(envelopes: DataFrame) -> DataFrame:
    """Add ``is_latest``: for each playlist, only its latest extraction of the day counts.

    Two extract runs on one date both land; taking the latest per playlist means nothing is
    counted twice. Ties are broken by run id, then file and line, so reruns choose alike.
    """
    latest_first = Window.partitionBy(F.col("playlist.id")).orderBy(
        F.col("extracted_at").desc(),
        F.col("run_id").desc(),
        F.col("source_file").desc(),
        F.col("line_number").desc(),
    )
    return envelopes.withColumn("is_latest", F.row_number().over(latest_first) == 1)


def stage_playlists(lines: DataFrame, snapshot_date: str) -> DataFrame:
    """One row per kept line: the playlist's metadata and how many items it holds."""
    return lines.select(
        F.col("playlist.id").alias("playlist_id"),
        F.col("playlist.name").alias("playlist_name"),
        F.col("playlist.owner_id").alias("owner_id"),
        F.col("playlist.snapshot_id").alias("snapshot_id"),
        "item_count",
        "run_id",
        "extracted_at",
        "source_file",
        F.lit(snapshot_date).alias("snapshot_date"),
    )
