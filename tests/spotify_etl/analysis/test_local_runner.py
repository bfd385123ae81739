"""Every query on the fixture lake (conftest.py), against answers worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from spotify_etl.analysis.as_of import query_text
from spotify_etl.analysis.local_runner import run_local
from spotify_etl.analysis.queries import load_query, query_names

D1, D2, D3 = "2026-11-18", "2026-11-19", "2026-11-20"


def rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The result as plain tuples, nulls (None, NaN, NA) as None, numpy scalars as Python ones."""

    def plain(value: Any) -> Any:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False)]


def run(name: str, catalog: str, snapshot_date: str | None = None) -> pd.DataFrame:
    return run_local(query_text(load_query(name).sql, snapshot_date), catalog)


@pytest.mark.parametrize("name", query_names())
def test_every_query_runs_on_the_local_lake(name: str, catalog: str) -> None:
    assert not run(name, catalog).empty


def test_top_artists(catalog: str) -> None:
    # D3 entries, every credited artist: P1 = S2 [A1,A2] #1 pop 50, S1 [A1] #2, S5 [A4,A3] #3;
    # P2 = S4 [A2,A1] #1 pop 70, S3 [A3] #2, S2 [A1,A2] #3 pop 50.
    # Alice: S2, S1, S4, S2 = 4 entries, 3 songs, 2 playlists, best #1, popularity (50+70+50)/3 = 56.7
    # Bob: S2, S4, S2 = 3 entries, 2 songs, 2 playlists, best #1, (50+70+50)/3 = 56.7
    # Cleo: S5 (second credit), S3 = 2, 2, 2, best #2, no popularity known -> null
    # Dan: S5 = 1, 1, 1, best #3, null
    result = run("top_artists", catalog)
    assert list(result.columns) == [
        "artist_name",
        "songs",
        "distinct_songs",
        "playlists",
        "best_rank",
        "avg_popularity",
    ]
    assert rows(result) == [
        ("Alice", 4, 3, 2, 1, 56.7),
        ("Bob", 3, 2, 2, 1, 56.7),
        ("Cleo", 2, 2, 2, 2, None),
        ("Dan", 1, 1, 1, 3, None),
    ]


def test_chart_movers(catalog: str) -> None:
    # P1 D2: Sunrise #1, Duet #2, Goodbye #3 -> D3: Duet #1 (2-1 = +1), Sunrise #2 (1-2 = -1), Newcomer NEW.
    # P2 D2: Night Drive #1, Together #2 -> D3: Together #1 (+1), Night Drive #2 (-1), Duet NEW.
    # artist_name is the first credited artist (song.artist_id): Together is credited [Bob, Alice].
    assert rows(run("chart_movers", catalog)) == [
        ("Indie Morning", 1, "Duet", "Alice", 2, 1, "+1"),
        ("Indie Morning", 2, "Sunrise", "Alice", 1, -1, "-1"),
        ("Indie Morning", 3, "Newcomer", "Dan", None, None, "NEW"),
        ("Late Night", 1, "Together", "Bob", 2, 1, "+1"),
        ("Late Night", 2, "Night Drive", "Cleo", 1, -1, "-1"),
        ("Late Night", 3, "Duet", "Alice", None, None, "NEW"),
    ]


def test_chart_movers_pinned_to_the_middle_date(catalog: str) -> None:
    # As of D2 (previous D1): P1 did not change (all '='); P2 was not extracted on D1 (all NEW).
    assert rows(run("chart_movers", catalog, D2)) == [
        ("Indie Morning", 1, "Sunrise", "Alice", 1, 0, "="),
        ("Indie Morning", 2, "Duet", "Alice", 2, 0, "="),
        ("Indie Morning", 3, "Goodbye", "Cleo", 3, 0, "="),
        ("Late Night", 1, "Night Drive", "Cleo", None, None, "NEW"),
        ("Late Night", 2, "Together", "Bob", None, None, "NEW"),
    ]


def test_chart_movers_with_no_previous_snapshot(catalog: str) -> None:
    # As of D1 there is nothing before: every song is NEW.
    assert {row[-1] for row in rows(run("chart_movers", catalog, D1))} == {"NEW"}


def test_new_entries_and_dropouts(catalog: str) -> None:
    # P1: Newcomer entered at #3 on D3; Goodbye (#3 on D2) dropped. P2: Duet entered at #3.
    # Entered rows first within a playlist ('entered' sorts after 'dropped', order is DESC).
    assert rows(run("new_entries_and_dropouts", catalog)) == [
        ("Indie Morning", "entered", 3, "Newcomer", "Dan", D3),
        ("Indie Morning", "dropped", 3, "Goodbye", "Cleo", D2),
        ("Late Night", "entered", 3, "Duet", "Alice", D3),
    ]


def test_new_entries_compare_only_playlists_in_both_snapshots(catalog: str) -> None:
    # As of D2: P1 is unchanged since D1, P2 was not extracted on D1 (its songs did not "enter").
    assert rows(run("new_entries_and_dropouts", catalog, D2)) == []


