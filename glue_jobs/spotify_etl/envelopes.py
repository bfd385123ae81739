"""Raw lines -> validated raw envelopes (v1), and the choice of one extraction per playlist.

Two parsers, one set of checks:

- ``validate_records`` checks lines that Spark's JSON source already parsed with the whole typed
  envelope schema (the fast path: one pass, no Python);
- ``parse_envelopes`` parses text lines in two steps, first every top-level field as JSON text
  (any JSON object parses), then each field with its own type, so that a line that fails can be
  told exactly why (the thorough path, for files that need explaining).

A line that fails gets the first failing check as its ``invalid_reason``; nothing is dropped
here, the job routes invalid lines to quarantine.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from .raw_reader import folder_snapshot_date
from .schemas import ENVELOPE_TEXT_SCHEMA, PARTITION_COLUMN, PLAYLIST_JSON_SCHEMA, RAW_SCHEMA_VERSION

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


def _envelope_checks(
    env: Column,
    playlist_corrupt: Column,
    playlist_id: Column,
    items: Column,
    extracted_at: Column,
    folder_date: Column,
) -> list[tuple[Column, Column]]:
    """The checks of a parsed envelope ``env``, in order (both parsers share them).

    ``folder_date`` is the date of the line's folder: a line that claims another date is
    invalid, since reading it would put a playlist into the wrong partition.
    """
    version = env["schema_version"]
    return [
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
        (playlist_corrupt, F.lit("playlist has a field of the wrong type")),
        (playlist_id.isNull(), F.lit("missing field playlist.id")),
        (env["items"].isNull(), F.lit("missing field items")),
        (items.isNull(), F.lit("items is not an array")),
        (env["run_id"].isNull(), F.lit("missing field run_id")),
        (
            env["extracted_at"].isNull() | extracted_at.isNull(),
            F.lit("missing or unreadable extracted_at (expected an ISO 8601 UTC timestamp)"),
        ),
        (
            env["snapshot_date"] != folder_date,
            F.format_string(
                "snapshot_date %s in the line differs from its folder snapshot_date=%s",
                env["snapshot_date"],
                folder_date,
            ),
        ),
    ]


def validate_records(records: DataFrame) -> DataFrame:
    """Typed envelope records (``raw_reader.read_envelope_records``) -> the columns of
    ``parse_envelopes`` (``items`` typed, ``line_number`` and the texts null), ``line_id`` kept.

    A record that does not fit the typed schema anywhere, down to one item's field, is invalid
    as a whole here: the job reads its file again with ``parse_envelopes`` to say where.
    """
    record = F.col("record")
    extracted_at = F.try_to_timestamp(record["extracted_at"])
    folder_date = folder_snapshot_date(F.col("source_file"))
    reason = _first_failing(
        (record[CORRUPT].isNotNull(), F.lit("line does not fit the typed raw envelope v1 schema")),
        *_envelope_checks(
            record, F.lit(False), record["playlist"]["id"], record["items"], extracted_at, folder_date
        ),
    )
    return records.select(
        "source_file",
        folder_date.alias(PARTITION_COLUMN),
        F.lit(None).cast("int").alias("line_number"),
        "line_id",
        F.lit(None).cast("string").alias("line"),
        reason.alias("invalid_reason"),
        record["run_id"].alias("run_id"),
        extracted_at.alias("extracted_at"),
        record["playlist"].alias("playlist"),
        F.lit(None).cast("string").alias("playlist_text"),
        record["items"].alias("items"),
    )


def parse_envelopes(lines: DataFrame) -> DataFrame:
    """Parse RAW_LINE_SCHEMA rows into envelope columns plus ``invalid_reason`` (null when valid)
    and ``snapshot_date``, the date of the line's folder."""
    text = F.from_json("line", with_corrupt_column(ENVELOPE_TEXT_SCHEMA), _CORRUPT_OPTIONS)
    parsed = lines.withColumn("_env", text)
    env = F.col("_env")
    playlist = F.from_json(env["playlist"], with_corrupt_column(PLAYLIST_JSON_SCHEMA), _CORRUPT_OPTIONS)
    parsed = parsed.withColumns(
        {
            "_playlist": playlist,
            "items": F.from_json(env["items"], ArrayType(StringType())),
            "extracted_at": F.try_to_timestamp(env["extracted_at"]),
            PARTITION_COLUMN: folder_snapshot_date(F.col("source_file")),
        }
    )
    reason = _first_failing(
        (F.col("read_error").isNotNull(), F.col("read_error")),
        (F.col("line").isNull(), F.lit("line could not be read")),
        (env[CORRUPT].isNotNull(), F.lit("line is not valid JSON or not a JSON object")),
        *_envelope_checks(
            env,
            F.col("_playlist")[CORRUPT].isNotNull(),
            F.col("_playlist.id"),
            F.col("items"),
            F.col("extracted_at"),
            F.col(PARTITION_COLUMN),
        ),
    )
    return parsed.select(
        "source_file",
        PARTITION_COLUMN,
        "line_number",
        F.col("line_number").cast("long").alias("line_id"),
        "line",
        reason.alias("invalid_reason"),
        env["run_id"].alias("run_id"),
        "extracted_at",
        F.col("_playlist").dropFields(CORRUPT).alias("playlist"),
        env["playlist"].alias("playlist_text"),
        "items",
    )


