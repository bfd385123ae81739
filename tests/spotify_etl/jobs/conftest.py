"""The history lake, processed once per session: history.py's dates and the corrupt day (every kind
of bad input beside valid lines) through one multi-date run of both jobs, then some of its dates
rerun one at a time as daily runs would be."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spotify_etl.jobs import BUILD_TABLES, NORMALIZE_ITEMS, build_tables, normalize_items
from spotify_etl.jobs.build_tables import DatesNotPublishedError
from spotify_etl.jobs.entry import run_local_job
from spotify_etl.jobs.normalize_items import NoValidInputError
from spotify_etl.local_workflow import transform

from ..api_objects import album, artist, envelope, episode, item, local_track, track, write_raw
from .history import EMPTY_DAY, HISTORY_DATES, INVALID_DAY, write_history
from .lake_results import file_times, results

DATE = "2026-11-20"
ANN, BOB, CY = artist("art1", "Ann"), artist("art2", "Bob"), artist("art3", "Cy")
ALB1 = album("alb1", "First", [ANN], "1987", "year")
ALB2 = album("alb2", "Second", [CY], "2019-03", "month")
S1 = track("trk1", "One", [ANN, BOB], ALB1)
S2 = track("trk2", "Two", [CY], ALB2, popularity=40)
S3 = track("trk3", "Three", [BOB], ALB1)
BIG_ITEMS = 2_000


def big_playlist_items(count: int) -> list[dict]:
    """``count`` distinct songs spread over 100 albums and 50 artists (a stress line)."""
    artists = [artist(f"big-art{n}", f"Big {n}") for n in range(50)]
    albums = [album(f"big-alb{n}", f"Big album {n}", [artists[n % 50]]) for n in range(100)]
    return [
        {
            "added_at": "2026-11-01T00:00:00Z",
            "is_local": False,
            "item": {
                "id": f"big-trk{n}",
                "name": f"Song {n}",
                "type": "track",
                "duration_ms": 1000 + n,
                "explicit": n % 2 == 0,
                "album": albums[n % 100],
                "artists": [artists[n % 50]],
            },
        }
        for n in range(count)
    ]


def write_corrupt_day(raw: Path) -> dict[str, Path]:
    """Every kind of bad input of the issue, beside valid lines, in one snapshot date."""
    pl1 = envelope(
        "pl1",
        [item(S1), item(None), item(episode("ep1", "Talk")), item(local_track("Demo")), item(S2)],
        run_id="20261120T120000Z-bbbbbbbb",
        extracted_at="2026-11-20T12:00:00Z",
    )
    no_playlist = {k: v for k, v in envelope("plX", []).items() if k != "playlist"}
    no_items = {k: v for k, v in envelope("plY", []).items() if k != "items"}
    bad_duration = item({**S3, "duration_ms": "201000"})
    files = {
        "mixed": write_raw(
            raw,
            DATE,
            "20261120T120000Z-bbbbbbbb.jsonl.gz",
            [
                pl1,  # line 1: valid, 5 items
                "this is not json",  # line 2
                no_playlist,  # line 3
                no_items,  # line 4
                {**envelope("plZ", []), "items": {"0": item(S1)}},  # line 5: items as an object
                {**envelope("plV", [item(S1)]), "schema_version": 2},  # line 6
                envelope(
                    "pl2",
                    [item(S1), bad_duration, item(S3)],  # line 7: valid, one bad item
                    run_id="20261120T120000Z-bbbbbbbb",
                ),
            ],
        ),
        "early": write_raw(
            raw,
            DATE,
            "20261120T060000Z-aaaaaaaa.jsonl.gz",
            [
                envelope(
                    "pl1", [item(S3)], run_id="20261120T060000Z-aaaaaaaa", extracted_at="2026-11-20T06:00:00Z"
                ),
            ],
        ),
        "big": write_raw(
            raw,
            DATE,
            "20261120T130000Z-cccccccc.jsonl.gz",
            [
                envelope("pl5", big_playlist_items(BIG_ITEMS), run_id="20261120T130000Z-cccccccc"),
            ],
        ),
    }
    text = (
        json.dumps(envelope("pl3", [item(S1), item(S3)]))
        + "\n"
        + json.dumps(envelope("pl4", [item(S2)]))
        + "\n"
    )
    compressed = gzip.compress(text.encode())
    files["truncated"] = raw / f"snapshot_date={DATE}" / "20261120T140000Z-dddddddd.jsonl.gz"
    files["truncated"].write_bytes(compressed[: len(compressed) - 30])  # cut inside line 2 (pl4)
    files["empty"] = raw / f"snapshot_date={DATE}" / "20261120T150000Z-eeeeeeee.jsonl.gz"
    files["empty"].write_bytes(b"")
    return files


def normalize_run(spark, lake: Path, snapshot_dates: str, **arguments: str) -> dict:
    """normalize_items over ``lake/raw`` for ``snapshot_dates`` (as the job argument reads it),
    with more job ``arguments`` if given."""
    args = {"raw_path": str(lake / "raw"), "lake_path": str(lake), "snapshot_dates": snapshot_dates}
    return run_local_job(spark, NORMALIZE_ITEMS, normalize_items.run, {**args, **arguments})


def build_run(spark, lake: Path, snapshot_dates: str, **arguments: str) -> dict:
    args = {"raw_path": str(lake / "raw"), "lake_path": str(lake), "snapshot_dates": snapshot_dates}
    return run_local_job(spark, BUILD_TABLES, build_tables.run, {**args, **arguments})


@dataclass(frozen=True)
class History:
    """The history lake after one multi-date run: its summaries, the error the run ended with (some
    dates are not published) and what it printed."""

    lake: Path
    files: dict[str, Path]
    summaries: dict[str, Any]
    error: str
    printed: str

    def report(self, job: str, snapshot_date: str) -> dict[str, Any]:
        return self.summaries[job]["reports"][snapshot_date]


ANSI = "spark.sql.ansi.enabled"


@pytest.fixture(scope="session")
def history(spark, tmp_path_factory) -> History:
    """Every date of history.py and the corrupt day (2026-11-20) through ``spotify-etl transform``'s
    code in one pass of each job, with Spark's ANSI mode on (Spark 4's default, Glue 6.0)."""
    lake = tmp_path_factory.mktemp("history")
    files = {**write_history(lake / "raw"), **write_corrupt_day(lake / "raw")}
    before = spark.conf.get(ANSI)
    spark.conf.set(ANSI, "true")
    printed = io.StringIO()
    try:
        with pytest.raises(DatesNotPublishedError) as error:
            transform(str(lake), out=printed, spark=spark)
    finally:
        spark.conf.set(ANSI, before)
    return History(lake, files, error.value.summaries, str(error.value), printed.getvalue())


@pytest.fixture(scope="session")
def corrupt_day(history):
    """The corrupt day (2026-11-20) as the history's run wrote it: (lake, files, normalize report,
    build report). The history_by_date fixture reruns other dates only."""
    return (
        history.lake,
        history.files,
        history.report("normalize_items", DATE),
        history.report("build_tables", DATE),
    )


BY_DATE = (EMPTY_DAY, INVALID_DAY)
"""The history dates that are run again, one at a time (with Spark's defaults), as daily runs
would be: a day of empty playlists that also has two extractions of its playlist, and a day of
only invalid lines."""


@dataclass(frozen=True)
class ByDate:
    """BY_DATE's dates rerun one at a time in the history lake: what the multi-date run had written
    for them (``before``, by date, from lake_results.results), the curated files of the other
    dates before the reruns (``others``, lake_results.file_times) and the error each job ended
    with, by (job, date)."""

    lake: Path
    before: dict[str, dict[str, Any]]
    others: dict[str, dict[str, int]]
    errors: dict[tuple[str, str], Exception]


@pytest.fixture(scope="session")
def history_by_date(spark, history) -> ByDate:
    """BY_DATE's dates, each through both jobs on its own, in the history lake after its multi-date
    run, as daily reruns would be (INVALID_DAY's normalize_items fails after writing its
    quarantine and report, and its build_tables fails too). Tests that read the history lake
    afterwards see what the reruns wrote, which test_multi_date asserts is what was there."""
    lake = history.lake
    before = {snapshot_date: results(lake, snapshot_date) for snapshot_date in BY_DATE}
    others = {
        snapshot_date: file_times(lake, snapshot_date)
        for snapshot_date in sorted({*HISTORY_DATES, DATE} - set(BY_DATE))
    }
    errors: dict[tuple[str, str], Exception] = {}
    for snapshot_date in BY_DATE:
        for job, run in (("normalize_items", normalize_run), ("build_tables", build_run)):
            try:
                run(spark, lake, snapshot_date)
            except (NoValidInputError, DatesNotPublishedError) as error:
                errors[(job, snapshot_date)] = error
    return ByDate(lake, before, others, errors)