def test_longevity(catalog: str) -> None:
    # Distinct dates per (playlist, song): P1 Sunrise & Duet D1-D3 = 3 (best #1 each), Goodbye
    # D1-D2 = 2 (gone now, best #3), Newcomer D3 = 1; P2 Night Drive & Together D2-D3 = 2 (best #1),
    # Duet D3 = 1. Ordered by days desc, playlist, best rank, song name.
    assert rows(run("longevity", catalog)) == [
        ("Indie Morning", "Duet", 3, D1, D3, True, 1),
        ("Indie Morning", "Sunrise", 3, D1, D3, True, 1),
        ("Indie Morning", "Goodbye", 2, D1, D2, False, 3),
        ("Late Night", "Night Drive", 2, D2, D3, True, 1),
        ("Late Night", "Together", 2, D2, D3, True, 1),
        ("Indie Morning", "Newcomer", 1, D3, D3, True, 3),
        ("Late Night", "Duet", 1, D3, D3, True, 3),
    ]


def test_longevity_pinned_ignores_later_snapshots(catalog: str) -> None:
    # As of D2: Goodbye is still there (on_latest), Newcomer and P2's Duet do not exist yet.
    result = rows(run("longevity", catalog, D2))
    assert ("Indie Morning", "Goodbye", 2, D1, D2, True, 3) in result
    assert len(result) == 5


def test_release_decades(catalog: str) -> None:
    # D3 albums: AL1 1994 -> 1990s, AL2 2000-01-01 -> 2000s (boundary), AL3 2019 -> 2010s,
    # AL4 no date -> unknown. D3 songs (5 distinct): S1 (AL1), S2 (AL2), S3 & S4 (AL3), S5 (AL4).
    assert rows(run("release_decades", catalog)) == [
        ("1990s", 1, 1, 20.0),
        ("2000s", 1, 1, 20.0),
        ("2010s", 1, 2, 40.0),
        ("unknown", 1, 1, 20.0),
    ]


def test_playlist_profile(catalog: str) -> None:
    # P1 D3: 4 items (one episode), songs Duet (explicit, 180000, pop 50), Sunrise (200000),
    #   Newcomer (150000): explicit 1/3 = 33.3 %, 530000/3 ms = 2.944 min -> 2.94, popularity 50.0.
    # P2 D3: Together (explicit, 210000, pop 70), Night Drive (240000), Duet (explicit, 180000, 50):
    #   2/3 = 66.7 %, 630000/3 ms = 3.5 min, popularity (70+50)/2 = 60.0.
    assert rows(run("playlist_profile", catalog)) == [
        ("Indie Morning", 4, 3, 33.3, 2.94, 50.0),
        ("Late Night", 3, 3, 66.7, 3.5, 60.0),
    ]


def test_playlist_profile_with_unknown_explicit_and_popularity(catalog: str) -> None:
    # As of D2: P1's Goodbye has explicit null -> 1 explicit (Duet) of 2 known = 50.0 %;
    # (200000+180000+300000)/3 ms = 3.78 min; no popularity at all on D2 -> null, not 0.
    assert rows(run("playlist_profile", catalog, D2)) == [
        ("Indie Morning", 3, 3, 50.0, 3.78, None),
        ("Late Night", 2, 2, 50.0, 3.75, None),
    ]


def test_collaborations(catalog: str) -> None:
    # D3 songs with several artists: Duet [A1,A2] on P1 and P2, Together [A2,A1] on P2 -> the
    # unordered pair Alice & Bob: 2 songs, 3 entries, 2 playlists; Newcomer [A4,A3] on P1 -> Cleo & Dan.
    assert rows(run("collaborations", catalog)) == [
        ("Alice & Bob", 2, 3, 2, "Duet; Together"),
        ("Cleo & Dan", 1, 1, 1, "Newcomer"),
    ]


def test_position_history(catalog: str) -> None:
    # The D3 top songs of each playlist with their rank on every date they were there.
    assert rows(run("position_history", catalog)) == [
        ("P1", "Indie Morning", 1, "Duet", D1, 2),
        ("P1", "Indie Morning", 1, "Duet", D2, 2),
        ("P1", "Indie Morning", 1, "Duet", D3, 1),
        ("P1", "Indie Morning", 2, "Sunrise", D1, 1),
        ("P1", "Indie Morning", 2, "Sunrise", D2, 1),
        ("P1", "Indie Morning", 2, "Sunrise", D3, 2),
        ("P1", "Indie Morning", 3, "Newcomer", D3, 3),
        ("P2", "Late Night", 1, "Together", D2, 2),
        ("P2", "Late Night", 1, "Together", D3, 1),
        ("P2", "Late Night", 2, "Night Drive", D2, 1),
        ("P2", "Late Night", 2, "Night Drive", D3, 2),
        ("P2", "Late Night", 3, "Duet", D3, 3),
    ]


def test_a_date_without_a_snapshot_gives_empty_results(catalog: str) -> None:
    assert run("top_artists", catalog, "2026-11-21").empty


def test_queries_run_on_an_empty_lake(tmp_path: Any) -> None:
    """Before the first run every view is an empty stand-in: no query fails, all return no rows."""
    from spotify_etl.catalog.local_catalog import register_tables

    catalog = register_tables(str(tmp_path / "lake"))
    for name in query_names():
        assert run(name, catalog).empty, name


def test_missing_catalog_says_how_to_make_one(tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError, match="register"):
        run_local("SELECT 1", str(tmp_path / "catalog.duckdb"))
