"""Many snapshot dates in one run (issue 16): the same tables, quarantine and report counts as
date-by-date runs, per-date checks, and dates that fail without stopping the others.

The history lake (history.py and the corrupt day) went through one multi-date run with ANSI mode
on; then BY_DATE's dates were rerun in it, one run each with Spark's defaults: what they wrote
must be what the multi-date run wrote, value for value and in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from spotify_etl.jobs.build_tables import DatesNotPublishedError
from spotify_etl.lake_layout import STAGED_ITEM, STAGED_PLAYLIST, staging_path
from spotify_etl.schemas import CATALOG_TABLES, STAGED_ITEM_SCHEMA, STAGED_PLAYLIST_SCHEMA, TABLES

from ..api_objects import album, artist, envelope, item, track, write_raw
from . import lake_results
from .conftest import BY_DATE, DATE, build_run, normalize_run
from .history import CASES_DAY, CUT_DAY, EMPTY_DAY, EMPTY_FILE_DAY, HISTORY_DATES, INVALID_DAY, NEXT_DAY
from .lake_results import report, table_files, table_rows

PUBLISHED = [EMPTY_DAY, NEXT_DAY, CUT_DAY, CASES_DAY, DATE]
NOT_PUBLISHED = [INVALID_DAY, EMPTY_FILE_DAY]


@pytest.mark.parametrize("snapshot_date", BY_DATE)
def test_one_multi_date_run_writes_what_date_by_date_runs_write(history_by_date, snapshot_date):
    """The same files, rows in the same order, quarantine records and reports (volume and drift
    checks included: the reruns have the same history before them)."""
    before = history_by_date.before[snapshot_date]
    after = lake_results.results(history_by_date.lake, snapshot_date)
    assert after["files"] == before["files"] and all(count <= 1 for count in after["files"].values())
    for table in CATALOG_TABLES:
        assert after["rows"][table] == before["rows"][table], table
    assert after["quarantine"] == before["quarantine"]
    for job in lake_results.JOBS:
        assert after["reports"][job] == before["reports"][job], job


def test_the_date_by_date_reruns_covered_the_edge_cases(history_by_date):
    """Issue 16's edge cases are among the dates compared: an empty day (published, no songs) that
    has two extractions of its playlist, and a day of only invalid lines (not published)."""
    before = history_by_date.before
    assert before[EMPTY_DAY]["rows"]["song"] == [] and before[EMPTY_DAY]["rows"]["playlist"]
    assert before[EMPTY_DAY]["reports"]["normalize_items"]["envelopes_superseded"] == 1
    assert before[INVALID_DAY]["reports"]["build_tables"]["published"] is False
    assert len(before[INVALID_DAY]["quarantine"]) == 2


def test_rerunning_dates_leaves_the_other_dates_alone(history_by_date):
    others = history_by_date.others
    assert set(others) == {NEXT_DAY, CUT_DAY, CASES_DAY, EMPTY_FILE_DAY, DATE} and others[NEXT_DAY]
    for snapshot_date, files in others.items():
        assert lake_results.file_times(history_by_date.lake, snapshot_date) == files, snapshot_date


def test_the_run_publishes_every_date_it_can_and_fails_naming_the_others(history):
    built = history.summaries["build_tables"]
    assert built["snapshot_dates"] == sorted(PUBLISHED + NOT_PUBLISHED)
    assert built["published"] == sorted(PUBLISHED)
    assert sorted(built["not_published"]) == NOT_PUBLISHED
    for snapshot_date in NOT_PUBLISHED:
        assert built["not_published"][snapshot_date].startswith("no valid input: none of its")
        assert f"- {snapshot_date}: no valid input" in history.error
        assert not any(table_files(history.lake, table, snapshot_date) for table in TABLES)
        assert report(history.lake, snapshot_date, "build_tables")["published"] is False
    assert history.error.startswith("build_tables published 5 of 7 snapshot date(s)")
    normalized = history.summaries["normalize_items"]
    assert (normalized["staged"], normalized["no_valid_input"]) == (sorted(PUBLISHED), NOT_PUBLISHED)


def test_progress_names_the_dates_and_the_steps(history):
    printed = history.printed
    assert "snapshot dates: all in raw" in printed
    assert f"normalize_items  {HISTORY_DATES[0]} .. {DATE} (7 dates) done in" in printed
    assert "build_tables     done in" in printed and "with dates not published" in printed
    lines = {line.split()[0]: line for line in printed.splitlines() if line.strip()[:4] in ("2026",)}
    assert lines[INVALID_DAY].endswith("not published") and lines[EMPTY_DAY].split()[4] == "1"


def small_day(raw: Path, snapshot_date: str, songs: list[str], playlist: str = "pl1") -> None:
    ann = artist("art1", "Ann")
    alb = album("alb1", "First", [ann])
    items = [item(track(s, s.upper(), [ann], alb)) for s in songs]
    run_id = snapshot_date.replace("-", "") + "T060000Z-aaaaaaaa"
    write_raw(
        raw,
        snapshot_date,
        f"{run_id}.jsonl.gz",
        [envelope(playlist, items, snapshot_date, run_id, f"{snapshot_date}T06:00:00Z")],
    )


def rewrite_staged(spark, lake: Path, dataset: str, schema, change) -> None:
    root = staging_path(str(lake), dataset)
    frame = spark.read.schema(schema).parquet(root).transform(change).localCheckpoint()
    frame.write.mode("overwrite").partitionBy("snapshot_date").parquet(root)


def test_a_date_that_fails_a_check_is_not_published_and_the_others_are(spark, history, tmp_path):
    """One date fails a data-quality rule, another does not add up; the third is published, and the
    job fails naming both (nothing of theirs written), after writing every date's report. The
    three dates' staging and normalize reports are the history's (no normalize run), then:
    CASES_DAY's 5 songs of P5 all get position 0; EMPTY_DAY's P0 claims 3 items instead of 0."""
    dup, gap, good = CASES_DAY, EMPTY_DAY, CUT_DAY
    for snapshot_date in (dup, gap, good):
        folder = f"snapshot_date={snapshot_date}"
        for dataset in (STAGED_ITEM, STAGED_PLAYLIST):
            source = Path(staging_path(str(history.lake), dataset)) / folder
            if source.exists():  # EMPTY_DAY stages no item
                shutil.copytree(source, Path(staging_path(str(tmp_path), dataset)) / folder)
        shutil.copytree(history.lake / "reports" / folder, tmp_path / "reports" / folder)
        (tmp_path / "reports" / folder / "build_tables.json").unlink()
    day = F.col("snapshot_date")
    rewrite_staged(
        spark,
        tmp_path,
        STAGED_ITEM,
        STAGED_ITEM_SCHEMA,
        lambda f: f.withColumn("position", F.when(day == dup, F.lit(0)).otherwise(F.col("position"))),
    )
    rewrite_staged(
        spark,
        tmp_path,
        STAGED_PLAYLIST,
        STAGED_PLAYLIST_SCHEMA,
        lambda f: f.withColumn("item_count", F.when(day == gap, F.lit(3)).otherwise(F.col("item_count"))),
    )
    with pytest.raises(DatesNotPublishedError) as error:
        build_run(spark, tmp_path, f"{gap},{good},{dup}")
    message = str(error.value)
    assert message.startswith(f"build_tables published 1 of 3 snapshot date(s) ({good}); not published:")
    assert f"- {dup}: data quality failed for snapshot_date={dup}" in message
    sample = "[{'playlist_id': 'P5', 'position': 0, 'rows': 5}]"
    assert f"song: (playlist_id, position) is unique: 1 offending row(s), e.g. {sample}" in message
    sums = "items read 3 != songs 0 + skipped 0 {} + quarantined 0 = 0"
    assert f"- {gap}: reconciliation failed for snapshot_date={gap}: {sums}" in message
    # CUT_DAY: P1's 10 songs, then P3's 3 (the cut P2 is quarantined), in key order
    expected = [f"q1-{n:05d}" for n in range(10)] + [f"q3-{n:05d}" for n in range(3)]
    assert [r["song_id"] for r in table_rows(tmp_path, "song", good)] == expected
    for failed in (dup, gap):
        assert not (tmp_path / "curated" / "song" / f"snapshot_date={failed}").exists()
        assert report(tmp_path, failed, "build_tables")["published"] is False
    assert report(tmp_path, good, "build_tables")["published"] is True


def test_dates_without_raw_data(spark, tmp_path):
    """A named date without raw files is reported, not fatal; a range skips the gaps in raw; no raw
    data at all for the run fails at once, saying what to do."""
    from spotify_etl.raw_reader import MissingRawDataError

    small_day(tmp_path / "raw", "2026-11-20", ["t1"])
    summary = normalize_run(spark, tmp_path, "2026-11-19,2026-11-01..2026-11-30")
    assert (summary["snapshot_dates"], summary["no_raw_data"]) == (
        ["2026-11-19", "2026-11-20"],
        ["2026-11-19"],
    )
    with pytest.raises(MissingRawDataError, match="no raw data for snapshot_dates 2026-10-01 under"):
        normalize_run(spark, tmp_path, "2026-10-01")
