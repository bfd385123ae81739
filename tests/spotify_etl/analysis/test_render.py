"""Plain-text tables: aligned columns, visible nulls, no silent truncation."""

from __future__ import annotations

import pandas as pd

from spotify_etl.analysis.render import format_table, format_value


def test_table_is_aligned_with_title_and_nulls() -> None:
    frame = pd.DataFrame(
        {
            "artist_name": ["Alice", "Bo"],
            "songs": [4, 12],
            "avg_popularity": [56.7, float("nan")],
            "new": [True, False],
        }
    )
    text = format_table(frame, title="top_artists: Top artists")
    assert text.splitlines() == [
        "top_artists: Top artists",
        "========================",
        "artist_name  songs  avg_popularity  new",
        "-----------  -----  --------------  -----",
        "Alice            4            56.7  true",
        "Bo              12               -  false",
    ]


def test_rows_beyond_max_rows_are_counted_not_dropped() -> None:
    frame = pd.DataFrame({"n": range(5)})
    lines = format_table(frame, max_rows=2).splitlines()
    assert lines[-1] == "… 3 more rows"
    assert len(lines) == 2 + 2 + 1


def test_empty_result_says_so() -> None:
    assert format_table(pd.DataFrame({"a": [], "b": []})).splitlines() == ["a  b", "(no rows)"]


def test_long_cells_are_cut() -> None:
    assert format_table(pd.DataFrame({"s": ["x" * 50]}), max_width=10).splitlines()[-1] == "x" * 9 + "…"


def test_values() -> None:
    assert [format_value(v) for v in (None, pd.NA, float("nan"), 20.0, 2.94, 1 / 3, "a", 3)] == [
        "-",
        "-",
        "-",
        "20.0",
        "2.94",
        "0.333333",
        "a",
        "3",
    ]
