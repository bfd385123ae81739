"""Charts: the data they plot (checked by hand on the fixture lake) and non-empty PNG files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spotify_etl.analysis.charts import (
    chart_movement_data,
    pick_playlist,
    plot_chart_movement,
    plot_top_artists,
    top_artists_bars,
)
from spotify_etl.analysis.local_runner import run_local
from spotify_etl.analysis.queries import load_query

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def top_artists(catalog: str) -> pd.DataFrame:
    return run_local(load_query("top_artists").sql, catalog)


@pytest.fixture(scope="module")
def history(catalog: str) -> pd.DataFrame:
    return run_local(load_query("position_history").sql, catalog)


def test_top_artists_bars(top_artists: pd.DataFrame) -> None:
    # The top_artists answer (test_local_runner): Alice 4, Bob 3, Cleo 2, Dan 1 songs.
    assert top_artists_bars(top_artists) == [("Alice", 4), ("Bob", 3), ("Cleo", 2), ("Dan", 1)]
    assert top_artists_bars(top_artists, top=2) == [("Alice", 4), ("Bob", 3)]


def test_chart_movement_picks_the_playlist_with_the_longest_history(history: pd.DataFrame) -> None:
    # Indie Morning has 3 snapshot dates, Late Night 2.
    movement = chart_movement_data(history)
    assert movement is not None
    assert movement.playlist_name == "Indie Morning"
    assert movement.dates == ["2026-11-18", "2026-11-19", "2026-11-20"]
    # Duet went #2, #2, #1; Sunrise #1, #1, #2; Newcomer entered at #3 on the last date.
    assert movement.series == {"1. Duet": [2, 2, 1], "2. Sunrise": [1, 1, 2], "3. Newcomer": [None, None, 3]}


def test_chart_movement_for_a_named_playlist(history: pd.DataFrame) -> None:
    movement = chart_movement_data(history, playlist="Late Night", top=2)
    assert movement is not None
    assert movement.dates == ["2026-11-19", "2026-11-20"]
    assert movement.series == {"1. Together": [2, 1], "2. Night Drive": [1, 2]}
    assert pick_playlist(history, "P2") == "P2"
    with pytest.raises(ValueError, match="no playlist"):
        pick_playlist(history, "Nope")


def test_pngs_are_written(tmp_path: Path, top_artists: pd.DataFrame, history: pd.DataFrame) -> None:
    for path in (
        plot_top_artists(top_artists, str(tmp_path / "charts" / "top_artists.png")),
        plot_chart_movement(history, str(tmp_path / "charts" / "chart_movement.png")),
    ):
        data = Path(path).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5000


def test_empty_results_still_give_a_chart(tmp_path: Path) -> None:
    empty_history = pd.DataFrame(
        columns=["playlist_id", "playlist_name", "current_rank", "song_name", "snapshot_date", "song_rank"]
    )
    assert chart_movement_data(empty_history) is None
    for path in (
        plot_top_artists(pd.DataFrame(columns=["artist_name", "songs"]), str(tmp_path / "a.png")),
        plot_chart_movement(empty_history, str(tmp_path / "b.png")),
    ):
        assert Path(path).read_bytes().startswith(PNG_MAGIC)
