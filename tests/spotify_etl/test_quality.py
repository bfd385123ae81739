import pytest
from pyspark.sql import functions as F

from spotify_etl.quality import DataQualityError, check_quality, raise_on_failures
from spotify_etl.tables import build_tables

from .staged import DATE, items_frame, playlists_frame, ref, staged_item


def cached(tables):
    """As the job does: the tables are persisted before the rules run over them."""
    return {name: frame.cache() for name, frame in tables.items()}


def failures(tables, snapshot_date=DATE):
    tables = cached(tables)
    results = check_quality(tables, [snapshot_date])[snapshot_date]
    return {r.rule: (r.violations, r.sample) for r in results if not r.passed}


def good_tables(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[ref("a1"), ref("a2")]),
        staged_item("pl1", 1, "s2", album_id="alb2"),
        staged_item("pl2", 0, "s1", artists=[ref("a1"), ref("a2")]),
    )
    return build_tables(items, playlists_frame(spark, ("pl1", 2), ("pl2", 1)))


def test_tables_built_from_consistent_items_pass_every_rule(spark):
    results = check_quality(cached(good_tables(spark)), [DATE])
    assert list(results) == [DATE]
    assert len(results[DATE]) == 14 and all(r.passed and r.snapshot_date == DATE for r in results[DATE])


def test_duplicate_and_null_keys_are_named_with_a_sample(spark):
    tables = good_tables(spark)
    tables["song"] = tables["song"].unionByName(tables["song"].filter("position = 0 AND playlist_id = 'pl1'"))
    tables["artist"] = tables["artist"].unionByName(
        tables["artist"]
        .limit(1)
        .selectExpr("CAST(NULL AS STRING) AS artist_id", "artist_name", "artist_url", "snapshot_date")
    )
    found = failures(tables)
    assert found["song: (playlist_id, position) is unique"] == (
        1,
        [{"playlist_id": "pl1", "position": 0, "rows": 2}],
    )
    assert found["artist: (artist_id) is never null"] == (1, [{"artist_id": None}])
    assert set(found) == {"song: (playlist_id, position) is unique", "artist: (artist_id) is never null"}


def test_orphan_album_and_artist_and_position_beyond_item_count(spark):
    items = items_frame(spark, staged_item("pl1", 0, "s1"), staged_item("pl1", 7, "s2"))
    tables = build_tables(items, playlists_frame(spark, ("pl1", 2)))
    tables["album"] = tables["album"].filter("album_id <> 'alb1'")
    tables["artist"] = tables["artist"].filter("artist_id <> 'art1'")
    found = failures(tables)
    assert found["song: every album_id is in album"][0] == 2
    assert found["song: every artist id is in artist"][0] == 2
    assert "album: every artist id is in artist" not in found  # no album left to check
    assert found["song: position is within 0 .. item_count - 1 of its playlist"] == (
        1,
        [{"playlist_id": "pl1", "position": 7, "item_count": 2}],
    )


def test_failure_message_names_rule_and_keys(spark):
    tables = good_tables(spark)
    tables["playlist"] = tables["playlist"].filter("playlist_id = 'pl1'")
    with pytest.raises(DataQualityError) as error:
        raise_on_failures(check_quality(cached(tables), [DATE])[DATE], DATE)
    message = str(error.value)
    assert f"snapshot_date={DATE}" in message and "nothing was published for that date" in message
    assert "song: every playlist_id is in playlist: 1 offending row(s)" in message and "'pl2'" in message


def test_rules_hold_per_date(spark):
    """The same keys on two dates are not duplicates; an offender is counted on its own date."""
    other = "2026-11-21"
    day1 = [
        staged_item("pl1", 0, "s1", artists=[ref("a1"), ref("a2")]),
        staged_item("pl1", 1, "s2", album_id="alb2"),
    ]
    day2 = [{**row, "snapshot_date": other} for row in day1]
    day2.append({**staged_item("pl1", 1, "s3"), "snapshot_date": other})  # a duplicate key on day 2
    items = items_frame(spark, *day1, *day2)
    playlists = playlists_frame(spark, ("pl1", 2)).unionByName(
        playlists_frame(spark, ("pl1", 2)).withColumn("snapshot_date", F.lit(other))
    )
    results = check_quality(cached(build_tables(items, playlists)), [DATE, other])
    assert all(r.passed for r in results[DATE])
    failed = {r.rule: (r.violations, r.sample) for r in results[other] if not r.passed}
    assert failed == {
        "song: (playlist_id, position) is unique": (1, [{"playlist_id": "pl1", "position": 1, "rows": 2}])
    }
