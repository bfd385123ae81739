"""Inputs from public bug reports that used to lose a day or a value (issue 19), through the jobs as
``spotify-etl transform`` runs them (one pass over the history lake, default 2g driver, ANSI on).
Every expected value is worked out by hand from history.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq

from spotify_etl.analysis.as_of import query_text
from spotify_etl.analysis.local_runner import run_local
from spotify_etl.analysis.queries import load_query
from spotify_etl.lake_layout import local_catalog_path, quarantine_path

from .history import BAD_POSITION_P1, BIG_P3, CASES_DAY, CUT_DAY, EMPTY_DAY, NEXT_DAY

NORMALIZE, BUILD = "normalize_items", "build_tables"


def rows(lake: Path, table: str, snapshot_date: str) -> list[dict]:
    folder = lake / "curated" / table / f"snapshot_date={snapshot_date}"
    return [row for path in sorted(folder.glob("*.parquet")) for row in pq.read_table(path).to_pylist()]


def quarantined(lake: Path, snapshot_date: str) -> list[dict]:
    folder = Path(quarantine_path(str(lake), snapshot_date))
    return [
        json.loads(line) for path in sorted(folder.glob("*.json")) for line in path.read_text().splitlines()
    ]


def query(history, name: str, snapshot_date: str) -> list[tuple]:
    frame = run_local(query_text(load_query(name).sql, snapshot_date), local_catalog_path(str(history.lake)))
    return [tuple(row) for row in frame.itertuples(index=False)]


# Case 1: a bad item in a big playlist -------------------------------------------------------------


def test_a_bad_item_in_a_big_playlist_is_quarantined_and_the_rest_published(history):
    report, built = history.report(NORMALIZE, NEXT_DAY), history.report(BUILD, NEXT_DAY)
    # P0 2 + P1 1,000 + P2 2 + P3 10,000 items; P4's line claims another date
    assert report["items_read"] == 2 + 1_000 + 2 + BIG_P3
    assert report["quarantined"] == {"item": 2, "line": 1}
    assert report["items_staged"] == report["items_read"] - 2 and report["items_reconciled"] is True
    assert {Path(p).name for p in report["files_read_thorough"]} == {
        history.files["case1"].name,
        history.files["case1-big"].name,
    }
    songs = rows(history.lake, "song", NEXT_DAY)
    by_playlist = {
        pid: [r["position"] for r in songs if r["playlist_id"] == pid] for pid in ("P1", "P2", "P3")
    }
    assert len(by_playlist["P1"]) + len(by_playlist["P2"]) == 1_001  # the case
    assert BAD_POSITION_P1 not in by_playlist["P1"] and by_playlist["P1"][-1] == 999
    assert by_playlist["P3"] == list(range(BIG_P3 - 1))  # 10,000 items, the last one bad
    assert (
        built["published"] and built["reconciliation"]["holds"] and built["rows"]["song"] == 2 + 1_001 + 9_999
    )


def test_each_bad_item_and_line_is_quarantined_with_its_field_or_reason(history):
    records = {(r["level"], r["playlist_id"], r["position"]): r for r in quarantined(history.lake, NEXT_DAY)}
    assert set(records) == {("item", "P1", BAD_POSITION_P1), ("item", "P3", BIG_P3 - 1), ("line", "P4", None)}
    for key in (("item", "P1", BAD_POSITION_P1), ("item", "P3", BIG_P3 - 1)):
        assert records[key]["reason"] == (
            'item has a field of the wrong type: item.item.duration_ms: expected integer, got string "215000"'
        )
        assert json.loads(records[key]["payload"])["item"]["duration_ms"] == "215000"
    line = records[("line", "P4", None)]
    assert (
        line["reason"]
        == "snapshot_date 2026-03-16 in the line differs from its folder snapshot_date=2026-03-15"
    )
    assert len(json.loads(line["payload"])["items"]) == 2_000  # the whole line: nothing lost


# Case 2: a truncated gzip file --------------------------------------------------------------------


def test_a_truncated_file_keeps_its_complete_lines(history):
    report = history.report(NORMALIZE, CUT_DAY)
    assert [Path(p).name for p in report["files_read_thorough"]] == [history.files["cut"].name]
    assert (report["lines_read"], report["lines_valid"], report["quarantined"]) == (3, 2, {"line": 1})
    songs = rows(history.lake, "song", CUT_DAY)
    assert sorted({r["playlist_id"] for r in songs}) == ["P1", "P3"] and len(songs) == 10 + 3
    (record,) = quarantined(history.lake, CUT_DAY)
    assert Path(record["source_file"]).name == history.files["cut"].name and record["line_number"] == 2
    assert record["reason"].startswith("truncated gzip file") and record["reason"].endswith("line cut short")
    assert record["payload"].startswith('{"schema_version": 1') and '"id": "P2"' in record["payload"]


# Case 3: a day of empty playlists -------------------------------------------------------------------


def test_a_day_of_empty_playlists_is_published(history):
    built = history.report(BUILD, EMPTY_DAY)
    assert built["published"] is True
    assert built["rows"] == {"album": 0, "artist": 0, "song": 0, "playlist": 1}
    (playlist,) = rows(history.lake, "playlist", EMPTY_DAY)
    assert (
        playlist["playlist_id"],
        playlist["playlist_name"],
        playlist["item_count"],
        playlist["song_count"],
    ) == (
        "P0",
        "",
        0,
        0,
    )
    assert all(rows(history.lake, table, EMPTY_DAY) == [] for table in ("album", "artist", "song"))
    assert history.report(NORMALIZE, EMPTY_DAY)["status"] == "staged"


def test_the_day_after_an_empty_day_lists_its_songs_as_entered(history):
    entered = query(history, "new_entries_and_dropouts", NEXT_DAY)
    assert [(r[1], r[2], r[3], r[4]) for r in entered] == [
        ("entered", 1, "p0- 0", "Artist 0"),
        ("entered", 2, "p0- 1", "Artist 1"),
    ]


# Cases 4 to 7: one value each -----------------------------------------------------------------------


def test_an_album_released_before_1582_is_published_as_it_is(history):
    albums = {r["album_id"]: r for r in rows(history.lake, "album", CASES_DAY)}
    assert albums["alOld"]["release_date"] == dt.date(1019, 1, 1)  # proleptic Gregorian, as Athena reads it
    assert albums["alNew"]["release_date"] == dt.date(2019, 3, 1)
    assert history.report(BUILD, CASES_DAY)["published"] is True


def test_an_empty_artist_name_does_not_win_over_the_real_one(history):
    artists = {r["artist_id"]: r["artist_name"] for r in rows(history.lake, "artist", CASES_DAY)}
    assert artists == {"arA": "Ada Placeholder", "arB": "Bea", "arX": "Xavi", "arY": "Yoko"}
    top = query(history, "top_artists", CASES_DAY)
    assert [(r[0], r[1], r[4]) for r in top] == [("Ada Placeholder", 2, 1), ("Yoko", 2, 4), ("Xavi", 1, 3)]


def test_a_doubled_credit_counts_once(history):
    songs = {r["song_id"]: r for r in rows(history.lake, "song", CASES_DAY)}
    assert (songs["s3"]["artist_id"], songs["s3"]["artist_ids"]) == ("arX", ["arX"])
    # top_artists above: Xavi on 1 song, behind Ada and Yoko with 2 each


def test_the_1970_added_at_placeholder_is_unknown_and_counted(history):
    songs = {r["song_id"]: r for r in rows(history.lake, "song", CASES_DAY)}
    assert songs["s5"]["added_at"] is None
    assert songs["s4"]["added_at"] == dt.datetime(2026, 11, 1, 10, 0)
    report = history.report(NORMALIZE, CASES_DAY)
    assert (report["added_at_placeholders"], report["envelopes_superseded"]) == (1, 1)
