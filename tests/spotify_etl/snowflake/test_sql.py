"""The statements: columns and types from schemas.py, the date checked, Snowflake's COPY shape."""

from __future__ import annotations

import pytest
from pyspark.sql.types import ArrayType, IntegerType, LongType, StringType, StructField, StructType

from spotify_etl.schemas import TABLES, data_columns
from spotify_etl.snowflake import sql
from spotify_etl.snowflake.local import connect_local, fakesnow_snowflake

SONG_COLUMNS = [  # README "Tables", song, with the type mapping, worked out by hand
    ("playlist_id", "VARCHAR"),
    ("position", "NUMBER(10,0)"),
    ("song_id", "VARCHAR"),
    ("song_name", "VARCHAR"),
    ("duration_ms", "NUMBER(10,0)"),
    ("explicit", "BOOLEAN"),
    ("popularity", "NUMBER(10,0)"),
    ("isrc", "VARCHAR"),
    ("album_id", "VARCHAR"),
    ("artist_id", "VARCHAR"),
    ("artist_ids", "ARRAY"),
    ("added_at", "TIMESTAMP_NTZ"),
    ("song_url", "VARCHAR"),
    ("snapshot_date", "DATE"),
]


def test_song_columns_are_the_readme_columns_with_snowflake_types():
    assert sql.columns("song") == SONG_COLUMNS


@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_its_stored_columns_in_order_then_the_date(table):
    names = [name for name, _ in sql.columns(table)]
    assert names == [field.name for field in data_columns(TABLES[table])] + ["snapshot_date"]


@pytest.mark.parametrize(
    "unmapped",
    [LongType(), ArrayType(IntegerType()), StructType([StructField("a", StringType())])],
    ids=["bigint", "array<int>", "struct"],
)
def test_a_type_without_a_deliberate_mapping_is_refused(unmapped):
    with pytest.raises(sql.SnowflakeSqlError, match="no Snowflake type"):
        sql.snowflake_type(unmapped)


def test_an_unknown_table_is_refused():
    with pytest.raises(sql.SnowflakeSqlError, match="unknown table"):
        sql.copy_date_sql("songs", "2026-11-20")


def test_the_album_copy_is_snowflakes_transformation_copy_of_one_partition():
    assert sql.copy_date_sql("album", "2026-11-20") == (
        "COPY INTO ALBUM (ALBUM_ID, ALBUM_NAME, ALBUM_TYPE, RELEASE_DATE, RELEASE_DATE_PRECISION, "
        "TOTAL_TRACKS, ALBUM_URL, ARTIST_IDS, SNAPSHOT_DATE)\n"
        "FROM (SELECT $1:album_id::VARCHAR, $1:album_name::VARCHAR, $1:album_type::VARCHAR, "
        "$1:release_date::DATE, $1:release_date_precision::VARCHAR, $1:total_tracks::NUMBER(10,0), "
        "$1:album_url::VARCHAR, $1:artist_ids::ARRAY, '2026-11-20'::DATE\n"
        "      FROM @CURATED_STAGE/album/snapshot_date=2026-11-20/)\n"
        "FILE_FORMAT = (FORMAT_NAME = 'PARQUET_FORMAT')\n"
        "FORCE = TRUE"
    )


def test_the_delete_removes_exactly_the_date():
    assert sql.delete_date_sql("artist", "2026-11-19") == (
        "DELETE FROM ARTIST WHERE SNAPSHOT_DATE = '2026-11-19'::DATE"
    )


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-11-20'; DROP TABLE SONG; --", "2026-11-2", None])
def test_the_date_is_checked_before_it_reaches_a_statement(bad):
    for build in (sql.delete_date_sql, sql.copy_date_sql, sql.partition_location):
        with pytest.raises(sql.SnowflakeSqlError, match="YYYY-MM-DD"):
            build("song", bad)


@pytest.mark.parametrize("name", ['SONG"', "A B", "1ST", "X;Y", ""])
def test_identifiers_are_plain(name):
    with pytest.raises(sql.SnowflakeSqlError):
        sql.identifier(name)


def test_the_generated_ddl_makes_the_tables_snowflake_describes():
    """fakesnow describes a table as Snowflake does (VARCHAR(16777216), TIMESTAMP_NTZ(9), ...),
    except ARRAY: it keeps every semi-structured type as JSON and calls it VARIANT (Snowflake
    says ARRAY; docs/snowflake.md lists what fakesnow does not model)."""
    normalised = {
        "VARCHAR": "VARCHAR(16777216)",
        "TIMESTAMP_NTZ": "TIMESTAMP_NTZ(9)",
        "ARRAY": "VARIANT",
    }
    with fakesnow_snowflake():
        connection = connect_local()
        cursor = connection.cursor()
        for table in TABLES:
            cursor.execute(sql.create_table_sql(table))
            cursor.execute(f"DESCRIBE TABLE {table.upper()}")
            described = [(row[0], row[1], row[3]) for row in cursor.fetchall()]
            assert described == [
                (name.upper(), normalised.get(type_, type_), "N" if name == "snapshot_date" else "Y")
                for name, type_ in sql.columns(table)
            ], table
        connection.close()


