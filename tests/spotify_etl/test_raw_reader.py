import gzip

import pytest

from spotify_etl.raw_reader import MissingRawDataError, decode_raw_file, read_raw_lines

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


def test_read_raw_lines_reads_only_jsonl_gz_files(spark, tmp_path):
    folder = tmp_path / "snapshot_date=2026-11-20"
    folder.mkdir()
    (folder / "run1.jsonl.gz").write_bytes(gzip.compress(THREE_LINES))
    (folder / "run1.manifest.json").write_text("{}")
    rows = read_raw_lines(spark, str(folder)).orderBy("line_number").collect()
    assert [row.line for row in rows] == ['{"a": 1}', '{"b": 2}', '{"c": 3}']
    assert all(row.source_file.endswith("run1.jsonl.gz") for row in rows)


def test_missing_date_folder_says_what_to_do(spark, tmp_path):
    with pytest.raises(MissingRawDataError, match="run the extract for this date first"):
        read_raw_lines(spark, str(tmp_path / "snapshot_date=2026-01-01"))
