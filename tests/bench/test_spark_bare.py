"""The bare Spark baseline (bench/baselines/spark_bare_transform.py): the Glue jobs' own table
transforms on plain Spark build the generated day's row counts, and the same rows as the DuckDB
baseline. Expected values come from the generator, from DuckDB or from the hand-written day, never
from the code under test."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from .handmade_day import DATE, EPISODE, EXPECTED_KEY, TABLES, TRACK, item, write_day

# Every column of each table, as DuckDB reads both engines' files (the same types), sorted by key.
COLUMNS = {
    "album": "album_id, album_name, album_type, release_date, release_date_precision, total_tracks, "
    "album_url, artist_ids",
    "artist": "artist_id, artist_name, artist_url",
    "song": "playlist_id, position, song_id, song_name, duration_ms, explicit, popularity, isrc, album_id, "
    "artist_id, artist_ids, CAST(added_at AS TIMESTAMP) AS added_at, song_url",
}
KEYS = {"album": "album_id", "artist": "artist_id", "song": "playlist_id, position"}


def parquet_files(out: Path, table: str) -> list[Path]:
    return sorted((out / table / f"snapshot_date={DATE}").glob("*.parquet"))


def table_rows(out: Path, table: str) -> list[tuple]:
    files = parquet_files(out, table)
    assert len(files) == 1, files  # one file per table partition
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    query = f"SELECT {COLUMNS[table]} FROM read_parquet('{files[0]}', hive_partitioning = false)"
    return con.execute(f"{query} ORDER BY {KEYS[table]}").fetchall()


@pytest.fixture(scope="module")
def bare(spark, spark_bare_baseline, generated_day, tmp_path_factory):
    """The generated day through the script's command line as make bench runs it, in this process:
    the test session stands in for the script's own local session (a JVM of its own would cost
    half a minute of make test) and is not stopped. (output folder, the report it printed last)"""
    raw, _ = generated_day
    out = tmp_path_factory.mktemp("spark_bare")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spark_bare_baseline, "build_spark_session", lambda **_: spark)
        patch.setattr(spark, "stop", lambda: None)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert (
                spark_bare_baseline.main(["--raw", str(raw), "--out", str(out), "--snapshot-date", DATE]) == 0
            )
    return out, json.loads(printed.getvalue().strip().splitlines()[-1])


def test_row_and_skip_counts_equal_the_generated_counts(bare, generated_day):
    out, report = bare
    _, expected = generated_day
    for table in TABLES:
        files = parquet_files(out, table)
        assert len(files) == 1, (table, files)
        assert pq.read_metadata(files[0]).num_rows == expected[EXPECTED_KEY[table]], table
        assert report["rows"][table] == expected[EXPECTED_KEY[table]], table
    assert report["skipped"] == expected["skipped"]
    assert report["files_read"] == len(expected["files"])
    assert set(report["timings"]) == {"spark_session", "read_and_cache", *TABLES}


def test_the_tables_hold_the_same_rows_as_the_duckdb_baseline(bare, duckdb_baseline, generated_day, tmp_path):
    out, _ = bare
    raw, expected = generated_day
    duckdb_baseline.transform(str(raw), str(tmp_path), DATE)
    for table in TABLES:
        want = table_rows(tmp_path, table)
        assert len(want) == expected[EXPECTED_KEY[table]]
        assert table_rows(out, table) == want, table


# A hand-written day: the older ``track`` shape, skipped items that still take a position, a
# playlist without items; a year-precision release and URLs missing from the API's objects.

YEAR_TRACK = {
    **TRACK,
    "explicit": True,
    "album": {
        **TRACK["album"],
        "album_type": "single",
        "release_date": "2019",
        "release_date_precision": "year",
        "total_tracks": 1,
        "external_urls": {},
    },
    "artists": [TRACK["artists"][0], {**TRACK["artists"][1], "external_urls": {}}],
}


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    items = [
        item(None),  # 0: null item
        item(YEAR_TRACK, field="track"),  # 1: a song in the older shape
        item(EPISODE),  # 2: an episode
        item({**YEAR_TRACK, "id": "t2", "artists": YEAR_TRACK["artists"][::-1]}),  # 3: a song
    ]
    return write_day(tmp_path_factory.mktemp("handmade") / "raw", items)


def test_a_handmade_day(spark, spark_bare_baseline, duckdb_baseline, handmade, tmp_path):
    report = spark_bare_baseline.transform(spark, str(handmade), str(tmp_path / "bare"), DATE)
    assert report["skipped"] == {"episode": 1, "null_item": 1}
    assert report["rows"] == {"album": 1, "artist": 3, "song": 2}
    songs = table_rows(tmp_path / "bare", "song")
    assert [(s[0], s[1], s[2], s[9], s[10]) for s in songs] == [
        ("p1", 1, "t1", "ar1", ["ar1", "ar2"]),
        ("p1", 3, "t2", "ar2", ["ar2", "ar1"]),
    ]
    [album] = table_rows(tmp_path / "bare", "album")
    assert (album[0], str(album[3]), album[6]) == ("al1", "2019-01-01", "https://open.spotify.com/album/al1")
    duckdb_baseline.transform(str(handmade), str(tmp_path / "duckdb"), DATE)
    for table in TABLES:
        assert table_rows(tmp_path / "bare", table) == table_rows(tmp_path / "duckdb", table), table


def test_the_command_line_prints_its_report_last(bare, generated_day):
    out, report = bare
    _, expected = generated_day
    assert report["rows"] == {table: expected[EXPECTED_KEY[table]] for table in TABLES}
    assert report["skipped"] == expected["skipped"]
    assert list(report["timings"]) == ["spark_session", "read_and_cache", *TABLES]
    assert pq.read_metadata(parquet_files(out, "song")[0]).num_rows == expected["songs"]
