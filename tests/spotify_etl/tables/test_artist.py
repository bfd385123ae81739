from chispa import assert_df_equality

from spotify_etl.schemas import ARTIST_SCHEMA
from spotify_etl.tables import build_artist

from ..staged import DATE, items_frame, ref, staged_item


def url(artist_id):
    return f"https://open.spotify.com/artist/{artist_id}"


def test_every_artist_of_every_song_and_album_once(spark):
    items = items_frame(
        spark,
        staged_item(
            "pl1", 0, "s1", artists=[ref("a1", "Ann"), ref("a2", "Bob")], album_artists=[ref("a3", "Cy")]
        ),
        staged_item("pl1", 1, "s2", artists=[ref("a2", "Bob")], album_artists=[ref("a2", "Bob")]),
        staged_item("pl1", 2, "ep", skip_reason="episode", artists=[ref("a9", "Podcaster")]),
        staged_item("pl1", 3, None, skip_reason="local_file", artists=[ref(None, "Someone")]),
    )
    expected = spark.createDataFrame(
        [("a1", "Ann", url("a1"), DATE), ("a2", "Bob", url("a2"), DATE), ("a3", "Cy", url("a3"), DATE)],
        ARTIST_SCHEMA,
    )
    assert_df_equality(items.transform(build_artist), expected, ignore_nullable=True, ignore_row_order=True)


def test_a_named_credit_wins_over_a_nameless_one(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[("a1", None, url("a1"))], album_artists=[]),
        staged_item("pl1", 1, "s2", artists=[("a1", "Ann", url("a1"))], album_artists=[]),
    )
    assert [r.artist_name for r in items.transform(build_artist).collect()] == ["Ann"]


def test_a_blank_name_counts_as_missing(spark):
    """Issue 19, case 5: credited as "" on the first song (and its album), by name on the second."""
    blank = ("a1", "", url("a1"))
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[blank], album_artists=[blank]),
        staged_item("pl1", 1, "s2", artists=[("a1", "Ada Placeholder", url("a1"))], album_artists=[]),
        staged_item("pl1", 2, "s3", artists=[("a2", "  ", None)], album_artists=[]),  # only blank versions
    )
    rows = {r.artist_id: (r.artist_name, r.artist_url) for r in items.transform(build_artist).collect()}
    assert rows == {"a1": ("Ada Placeholder", url("a1")), "a2": ("  ", None)}


def test_each_text_column_takes_its_first_non_blank_value(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[("a1", "Ann", None)], album_artists=[]),
        staged_item("pl1", 1, "s2", artists=[("a1", "", url("a1"))], album_artists=[]),
    )
    assert [(r.artist_name, r.artist_url) for r in items.transform(build_artist).collect()] == [
        ("Ann", url("a1"))
    ]


def test_one_row_per_artist_and_date(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", artists=[("a1", "Ann", url("a1"))], album_artists=[]),
        {
            **staged_item("pl1", 0, "s1", artists=[("a1", "Ann B.", url("a1"))], album_artists=[]),
            "snapshot_date": "2026-11-21",
        },
    )
    rows = sorted((r.snapshot_date, r.artist_name) for r in items.transform(build_artist).collect())
    assert rows == [(DATE, "Ann"), ("2026-11-21", "Ann B.")]
