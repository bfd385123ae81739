"""One run: each playlist lands or fails with its reason; manifest and hand-off either way."""

from __future__ import annotations

import json

import pytest

from extract_lambda.budget import BudgetExhausted, TimeBudget
from extract_lambda.landing import LocalLanding
from extract_lambda.runner import run_extract
from extract_lambda.spotify_client import SpotifyAuthError, SpotifyRequestError

IDS = ["3cEYpjA9oz9GiPac4AsH4n", "37i9dQZF1DXcBWIGoYBM5M", "5ABHKGoOzxkaa28ttQV9sE"]


class StubApi:
    """Playlists of ``sizes`` items; ``errors`` maps a playlist to the exception it raises."""

    def __init__(self, sizes, errors=None):
        self.sizes = sizes
        self.errors = errors or {}
        self.calls = []

    def playlist(self, playlist_id):
        self.calls.append(playlist_id)
        if playlist_id in self.errors:
            raise self.errors[playlist_id]
        return {
            "id": playlist_id,
            "name": f"name {playlist_id[:4]}",
            "snapshot_id": "s",
            "items": {"total": 2},
        }

    def playlist_items_page(self, playlist_id, offset):
        return {"items": [{"n": n} for n in range(self.sizes[playlist_id])], "next": None}


class StubWorkflow:
    def __init__(self):
        self.calls = []

    def start(self, snapshot_date, run_id):
        self.calls.append((snapshot_date, run_id))
        return {"status": "started", "run_id": "wr_1"}


def run(tmp_path, api=None, factory=None, budget=None, workflow=None, landing=None, part_max_bytes=10**6):
    return run_extract(
        api_factory=factory or (lambda: api),
        playlist_ids=IDS,
        snapshot_date="2026-11-20",
        landing=landing or LocalLanding(tmp_path / "raw"),
        budget=budget or TimeBudget(None),
        part_max_bytes=part_max_bytes,
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


def test_one_failure_does_not_sink_the_others(tmp_path):
    api = StubApi(
        dict.fromkeys(IDS, 2),
        errors={IDS[0]: SpotifyRequestError("playlist gone", 404), IDS[2]: KeyError("odd shape")},
    )
    summary = run(tmp_path, api)
    assert summary["status"] == "partial"
    assert statuses(summary) == [(IDS[0], "failed", None), (IDS[1], "ok", 2), (IDS[2], "failed", None)]
    assert summary["playlists"][0]["error"] == "playlist gone"
    assert summary["playlists"][2]["error"] == "unexpected error: KeyError: 'odd shape'"


def test_an_auth_error_fails_every_remaining_playlist_without_asking_again(tmp_path):
    api = StubApi(
        dict.fromkeys(IDS, 2), errors={IDS[0]: SpotifyAuthError("could not get a Spotify access token")}
    )
    summary = run(tmp_path, api)
    assert api.calls == [IDS[0]]
    assert {p["error"] for p in summary["playlists"]} == {"could not get a Spotify access token"}
    assert summary["status"] == "failed"
    assert summary["objects"] == []
    assert manifest_of(summary)["status"] == "failed"


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
        "objects", "workflow", "workflow_run_id", "manifest", "manifest_error",
    }  # fmt: skip
    assert summary["raw_path"] == str(tmp_path / "raw")
    assert summary["workflow"] == {"status": "not_configured"}