def test_the_pipe_copy_reads_the_date_from_the_file_path_and_records_the_file():
    statement = sql.pipe_copy_sql("artist", "DB.SCH")
    assert statement == (
        "COPY INTO DB.SCH.ARTIST_LANDING (ARTIST_ID, ARTIST_NAME, ARTIST_URL, SNAPSHOT_DATE, "
        "SOURCE_FILE, FILE_LAST_MODIFIED, LOADED_AT)\n"
        "FROM (SELECT $1:artist_id::VARCHAR, $1:artist_name::VARCHAR, $1:artist_url::VARCHAR, "
        "TO_DATE(SPLIT_PART(SPLIT_PART(METADATA$FILENAME, 'snapshot_date=', 2), '/', 1)), "
        "METADATA$FILENAME, METADATA$FILE_LAST_MODIFIED, METADATA$START_SCAN_TIME\n"
        "      FROM @DB.SCH.CURATED_STAGE/artist/)\n"
        "FILE_FORMAT = (FORMAT_NAME = 'DB.SCH.PARQUET_FORMAT')"
    )
    assert "FORCE" not in statement  # Snowpipe does not take it


def test_the_date_expression_of_the_pipe_finds_the_partition_in_a_path():
    with fakesnow_snowflake():
        connection = connect_local()
        cursor = connection.cursor()
        expression = "TO_DATE(SPLIT_PART(SPLIT_PART(METADATA$FILENAME, 'snapshot_date=', 2), '/', 1))"
        assert expression in sql.pipe_copy_sql("song", "DB.SCH")
        path = "song/snapshot_date=2026-11-20/part-00000-41c51879-a5c2-46d1-8bb4-0f71f8ffc75f.c000.parquet"
        cursor.execute("SELECT " + expression.replace("METADATA$FILENAME", f"'{path}'"))
        assert cursor.fetchone()[0].isoformat() == "2026-11-20"
        connection.close()


# ---------------------------------------------------------------------------------------------
# Auto-ingest mode: the views over the landing tables
# ---------------------------------------------------------------------------------------------


def test_every_file_of_one_write_carries_the_write_id_the_views_use(lake):
    """Spark names the files of one write after the write job (the jobs' real output)."""
    import re

    from .conftest import partition_files

    pattern = re.compile(sql.WRITE_ID_PATTERN)
    write_ids = set()
    for table in TABLES:
        for date in ("2026-11-19", "2026-11-20"):
            files = partition_files(lake, table, date)
            ids = {pattern.search(path.name).group(0) for path in files}
            assert len(ids) == 1, f"{table} {date}: {[path.name for path in files]}"
            write_ids |= ids
    assert len(write_ids) > 1, "each write has its own id"


def test_the_view_counts_only_the_latest_write_of_each_date(snowflake, lake):
    """Snowpipe appends a rerun's new files to the landing table beside the old ones; the view
    named after the table shows one write per date. The landing rows are made here as a pipe
    would make them (fakesnow has no Snowpipe): the loaded rows with a file name and time."""
    from spotify_etl.snowflake.loader import load_dates

    from .conftest import query, rows_per_date

    load_dates(snowflake, str(lake), ["2026-11-19", "2026-11-20"], say=lambda _: None)
    cursor = snowflake.cursor()
    cursor.execute(sql.create_landing_table_sql("song"))
    cursor.execute("DROP TABLE SONG_LANDING")  # the loader's table stays; the landing is fresh
    cursor.execute(sql.create_landing_table_sql("song"))

    def land(date: str, write_id: str, modified: str, where: str = "TRUE") -> None:
        name = f"song/snapshot_date={date}/part-00000-{write_id}.c000.snappy.parquet"
        cursor.execute(
            f"INSERT INTO SONG_LANDING SELECT *, '{name}', '{modified}'::TIMESTAMP_NTZ, CURRENT_TIMESTAMP() "
            f"FROM SONG WHERE SNAPSHOT_DATE = '{date}'::DATE AND {where}"
        )

    # The rerun of 2026-11-20 wrote fewer songs (positions 0-9 of each playlist) than the first run.
    rerun_rows = query(
        snowflake, "SELECT COUNT(*) FROM SONG WHERE SNAPSHOT_DATE = '2026-11-20' AND POSITION < 10"
    )
    ((rerun,),) = rerun_rows
    assert 0 < rerun < 242
    land("2026-11-19", "11111111-1111-4111-8111-111111111111", "2026-11-19 06:10:00")
    land("2026-11-20", "22222222-2222-4222-8222-222222222222", "2026-11-20 06:10:00")
    land("2026-11-20", "33333333-3333-4333-8333-333333333333", "2026-11-20 09:45:00", "POSITION < 10")
    cursor.execute("DROP TABLE SONG")  # in auto-ingest mode SONG is the view
    cursor.execute(sql.create_view_sql("song"))

    assert query(snowflake, "SELECT COUNT(*) FROM SONG_LANDING") == [(239 + 242 + rerun,)]
    assert rows_per_date(snowflake, "song") == {"2026-11-19": 239, "2026-11-20": rerun}
    # the first run's rows come back if the rerun's file is removed from the landing table
    cursor.execute("DELETE FROM SONG_LANDING WHERE SOURCE_FILE LIKE '%33333333-%'")
    assert rows_per_date(snowflake, "song") == {"2026-11-19": 239, "2026-11-20": 242}
