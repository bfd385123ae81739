"""A tiny hand-written lake (Parquet written with pyarrow, no Spark) whose answers are known.

Three snapshot dates, two playlists, four artists, six songs:

    artists  A1 Alice, A2 Bob, A3 Cleo, A4 Dan
    albums   AL1 First Light 1994-01-01 (year precision)   AL2 Pairs 2000-01-01 (decade boundary)
             AL3 Night 2019-06-01                          AL4 Demo, no release date
    songs    S1 Sunrise     [A1]     AL1  200000 ms  not explicit
             S2 Duet        [A1, A2] AL2  180000 ms  explicit      popularity 50 on D3, else null
             S3 Night Drive [A3]     AL3  240000 ms  not explicit
             S4 Together    [A2, A1] AL3  210000 ms  explicit      popularity 70 on D3, else null
             S5 Newcomer    [A4, A3] AL4  150000 ms  not explicit
             S6 Goodbye     [A3]     AL2  300000 ms  explicit unknown (null)

    playlist P1 "Indie Morning"   D1 2026-11-18: S1 S2 S6   D2: S1 S2 S6   D3: S2 S1 S5 (+1 episode: 4 items)
    playlist P2 "Late Night"      D1: not extracted         D2: S3 S4      D3: S4 S3 S2

(songs in playlist order, position 0 first). So on D3: Duet moves up, Sunrise down, Newcomer
enters P1, Goodbye drops out of P1, Together and Night Drive swap on P2, Duet enters P2; the
pair Alice & Bob appears on three entries (Duet twice, Together once, in reversed credit order).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    TimestampType,
)

from spotify_etl.lake_layout import table_partition_path
from spotify_etl.schemas import CATALOG_TABLES, data_columns

D1, D2, D3 = "2026-11-18", "2026-11-19", "2026-11-20"
DATES = (D1, D2, D3)

ARTISTS = {"A1": "Alice", "A2": "Bob", "A3": "Cleo", "A4": "Dan"}
ALBUMS = {
    "AL1": ("First Light", dt.date(1994, 1, 1), "year", ["A1"]),
    "AL2": ("Pairs", dt.date(2000, 1, 1), "day", ["A1", "A2"]),
    "AL3": ("Night", dt.date(2019, 6, 1), "day", ["A3"]),
    "AL4": ("Demo", None, None, ["A4"]),
}
SONGS = {  # id: (name, artist_ids, album_id, duration_ms, explicit)
    "S1": ("Sunrise", ["A1"], "AL1", 200000, False),
    "S2": ("Duet", ["A1", "A2"], "AL2", 180000, True),
    "S3": ("Night Drive", ["A3"], "AL3", 240000, False),
    "S4": ("Together", ["A2", "A1"], "AL3", 210000, True),
    "S5": ("Newcomer", ["A4", "A3"], "AL4", 150000, False),
    "S6": ("Goodbye", ["A3"], "AL2", 300000, None),
}
POPULARITY = {(D3, "S2"): 50, (D3, "S4"): 70}
PLAYLISTS = {"P1": "Indie Morning", "P2": "Late Night"}
ORDER = {  # (date, playlist): songs in playlist order
    (D1, "P1"): ["S1", "S2", "S6"],
    (D2, "P1"): ["S1", "S2", "S6"],
    (D3, "P1"): ["S2", "S1", "S5"],
    (D2, "P2"): ["S3", "S4"],
    (D3, "P2"): ["S4", "S3", "S2"],
}
EXTRA_ITEMS = {(D3, "P1"): 1}  # a podcast episode: an item, not a song


def arrow_type(data_type: DataType) -> pa.DataType:
    """The Parquet (Arrow) type Spark writes for a schemas.py type."""
    if isinstance(data_type, ArrayType):
        return pa.list_(arrow_type(data_type.elementType))
    simple = {
        StringType: pa.string(),
        IntegerType: pa.int32(),
        LongType: pa.int64(),
        DoubleType: pa.float64(),
        BooleanType: pa.bool_(),
        DateType: pa.date32(),
        TimestampType: pa.timestamp("us"),
    }
    return next(arrow for spark, arrow in simple.items() if isinstance(data_type, spark))


def write_partition(lake: str, table: str, snapshot_date: str, rows: list[dict[str, Any]]) -> None:
    """One partition as Spark lays it out: ``snapshot_date=D/part-*.parquet``, data columns only."""
    fields = data_columns(CATALOG_TABLES[table])
    schema = pa.schema([pa.field(f.name, arrow_type(f.dataType)) for f in fields])
    table_data = pa.Table.from_pylist(
        [{f.name: row.get(f.name) for f in fields} for row in rows], schema=schema
    )
    folder = table_partition_path(lake, table, snapshot_date)
    os.makedirs(folder, exist_ok=True)
    pq.write_table(table_data, os.path.join(folder, "part-00000.snappy.parquet"), compression="snappy")
    Path(folder, "_SUCCESS").touch()


def build_lake(lake: str) -> str:
    """Write the fixture lake into ``lake`` (curated tables only) and return it."""
    for date in DATES:
        lists = {playlist: songs for (d, playlist), songs in ORDER.items() if d == date}
        song_rows = [
            {
                "playlist_id": playlist,
                "position": position,
                "song_id": song,
                "song_name": SONGS[song][0],
                "duration_ms": SONGS[song][3],
                "explicit": SONGS[song][4],
                "popularity": POPULARITY.get((date, song)),
                "isrc": f"ISRC{song}",
                "album_id": SONGS[song][2],
                "artist_id": SONGS[song][1][0],
                "artist_ids": SONGS[song][1],
                "added_at": dt.datetime(2026, 11, 1, 8, 0),
                "song_url": f"https://open.spotify.com/track/{song}",
            }
            for playlist, songs in lists.items()
            for position, song in enumerate(songs)
        ]
        album_ids = sorted({row["album_id"] for row in song_rows})
        artist_ids = sorted(
            {a for row in song_rows for a in row["artist_ids"]}
            | {a for al in album_ids for a in ALBUMS[al][3]}
        )
        write_partition(lake, "song", date, song_rows)
        write_partition(
            lake,
            "album",
            date,
            [
                {
                    "album_id": album,
                    "album_name": ALBUMS[album][0],
                    "album_type": "album",
                    "release_date": ALBUMS[album][1],
                    "release_date_precision": ALBUMS[album][2],
                    "total_tracks": 10,
                    "album_url": f"https://open.spotify.com/album/{album}",
                    "artist_ids": ALBUMS[album][3],
                }
                for album in album_ids
            ],
        )
        write_partition(
            lake,
            "artist",
            date,
            [{"artist_id": a, "artist_name": ARTISTS[a], "artist_url": f"https://x/{a}"} for a in artist_ids],
        )
        write_partition(
            lake,
            "playlist",
            date,
            [
                {
                    "playlist_id": playlist,
                    "playlist_name": PLAYLISTS[playlist],
                    "owner_id": "owner",
                    "snapshot_id": f"{playlist}-{date}",
                    "item_count": len(songs) + EXTRA_ITEMS.get((date, playlist), 0),
                    "song_count": len(songs),
                    "run_id": f"{date.replace('-', '')}T060000Z-00000000",
                    "extracted_at": dt.datetime(2026, 11, 1, 6, 0),
                }
                for playlist, songs in lists.items()
            ],
        )
    return lake


@pytest.fixture(scope="session")
def fixture_lake(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The fixture lake with its local catalog registered (shared: tests only read it)."""
    from spotify_etl.catalog.local_catalog import register_tables

    lake = build_lake(str(tmp_path_factory.mktemp("lake")))
    register_tables(lake)
    return lake


@pytest.fixture(scope="session")
def catalog(fixture_lake: str) -> str:
    from spotify_etl.lake_layout import local_catalog_path

    return local_catalog_path(fixture_lake)


@pytest.fixture
def make_lake(tmp_path: Path) -> Any:
    """A fresh copy of the fixture lake for a test that writes into it (catalog, charts)."""

    def make(name: str = "lake") -> str:
        return build_lake(str(tmp_path / name))

    return make
