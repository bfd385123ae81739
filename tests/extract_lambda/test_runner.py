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
    TOP_50_GLOBAL,
    hold_until,
    read_jsonl_gz,
    sample_items,
    sleep,
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


def run_against(fake, tmp_path, ids, concurrency, policy=FAST_RETRIES, budget=None):
    budget = budget or TimeBudget(None)

    def api_factory():
        credentials = SpotifyCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        return build_spotify_api(
            credentials, budget, fake.api_base_url, fake.accounts_base_url, policy=policy
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


# ------------------------------------------------------------------------------------------
# Each playlist's HTTP outcomes (the manifest's ``http``), counted over real HTTP.
# ------------------------------------------------------------------------------------------

OWN = "nRigfkcM3bwC0cjXC1ZjKi"  # the user's, 3 recorded pages
OWN_TOO = "T6RwXXMIsW3ECVpqNLtgWC"  # the user's, 2 pages
COLLABORATIVE = "puFqccM3YsjJON6xBLUfOu"  # another user's, collaborative: 2 pages
FOLLOWED = "TqH7NgnuQNAJOnySF5DlU6"  # another user's, not collaborative: items 403 (2026)


def recorded_pages(document, playlist_id):
    """How many items pages the document holds for a playlist (read from the recording)."""
    return sum(
        key.startswith(f"GET /v1/playlists/{playlist_id}/items?offset=") for key in document["responses"]
    )


def received(fake, playlist_id):
    """Requests for a playlist that reached the fake Spotify (metadata, pages, snapshot_id)."""
    with fake.lock:
        return sum(path.startswith(f"/v1/playlists/{playlist_id}") for _, path, _ in fake.requests)


def http_of(summary):
    return {result["playlist_id"]: result["http"] for result in summary["playlists"]}


@pytest.mark.parametrize("exhausted_by", [503, 429])
def test_each_playlist_records_how_spotify_answered_its_requests(
    make_fake_spotify, tmp_path, waits, exhausted_by
):
    fake = make_fake_spotify("2026-11-20")
    document = fake.document
    attempts = FAST_RETRIES.max_attempts
    fake.inject(f"GET /v1/playlists/{OWN_TOO}/items?offset=50", status(429, Retry_After="1"))
    fake.inject(f"GET /v1/playlists/{COLLABORATIVE}/items?offset=0", *[status(exhausted_by)] * attempts)
    ids = [OWN, OWN_TOO, COLLABORATIVE, FOLLOWED, TOP_50_GLOBAL]
    summary = run_against(fake, tmp_path, ids, concurrency=3)

    own_pages, own_too_pages = recorded_pages(document, OWN), recorded_pages(document, OWN_TOO)
    assert (own_pages, own_too_pages) == (3, 2)
    clean = 1 + own_pages + 1  # metadata, every page, the snapshot_id re-check
    assert http_of(summary) == {
        OWN: {"status": 200, "requests": clean, "responses": {"200": clean}, "retries": 0},
        OWN_TOO: {  # page 50 answered 429 once, then read
            "status": 200,
            "requests": 1 + own_too_pages + 1 + 1,
            "responses": {"200": 1 + own_too_pages + 1, "429": 1},
            "retries": 1,
        },
        COLLABORATIVE: {  # metadata, then page 0 refused until the attempts ran out
            "status": exhausted_by,
            "requests": 1 + attempts,
            "responses": {"200": 1, str(exhausted_by): attempts},
            "retries": attempts - 1,
        },
        FOLLOWED: {"status": 403, "requests": 2, "responses": {"200": 1, "403": 1}, "retries": 0},
        TOP_50_GLOBAL: {"status": 404, "requests": 1, "responses": {"404": 1}, "retries": 0},
    }
    assert [p["status"] for p in summary["playlists"]] == ["ok", "ok", "failed", "failed", "failed"]
    for playlist_id, http in http_of(summary).items():  # what the fake Spotify saw, per playlist
        assert http["requests"] == received(fake, playlist_id), playlist_id
    assert manifest_of(summary)["playlists"] == summary["playlists"]


def test_a_playlist_ended_by_timeouts_has_no_status(make_fake_spotify, tmp_path, waits):
    fake = make_fake_spotify("2026-11-20")
    policy = RetryPolicy(
        max_attempts=2, base_delay_seconds=0.01, max_delay_seconds=0.05, request_timeout_seconds=0.15
    )
    fake.inject(f"GET /v1/playlists/{OWN}/items?offset=0", sleep(0.4), sleep(0.4))  # both attempts
    fake.inject(f"GET /v1/playlists/{OWN_TOO}/items?offset=0", sleep(0.4))  # the first attempt only
    summary = run_against(fake, tmp_path, [OWN, OWN_TOO], concurrency=2, policy=policy)

    pages = recorded_pages(fake.document, OWN_TOO)
    assert http_of(summary) == {
        OWN: {"status": None, "requests": 3, "responses": {"200": 1}, "retries": 1},
        OWN_TOO: {
            "status": 200,
            "requests": 1 + pages + 1 + 1,
            "responses": {"200": 1 + pages + 1},
            "retries": 1,
        },
    }
    assert "timed out" in summary["playlists"][0]["error"]


def test_playlists_read_at_the_same_time_keep_their_own_counts(make_fake_spotify, tmp_path, waits):
    fake = make_fake_spotify("2026-11-20")

    def arrived(path):
        with fake.lock:
            return any(seen == f"GET {path}" for _, seen in fake.arrivals)

    # Both metadata requests are in flight at once: each is answered only once the other arrived.
    fake.inject(f"GET /v1/playlists/{OWN}", hold_until(lambda: arrived(f"/v1/playlists/{OWN_TOO}")))
    fake.inject(f"GET /v1/playlists/{OWN_TOO}", hold_until(lambda: arrived(f"/v1/playlists/{OWN}")))
    fake.inject(f"GET /v1/playlists/{OWN}/items?offset=50", status(429, Retry_After="1"))
    fake.inject(f"GET /v1/playlists/{OWN_TOO}/items?offset=0", status(503), status(502))
    summary = run_against(fake, tmp_path, [OWN, OWN_TOO], concurrency=2)

    assert fake.max_in_flight == 2
    own, own_too = (1 + recorded_pages(fake.document, pid) + 1 for pid in (OWN, OWN_TOO))  # 200s
    assert http_of(summary) == {
        OWN: {"status": 200, "requests": own + 1, "responses": {"200": own, "429": 1}, "retries": 1},
        OWN_TOO: {
            "status": 200,
            "requests": own_too + 2,
            "responses": {"200": own_too, "502": 1, "503": 1},
            "retries": 2,
        },
    }
    assert summary["status"] == "succeeded"


@pytest.mark.parametrize(
    ("fault", "expected", "status_of_mine"),
    [
        (None, {"status": 200, "requests": 2, "responses": {"200": 2}, "retries": 0}, "ok"),
        (status(502), {"status": 200, "requests": 3, "responses": {"200": 2, "502": 1}, "retries": 1}, "ok"),
        (
            status(403),
            {"status": 403, "requests": 2, "responses": {"200": 1, "403": 1}, "retries": 0},
            "failed",
        ),
    ],
)
def test_the_requests_of_mine_are_discoverys_not_a_playlists(
    make_fake_spotify, tmp_path, waits, fault, expected, status_of_mine
):
    fake = make_fake_spotify("2026-11-20")
    if fault is not None:
        fake.inject("GET /v1/me/playlists?offset=0", fault)
    summary = run_against(fake, tmp_path, ["mine", TOP_50_GLOBAL], concurrency=2)

    discovery = summary["discovery"]
    assert (discovery["status"], discovery["http"]) == (status_of_mine, expected)
    assert manifest_of(summary)["discovery"]["http"] == expected
    with fake.lock:
        assert expected["requests"] == sum(path.startswith("/v1/me") for _, path, _ in fake.requests)
    for result in summary["playlists"]:  # GET /me and /me/playlists are in no playlist's counts
        assert result["http"]["requests"] == received(fake, result["playlist_id"])
    assert summary["playlists"][-1]["http"]["responses"] == {"404": 1}


def test_a_playlist_abandoned_at_the_deadline_has_no_status_but_its_requests(
    make_fake_spotify, tmp_path, monkeypatch
):
    """A worker stuck where no timeout reaches (here: in the wait after a 503) is left behind at
    the deadline; what its requests got so far is recorded, and no final status."""
    from extract_lambda import spotify_client

    monkeypatch.setattr(ordered_pool, "STRAGGLER_GRACE_SECONDS", 0.2)
    release = threading.Event()
    monkeypatch.setattr(spotify_client, "_sleep", lambda seconds: release.wait(timeout=30))
    fake = make_fake_spotify("2026-11-20")
    fake.inject(f"GET /v1/playlists/{OWN}/items?offset=0", status(503))
    try:
        summary = run_against(fake, tmp_path, [OWN], concurrency=1, budget=TimeBudget(0.8))
    finally:
        release.set()
    assert summary["playlists"][0]["error"].startswith("abandoned: still reading")
    assert http_of(summary)[OWN] == {
        "status": None,
        "requests": 2,
        "responses": {"200": 1, "503": 1},
        "retries": 0,
    }


def test_no_request_sent_no_status(tmp_path):
    def factory():
        raise ValueError("secret unreadable")

    summary = run(tmp_path, factory=factory, ids=[*IDS, "mine"])
    nothing = {"status": None, "requests": 0, "responses": {}, "retries": 0}
    assert [p["http"] for p in summary["playlists"]] == [nothing] * 3
    assert summary["discovery"]["http"] == nothing
    assert manifest_of(summary)["discovery"]["http"] == nothing
