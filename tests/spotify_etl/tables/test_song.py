import datetime as dt

from chispa import assert_df_equality

from spotify_etl.schemas import SONG_SCHEMA
from spotify_etl.tables import build_song

from ..staged import ADDED, DATE, items_frame, ref, staged_item


def test_one_row_per_track_item_with_first_artist_and_all_artist_ids(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[ref("a2"), ref("a1")], popularity=71),
        staged_item("pl1", 1, None, skip_reason="null_item", album_id=None),
        staged_item("pl1", 2, "ep1", skip_reason="episode"),
        staged_item("pl1", 3, "s1", artists=[ref("a2"), ref("a1")], popularity=71),  # the same song again
        staged_item("pl1", 4, None, skip_reason="local_file", artists=[ref(None, "Someone")]),
    )
    row = ("s1", "name-s1", 200000, False, 71, "ISRC-s1", "alb1", "a2", ["a2", "a1"], ADDED)
    url = "https://open.spotify.com/track/s1"
    expected = spark.createDataFrame(
        [("pl1", 0, *row, url, DATE), ("pl1", 3, *row, url, DATE)],
        SONG_SCHEMA,
    )
    assert_df_equality(items.transform(build_song), expected, ignore_nullable=True, ignore_row_order=True)


def test_artist_without_id_is_left_out_of_artist_ids(spark):
    items = items_frame(spark, staged_item("pl1", 0, "s1", artists=[ref(None, "Anon"), ref("a1")]))
    row = items.transform(build_song).first()
    assert (row.artist_id, row.artist_ids) == ("a1", ["a1"])


def test_song_keeps_added_at_in_utc(spark):
    items = items_frame(spark, staged_item("pl1", 0, "s1", added_at=dt.datetime(2026, 3, 29, 1, 30)))
    assert items.transform(build_song).first().added_at == dt.datetime(2026, 3, 29, 1, 30)


def test_a_doubled_credit_counts_once_in_order(spark):
    """Issue 19, case 6: song 1 credits [X, X], song 2 [Y]."""
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[ref("X"), ref("X")]),
        staged_item("pl1", 1, "s2", artists=[ref("Y")]),
        staged_item("pl1", 2, "s3", artists=[ref("Z"), ref("X"), ref("Z"), ref("Y")]),
    )
    rows = items.transform(build_song).orderBy("position").collect()
    assert [(r.artist_id, r.artist_ids) for r in rows] == [
        ("X", ["X"]),
        ("Y", ["Y"]),
        ("Z", ["Z", "X", "Y"]),
    ]


def test_a_song_without_any_credited_id_has_no_first_artist(spark):
    """get(artist_ids, 0) on an empty array: null in both modes (artist_ids[0] raises with ANSI)."""
    items = items_frame(spark, staged_item("pl1", 0, "s1", artists=[ref(None, "Anon")]))
    row = items.transform(build_song).first()
    assert (row.artist_id, row.artist_ids) == (None, [])
