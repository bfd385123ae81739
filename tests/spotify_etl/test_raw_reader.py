import gzip

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from spotify_etl.raw_reader import (
    decode_raw_file,
    find_damaged_files,
    folder_snapshot_date,
    is_unreadable_file_error,
    list_raw_root,
    raw_files_of,
    read_envelope_records,
    read_raw_lines,
)

THREE_LINES = b'{"a": 1}\n{"b": 2}\n{"c": 3}\n'


def test_decodes_every_line_with_its_number():
    rows = list(decode_raw_file("f.jsonl.gz", gzip.compress(THREE_LINES)))
    assert rows == [
        ("f.jsonl.gz", 1, '{"a": 1}', None),
        ("f.jsonl.gz", 2, '{"b": 2}', None),
        ("f.jsonl.gz", 3, '{"c": 3}', None),
    ]


def test_truncated_file_keeps_complete_lines_and_flags_the_cut_one():
    data = gzip.compress(THREE_LINES)
    rows = list(decode_raw_file("f", data[: len(data) - 8 - 4]))  # trailer and the last 4 bytes gone
    assert [row[2] for row in rows[:2]] == ['{"a": 1}', '{"b": 2}']
    source, number, text, error = rows[2]
    assert (source, number) == ("f", 3)
    assert '{"c": 3}'.startswith(text) and text != '{"c": 3}'
    assert "truncated gzip file" in error and "line cut short" in error
    assert len(rows) == 3


def test_truncated_after_a_full_line_is_reported_at_file_level():
    data = gzip.compress(THREE_LINES)
    rows = list(decode_raw_file("f", data[:-8]))  # only the CRC/size trailer is missing
    assert [row[1] for row in rows] == [1, 2, 3, None]
    assert rows[3][3].startswith("truncated gzip file") and "3 complete line(s)" in rows[3][3]


def test_empty_file_is_one_file_level_row():
    assert list(decode_raw_file("f", b"")) == [("f", None, None, "empty file: 0 bytes, no lines")]


def test_gzip_of_nothing_is_reported():
    assert list(decode_raw_file("f", gzip.compress(b"\n \n"))) == [
        ("f", None, None, "file holds no lines (only whitespace)")
    ]


def test_not_gzip_is_reported_as_corrupt():
    [row] = list(decode_raw_file("f", b"plain text, not gzip"))
    assert row[1] is None and row[3].startswith("corrupt gzip data")


def test_concatenated_gzip_members_are_one_file():
    rows = list(decode_raw_file("f", gzip.compress(b'{"a": 1}\n') + gzip.compress(b'{"b": 2}\n')))
    assert [(row[1], row[2]) for row in rows] == [(1, '{"a": 1}'), (2, '{"b": 2}')]


def test_blank_lines_are_not_rows_but_keep_numbering():
    rows = list(decode_raw_file("f", gzip.compress(b'{"a": 1}\n\n{"b": 2}\n')))
    assert [(row[1], row[2]) for row in rows] == [(1, '{"a": 1}'), (3, '{"b": 2}')]


def test_invalid_utf8_line_is_flagged():
    rows = list(decode_raw_file("f", gzip.compress(b'{"a": "\xff"}\n')))
    assert rows[0][1] == 1 and rows[0][3].startswith("line is not UTF-8")


def _date_folder(tmp_path):
    folder = tmp_path / "snapshot_date=2026-11-20"
    folder.mkdir()
    (folder / "run1.jsonl.gz").write_bytes(gzip.compress(THREE_LINES))
    (folder / "run1.manifest.json").write_text("{}")
    (folder / "run2.jsonl.gz").write_bytes(b"")
    return folder


def test_listing_finds_only_jsonl_gz_files_and_sets_empty_ones_apart(spark, tmp_path):
    _date_folder(tmp_path)
    listing = raw_files_of(list_raw_root(spark, str(tmp_path)), ["2026-11-20"])
    assert [path.rsplit("/", 1)[1] for path in listing.readable] == ["run1.jsonl.gz"]
    assert [path.rsplit("/", 1)[1] for path in listing.empty] == ["run2.jsonl.gz"]
    assert (listing.count, listing.dates) == (2, ("2026-11-20",))


