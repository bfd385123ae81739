"""Volume and continuity checks: a date against the previous snapshot of each playlist and the
trailing published dates, before it is published.

The public pipelines that went quietly thin or empty in 2024 and 2026 passed every row-level
rule: what changed was the volume. Each check is a warning (recorded in the report, put as a
metric, alarmed) unless ``--blocking_checks`` names it:

- ``item_count_changed_same_snapshot``: a playlist's item count changed by more than
  ``max_item_count_change`` (a share of the previous count; default 0: any change) while its
  ``snapshot_id`` did not: the same version of a playlist cannot have other items;
- ``songs_below_trailing_median``: the date's songs are fewer than ``min_volume_share`` of the
  median of the TRAILING_DATES published dates before it;
- ``playlist_missing``: a playlist of the previous date (the latest date before this one that
  has playlists) is not in this date: it was extracted before and not now;
- ``empty_day``: the date has no song at all.

With no earlier date, only ``empty_day`` can warn.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from .schemas import PARTITION_COLUMN

TRAILING_DATES = 7
DEFAULT_MIN_VOLUME_SHARE = 0.5
DEFAULT_MAX_ITEM_COUNT_CHANGE = 0.0
SAMPLE_SIZE = 5
"""Playlists named per check and date in the report."""


def playlist_checks(
    spark: SparkSession,
    run_playlists: DataFrame,
    history_playlists: DataFrame,
    dates: Sequence[str],
    history_dates: Sequence[str],
    max_item_count_change: float = DEFAULT_MAX_ITEM_COUNT_CHANGE,
) -> dict[str, dict[str, tuple[int, list[str]]]]:
    """The playlist-level checks of ``dates``: ``{date: {check: (count, sample)}}``.

    ``run_playlists``: the run's playlist table rows (snapshot_date, playlist_id, snapshot_id,
    item_count) of ``dates``; ``history_playlists``: the same columns for the published
    ``history_dates`` (dates not rerun now).
    One Spark job over playlist rows (one per playlist and date): a window finds each
    playlist's previous snapshot, and the previous date's playlists are anti-joined with the
    date's own.
    """
    if not history_dates and len(dates) < 2:
        return {}  # a single date with nothing before it: no previous snapshot to compare with
    columns = [PARTITION_COLUMN, "playlist_id", "snapshot_id", "item_count"]
    every = run_playlists.select(*columns).unionByName(history_playlists.select(*columns))
    earlier = Window.partitionBy("playlist_id").orderBy(PARTITION_COLUMN)
    previous = every.select(
        *columns,
        F.lag("snapshot_id").over(earlier).alias("previous_snapshot_id"),
        F.lag("item_count").over(earlier).alias("previous_item_count"),
        F.lag(PARTITION_COLUMN).over(earlier).alias("previous_date"),
    )
    change = F.abs(F.col("item_count") - F.col("previous_item_count"))
    same_version = (
        previous.filter(F.col(PARTITION_COLUMN).isin(list(dates)))
        .filter(F.col("snapshot_id") == F.col("previous_snapshot_id"))
        .filter(change > F.lit(max_item_count_change) * F.col("previous_item_count"))
        .select(
            PARTITION_COLUMN,
            F.lit("item_count_changed_same_snapshot").alias("check"),
            F.format_string(
                "%s: %d items on %s, %d now, same snapshot_id %s",
                "playlist_id",
                "previous_item_count",
                "previous_date",
                "item_count",
                "snapshot_id",
            ).alias("detail"),
        )
    )
    every_date = sorted({*dates, *history_dates})
    pairs = [(every_date[i - 1], day) for i, day in enumerate(every_date) if i and day in set(dates)]
    checks = same_version
    if pairs:
        follows = F.broadcast(
            spark.createDataFrame(pairs, f"previous_date string, {PARTITION_COLUMN} string")
        )
        before = every.select(F.col(PARTITION_COLUMN).alias("previous_date"), "playlist_id").join(
            follows, "previous_date"
        )
        missing = before.join(
            every.select(PARTITION_COLUMN, "playlist_id"), [PARTITION_COLUMN, "playlist_id"], "left_anti"
        )
        checks = checks.unionByName(
            missing.select(
                PARTITION_COLUMN,
                F.lit("playlist_missing").alias("check"),
                F.format_string("%s: on %s, not now", "playlist_id", "previous_date").alias("detail"),
            )
        )
    found: dict[str, dict[str, tuple[int, list[str]]]] = {}
    ranked = checks.withColumn(
        "n", F.row_number().over(Window.partitionBy(PARTITION_COLUMN, "check").orderBy("detail"))
    )
    counted = ranked.groupBy(PARTITION_COLUMN, "check").agg(
        F.count(F.lit(1)).alias("count"),
        F.sort_array(F.collect_list(F.when(F.col("n") <= SAMPLE_SIZE, F.col("detail")))).alias("sample"),
    )
    for row in counted.collect():
        found.setdefault(row[PARTITION_COLUMN], {})[row["check"]] = (row["count"], list(row["sample"]))
    return found


def volume_checks(
    songs: Mapping[str, int],
    history_songs: Mapping[str, int],
    min_volume_share: float = DEFAULT_MIN_VOLUME_SHARE,
) -> dict[str, dict[str, tuple[int, list[str]]]]:
    """The date-level checks of the dates in ``songs`` (date -> songs of this run), against the
    published dates' songs ``history_songs`` and the run's earlier dates: ``{date: {check: (1,
    [why])}}``."""
    every = {**history_songs, **songs}
    found: dict[str, dict[str, tuple[int, list[str]]]] = {}
    for snapshot_date, count in songs.items():
        checks: dict[str, tuple[int, list[str]]] = {}
        if count == 0:
            checks["empty_day"] = (1, [f"{snapshot_date}: no song in any playlist"])
        earlier = sorted(day for day in every if day < snapshot_date)[-TRAILING_DATES:]
        if earlier:
            median = statistics.median(every[day] for day in earlier)
            if count < min_volume_share * median:
                why = (
                    f"{snapshot_date}: {count} songs, under {min_volume_share:.0%} of the median "
                    f"{median:g} of {len(earlier)} earlier date(s)"
                )
                checks["songs_below_trailing_median"] = (1, [why])
        if checks:
            found[snapshot_date] = checks
    return found


def history_dates_needed(dates: Iterable[str], published: Iterable[str]) -> list[str]:
    """The published dates (not rerun now) that ``dates`` are compared with: the TRAILING_DATES
    before each, among the published dates and the run's own."""
    dates, published = sorted(set(dates)), sorted(set(published) - set(dates))
    wanted: set[str] = set()
    for snapshot_date in dates:
        before = sorted(
            {*(d for d in published if d < snapshot_date), *(d for d in dates if d < snapshot_date)}
        )
        wanted |= {d for d in before[-TRAILING_DATES:] if d in published}
    return sorted(wanted)
