"""Data-quality rules over one snapshot date's tables, checked before anything is published.

A rule is a name and the DataFrame of its offending rows; an empty DataFrame means it holds. The
build_tables job fails (and writes nothing) when any rule has offenders, naming the rule and a
sample of the keys, so the workflow run fails where the problem is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from .schemas import TABLE_KEYS

SAMPLE_SIZE = 5


class DataQualityError(RuntimeError):
    """One or more rules failed; the message names each rule and a sample of offending keys."""


@dataclass(frozen=True)
class RuleResult:
    rule: str
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
        f"{table}: ({key_text}) is never null": frame.filter(any_null).select(*keys),
        f"{table}: ({key_text}) is unique": frame.groupBy(*keys)
        .agg(F.count(F.lit(1)).alias("rows"))
        .filter(F.col("rows") > 1),
    }


def quality_rules(tables: Mapping[str, DataFrame]) -> dict[str, DataFrame]:
    """Every rule of one snapshot date, by name, as the DataFrame of its offending rows.

    The reference tables (albums, artists, playlists: one row per distinct key) are broadcast to
    the song rows: a day's distinct keys are few next to its items.
    """
    song, album, artist, playlist = (tables[name] for name in ("song", "album", "artist", "playlist"))
    rules: dict[str, DataFrame] = {}
    for table, keys in TABLE_KEYS.items():
        rules.update(_key_rules(table, tables[table], keys))
    song_artists = song.select("playlist_id", "position", F.explode("artist_ids").alias("artist_id"))
    album_artists = album.select("album_id", F.explode("artist_ids").alias("artist_id"))
    rules.update(
        {
            "song: song_id is never null": song.filter(F.col("song_id").isNull()).select(
                "playlist_id", "position"
            ),
            "song: every album_id is in album": song.filter(F.col("album_id").isNotNull())
            .join(F.broadcast(album.select("album_id")), "album_id", "left_anti")
            .select("playlist_id", "position", "album_id"),
            "song: every artist id is in artist": song_artists.join(
                F.broadcast(artist.select("artist_id")), "artist_id", "left_anti"
            ),
            "album: every artist id is in artist": album_artists.join(
                F.broadcast(artist.select("artist_id")), "artist_id", "left_anti"
            ),
            "song: every playlist_id is in playlist": song.join(
                F.broadcast(playlist.select("playlist_id")), "playlist_id", "left_anti"
            ).select("playlist_id", "position"),
            "song: position is within 0 .. item_count - 1 of its playlist": song.join(
                F.broadcast(playlist.select("playlist_id", "item_count")), "playlist_id"
            )
            .filter((F.col("position") < 0) | (F.col("position") >= F.col("item_count")))
            .select("playlist_id", "position", "item_count"),
        }
    )
    return rules


def check_quality(tables: Mapping[str, DataFrame], sample_size: int = SAMPLE_SIZE) -> list[RuleResult]:
    """Evaluate every rule in one Spark job (a union of all offenders, counted per rule), and
    fetch a small sample of keys only when some rule fails."""
    rules = quality_rules(tables)
    offenders = reduce(
        DataFrame.unionByName,
        [
            frame.select(
                F.lit(rule).alias("rule"),
                F.to_json(F.struct(*frame.columns), {"ignoreNullFields": "false"}).alias("offender"),
            )
            for rule, frame in rules.items()
        ],
    )
    counts = {row["rule"]: row["count"] for row in offenders.groupBy("rule").count().collect()}
    samples: dict[str, list[dict]] = {rule: [] for rule in rules}
    if counts:
        first = Window.partitionBy("rule").orderBy("offender")
        sampled = offenders.withColumn("n", F.row_number().over(first)).filter(F.col("n") <= sample_size)
        for row in sampled.orderBy("rule", "n").collect():
            samples[row["rule"]].append(json.loads(row["offender"]))
    return [RuleResult(rule, counts.get(rule, 0), samples[rule]) for rule in rules]


def raise_on_failures(results: list[RuleResult], snapshot_date: str) -> None:
    failed = [result for result in results if not result.passed]
    if failed:
        lines = [f"  - {r.rule}: {r.violations} offending row(s), e.g. {r.sample}" for r in failed]
        raise DataQualityError(
            f"data quality failed for snapshot_date={snapshot_date}; nothing was published:\n"
            + "\n".join(lines)
            + "\nFix the input (see the raw files and the quarantine) or the transform, then rerun this date."
        )
