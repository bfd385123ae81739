"""The bare Spark baseline (bench/baselines/spark_bare_transform.py): the Glue jobs' own table
transforms on plain Spark build the generated day's row counts, and the same rows as the DuckDB
baseline. Expected values come from the generator, from DuckDB or from the hand-written day, never
from the code under test."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

DATE = "2026-11-20"
TABLES = ("album", "artist", "song")
EXPECTED_KEY = {"album": "albums", "artist": "artists", "song": "songs"}
SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "baselines" / "spark_bare_transform.py"

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
def day(raw_generator, tmp_path_factory):
    raw = tmp_path_factory.mktemp("day") / "raw"
    expected = raw_generator.generate_day(raw, 520, seed=11, snapshot_date=DATE, workers=1)
    assert all(expected["skipped"].values()), "the day should hold every kind of skipped item"
    return raw, expected


@pytest.fixture(scope="module")
def bare(spark, spark_bare_baseline, day, tmp_path_factory):
    raw, _ = day
    out = tmp_path_factory.mktemp("spark_bare")
    report = spark_bare_baseline.transform(spark, str(raw), str(out), DATE)
    return out, report


def test_row_and_skip_counts_equal_the_generated_counts(bare, day):
    out, report = bare
    _, expected = day
    for table in TABLES:
        files = parquet_files(out, table)
        assert len(files) == 1, (table, files)
        assert pq.read_metadata(files[0]).num_rows == expected[EXPECTED_KEY[table]], table
        assert report["rows"][table] == expected[EXPECTED_KEY[table]], table
    assert report["skipped"] == expected["skipped"]
    assert report["files_read"] == len(expected["files"])
    assert set(report["timings"]) == {"read_and_cache", *TABLES}


def test_the_tables_hold_the_same_rows_as_the_duckdb_baseline(bare, duckdb_baseline, day, tmp_path):
    out, _ = bare
    raw, expected = day
    duckdb_baseline.transform(str(raw), str(tmp_path), DATE)
    for table in TABLES:
        want = table_rows(tmp_path, table)
        assert len(want) == expected[EXPECTED_KEY[table]]
        assert table_rows(out, table) == want, table


# A hand-written day: the older ``track`` shape, skipped items that still take a position, a
# playlist without items.

TRACK = {
    "type": "track",
    "id": "t1",
    "name": "Song",
    "duration_ms": 1000,
    "explicit": True,
    "is_local": False,
    "external_ids": {"isrc": "X1"},
    "external_urls": {"spotify": "https://open.spotify.com/track/t1"},
    "album": {
        "id": "al1",
        "name": "Album",
        "album_type": "single",
        "release_date": "2019",
        "release_date_precision": "year",
        "total_tracks": 1,
        "external_urls": {},
        "artists": [{"id": "ar9", "name": "Album Artist", "external_urls": {"spotify": "u9"}}],
    },
    "artists": [
        {"id": "ar1", "name": "One", "external_urls": {"spotify": "u1"}},
        {"id": "ar2", "name": "Two", "external_urls": {}},
    ],
}
EPISODE = {"type": "episode", "id": "e1", "name": "Episode", "duration_ms": 9, "external_urls": {}}


def item(entity: dict | None, field: str = "item") -> dict:
    return {"added_at": "2026-11-19T08:15:00Z", "added_by": {"id": "u"}, "is_local": False, field: entity}


@pytest.fixture(scope="module")
def handmade(tmp_path_factory):
    raw = tmp_path_factory.mktemp("handmade") / "raw"
    folder = raw / f"snapshot_date={DATE}"
    folder.mkdir(parents=True)
    envelope = {
        "schema_version": 1,
        "run_id": "20261120T060002Z-00000000",
        "snapshot_date": DATE,
        "extracted_at": "2026-11-20T06:00:04.512Z",
        "playlist": {"id": "p1", "snapshot_id": "s1"},
        "items": [
            item(None),  # 0: null item
            item(TRACK, field="track"),  # 1: a song in the older shape
            item(EPISODE),  # 2: an episode
            item({**TRACK, "id": "t2", "artists": TRACK["artists"][::-1]}),  # 3: a song
        ],
    }
    empty = {**envelope, "playlist": {"id": "p2", "snapshot_id": "s2"}, "items": []}
    lines = json.dumps(envelope) + "\n" + json.dumps(empty) + "\n"
    (folder / "20261120T060002Z-00000000.jsonl.gz").write_bytes(gzip.compress(lines.encode(), mtime=0))
    return raw


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


def test_the_command_line_prints_its_report_last(day, tmp_path):
    raw, expected = day
    command = [
        sys.executable,
        str(SCRIPT),
        "--raw",
        str(raw),
        "--out",
        str(tmp_path),
        "--snapshot-date",
        DATE,
    ]
    # As the benchmark runs it: stdout and stderr (Spark's) in one log, the report on the last line.
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["rows"] == {table: expected[EXPECTED_KEY[table]] for table in TABLES}
    assert report["skipped"] == expected["skipped"]
    assert list(report["timings"]) == ["spark_session", "read_and_cache", *TABLES]
    assert pq.read_metadata(parquet_files(tmp_path, "song")[0]).num_rows == expected["songs"]
