"""The data-quality rules, each scenario on a date of its own: the rules hold per date, so one
evaluation over all the dates checks every scenario (and that one date's offenders never count
on another)."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from spotify_etl.quality import DataQualityError, check_quality, raise_on_failures
from spotify_etl.tables import build_tables

from .staged import items_frame, playlists_frame, ref, staged_item

GOOD, DUPLICATES, ORPHANS, NO_PLAYLIST = "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"


def on(snapshot_date: str, *rows: dict) -> list[dict]:
    return [{**row, "snapshot_date": snapshot_date} for row in rows]


def consistent_items() -> list[dict]:
    return [
        staged_item("pl1", 0, "s1", artists=[ref("a1"), ref("a2")]),
        staged_item("pl1", 1, "s2", album_id="alb2"),
        staged_item("pl2", 0, "s1", artists=[ref("a1"), ref("a2")]),
    ]


@pytest.fixture(scope="module")
def results(spark):
    items = items_frame(
        spark,
        *on(GOOD, *consistent_items()),
        *on(DUPLICATES, *consistent_items()),
        *on(ORPHANS, staged_item("pl1", 0, "s1"), staged_item("pl1", 7, "s2")),
        *on(NO_PLAYLIST, *consistent_items()),
    )
    playlists = None
    for snapshot_date, counts in (
        (GOOD, [("pl1", 2), ("pl2", 1)]),
        (DUPLICATES, [("pl1", 2), ("pl2", 1)]),
        (ORPHANS, [("pl1", 2)]),
        (NO_PLAYLIST, [("pl1", 2), ("pl2", 1)]),
    ):
        frame = playlists_frame(spark, *counts).withColumn("snapshot_date", F.lit(snapshot_date))
        playlists = frame if playlists is None else playlists.unionByName(frame)
    tables = build_tables(items, playlists)
    day = F.col("snapshot_date")
    song, artist = tables["song"], tables["artist"]
    tables["song"] = song.unionByName(
        song.filter((day == DUPLICATES) & (F.col("position") == 0) & (F.col("playlist_id") == "pl1"))
    )
    tables["artist"] = artist.unionByName(
        artist.filter(day == DUPLICATES)
        .limit(1)
        .selectExpr("CAST(NULL AS STRING) AS artist_id", "artist_name", "artist_url", "snapshot_date")
    )
    tables["album"] = tables["album"].filter(~((day == ORPHANS) & (F.col("album_id") == "alb1")))
    tables["artist"] = tables["artist"].filter(~((day == ORPHANS) & (F.col("artist_id") == "art1")))
    tables["playlist"] = tables["playlist"].filter(~((day == NO_PLAYLIST) & (F.col("playlist_id") == "pl2")))
    cached = {name: frame.cache() for name, frame in tables.items()}  # as the job does
    return check_quality(cached, [GOOD, DUPLICATES, ORPHANS, NO_PLAYLIST, "2026-11-21"])


def failures(results, snapshot_date):
    return {r.rule: (r.violations, r.sample) for r in results[snapshot_date] if not r.passed}


def test_tables_built_from_consistent_items_pass_every_rule(results):
    assert len(results[GOOD]) == 14 and all(r.passed and r.snapshot_date == GOOD for r in results[GOOD])
    assert all(r.passed for r in results["2026-11-21"])  # a date without rows has no offender


def test_duplicate_and_null_keys_are_named_with_a_sample(results):
    found = failures(results, DUPLICATES)
    assert found["song: (playlist_id, position) is unique"] == (
        1,
        [{"playlist_id": "pl1", "position": 0, "rows": 2}],
    )
    assert found["artist: (artist_id) is never null"] == (1, [{"artist_id": None}])
    assert set(found) == {"song: (playlist_id, position) is unique", "artist: (artist_id) is never null"}


def test_orphan_album_and_artist_and_position_beyond_item_count(results):
    found = failures(results, ORPHANS)
    assert found["song: every album_id is in album"][0] == 2
    assert found["song: every artist id is in artist"][0] == 2
    assert "album: every artist id is in artist" not in found  # no album left to check
    assert found["song: position is within 0 .. item_count - 1 of its playlist"] == (
        1,
        [{"playlist_id": "pl1", "position": 7, "item_count": 2}],
    )


def test_failure_message_names_rule_and_keys(results):
    with pytest.raises(DataQualityError) as error:
        raise_on_failures(results[NO_PLAYLIST], NO_PLAYLIST)
    message = str(error.value)
    assert f"snapshot_date={NO_PLAYLIST}" in message and "nothing was published for that date" in message
    assert "song: every playlist_id is in playlist: 1 offending row(s)" in message and "'pl2'" in message
    raise_on_failures(results[GOOD], GOOD)  # nothing to raise
