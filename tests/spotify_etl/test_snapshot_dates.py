"""snapshot_dates: dates, inclusive ranges and `all`, matched with what raw holds."""

from __future__ import annotations

import pytest

from spotify_etl.snapshot_dates import DateSelection, SnapshotDatesError, parse_snapshot_dates

RAW = ["2026-01-30", "2026-01-31", "2026-02-02", "2026-03-01"]  # 2026-02-01 missing: a gap


def test_one_date():
    selection = parse_snapshot_dates("2026-11-20", "--snapshot_dates")
    assert selection == DateSelection(("2026-11-20",))
    assert not selection.needs_raw_listing
    assert selection.resolve() == ("2026-11-20",)


def test_a_named_date_is_kept_even_without_raw_data():
    assert parse_snapshot_dates("2026-11-20", "x").resolve(RAW) == ("2026-11-20",)


def test_a_range_is_inclusive_and_takes_only_the_dates_raw_has():
    selection = parse_snapshot_dates("2026-01-31..2026-02-02", "x")
    assert selection.needs_raw_listing
    assert selection.resolve(RAW) == ("2026-01-31", "2026-02-02")  # the gap is not an error


def test_lists_ranges_and_spaces_mix_and_repeat_harmlessly():
    selection = parse_snapshot_dates(" 2026-03-01 , 2026-01-30..2026-01-30,2026-03-01,", "x")
    assert selection.resolve(RAW) == ("2026-01-30", "2026-03-01")
    assert selection.describe() == "2026-03-01,2026-01-30..2026-01-30"


def test_all_is_every_date_in_raw():
    selection = parse_snapshot_dates("ALL", "x")
    assert selection == DateSelection(everything=True) and selection.describe() == "all"
    assert selection.resolve(RAW) == tuple(RAW)


def test_union_keeps_both():
    union = DateSelection(("2026-11-20",)).union(parse_snapshot_dates("2026-01-30..2026-01-31", "x"))
    assert union.resolve(RAW) == ("2026-01-30", "2026-01-31", "2026-11-20")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        (" , ", "is empty"),
        ("2026-02-30", "'2026-02-30' is not a date in YYYY-MM-DD form"),
        ("2026-11-20..", "'' is not a date"),
        ("20261120", "'20261120' is not a date"),
        ("2026-03-01..2026-01-01", "the range '2026-03-01..2026-01-01' ends before it starts"),
        ("all,2026-11-20", "'all' already means every date in raw"),
    ],
)
def test_what_cannot_be_read_is_refused_naming_the_source(text, message):
    with pytest.raises(SnapshotDatesError, match="from --snapshot_dates") as error:
        parse_snapshot_dates(text, "--snapshot_dates")
    assert message in str(error.value)
