"""The benchmark's baselines (bench/baselines/): the same three tables as the Glue jobs, the same
skip rules, and the row counts the generator worked out. No Spark here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from .handmade_day import DATE, EPISODE, EXPECTED_KEY, LOCAL, TABLES, TRACK, item, write_day


def rows(out: Path, table: str) -> int:
    files = sorted((out / table / f"snapshot_date={DATE}").glob("*.parquet"))
    assert len(files) == 1, files  # one file per table partition
    return pq.read_metadata(files[0]).num_rows


@pytest.fixture(scope="module", params=["pandas", "duckdb"])
def baseline(request, pandas_baseline, duckdb_baseline):
    return request.param, {"pandas": pandas_baseline, "duckdb": duckdb_baseline}[request.param]


def test_row_counts_equal_the_generated_counts(baseline, generated_day, tmp_path):
    name, module = baseline
    raw, expected = generated_day
    report = module.transform(str(raw), str(tmp_path), DATE)
    for table in TABLES:
        assert rows(tmp_path, table) == expected[EXPECTED_KEY[table]], (name, table)
        assert report["rows"][table] == expected[EXPECTED_KEY[table]]
    assert {k: v for k, v in report["skipped"].items() if v} == expected["skipped"]


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_the_command_line(engine, run_baseline, generated_day, tmp_path):
    raw, expected = generated_day
    report = run_baseline(engine, raw, tmp_path)
    assert report["rows"] == {table: expected[EXPECTED_KEY[table]] for table in TABLES}
    assert rows(tmp_path, "song") == expected["songs"]


def test_both_baselines_build_the_same_tables(pandas_baseline, duckdb_baseline, generated_day, tmp_path):
    raw, _ = generated_day
    pandas_baseline.transform(str(raw), str(tmp_path / "pandas"), DATE)
    duckdb_baseline.transform(str(raw), str(tmp_path / "duckdb"), DATE)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    columns = {  # the same values; pandas' types differ (int64, timestamps for dates)
        "album": "album_id, album_name, album_type, CAST(release_date AS DATE), release_date_precision, "
        "CAST(total_tracks AS INTEGER), album_url, artist_ids",
        "artist": "artist_id, artist_name, artist_url",
        "song": "playlist_id, CAST(position AS INTEGER), song_id, song_name, CAST(duration_ms AS INTEGER), "
        "explicit, isrc, album_id, artist_id, artist_ids, CAST(added_at AS TIMESTAMP), song_url",
    }
    for table, select in columns.items():

        def query(engine: str, table: str = table, select: str = select) -> str:
            path = tmp_path / engine / table / f"snapshot_date={DATE}" / "*.parquet"
            return f"SELECT {select} FROM read_parquet('{path}', hive_partitioning = false)"

        for left, right in (("pandas", "duckdb"), ("duckdb", "pandas")):
            extra = con.execute(f"SELECT count(*) FROM ({query(left)} EXCEPT ALL {query(right)})").fetchone()
            assert extra == (0,), (table, left, right)


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    items = [
        item(None),  # 0: null item
        item(TRACK),  # 1: a song
        item(LOCAL, is_local=True),  # 2: a local file
        item(EPISODE),  # 3: an episode
        item({**TRACK, "id": "t2"}, field="track"),  # 4: a song in the older shape
        item(None, field="track"),  # 5: null in the older shape
    ]
    return write_day(tmp_path_factory.mktemp("handmade") / "raw", items)


def test_skips_null_items_local_files_and_episodes(baseline, handmade, tmp_path):
    _, module = baseline
    report = module.transform(str(handmade), str(tmp_path), DATE)
    assert {k: v for k, v in report["skipped"].items() if v} == {
        "null_item": 2,
        "local_file": 1,
        "episode": 1,
    }
    songs = pq.read_table(tmp_path / "song" / f"snapshot_date={DATE}").to_pylist()
    assert sorted((s["playlist_id"], s["position"], s["song_id"]) for s in songs) == [
        ("p1", 1, "t1"),
        ("p1", 4, "t2"),
    ]
    assert all(s["artist_id"] == "ar1" and s["artist_ids"] == ["ar1", "ar2"] for s in songs)
    albums = pq.read_table(tmp_path / "album" / f"snapshot_date={DATE}").to_pylist()
    assert [(a["album_id"], a["artist_ids"]) for a in albums] == [("al1", ["ar9"])]
    assert str(albums[0]["release_date"])[:10] == "2019-03-01"
    artists = pq.read_table(tmp_path / "artist" / f"snapshot_date={DATE}").to_pylist()
    assert sorted(a["artist_id"] for a in artists) == ["ar1", "ar2", "ar9"]  # the album's artist too
