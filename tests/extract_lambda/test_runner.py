"""One run: each playlist lands or fails with its reason; manifest and hand-off either way.

The stub-API tests check the run's bookkeeping; the fake-Spotify tests check concurrency over
real HTTP, measured on the server side: requests in flight, arrivals after a 429, and order.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager

import pytest
from extract_testkit import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    hold_until,
    read_jsonl_gz,
    sample_items,
    status,
    synthetic_document,
)

from extract_lambda import ordered_pool
from extract_lambda.budget import BudgetExhausted, TimeBudget
from extract_lambda.credentials import SpotifyCredentials
from extract_lambda.landing import LocalLanding
from extract_lambda.refusals import AuthContext
from extract_lambda.runner import run_extract
from extract_lambda.spotify_client import (
    RetryPolicy,
    SpotifyAuthError,
    SpotifyRequestError,
    build_spotify_api,
)

IDS = ["3cEYpjA9oz9GiPac4AsH4n", "37i9dQZF1DXcBWIGoYBM5M", "5ABHKGoOzxkaa28ttQV9sE"]


class StubApi:
    """Playlists of ``sizes`` items; ``errors`` maps a playlist to the exception it raises,
    ``hooks`` to a function called first (to block it, or to see when it is reached)."""

    context = AuthContext()

    def __init__(self, sizes, errors=None, hooks=None):
        self.auth_status = {"flow": "refresh_token", "granted_scope": None, "refresh_token_rotated": None}
        self.sizes = sizes
        self.errors = errors or {}
        self.hooks = hooks or {}
        self.calls = []

    @contextmanager
    def counting(self, outcomes):  # no HTTP here: nothing to count
        yield outcomes

    def playlist(self, playlist_id):
        self.calls.append(playlist_id)
        if playlist_id in self.hooks:
            self.hooks[playlist_id]()
        if playlist_id in self.errors:
            raise self.errors[playlist_id]
        return {
            "id": playlist_id,
            "name": f"name {playlist_id[:4]}",
            "snapshot_id": "s",
            "items": {"total": 2},
        }

    def playlist_snapshot_id(self, playlist_id):
        return "s"

    def playlist_items_page(self, playlist_id, offset, owner=None):
        return {"items": [{"n": n} for n in range(self.sizes[playlist_id])], "next": None}


class StubWorkflow:
    def __init__(self):
        self.calls = []

    def start(self, snapshot_date, run_id):
        self.calls.append((snapshot_date, run_id))
        return {"status": "started", "run_id": "wr_1"}


def run(
    tmp_path,
    api=None,
    factory=None,
    budget=None,
    workflow=None,
    landing=None,
    part_max_bytes=10**6,
    concurrency=8,
    ids=IDS,
):
    return run_extract(
        api_factory=factory or (lambda: api),
        playlist_ids=ids,
        snapshot_date="2026-11-20",
        landing=landing or LocalLanding(tmp_path / "raw"),
        budget=budget or TimeBudget(None),
        part_max_bytes=part_max_bytes,
        concurrency=concurrency,
        workflow=workflow,
    )


def statuses(summary):
    return [(p["playlist_id"], p["status"], p["item_count"]) for p in summary["playlists"]]


def manifest_of(summary):
    with open(summary["manifest"], encoding="utf-8") as stream:
        return json.load(stream)


def test_all_land_and_the_workflow_starts(tmp_path):
    workflow = StubWorkflow()
    summary = run(tmp_path, StubApi(dict.fromkeys(IDS, 2)), workflow=workflow)
    assert summary["status"] == "succeeded"
    assert statuses(summary) == [(pid, "ok", 2) for pid in IDS]
    assert workflow.calls == [("2026-11-20", summary["run_id"])]
    assert summary["workflow_run_id"] == "wr_1"
    assert manifest_of(summary)["workflow"] == {"status": "started", "run_id": "wr_1"}


@pytest.mark.parametrize("concurrency", [1, 3])
def test_one_failure_does_not_sink_the_others(tmp_path, concurrency):
    api = StubApi(
        dict.fromkeys(IDS, 2),
        errors={IDS[0]: SpotifyRequestError("playlist gone", 404), IDS[2]: KeyError("odd shape")},
    )
    summary = run(tmp_path, api, concurrency=concurrency)
    assert summary["status"] == "partial"
    assert statuses(summary) == [(IDS[0], "failed", None), (IDS[1], "ok", 2), (IDS[2], "failed", None)]
    assert summary["playlists"][0]["error"] == "playlist gone"
    assert summary["playlists"][2]["error"] == "unexpected error: KeyError: 'odd shape'"


def test_an_auth_error_fails_every_remaining_playlist_without_asking_again(tmp_path):
    api = StubApi(
        dict.fromkeys(IDS, 2), errors={IDS[0]: SpotifyAuthError("could not get a Spotify access token")}
    )
    summary = run(tmp_path, api, concurrency=1)
    assert api.calls == [IDS[0]]
    assert {p["error"] for p in summary["playlists"]} == {"could not get a Spotify access token"}
    assert summary["status"] == "failed"
    assert summary["objects"] == []
    assert manifest_of(summary)["status"] == "failed"


def test_an_auth_error_starts_no_more_playlists_while_those_under_way_finish(tmp_path):
    second_started, auth_failed = threading.Event(), threading.Event()

    def first_fails_once_the_second_is_under_way():
        assert second_started.wait(timeout=5)
        auth_failed.set()

    def second_finishes_well_after_the_first_failed():
        second_started.set()
        assert auth_failed.wait(timeout=5)
        time.sleep(0.3)  # margin for the first worker to record the failure

    api = StubApi(
        dict.fromkeys(IDS, 2),
        errors={IDS[0]: SpotifyAuthError("could not get a Spotify access token")},
        hooks={
            IDS[0]: first_fails_once_the_second_is_under_way,
            IDS[1]: second_finishes_well_after_the_first_failed,
        },
    )
    summary = run(tmp_path, api, concurrency=2)
    assert sorted(api.calls) == sorted(IDS[:2])  # the third was never asked for
    assert statuses(summary) == [(IDS[0], "failed", None), (IDS[1], "ok", 2), (IDS[2], "failed", None)]
    assert summary["playlists"][2]["error"] == "could not get a Spotify access token"


def test_no_client_no_playlist_but_a_manifest(tmp_path):
    def factory():
        raise ValueError("secret unreadable")

    workflow = StubWorkflow()
    summary = run(tmp_path, factory=factory, workflow=workflow)
    assert [p["error"] for p in summary["playlists"]] == [
        "could not set up the Spotify client: secret unreadable"
    ] * 3
    assert workflow.calls == []
    assert summary["workflow"] == {"status": "skipped", "reason": "no playlist landed"}
    assert manifest_of(summary)["playlists"] == summary["playlists"]


def test_an_exhausted_budget_starts_nothing_more(tmp_path):
    summary = run(tmp_path, StubApi(dict.fromkeys(IDS, 2)), budget=TimeBudget(0))
    assert {p["error"] for p in summary["playlists"]} == {
        "not started: time budget exhausted (the Lambda would time out)"
    }


def test_budget_running_out_mid_playlist(tmp_path):
    api = StubApi(
        dict.fromkeys(IDS, 2), errors={IDS[1]: BudgetExhausted("time budget exhausted before page 2")}
    )
    summary = run(tmp_path, api)
    assert statuses(summary)[1] == (IDS[1], "failed", None)
    assert summary["playlists"][1]["error"] == "time budget exhausted before page 2"


def test_a_playlist_stuck_past_the_budget_is_abandoned_and_the_others_land(tmp_path, monkeypatch):
    monkeypatch.setattr(ordered_pool, "STRAGGLER_GRACE_SECONDS", 0.2)
    release = threading.Event()
    api = StubApi(dict.fromkeys(IDS, 2), hooks={IDS[1]: lambda: release.wait(timeout=30)})
    try:
        began = time.monotonic()
        summary = run(tmp_path, api, budget=TimeBudget(0.5), concurrency=2)
        waited = time.monotonic() - began
    finally:
        release.set()
    assert statuses(summary) == [(IDS[0], "ok", 2), (IDS[1], "failed", None), (IDS[2], "ok", 2)]
    assert summary["playlists"][1]["error"] == (
        "abandoned: still reading when the time budget ran out (the Lambda would time out)"
    )
    assert summary["playlists"][1]["duration_seconds"] > 0
    assert waited < 10  # the stuck playlist would have taken 30 s


def test_parts_record_which_playlists_they_hold(tmp_path):
    summary = run(tmp_path, StubApi(dict.fromkeys(IDS, 40)), part_max_bytes=600)
    assert len(summary["objects"]) == 3
    for result, obj in zip(summary["playlists"], summary["objects"], strict=True):
        assert obj["playlist_ids"] == [result["playlist_id"]]
        assert result["object"] == obj["uri"]
        assert obj["uri"].endswith(f"{summary['run_id']}-000{summary['objects'].index(obj) + 1}.jsonl.gz")


class FailingLanding(LocalLanding):
    def put_new(self, key, body, content_type):
        raise PermissionError("AccessDenied")


def test_storage_failures_are_reported(tmp_path):
    summary = run(tmp_path, StubApi(dict.fromkeys(IDS, 2)), landing=FailingLanding(tmp_path))
    assert summary["status"] == "failed"
    assert {p["error"] for p in summary["playlists"]} == {
        "raw file not written: PermissionError: AccessDenied"
    }
    assert summary["manifest"] is None
    assert summary["manifest_error"] == "PermissionError: AccessDenied"


@pytest.mark.parametrize("count", [0, 1])
def test_summary_shape(tmp_path, count):
    summary = run(tmp_path, StubApi(dict.fromkeys(IDS, count)))
    assert set(summary) == {
        "run_id", "snapshot_date", "started_at", "finished_at", "status", "raw_path", "playlists",
        "objects", "workflow", "workflow_run_id", "error", "discovery", "auth", "manifest", "manifest_error",
    }  # fmt: skip
    assert summary["raw_path"] == str(tmp_path / "raw")
    assert summary["workflow"] == {"status": "not_configured"}


# ------------------------------------------------------------------------------------------
# Concurrency over real HTTP, measured by the fake Spotify.
# ------------------------------------------------------------------------------------------

FAST_RETRIES = RetryPolicy(
    max_attempts=3, base_delay_seconds=0.01, max_delay_seconds=0.05, request_timeout_seconds=5.0
)


def run_against(fake, tmp_path, ids, concurrency):
    budget = TimeBudget(None)

    def api_factory():
        credentials = SpotifyCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        return build_spotify_api(
            credentials, budget, fake.api_base_url, fake.accounts_base_url, policy=FAST_RETRIES
        )

    return run_extract(
        api_factory=api_factory,
        playlist_ids=ids,
        snapshot_date="2026-11-20",
        landing=LocalLanding(tmp_path / "raw"),
        budget=budget,
        concurrency=concurrency,
    )


def landed_lines(summary):
    with open(summary["objects"][0]["uri"], "rb") as stream:
        return read_jsonl_gz(stream.read())


@pytest.mark.parametrize("concurrency", [1, 3])
def test_requests_in_flight_never_exceed_the_concurrency(make_fake_spotify, tmp_path, concurrency):
    document = synthetic_document(playlists=12, pages=2)
    fake = make_fake_spotify(document=document, latency_seconds=0.02)
    summary = run_against(fake, tmp_path, document["playlist_ids"], concurrency)
    assert summary["status"] == "succeeded"
    assert len(fake.arrivals) == 1 + 12 * 4  # one token, then metadata, 2 pages, snapshot_id per playlist
    if concurrency == 1:
        assert fake.max_in_flight == 1
    else:
        assert 1 < fake.max_in_flight <= concurrency


def test_lines_and_manifest_keep_the_configured_order_whoever_finishes_first(make_fake_spotify, tmp_path):
    document = synthetic_document(playlists=8, pages=2)
    fake = make_fake_spotify(document=document)
    configured = document["playlist_ids"][::-1]
    slow = configured[:2]  # the first two in the configuration are answered last
    others = configured[2:]

    def others_all_arrived() -> bool:  # metadata, two pages and the snapshot_id for each of the others
        with fake.lock:
            paths = [path for _, path in fake.arrivals]
        return sum(any(f"/{pid}" in path for pid in others) for path in paths) == len(others) * 4

    for playlist_id in slow:
        fake.inject(f"GET /v1/playlists/{playlist_id}", hold_until(others_all_arrived))
    summary = run_against(fake, tmp_path, configured, concurrency=4)

    paths = [path for _, path in fake.arrivals]
    slow_pages = [paths.index(f"GET /v1/playlists/{pid}/items") for pid in slow]
    others_done = max(i for i, path in enumerate(paths) if any(f"/{pid}" in path for pid in others))
    assert others_done < min(slow_pages), "the slow playlists were meant to finish last"
    assert [p["playlist_id"] for p in summary["playlists"]] == configured
    lines = landed_lines(summary)
    assert [line["playlist"]["id"] for line in lines] == configured
    for line in lines:
        assert line["items"] == sample_items(document, line["playlist"]["id"])
    with open(summary["manifest"], encoding="utf-8") as stream:
        manifest = json.load(stream)
    assert [p["playlist_id"] for p in manifest["playlists"]] == configured
    assert manifest["objects"][0]["playlist_ids"] == configured


RETRY_AFTER = 2.0
ALREADY_SENT = 0.5
"""Requests arriving this soon after the 429 may have been sent before the client read it."""


def test_a_429_holds_back_every_worker_until_retry_after(make_fake_spotify, tmp_path):
    # 24 playlists x 5 requests x 50 ms on 4 workers: ~1.5 s of work, most of it after the 429
    document = synthetic_document(playlists=24, pages=3)
    fake = make_fake_spotify(document=document, latency_seconds=0.05)
    limited = document["playlist_ids"][2]
    fake.inject(f"GET /v1/playlists/{limited}/items?offset=50", status(429, Retry_After="2"))
    summary = run_against(fake, tmp_path, document["playlist_ids"], concurrency=4)

    assert summary["status"] == "succeeded"
    assert len(fake.rate_limited_at) == 1
    sent = fake.rate_limited_at[0]
    during = [
        (round(at - sent, 3), path) for at, path in fake.arrivals if ALREADY_SENT <= at - sent < RETRY_AFTER
    ]
    assert during == [], "requests arrived while Retry-After was running"
    after = [path for at, path in fake.arrivals if at >= sent + RETRY_AFTER]
    assert len(after) >= 48, "the workers resumed after the wait, with most of the run still to do"
    assert len(fake.arrivals) == 1 + 24 * 5 + 1  # token, metadata + 3 pages + snapshot_id each, the repeat
