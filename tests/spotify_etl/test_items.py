import datetime as dt
import json

from chispa import assert_df_equality
from pyspark.sql import functions as F

from spotify_etl.envelopes import explode_envelopes, one_row_per_line, parse_envelopes
from spotify_etl.items import flatten_items, items_of, normalize_items, parse_items
from spotify_etl.schemas import RAW_LINE_SCHEMA, STAGED_ITEM_SCHEMA

from .api_objects import album, artist, envelope, episode, item, local_track, track

DATE = "2026-11-20"
SOURCE = f"file:/lake/raw/snapshot_date={DATE}/f.jsonl.gz"
RUN = "20261120T060000Z-aaaaaaaa"
ANN, BOB = artist("art1", "Ann"), artist("art2", "Bob")
ALBUM = album("alb1", "First", [BOB], "1987", "year", "compilation", 12)


def parsed_items_of(spark, *playlist_items):
    line = json.dumps(envelope("pl1", list(playlist_items)))
    raw = spark.createDataFrame([(SOURCE, 1, line, None)], RAW_LINE_SCHEMA)
    exploded = raw.transform(parse_envelopes).transform(explode_envelopes).transform(parse_items)
    return exploded.transform(items_of, exploded.transform(one_row_per_line))


def refs(*pairs):
    return [(i, n, f"https://open.spotify.com/artist/{i}") for i, n in pairs]


def test_both_item_shapes_become_the_same_row(spark):
    song = track(
        "trk1", "One", [ANN, BOB], ALBUM, duration_ms=201000, explicit=True, popularity=None, isrc="ISRC1"
    )
    parsed = parsed_items_of(spark, item(song, shape="item"), item(song, shape="track"))
    staged = parsed.transform(normalize_items)
    row = (
        "trk1",
        "One",
        201000,
        True,
        None,
        "ISRC1",
        "https://open.spotify.com/track/trk1",
        "alb1",
        "First",
        "compilation",
        "1987",
        "year",
        12,
        "https://open.spotify.com/album/alb1",
        refs(("art2", "Bob")),
        refs(("art1", "Ann"), ("art2", "Bob")),
        RUN,
        DATE,
    )
    added = dt.datetime(2026, 11, 1, 10, 0)
    expected = spark.createDataFrame(
        [("pl1", 0, None, added, "user1", *row), ("pl1", 1, None, added, "user1", *row)], STAGED_ITEM_SCHEMA
    )
    assert_df_equality(staged, expected, ignore_nullable=True)


def test_skip_reasons(spark):
    song = track("trk1", "One", [ANN], ALBUM)
    podcast = {**episode("ep1", "Talk"), "type": "episode"}
    audiobook = {**track("ch1", "Chapter", [ANN], ALBUM), "type": "chapter"}
    parsed = parsed_items_of(
        spark, item(song), item(None), item(podcast), item(local_track("Demo")), item(audiobook)
    )
    reasons = [r.skip_reason for r in parsed.transform(normalize_items).orderBy("position").collect()]
    assert reasons == [None, "null_item", "episode", "local_file", "unsupported_type"]


def test_track_field_null_with_item_field_set_reads_item(spark):
    song = track("trk1", "One", [ANN], ALBUM)
    parsed = parsed_items_of(spark, {"added_at": None, "item": song, "track": None})
    row = parsed.transform(normalize_items).first()
    assert (row.song_id, row.skip_reason, row.added_at) == ("trk1", None, None)


def test_the_1970_placeholder_added_at_is_unknown_and_flagged(spark):
    """Spotify's placeholder for items of its generated and very old playlists: the Unix epoch."""
    song = track("trk1", "One", [ANN], ALBUM)
    placeholder = {**item(song, added_at="1970-01-01T00:00:00Z"), "added_by": None}
    parsed = parsed_items_of(
        spark,
        placeholder,
        item(song, added_at="1970-01-01T00:00:01Z"),  # a second later: a real (odd) time
        item(song, added_at="not a time"),
        item(song, added_at="2026-11-01T10:00:00Z"),
    )
    rows = parsed.transform(flatten_items).orderBy("position").collect()
    assert [r.added_at_placeholder for r in rows] == [True, False, False, False]
    staged = parsed.transform(normalize_items).orderBy("position").collect()
    assert [r.added_at for r in staged] == [
        None,
        dt.datetime(1970, 1, 1, 0, 0, 1),
        None,
        dt.datetime(2026, 11, 1, 10, 0),
    ]


def test_missing_external_urls_are_built_from_ids(spark):
    song = track("trk1", "One", [ANN], ALBUM)
    song["external_urls"] = {}
    song["artists"] = [{"id": "art1", "name": "Ann"}]
    row = parsed_items_of(spark, item(song)).transform(normalize_items).first()
    assert row.song_url == "https://open.spotify.com/track/trk1"
    assert row.artists[0].artist_url == "https://open.spotify.com/artist/art1"


def test_wrongly_typed_items_are_marked_not_dropped(spark):
    song = track("trk1", "One", [ANN], ALBUM)
    bad = item({**song, "duration_ms": "201000"})
    parsed = parsed_items_of(spark, item(song), bad, None, 5)
    reasons = parsed.orderBy("position").select("position", "invalid_reason").collect()
    assert [(r.position, r.invalid_reason) for r in reasons] == [
        (0, None),
        (1, "item has a field of the wrong type"),
        (2, "item is null, not a playlist item object"),
        (3, "item has a field of the wrong type"),
    ]
    assert parsed.filter(F.col("invalid_reason").isNull()).count() == 1


def test_items_of_keeps_only_the_given_lines_items(spark):
    song = track("trk1", "One", [ANN], ALBUM)
    texts = [json.dumps(envelope(pid, [item(song)] * n)) for pid, n in (("pl1", 2), ("pl2", 3))]
    raw = spark.createDataFrame([(SOURCE, i, t, None) for i, t in enumerate(texts, 1)], RAW_LINE_SCHEMA)
    exploded = raw.transform(parse_envelopes).transform(explode_envelopes).transform(parse_items)
    second_line = exploded.transform(one_row_per_line).filter("line_number = 2")
    rows = exploded.transform(items_of, second_line).collect()
    assert sorted((r.playlist_id, r.position) for r in rows) == [("pl2", 0), ("pl2", 1), ("pl2", 2)]
