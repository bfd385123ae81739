import datetime as dt
import json

import pytest
from chispa import assert_df_equality

from spotify_etl.envelopes import (
    explode_envelopes,
    mark_latest_extraction,
    one_row_per_line,
    parse_envelopes,
    stage_playlists,
)
from spotify_etl.schemas import RAW_LINE_SCHEMA, STAGED_PLAYLIST_SCHEMA

from .api_objects import envelope

DATE = "2026-11-20"
SOURCE = f"file:/lake/raw/snapshot_date={DATE}/f.jsonl.gz"


def lines(spark, *texts, read_error=None, source=SOURCE):
    rows = [(source, number, text, read_error) for number, text in enumerate(texts, start=1)]
    return spark.createDataFrame(rows, RAW_LINE_SCHEMA)


def reason_of(spark, value) -> str | None:
    text = value if isinstance(value, str) else json.dumps(value)
    return lines(spark, text).transform(parse_envelopes).first().invalid_reason


def without(key):
    doc = envelope("pl1", [])
    del doc[key]
    return doc


def test_valid_envelope_is_parsed(spark):
    row = lines(spark, json.dumps(envelope("pl1", [{"a": 1}, None]))).transform(parse_envelopes).first()
    assert row.invalid_reason is None
    assert row.playlist.id == "pl1" and row.playlist.owner_id == "user1"
    assert row.items == ['{"a":1}', None]
    assert row.extracted_at == dt.datetime(2026, 11, 20, 6, 0, 1)
    assert row.run_id == "20261120T060000Z-aaaaaaaa"
    assert row.snapshot_date == DATE  # the date of the line's folder


def test_each_line_gets_the_date_of_its_own_folder(spark):
    other = "file:/lake/raw/snapshot_date=2026-11-19/g.jsonl.gz"
    rows = (
        lines(spark, json.dumps(envelope("pl1", [])))
        .unionByName(lines(spark, json.dumps(envelope("pl1", [], snapshot_date="2026-11-19")), source=other))
        .transform(parse_envelopes)
        .collect()
    )
    assert sorted((r.snapshot_date, r.invalid_reason) for r in rows) == [("2026-11-19", None), (DATE, None)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json at all", "line is not valid JSON or not a JSON object"),
        ("[1, 2]", "line is not valid JSON or not a JSON object"),
        (without("schema_version"), "missing field schema_version"),
        ({**envelope("pl1", []), "schema_version": 2}, "unknown schema_version 2: these jobs read version 1"),
        (without("playlist"), "missing field playlist"),
        ({**envelope("pl1", []), "playlist": {"name": "no id"}}, "missing field playlist.id"),
        (without("items"), "missing field items"),
        ({**envelope("pl1", []), "items": {"0": {}}}, "items is not an array"),
        (
            {**envelope("pl1", []), "playlist": {"id": "p", "public": "yes"}},
            "playlist has a field of the wrong type",
        ),
        (without("run_id"), "missing field run_id"),
        ({**envelope("pl1", []), "extracted_at": "yesterday"}, "missing or unreadable extracted_at"),
        (
            envelope("pl1", [], snapshot_date="2026-11-19"),
            "snapshot_date 2026-11-19 in the line differs from its folder snapshot_date=2026-11-20",
        ),
    ],
)
def test_each_invalid_line_gets_its_reason(spark, line, reason):
    assert reason_of(spark, line).startswith(reason)


def test_read_error_is_the_reason(spark):
    row = lines(spark, '{"a"', read_error="truncated gzip file").transform(parse_envelopes).first()
    assert row.invalid_reason == "truncated gzip file"


def test_latest_extraction_per_playlist_wins(spark):
    early = envelope("pl1", [], run_id="20261120T060000Z-aaaaaaaa", extracted_at="2026-11-20T06:00:00Z")
    late = envelope("pl1", [], run_id="20261120T120000Z-bbbbbbbb", extracted_at="2026-11-20T12:00:00Z")
    other = envelope("pl2", [], run_id="20261120T060000Z-aaaaaaaa", extracted_at="2026-11-20T06:00:00Z")
    parsed = lines(spark, *(json.dumps(e) for e in (late, early, other))).transform(parse_envelopes)
    kept = {
        (r.playlist.id, r.run_id)
        for r in parsed.transform(mark_latest_extraction).filter("is_latest").collect()
    }
    assert kept == {("pl1", "20261120T120000Z-bbbbbbbb"), ("pl2", "20261120T060000Z-aaaaaaaa")}


def test_the_latest_extraction_is_chosen_per_date(spark):
    """The same playlist on two dates: each date keeps its own (latest) extraction."""
    other = "file:/lake/raw/snapshot_date=2026-11-19/g.jsonl.gz"
    day1 = envelope("pl1", [], snapshot_date="2026-11-19", extracted_at="2026-11-19T06:00:00Z")
    day2 = envelope("pl1", [], extracted_at="2026-11-20T06:00:00Z")
    parsed = (
        lines(spark, json.dumps(day2))
        .unionByName(lines(spark, json.dumps(day1), source=other))
        .transform(parse_envelopes)
        .transform(mark_latest_extraction)
    )
    assert sorted(r.snapshot_date for r in parsed.filter("is_latest").collect()) == ["2026-11-19", DATE]


def test_same_extraction_twice_keeps_exactly_one(spark):
    same = json.dumps(envelope("pl1", []))
    parsed = lines(spark, same, same).transform(parse_envelopes).transform(mark_latest_extraction)
    assert [r.line_number for r in parsed.filter("is_latest").collect()] == [2]


def test_stage_playlists(spark):
    parsed = (
        lines(spark, json.dumps(envelope("pl1", [{}, {}, {}], name="Morning")))
        .transform(parse_envelopes)
        .transform(explode_envelopes)
        .transform(one_row_per_line)
    )
    expected = spark.createDataFrame(
        [
            (
                "pl1",
                "Morning",
                "user1",
                f"snap-pl1-{DATE}",
                3,
                "20261120T060000Z-aaaaaaaa",
                dt.datetime(2026, 11, 20, 6, 0, 1),
                SOURCE,
                DATE,
            )
        ],
        STAGED_PLAYLIST_SCHEMA,
    )
    assert_df_equality(parsed.transform(stage_playlists), expected, ignore_nullable=True)


def test_explode_envelopes_keeps_every_line_countable(spark):
    valid = json.dumps(envelope("pl1", [{"a": 1}, {"b": 2}]))
    empty = json.dumps(envelope("pl2", []))
    exploded = lines(spark, valid, empty, "not json").transform(parse_envelopes).transform(explode_envelopes)
    rows = sorted(
        (r.line_number, r.position, r.item_text, r.item_count, r.line is None) for r in exploded.collect()
    )
    assert rows == [
        (1, 0, '{"a":1}', 2, True),  # valid lines keep no copy of their text
        (1, 1, '{"b":2}', None, True),  # the line's metadata is on its first row only
        (2, None, None, 0, True),  # a playlist without items is still one line
        (3, None, None, None, False),  # an invalid line keeps its text for the quarantine
    ]
    assert [r.line_number for r in exploded.transform(one_row_per_line).orderBy("line_number").collect()] == [
        1,
        2,
        3,
    ]