ITEM_COLUMNS = ("position", "item_text", "parsed", "item_invalid_reason")
"""The item-level columns of the item-grained frame; the rest describe the item's line."""

LINE_ONLY_COLUMNS = ("extracted_at", "playlist", "item_count")
"""Line columns set on a line's first row only (null on its other items): the frame stays narrow
while every line can still be read back with ``one_row_per_line``."""


def explode_envelopes(envelopes: DataFrame, item_column: str = "item_text") -> DataFrame:
    """One row per item of each valid envelope (``position`` 0-based, the item in ``item_column``:
    its JSON text from ``parse_envelopes``, its struct from ``validate_records``), and one row
    with a null position for an invalid envelope or one without items.

    Everything downstream works on this item-grained frame, so no row holds a whole playlist:
    a 10,000-item line is 10,000 small rows, which Spark can cache and spread. The line's text
    and the playlist's JSON are kept only where the quarantine needs them (invalid lines), the
    playlist's metadata only on the line's first row (``LINE_ONLY_COLUMNS``).

    Memory stays linear in the size of a line: every column of the line is computed *before* the
    explode, and the explode passes on only small columns. A column computed after it would make
    Spark copy the line's big columns (its text, its items) into each of its item rows: a
    1,000-item line of 2 MB would need 2 GB.
    """
    valid = F.col("invalid_reason").isNull()
    lines = envelopes.select(
        "source_file",
        PARTITION_COLUMN,
        "line_number",
        "line_id",
        "invalid_reason",
        "run_id",
        F.col("playlist.id").alias("playlist_id"),
        "extracted_at",
        "playlist",
        F.when(~valid, F.col("line")).alias("line"),
        F.when(~valid, F.col("playlist_text")).alias("playlist_text"),
        F.when(valid, F.size("items")).cast("int").alias("item_count"),
        F.when(valid, F.col("items")).alias("items"),
    )
    passed_on = [name for name in lines.columns if name != "items"]
    exploded = lines.select(
        *passed_on, F.posexplode_outer("items").alias("position", item_column)
    ).withColumn("position", F.col("position").cast("int"))
    first_row = F.coalesce(F.col("position"), F.lit(0)) == 0
    return exploded.withColumns({name: F.when(first_row, F.col(name)) for name in LINE_ONLY_COLUMNS})


def one_row_per_line(exploded: DataFrame) -> DataFrame:
    """Back from items to lines: the row of each line's first item (or its only row)."""
    return exploded.filter(F.col("position").isNull() | (F.col("position") == 0)).drop(*ITEM_COLUMNS)


def mark_latest_extraction(envelopes: DataFrame) -> DataFrame:
    """Add ``is_latest``: for each playlist and snapshot date, only its latest extraction of that
    day counts.

    Two extract runs on one date both land; taking the latest per playlist means nothing is
    counted twice. Ties are broken by run id, then file and line (``line_id`` grows with the
    line's position in its file), so reruns choose alike.
    """
    latest_first = Window.partitionBy(F.col(PARTITION_COLUMN), F.col("playlist.id")).orderBy(
        F.col("extracted_at").desc(),
        F.col("run_id").desc(),
        F.col("source_file").desc(),
        F.col("line_id").desc(),
    )
    return envelopes.withColumn("is_latest", F.row_number().over(latest_first) == 1)


def stage_playlists(lines: DataFrame) -> DataFrame:
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
        PARTITION_COLUMN,
    )
