"""Which raw file is read by which path, and that both paths give the same rows for clean input."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from spotify_etl.lake_layout import raw_date_path
from spotify_etl.raw_reader import list_raw_root, raw_files_of
from spotify_etl.snapshot_reader import (
    ITEM_ROW_COLUMNS,
    LineCounts,
    _fast_rows,
    _thorough_rows,
    read_snapshot_rows,
)

from .api_objects import album, artist, envelope, episode, item, local_track, track, write_cut_raw, write_raw

DATE = "2026-11-20"
ANN, BOB = artist("art1", "Ann"), artist("art2", "Bob")
ALB = album("alb1", "First", [ANN], "1987", "year")
SONGS = [track(f"trk{n}", f"Song {n}", [ANN, BOB][: 1 + n % 2], ALB, popularity=n) for n in range(4)]
CLEAN = [
    envelope(
        "pl1", [item(SONGS[0]), item(None), item(SONGS[1], shape="track"), item(episode("ep1", "Talk"))]
    ),
    envelope("pl2", [item(local_track("Demo")), item(SONGS[2]), item(SONGS[3])]),
    envelope("pl3", []),
]


def read_day(spark, raw_root, *dates):
    """What normalize_items reads: the raw files of ``dates`` (default: DATE) under ``raw_root``."""
    return read_snapshot_rows(spark, raw_files_of(list_raw_root(spark, str(raw_root)), dates or (DATE,)))


def names(paths) -> list[str]:
    return sorted(Path(path).name for path in paths)


def comparable(rows):
    """Rows without the line keys, which differ by design (line numbers vs. Spark's line ids)."""
    columns = [c for c in ITEM_ROW_COLUMNS if c not in ("line_number", "line_id", "source_file")]
    return sorted(repr(tuple(row[c] for c in columns)) for row in rows.select(*columns).collect())


def test_both_paths_give_the_same_rows_for_clean_files(spark, tmp_path):
    path = str(write_raw(tmp_path, DATE, "run.jsonl.gz", CLEAN))
    fast = _fast_rows(spark, (path,))
    thorough = _thorough_rows(spark, (path,), ())
    assert comparable(fast) == comparable(thorough)
    # and the rows are what the file holds: 4 + 3 items and one line without items
    assert fast.filter(F.col("position").isNotNull()).count() == 7
    assert fast.filter(F.col("position").isNull()).count() == 1


def test_a_clean_day_is_read_by_the_fast_path_only(spark, tmp_path):
    write_raw(tmp_path, DATE, "a.jsonl.gz", CLEAN[:2])
    write_raw(tmp_path, DATE, "b.jsonl.gz", CLEAN[2:])
    snapshot = read_day(spark, tmp_path)
    assert names(snapshot.fast_files) == ["a.jsonl.gz", "b.jsonl.gz"]
    assert (snapshot.thorough_files, snapshot.damaged_files) == ((), {})
    assert snapshot.rows.filter(F.col("position").isNotNull()).count() == 7
    # counted in the pass that checked the files: three lines (pl1, pl2 | pl3), all valid
    assert snapshot.line_counts == {
        DATE: LineCounts(lines=3, valid=3, invalid_line=0, invalid_file=0, files=2)
    }
    snapshot.unpersist()


def test_files_that_need_explaining_are_read_by_the_thorough_path(spark, tmp_path):
    bad_item = item({**SONGS[0], "duration_ms": "long"})
    write_raw(tmp_path, DATE, "clean.jsonl.gz", CLEAN[:1])
    write_raw(tmp_path, DATE, "bad-item.jsonl.gz", [envelope("pl4", [item(SONGS[1]), bad_item])])
    write_raw(tmp_path, DATE, "null-item.jsonl.gz", [envelope("pl5", [None])])
    write_raw(tmp_path, DATE, "bad-line.jsonl.gz", ["not json"])
    folder = Path(raw_date_path(str(tmp_path), DATE))
    (folder / "no-lines.jsonl.gz").write_bytes(gzip.compress(b"\n"))
    (folder / "empty.jsonl.gz").write_bytes(b"")
    cut = gzip.compress((json.dumps(CLEAN[1]) + "\n").encode() * 50)
    (folder / "cut.jsonl.gz").write_bytes(cut[: len(cut) // 2])

    snapshot = read_day(spark, tmp_path)

    assert names(snapshot.fast_files) == ["clean.jsonl.gz"]
    assert names(snapshot.thorough_files) == [
        "bad-item.jsonl.gz",
        "bad-line.jsonl.gz",
        "cut.jsonl.gz",
        "empty.jsonl.gz",
        "no-lines.jsonl.gz",
        "null-item.jsonl.gz",
    ]
    assert names(snapshot.damaged_files) == ["cut.jsonl.gz"]
    rows = snapshot.rows
    # every file is in the rows, each read once: its lines (or its file-level row) are there
    per_file = {Path(r.source_file).name: r["count"] for r in rows.groupBy("source_file").count().collect()}
    assert set(per_file) == {Path(p).name for p in (*snapshot.fast_files, *snapshot.thorough_files)}
    assert per_file["clean.jsonl.gz"] == 4
    reasons = {
        (Path(r.source_file).name, r.position): r.item_invalid_reason
        for r in rows.filter(F.col("item_invalid_reason").isNotNull()).collect()
    }
    assert reasons == {
        ("bad-item.jsonl.gz", 1): "item has a field of the wrong type",
        ("null-item.jsonl.gz", 0): "item is null, not a playlist item object",
    }
    thorough_lines = rows.filter(F.col("source_file").endswith("bad-line.jsonl.gz")).collect()
    assert [(r.line_number, r.invalid_reason) for r in thorough_lines] == [
        (1, "line is not valid JSON or not a JSON object")
    ]
    # the counts are of the final rows: the cut file's complete lines (decompressed here with
    # zlib) are valid, its cut-short tail is an invalid line; empty and no-lines are file-level
    readable = zlib.decompressobj(wbits=31).decompress(cut[: len(cut) // 2])
    complete, tail = readable.count(b"\n"), int(not readable.endswith(b"\n"))
    assert snapshot.line_counts[DATE] == LineCounts(
        lines=3 + complete + 1 + tail + 2,  # clean, bad-item, null-item; cut; bad-line; empty, no-lines
        valid=3 + complete,
        invalid_line=1 + tail,
        invalid_file=2,
        files=7,
    )
    snapshot.unpersist()


def test_a_folder_without_raw_files_gives_no_rows(spark, tmp_path):
    folder = Path(raw_date_path(str(tmp_path), DATE))
    folder.mkdir(parents=True)
    (folder / "run.manifest.json").write_text("{}")
    files = raw_files_of(list_raw_root(spark, str(tmp_path)), [DATE])
    assert (files.readable, files.empty, files.dates) == ((), (), ())
    snapshot = read_snapshot_rows(spark, files)
    assert (snapshot.rows.count(), snapshot.fast_files, snapshot.thorough_files) == (0, (), ())
    snapshot.unpersist()


def test_a_day_of_only_an_empty_file_is_one_file_level_row(spark, tmp_path):
    folder = Path(raw_date_path(str(tmp_path), DATE))
    folder.mkdir(parents=True)
    (folder / "empty.jsonl.gz").write_bytes(b"")
    snapshot = read_day(spark, tmp_path)
    rows = snapshot.rows.collect()
    assert [(r.line_number, r.invalid_reason) for r in rows] == [(None, "empty file: 0 bytes, no lines")]
    assert names(snapshot.thorough_files) == ["empty.jsonl.gz"]
    snapshot.unpersist()


@pytest.mark.parametrize("others", ["alone", "bad-item"])
def test_a_damaged_file_is_read_byte_by_byte_whatever_the_other_files_are(spark, tmp_path, others):
    """Issue 19, case 2: line 1 complete, line 2 cut off; the complete line is kept and the cut
    one explained, whether the damaged file is alone or another file needs explaining too (beside a
    clean file: the history lake's 2026-03-16, through the jobs, tests/spotify_etl/jobs)."""
    write_cut_raw(tmp_path, DATE, "r1.jsonl.gz", [CLEAN[0]], CLEAN[1])  # line 1 complete, line 2 cut
    if others == "bad-item":
        write_raw(tmp_path, DATE, "r0.jsonl.gz", [envelope("pl9", [item({**SONGS[0], "duration_ms": "x"})])])

    snapshot = read_day(spark, tmp_path)

    assert "r1.jsonl.gz" in names(snapshot.thorough_files) and names(snapshot.damaged_files) == [
        "r1.jsonl.gz"
    ]
    r1 = snapshot.rows.filter(F.col("source_file").endswith("r1.jsonl.gz"))
    lines = sorted(
        (r.line_number, r.invalid_reason or "")
        for r in r1.filter(F.col("position").isNull() | (F.col("position") == 0)).collect()
    )
    assert lines[0] == (1, "")  # pl1's complete line: valid, its 4 items kept
    assert lines[1][0] == 2 and lines[1][1].startswith("truncated gzip file")
    assert r1.filter(F.col("position").isNotNull() & (F.col("playlist_id") == "pl1")).count() == 4
    snapshot.unpersist()
