"""Knowing the day something changes (issue 18): the API drift sentinel, the volume and continuity
checks, a blocking check, and the CloudWatch metrics both jobs put (moto's CloudWatch).

Four dates of four playlists, each expected value worked out from what is written here:

    2026-04-01 .. 03   A (snapshot "sA" every day), B, C, D: 4 songs each, popularity 50
    2026-04-04         A: 6 songs, still snapshot "sA"; B: 1 song; C: not extracted; D: one item
                       of a type Spotify added ("chapter"); no song has popularity any more

So on 2026-04-04: popularity falls from 100% to 0% of songs; a new item type; 7 songs against a
median of 16; C is missing; A changed without a new snapshot_id.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest
from moto import mock_aws

from spotify_etl.jobs.build_tables import DatesNotPublishedError

from ..api_objects import album, artist, envelope, item, track, write_raw
from .conftest import build_run, normalize_run

DAYS = ("2026-04-01", "2026-04-02", "2026-04-03")
DRIFT_DAY = "2026-04-04"
NAMESPACE = "SpotifyETL/test"
REGION = "eu-west-1"
ANN = artist("arN", "Ann")
ALBUM = album("alN", "Album", [ANN])


def songs(playlist: str, count: int, popularity: int | None) -> list[dict]:
    return [
        item(track(f"{playlist}{n}", f"{playlist} {n}", [ANN], ALBUM, popularity=popularity))
        for n in range(count)
    ]


def day_envelope(playlist: str, items: list, day: str, snapshot_id: str | None = None) -> dict:
    run_id = f"{day.replace('-', '')}T060000Z-aaaaaaaa"
    line = envelope(playlist, items, day, run_id, f"{day}T06:00:00Z")
    if snapshot_id:
        line["playlist"]["snapshot_id"] = snapshot_id
    return line


def write_days(raw: Path) -> None:
    for day in DAYS:
        lines = [day_envelope("A", songs("A", 4, 50), day, "sA")]
        lines += [day_envelope(p, songs(p, 4, 50), day) for p in ("B", "C", "D")]
        write_raw(raw, day, f"{day.replace('-', '')}T060000Z-aaaaaaaa.jsonl.gz", lines)
    write_raw(raw, DAYS[0], "20260401T050000Z-bbbbbbbb.jsonl.gz", ["oops"])  # quarantined
    chapter = item({**track("ch1", "Chapter 1", [ANN], ALBUM), "type": "chapter"})
    write_raw(
        raw,
        DRIFT_DAY,
        "20260404T060000Z-aaaaaaaa.jsonl.gz",
        [
            day_envelope("A", songs("A", 6, None), DRIFT_DAY, "sA"),
            day_envelope("B", songs("B", 1, None), DRIFT_DAY),
            day_envelope("D", [chapter], DRIFT_DAY),
        ],
    )


@pytest.fixture(scope="module")
def checked(spark, tmp_path_factory, monkeypatch_module):
    """The four dates through both jobs in one run each, putting metrics into moto's CloudWatch;
    songs_below_trailing_median is made blocking. (lake, normalize summary, build error, the sum
    of every metric put, by name and dimensions)"""
    lake = tmp_path_factory.mktemp("health")
    write_days(lake / "raw")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch_module.setenv(name, value)
    arguments = {"metrics_namespace": NAMESPACE, "blocking_checks": "songs_below_trailing_median"}
    put: dict[tuple[str, tuple], float] = {}

    def record(params, **_):  # PutMetricData as sent (botocore has checked it against the API)
        assert params["Namespace"] == NAMESPACE
        for datum in params["MetricData"]:
            key = (
                datum["MetricName"],
                tuple(sorted((d["Name"], d["Value"]) for d in datum.get("Dimensions", []))),
            )
            put[key] = put.get(key, 0) + datum["Value"]

    with mock_aws():
        boto3.setup_default_session()
        boto3.DEFAULT_SESSION.events.register("provide-client-params.cloudwatch.PutMetricData", record)
        normalized = normalize_run(spark, lake, "all", **arguments)
        with pytest.raises(DatesNotPublishedError) as error:
            build_run(spark, lake, "all", **arguments)
        listed = boto3.client("cloudwatch", region_name=REGION).list_metrics(Namespace=NAMESPACE)["Metrics"]
        assert {m["MetricName"] for m in listed} == {name for name, _ in put}  # moto took them
    boto3.DEFAULT_SESSION = None
    return lake, normalized, error.value, put


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_first_dates_have_no_history_and_warn_of_nothing(checked):
    _, normalized, error, _ = checked
    for day in DAYS:
        assert normalized["reports"][day]["api_drift"] == {}
        report = error.summary["reports"][day]
        assert report["published"] is True and report["volume_checks"] == {}


def test_api_drift_names_the_field_that_vanished_and_the_new_item_type(checked):
    _, normalized, _, _ = checked
    drift = normalized["reports"][DRIFT_DAY]["api_drift"]
    assert drift == {
        "field_share_dropped": ["popularity: 0% of items, trailing median 100%"],
        "unknown_item_type": ["chapter: 1 item(s)"],
    }
    health = {(r["measure"], r["name"]): r for r in normalized["reports"][DRIFT_DAY]["api_health"]}
    assert (
        health[("field_present", "popularity")]["count"],
        health[("field_present", "popularity")]["total"],
    ) == (0, 7)
    assert health[("item_type", "chapter")]["count"] == 1 and health[("item_type", "track")]["count"] == 7
    assert health[("item_shape", "item")]["count"] == 8
    assert normalized["staged"] == [*DAYS, DRIFT_DAY]  # a warning, not blocking: staged


def test_volume_and_continuity_checks_name_what_changed(checked):
    _, _, error, _ = checked
    checks = error.summary["reports"][DRIFT_DAY]["volume_checks"]
    assert checks == {
        "item_count_changed_same_snapshot": {
            "count": 1,
            "sample": ["A: 4 items on 2026-04-03, 6 now, same snapshot_id sA"],
        },
        "playlist_missing": {"count": 1, "sample": ["C: on 2026-04-03, not now"]},
        "songs_below_trailing_median": {
            "count": 1,
            "sample": ["2026-04-04: 7 songs, under 50% of the median 16 of 3 earlier date(s)"],
        },
    }


def test_a_blocking_check_holds_the_date_back_and_says_why(checked):
    lake, _, error, _ = checked
    assert error.summary["published"] == list(DAYS)
    reason = error.summary["not_published"][DRIFT_DAY]
    assert reason.startswith(
        "volume check(s) songs_below_trailing_median made blocking failed for snapshot_date=2026-04-04"
    )
    assert not (lake / "curated" / "song" / f"snapshot_date={DRIFT_DAY}").exists()
    assert (
        json.loads((lake / f"reports/snapshot_date={DRIFT_DAY}/build_tables.json").read_text())["published"]
        is False
    )


def test_the_api_health_table_is_written_for_every_date(checked):
    lake, _, _, _ = checked
    for day in (*DAYS, DRIFT_DAY):
        (file,) = (lake / "curated" / "api_health" / f"snapshot_date={day}").glob("*.parquet")
        rows = pq.read_table(file).to_pylist()
        assert [(r["measure"], r["name"]) for r in rows] == sorted((r["measure"], r["name"]) for r in rows)
        present = {r["name"]: r["share"] for r in rows if r["measure"] == "field_present"}
        assert present["popularity"] == (0.0 if day == DRIFT_DAY else 1.0)


def test_the_jobs_put_their_metrics(checked):
    _, _, _, put = checked
    assert put[("DatesPublished", ())] == 3 and put[("DatesNotPublished", ())] == 1
    assert put[("VolumeWarnings", ())] == 3 and put[("ApiDriftWarnings", ())] == 2
    assert put[("VolumeWarnings", (("Check", "playlist_missing"),))] == 1
    assert put[("ApiDriftWarnings", (("Check", "unknown_item_type"),))] == 1
    assert put[("Rows", (("Table", "song"),))] == 3 * 16  # the published dates only
    assert put[("FieldPresence", (("Field", "popularity"),))] == 0  # the run's latest date
    assert put[("RuleViolations", (("Rule", "song: (playlist_id, position) is unique"),))] == 0
    for job in ("normalize_items", "build_tables"):
        assert put[("JobDuration", (("Job", job),))] > 0


def test_a_rerun_of_changed_raw_leaves_nothing_of_the_earlier_run_behind(spark, checked):
    """Last in this file (it changes the shared lake): 2026-04-01 was published with 16 songs and
    a quarantined line; its raw is replaced by one extraction of only an unavailable track. No song
    row and no quarantine record of the first run may remain."""
    lake = checked[0]
    assert (lake / "quarantine" / f"snapshot_date={DAYS[0]}").exists()
    shutil.rmtree(lake / "raw" / f"snapshot_date={DAYS[0]}")
    write_raw(
        lake / "raw",
        DAYS[0],
        "20260401T090000Z-cccccccc.jsonl.gz",
        [envelope("A", [item(None)], DAYS[0], "20260401T090000Z-cccccccc")],
    )
    normalized = normalize_run(spark, lake, DAYS[0])["reports"][DAYS[0]]
    assert normalized["quarantined"] == {} and normalized["files_read_thorough"] == []
    built = build_run(spark, lake, DAYS[0])["reports"][DAYS[0]]
    assert built["rows"]["song"] == 0 and built["skipped"] == {"null_item": 1} and built["published"]
    assert built["volume_checks"] == {
        "empty_day": {"count": 1, "sample": ["2026-04-01: no song in any playlist"]}
    }
    assert not (lake / "curated" / "song" / f"snapshot_date={DAYS[0]}").exists()
    assert not (lake / "quarantine" / f"snapshot_date={DAYS[0]}").exists()
