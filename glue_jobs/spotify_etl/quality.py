"""Data-quality rules over the tables of each snapshot date, checked before anything is published.

A rule is a name and the DataFrame of its offending rows; an empty DataFrame means it holds. The
rules hold per date: the build_tables job publishes no date that has offenders, names the rule,
the date and a sample of the keys, and fails, so the workflow run fails where the problem is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from .schemas import PARTITION_COLUMN, TABLE_KEYS

SAMPLE_SIZE = 5


class DataQualityError(RuntimeError):
    """One or more rules failed; the message names each rule and a sample of offending keys."""


@dataclass(frozen=True)
class RuleResult:
    rule: str
    snapshot_date: str
    violations: int
    sample: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.violations == 0


def _key_rules(table: str, frame: DataFrame, keys: tuple[str, ...]) -> dict[str, DataFrame]:
    key_text = ", ".join(keys)
    any_null = F.lit(False)
    for key in keys:
        any_null = any_null | F.col(key).isNull()
    return {
        f"{table}: ({key_text}) is never null": frame.filter(any_null).select(PARTITION_COLUMN, *keys),
        f"{table}: ({key_text}) is unique": frame.groupBy(PARTITION_COLUMN, *keys)
        .agg(F.count(F.lit(1)).alias("rows"))
        .filter(F.col("rows") > 1),
    }


def quality_rules(tables: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    """Every rule, by name, as the DataFrame of its offending rows (each with its snapshot date:
    the rules hold within each date, whatever the number of dates in the tables).

    The reference tables (albums, artists, playlists: one row per distinct key and date) are
    broadcast to the song rows: a day's distinct keys are few next to its items.
    """
    song, album, artist, playlist = (tables[name] for name in ("song", "album", "artist", "playlist"))
    day = PARTITION_COLUMN
    rules: dict[str, DataFrame] = {}
    for table, keys in TABLE_KEYS.items():
        rules.update(_key_rules(table, tables[table], keys))
    song_artists = song.select(day, "playlist_id", "position", F.explode("artist_ids").alias("artist_id"))
    album_artists = album.select(day, "album_id", F.explode("artist_ids").alias("artist_id"))
    artist_keys = F.broadcast(artist.select(day, "artist_id"))
    rules.update(
        {
            "song: song_id is never null": song.filter(F.col("song_id").isNull()).select(
                day, "playlist_id", "position"
            ),
            "song: every album_id is in album": song.filter(F.col("album_id").isNotNull())
            .join(F.broadcast(album.select(day, "album_id")), [day, "album_id"], "left_anti")
            .select(day, "playlist_id", "position", "album_id"),
            "song: every artist id is in artist": song_artists.join(
                artist_keys, [day, "artist_id"], "left_anti"
            ),
            "album: every artist id is in artist": album_artists.join(
                artist_keys, [day, "artist_id"], "left_anti"
            ),
            "song: every playlist_id is in playlist": song.join(
                F.broadcast(playlist.select(day, "playlist_id")), [day, "playlist_id"], "left_anti"
            ).select(day, "playlist_id", "position"),
            "song: position is within 0 .. item_count - 1 of its playlist": song.join(
                F.broadcast(playlist.select(day, "playlist_id", "item_count")), [day, "playlist_id"]
            )
            .filter((F.col("position") < 0) | (F.col("position") >= F.col("item_count")))
            .select(day, "playlist_id", "position", "item_count"),
        }
    )
    return rules


def check_quality(
    tables: Mapping[str, DataFrame], dates: Sequence[str], sample_size: int = SAMPLE_SIZE
) -> dict[str, list[RuleResult]]:
    """Every rule's result for each of ``dates``: ``{date: [RuleResult, ...]}`` in rule order.

    One Spark job evaluates every rule for every date (a union of all offenders, counted per rule
    and date); a small sample of keys (``sample_size`` per rule and date, the snapshot date left
    out) is fetched only when some rule fails.
    """
    rules = quality_rules(tables)
    offenders = reduce(
        DataFrame.unionByName,
        [
            frame.select(
                F.lit(rule).alias("rule"),
                PARTITION_COLUMN,
                F.to_json(
                    F.struct(*[c for c in frame.columns if c != PARTITION_COLUMN]),
                    {"ignoreNullFields": "false"},
                ).alias("offender"),
            )
            for rule, frame in rules.items()
        ],
    )
    counted = offenders.groupBy("rule", PARTITION_COLUMN).count().collect()
    counts = {(row["rule"], row[PARTITION_COLUMN]): row["count"] for row in counted}
    samples: dict[tuple[str, str], list[dict]] = {}
    if counts:
        first = Window.partitionBy("rule", PARTITION_COLUMN).orderBy("offender")
        sampled = offenders.withColumn("n", F.row_number().over(first)).filter(F.col("n") <= sample_size)
        for row in sampled.orderBy("rule", PARTITION_COLUMN, "n").collect():
            samples.setdefault((row["rule"], row[PARTITION_COLUMN]), []).append(json.loads(row["offender"]))
    return {
        day: [
            RuleResult(rule, day, counts.get((rule, day), 0), samples.get((rule, day), [])) for rule in rules
        ]
        for day in dates
    }


def failure_message(results: list[RuleResult], snapshot_date: str) -> str | None:
    """Why ``snapshot_date`` cannot be published (each failed rule and a sample of keys), or None."""
    failed = [result for result in results if not result.passed]
    if not failed:
        return None
    lines = [f"  - {r.rule}: {r.violations} offending row(s), e.g. {r.sample}" for r in failed]
    return (
        f"data quality failed for snapshot_date={snapshot_date}; nothing was published for that date:\n"
        + "\n".join(lines)
        + "\nFix the input (see the raw files and the quarantine) or the transform, then rerun this date."
    )


def raise_on_failures(results: list[RuleResult], snapshot_date: str) -> None:
    """``DataQualityError`` with ``failure_message`` when a rule of ``snapshot_date`` failed."""
    message = failure_message(results, snapshot_date)
    if message:
        raise DataQualityError(message)
