"""Invalid input -> quarantine records (QUARANTINE_SCHEMA): the reason, the source, the text.

Nothing is lost: the payload is the whole offending line or item, so a fixed record can be
replayed. Where Spark only knows "wrong type", a Python pass over these few records names the
field, the expected type and what came instead.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from .schemas import PARTITION_COLUMN, PLAYLIST_ITEM_JSON_SCHEMA, PLAYLIST_JSON_SCHEMA, QUARANTINE_SCHEMA
from .type_mismatch import explain_mismatch

WRONG_TYPE = " has a field of the wrong type"


@F.udf(StringType())
def _explain_playlist(text: str | None) -> str:
    return explain_mismatch(text, PLAYLIST_JSON_SCHEMA, "playlist")


@F.udf(StringType())
def _explain_item(text: str | None) -> str:
    return explain_mismatch(text, PLAYLIST_ITEM_JSON_SCHEMA, "item")


def _conform(records: DataFrame) -> DataFrame:
    return records.select([F.col(field.name).cast(field.dataType) for field in QUARANTINE_SCHEMA.fields])


def quarantine_lines(invalid_lines: DataFrame) -> DataFrame:
    """Invalid envelopes (``invalid_reason`` set) -> one record per line, or per unreadable file."""
    detailed = F.when(
        F.col("invalid_reason").endswith(WRONG_TYPE),
        F.concat(F.col("invalid_reason"), F.lit(": "), _explain_playlist(F.col("playlist_text"))),
    ).otherwise(F.col("invalid_reason"))
    return _conform(
        invalid_lines.select(
            F.when(F.col("line_number").isNull(), F.lit("file")).otherwise(F.lit("line")).alias("level"),
            detailed.alias("reason"),
            "source_file",
            "line_number",
            F.col("playlist.id").alias("playlist_id"),
            F.lit(None).alias("position"),
            F.col("line").alias("payload"),
            PARTITION_COLUMN,
        )
    )


def quarantine_items(invalid_items: DataFrame) -> DataFrame:
    """Items that do not fit the item object's schema -> one record per item, with its position."""
    detailed = F.when(
        F.col("invalid_reason").endswith(WRONG_TYPE),
        F.concat(F.col("invalid_reason"), F.lit(": "), _explain_item(F.col("item_text"))),
    ).otherwise(F.col("invalid_reason"))
    return _conform(
        invalid_items.select(
            F.lit("item").alias("level"),
            detailed.alias("reason"),
            "source_file",
            "line_number",
            "playlist_id",
            "position",
            F.col("item_text").alias("payload"),
            PARTITION_COLUMN,
        )
    )
