import datetime as dt

import pytest
from chispa import assert_df_equality
from pyspark.sql import functions as F

from spotify_etl.schemas import ALBUM_SCHEMA
from spotify_etl.tables import build_album
from spotify_etl.tables.album import parse_release_date

from ..staged import DATE, items_frame, ref, staged_item


@pytest.mark.parametrize(
    ("release_date", "precision", "expected"),
    [
        ("1987", "year", dt.date(1987, 1, 1)),
        ("2019-03", "month", dt.date(2019, 3, 1)),
        ("2021-11-05", "day", dt.date(2021, 11, 5)),
        ("1999", None, dt.date(1999, 1, 1)),  # precision missing: inferred from the length
        ("2004-07", None, dt.date(2004, 7, 1)),
        ("0000", "year", None),  # Spotify's placeholder for an unknown year
        ("1019", "year", dt.date(1019, 1, 1)),  # before 1582: proleptic Gregorian, as Athena reads it
        ("2024-02-30", "day", None),  # not a calendar date
        ("not a date", "day", None),
        (None, None, None),
    ],
)
def test_parse_release_date(spark, release_date, precision, expected):
    frame = spark.createDataFrame([(release_date, precision)], "d string, p string")
    assert frame.select(parse_release_date(F.col("d"), F.col("p")).alias("r")).first().r == expected


def test_one_row_per_album_from_songs_only(spark):
    items = items_frame(
        spark,
        staged_item(
            "pl1", 0, "s1", album_id="alb1", release=("1987", "year"), album_artists=[ref("a1"), ref("a2")]
        ),
        staged_item(
            "pl2", 0, "s2", album_id="alb1", release=("1987", "year"), album_artists=[ref("a1"), ref("a2")]
        ),
        staged_item("pl1", 1, "s3", album_id="alb2", release=("2019-03", "month"), album_artists=[ref("a3")]),
        staged_item("pl1", 2, "ep1", album_id="albX", skip_reason="episode"),
    )
    expected = spark.createDataFrame(
        [
            (
                "alb1",
                "album-alb1",
                "album",
                dt.date(1987, 1, 1),
                "year",
                10,
                "https://open.spotify.com/album/alb1",
                ["a1", "a2"],
                DATE,
            ),
            (
                "alb2",
                "album-alb2",
                "album",
                dt.date(2019, 3, 1),
                "month",
                10,
                "https://open.spotify.com/album/alb2",
                ["a3"],
                DATE,
            ),
        ],
        ALBUM_SCHEMA,
    )
    assert_df_equality(items.transform(build_album), expected, ignore_nullable=True, ignore_row_order=True)


def test_the_same_album_seen_twice_keeps_the_first_in_playlist_order(spark):
    items = items_frame(
        spark,
        staged_item("pl2", 0, "s2", album_id="alb1", album_name="later"),
        staged_item("pl1", 5, "s1", album_id="alb1", album_name="first"),
    )
    assert [r.album_name for r in items.transform(build_album).collect()] == ["first"]


def test_a_blank_album_name_and_empty_artists_count_as_missing(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", album_id="alb1", album_name="", album_artists=[]),
        staged_item("pl1", 1, "s2", album_id="alb1", album_name="Real", album_artists=[ref("a1")]),
    )
    row = items.transform(build_album).first()
    assert (row.album_name, row.artist_ids) == ("Real", ["a1"])


def test_release_date_and_precision_come_from_the_same_version(spark):
    """A version without a release date gives way to the next one, precision and all."""
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1", album_id="alb1", release=(None, "day")),
        staged_item("pl1", 1, "s2", album_id="alb1", release=("1987", "year")),
    )
    row = items.transform(build_album).first()
    assert (row.release_date, row.release_date_precision) == (dt.date(1987, 1, 1), "year")


def test_album_artists_are_a_set_in_order(spark):
    items = items_frame(
        spark, staged_item("pl1", 0, "s1", album_id="alb1", album_artists=[ref("a2"), ref("a1"), ref("a2")])
    )
    assert items.transform(build_album).first().artist_ids == ["a2", "a1"]
