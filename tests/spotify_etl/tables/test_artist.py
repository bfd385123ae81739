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