def test_the_listing_is_by_date_and_ignores_what_is_not_a_raw_file(spark, tmp_path):
    _date_folder(tmp_path)
    for folder in ("snapshot_date=2026-11-18", "snapshot_date=2026-02-30", "notes"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "run.jsonl.gz").write_bytes(gzip.compress(THREE_LINES))
    (tmp_path / "snapshot_date=2026-11-18" / "nested").mkdir()
    (tmp_path / "snapshot_date=2026-11-18" / "nested" / "x.jsonl.gz").write_bytes(b"")
    listing = list_raw_root(spark, str(tmp_path))
    assert sorted(listing) == ["2026-11-18", "2026-11-20"]  # not a real date, not a date folder: out
    assert [p.rsplit("/", 1)[1] for p in listing.manifests_of(["2026-11-20"])] == ["run1.manifest.json"]
    assert [path.rsplit("/", 2)[1:] for path in listing.files["2026-11-18"]] == [
        ["snapshot_date=2026-11-18", "run.jsonl.gz"]
    ]
    chosen = raw_files_of(listing, ["2026-11-18", "2026-11-19"])
    assert chosen.dates == ("2026-11-18",) and len(chosen.readable) == 1 and chosen.empty == ()


def test_a_missing_raw_root_lists_nothing(spark, tmp_path):
    listing = list_raw_root(spark, str(tmp_path / "nowhere"))
    assert (listing.files, listing.manifests) == ({}, {})


def test_folder_snapshot_date_reads_the_folder_of_a_path(spark):
    paths = [
        ("s3://b/raw/spotify/playlist_items/snapshot_date=2026-11-20/20261120T060002Z-3f9c1a2b.jsonl.gz",),
        ("file:/tmp/lake/raw/snapshot_date=2026-01-02/x.jsonl.gz",),
        ("file:/tmp/snapshot_date=2026-01-02/lake/x.jsonl.gz",),  # not the file's own folder
    ]
    frame = spark.createDataFrame(paths, "path string")
    found = [r.d for r in frame.select(folder_snapshot_date(F.col("path")).alias("d")).collect()]
    assert found == ["2026-11-20", "2026-01-02", ""]


def test_read_raw_lines_reads_the_given_files_and_reports_empty_ones(spark, tmp_path):
    _date_folder(tmp_path)
    listing = raw_files_of(list_raw_root(spark, str(tmp_path)), ["2026-11-20"])
    rows = read_raw_lines(spark, listing.readable, listing.empty).collect()
    lines = sorted((row.line_number, row.line) for row in rows if row.line_number)
    assert lines == [(1, '{"a": 1}'), (2, '{"b": 2}'), (3, '{"c": 3}')]
    assert [(r.source_file.rsplit("/", 1)[1], r.read_error) for r in rows if r.line_number is None] == [
        ("run2.jsonl.gz", "empty file: 0 bytes, no lines")
    ]


def test_read_envelope_records_types_lines_and_numbers_them_in_file_order(spark, tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    text = b'{"n": 1, "s": "a"}\n{"n": 2, "s": "b"}\n{"n": "x", "s": "c"}\n'
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(text))
    schema = StructType(
        [StructField("n", IntegerType()), StructField("s", StringType()), StructField("bad", StringType())]
    )
    rows = read_envelope_records(spark, [str(folder / "a.jsonl.gz")], schema).collect()
    assert [(row.record.s, row.record.n) for row in sorted(rows, key=lambda r: r.line_id)] == [
        ("a", 1),
        ("b", 2),
        ("c", None),
    ]
    assert [row.record.bad for row in sorted(rows, key=lambda r: r.line_id)][2] == '{"n": "x", "s": "c"}'
    assert {row.source_file for row in rows} == {f"file:{folder / 'a.jsonl.gz'}"}


@pytest.mark.parametrize(
    ("content", "damage"),
    [
        (gzip.compress(THREE_LINES * 1000)[:-40], "truncated gzip file"),
        (b"plain text, not gzip", "corrupt gzip data"),
        (gzip.compress(THREE_LINES) + gzip.compress(THREE_LINES)[:10], "truncated gzip file"),
    ],
)
def test_find_damaged_files_names_each_damaged_file(spark, tmp_path, content, damage):
    good, bad = tmp_path / "good.jsonl.gz", tmp_path / "bad.jsonl.gz"
    good.write_bytes(gzip.compress(THREE_LINES) + gzip.compress(THREE_LINES))
    bad.write_bytes(content)
    found = find_damaged_files(spark, [str(good), str(bad)])
    assert [path.rsplit("/", 1)[1] for path in found] == ["bad.jsonl.gz"]
    assert next(iter(found.values())).startswith(damage)


def test_the_fast_reader_fails_on_a_truncated_file_with_an_error_we_recognise(spark, tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(THREE_LINES * 1000)[:-40])
    schema = StructType([StructField("a", IntegerType()), StructField("bad", StringType())])
    with pytest.raises(Exception) as failure:
        read_envelope_records(spark, [str(path)], schema).count()
    assert is_unreadable_file_error(failure.value)
    assert not is_unreadable_file_error(ValueError("some other failure"))
