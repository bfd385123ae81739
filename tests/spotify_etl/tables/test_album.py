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
