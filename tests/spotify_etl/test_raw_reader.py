import gzip

import pytest
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from spotify_etl.raw_reader import (
    MissingRawDataError,
    decode_raw_file,
    find_damaged_files,
    is_unreadable_file_error,
    list_raw_files,
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
    listing = list_raw_files(spark, str(_date_folder(tmp_path)))
    assert [path.rsplit("/", 1)[1] for path in listing.readable] == ["run1.jsonl.gz"]
    assert [path.rsplit("/", 1)[1] for path in listing.empty] == ["run2.jsonl.gz"]
    assert listing.count == 2


def test_read_raw_lines_reads_the_given_files_and_reports_empty_ones(spark, tmp_path):
    listing = list_raw_files(spark, str(_date_folder(tmp_path)))
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


def test_missing_date_folder_says_what_to_do(spark, tmp_path):
    with pytest.raises(MissingRawDataError, match="run the extract for this date first"):
        list_raw_files(spark, str(tmp_path / "snapshot_date=2026-01-01"))
