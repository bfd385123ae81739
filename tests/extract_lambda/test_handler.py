"""The Lambda end to end: moto S3/Secrets Manager/Glue, the fake Spotify over real HTTP."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime

import pytest
from extract_testkit import (
    APP_SECRET,
    BUCKET,
    EXPIRE,
    NOT_FOUND_MESSAGE,
    PREFIX,
    REFRESH_TOKEN,
    SAFETY_MARGIN_SECONDS,
    SECRET_ID,
    TOP_50_GLOBAL,
    USER_SECRET,
    WORKFLOW,
    FakeLambdaContext,
    expected_playlist_object,
    read_jsonl_gz,
    readable_ids,
    sample_items,
    sleep,
    status,
)

from extract_lambda.handler import NoPlaylistLanded, lambda_handler

RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
EXTRACTED_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_lands_every_readable_playlist_and_starts_the_workflow(
    lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    fake = lambda_env
    document = fake.document
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)

    run_id = summary["run_id"]
    assert RUN_ID.match(run_id)
    assert summary["snapshot_date"] == "2026-11-20"
    assert summary["status"] == "partial"
    folder = f"{PREFIX}/snapshot_date=2026-11-20"
    assert aws.object_keys() == [f"{folder}/{run_id}.jsonl.gz", f"{folder}/{run_id}.manifest.json"]
    data_uri = f"s3://{BUCKET}/{folder}/{run_id}.jsonl.gz"
    assert [obj["uri"] for obj in summary["objects"]] == [data_uri]
    assert summary["manifest"] == f"s3://{BUCKET}/{folder}/{run_id}.manifest.json"

    # Per-playlist status and counts, worked out from the recordings (123, 68, 57 items).
    by_id = {result["playlist_id"]: result for result in summary["playlists"]}
    assert list(by_id) == document["playlist_ids"]
    for playlist_id in readable_ids(document):
        assert by_id[playlist_id]["status"] == "ok"
        assert by_id[playlist_id]["item_count"] == len(sample_items(document, playlist_id))
        assert by_id[playlist_id]["object"] == data_uri
    assert [by_id[pid]["item_count"] for pid in readable_ids(document)] == [123, 68, 57]
    assert by_id[TOP_50_GLOBAL]["status"] == "failed"
    assert by_id[TOP_50_GLOBAL]["error"] == NOT_FOUND_MESSAGE

    # The raw file: one envelope per readable playlist, items exactly as served.
    lines = read_jsonl_gz(aws.body(f"{folder}/{run_id}.jsonl.gz"))
    assert [line["playlist"]["id"] for line in lines] == readable_ids(document)
    for line in lines:
        playlist_id = line["playlist"]["id"]
        assert set(line) == {"schema_version", "run_id", "snapshot_date", "extracted_at", "playlist", "items"}
        assert line["schema_version"] == 1
        assert line["run_id"] == run_id
        assert line["snapshot_date"] == "2026-11-20"
        assert EXTRACTED_AT.match(line["extracted_at"])
        assert line["playlist"] == expected_playlist_object(document, playlist_id)
        assert line["items"] == sample_items(document, playlist_id)
        assert line["items"] == fake.served_items(playlist_id)

    # The manifest.
    manifest = json.loads(aws.body(f"{folder}/{run_id}.manifest.json"))
    assert manifest["run_id"] == run_id
    assert manifest["snapshot_date"] == "2026-11-20"
    assert manifest["started_at"] <= manifest["finished_at"]
    assert [(p["playlist_id"], p["status"], p["item_count"]) for p in manifest["playlists"]] == [
        (pid, "ok", len(sample_items(document, pid))) for pid in readable_ids(document)
    ] + [(TOP_50_GLOBAL, "failed", None)]
    assert all(isinstance(p["duration_seconds"], float) for p in manifest["playlists"])
    assert manifest["objects"] == summary["objects"]
    assert manifest["versions"]["spotipy"] == "2.26.0"
    assert manifest["versions"]["raw_schema_version"] == 1
    assert manifest["versions"]["extract_lambda"]

    # The Glue hand-off, as moto recorded it.
    assert summary["workflow"]["status"] == "started"
    run = aws.glue.get_workflow_run(Name=WORKFLOW, RunId=summary["workflow_run_id"])["Run"]
    assert run["WorkflowRunProperties"] == {
        "snapshot_date": "2026-11-20",
        "run_id": run_id,
        "raw_path": f"s3://{BUCKET}/{PREFIX}",
    }
    assert manifest["workflow"]["run_id"] == summary["workflow_run_id"]

    # What was asked of Spotify: limit 50, tracks and episodes, a fields filter for both shapes.
    item_queries = [query for method, path, query in fake.requests if path.endswith("/items")]
    assert item_queries and all(q["limit"] == "50" for q in item_queries)
    assert all(q["additional_types"] == "track,episode" for q in item_queries)
    assert all("item(" in q["fields"] and "track(" in q["fields"] for q in item_queries)
    assert sorted(int(q["offset"]) for q in item_queries if q.get("offset") != "0") == [50, 50, 50, 100]
    assert waits == []
    assert_no_secret_leaks(fake, summary, manifest)


def test_snapshot_date_defaults_to_today_utc(lambda_env, aws, lambda_context, waits):
    today = datetime.now(UTC).date().isoformat()
    summary = lambda_handler({}, lambda_context)
    assert summary["snapshot_date"] == today
    assert all(f"/snapshot_date={today}/" in key for key in aws.object_keys())


def test_event_overrides_playlists_and_date(
    monkeypatch, aws, make_fake_spotify, lambda_env, lambda_context, waits
):
    older = make_fake_spotify("2026-11-19")
    monkeypatch.setenv("SPOTIFY_API_BASE_URL", older.api_base_url)
    monkeypatch.setenv("SPOTIFY_ACCOUNTS_BASE_URL", older.accounts_base_url)
    first, second = readable_ids(older.document)[:2]
    event = {
        "playlist_ids": [f"spotify:playlist:{first}", f"https://open.spotify.com/playlist/{second}?si=abc"],
        "snapshot_date": "2026-11-19",
    }
    summary = lambda_handler(event, lambda_context)
    assert summary["snapshot_date"] == "2026-11-19"
    assert [(p["playlist_id"], p["status"]) for p in summary["playlists"]] == [
        (first, "ok"),
        (second, "ok"),
    ]
    lines = read_jsonl_gz(aws.body(f"{PREFIX}/snapshot_date=2026-11-19/{summary['run_id']}.jsonl.gz"))
    assert [len(line["items"]) for line in lines] == [120, 70]
    assert lines[0]["items"] == sample_items(older.document, first)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"snapshot_date": "2026-13-01"}, "snapshot_date must be a date written YYYY-MM-DD"),
        ({"snapshot_date": "20261120"}, "snapshot_date must be a date written YYYY-MM-DD"),
        ({"playlist_ids": ["not a playlist!"]}, "'not a playlist!'"),
        ({"playlist_ids": "abc"}, "event.playlist_ids must be a list"),
    ],
)
def test_bad_event_overrides_are_clear_errors(lambda_env, aws, lambda_context, event, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        lambda_handler(event, lambda_context)
    assert aws.object_keys() == []


def test_two_runs_on_one_date_land_distinct_objects(lambda_env, aws, lambda_context, waits):
    first = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    time.sleep(0.01)
    second = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert first["run_id"] != second["run_id"]
    assert first["run_id"][:16] <= second["run_id"][:16]  # the time part sorts
    folder = f"{PREFIX}/snapshot_date=2026-11-20"
    assert aws.object_keys() == sorted(
        f"{folder}/{run['run_id']}{suffix}"
        for run in (first, second)
        for suffix in (".jsonl.gz", ".manifest.json")
    )
    runs = aws.glue.get_workflow_runs(Name=WORKFLOW)["Runs"]
    assert sorted(run["WorkflowRunProperties"]["run_id"] for run in runs) == sorted(
        [first["run_id"], second["run_id"]]
    )


def test_raises_when_no_playlist_landed_but_still_writes_the_manifest(
    monkeypatch, lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    monkeypatch.setenv("PLAYLIST_IDS", TOP_50_GLOBAL)
    with pytest.raises(NoPlaylistLanded) as raised:
        lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert NOT_FOUND_MESSAGE in str(raised.value)
    keys = aws.object_keys()
    assert len(keys) == 1 and keys[0].endswith(".manifest.json")
    manifest = json.loads(aws.body(keys[0]))
    assert manifest["status"] == "failed"
    assert manifest["objects"] == []
    assert manifest["playlists"][0]["error"] == NOT_FOUND_MESSAGE
    assert manifest["workflow"] == {"status": "skipped", "reason": "no playlist landed"}
    assert aws.glue.get_workflow_runs(Name=WORKFLOW)["Runs"] == []
    assert_no_secret_leaks(lambda_env, str(raised.value), manifest)


def test_unreadable_secret_fails_every_playlist_with_the_reason(
    monkeypatch, lambda_env, aws, lambda_context, waits
):
    monkeypatch.setenv("SPOTIFY_SECRET_ID", "no-such-secret")
    with pytest.raises(
        NoPlaylistLanded, match="could not read the Spotify credentials from secret no-such-secret"
    ):
        lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    manifest = json.loads(aws.body(aws.object_keys()[0]))
    assert {p["status"] for p in manifest["playlists"]} == {"failed"}


def test_workflow_start_failure_is_reported_not_raised(monkeypatch, lambda_env, aws, lambda_context, waits):
    monkeypatch.setenv("GLUE_WORKFLOW_NAME", "no-such-workflow")
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    workflow = summary["workflow"]
    assert workflow["status"] == "failed"
    assert summary["workflow_run_id"] is None
    assert "EntityNotFoundException" in workflow["error"]
    assert "no-such-workflow" in workflow["instruction"]
    assert "snapshot_date = 2026-11-20" in workflow["instruction"]
    keys = aws.object_keys()
    assert len(keys) == 2  # the raw data stays
    manifest = json.loads(aws.body(next(key for key in keys if key.endswith(".manifest.json"))))
    assert manifest["workflow"] == workflow


def test_no_workflow_configured(monkeypatch, lambda_env, aws, lambda_context, waits):
    monkeypatch.delenv("GLUE_WORKFLOW_NAME")
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert summary["workflow"] == {"status": "not_configured"}
    assert aws.glue.get_workflow_runs(Name=WORKFLOW)["Runs"] == []


def secret_value(aws) -> dict:
    return json.loads(aws.secretsmanager.get_secret_value(SecretId=SECRET_ID)["SecretString"])


def test_mine_reads_the_users_own_and_collaborative_playlists(
    monkeypatch, lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    monkeypatch.setenv("PLAYLIST_IDS", "")  # Terraform's default is "mine"; empty means mine too
    document = lambda_env.document
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert summary["status"] == "succeeded"
    assert [(p["playlist_id"], p["status"]) for p in summary["playlists"]] == [
        (pid, "ok") for pid in readable_ids(document)
    ]
    assert [grant["grant_type"] for grant in lambda_env.token_grants] == ["refresh_token"]
    run_id = summary["run_id"]
    manifest = json.loads(aws.body(f"{PREFIX}/snapshot_date=2026-11-20/{run_id}.manifest.json"))
    followed = document["replay_playlist_refs"][1]
    assert manifest["discovery"]["user_id"] == document["responses"]["GET /v1/me"]["body"]["id"]
    assert {p["id"]: p["kept"] for p in manifest["discovery"]["playlists"]} == {
        **dict.fromkeys(readable_ids(document), True),
        followed: False,
    }
    reasons = {p["id"]: p["reason"] for p in manifest["discovery"]["playlists"]}
    assert reasons[readable_ids(document)[0]] == "kept: you own it"
    assert (
        "a development-mode app may read only playlists its user owns or collaborates on" in reasons[followed]
    )
    assert manifest["auth"] == {
        "flow": "refresh_token",
        "granted_scope": "playlist-read-private playlist-read-collaborative",
        "refresh_token_rotated": None,
    }
    lines = read_jsonl_gz(aws.body(f"{PREFIX}/snapshot_date=2026-11-20/{run_id}.jsonl.gz"))
    assert [line["playlist"]["id"] for line in lines] == readable_ids(document)
    assert [line["items"] for line in lines] == [
        sample_items(document, pid) for pid in readable_ids(document)
    ]
    requested = [path for method, path, _ in lambda_env.requests if method == "GET"]
    assert requested[:2] == ["/v1/me", "/v1/me/playlists"]
    assert f"/v1/playlists/{followed}/items" not in requested  # left out: never asked for
    assert_no_secret_leaks(lambda_env, summary, manifest)


def test_a_narrower_scope_is_used_as_granted_and_never_prompts(
    monkeypatch, lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    def no_person_here(*args):
        raise AssertionError("spotipy tried to ask a person")

    monkeypatch.setattr("builtins.input", no_person_here)
    monkeypatch.setattr("webbrowser.open", no_person_here)
    monkeypatch.setenv("PLAYLIST_IDS", "mine")
    lambda_env.scope_granted = "playlist-read-collaborative"  # the user unticked private playlists
    lambda_env.inject(f"GET /v1/playlists/{readable_ids(lambda_env.document)[0]}/items?offset=50", EXPIRE)
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    # Without playlist-read-private, /me/playlists lists the public and the collaborative ones only.
    indie, night, weekend = readable_ids(lambda_env.document)
    assert [(p["playlist_id"], p["status"]) for p in summary["playlists"]] == [
        (indie, "ok"),
        (night, "ok"),
        (weekend, "ok"),
    ]
    assert summary["auth"]["granted_scope"] == "playlist-read-collaborative"
    assert [g["grant_type"] for g in lambda_env.token_grants] == ["refresh_token", "refresh_token"]
    assert_no_secret_leaks(lambda_env, summary)


def test_a_rotated_refresh_token_is_merged_into_the_secret_at_once(
    lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    aws.secretsmanager.put_secret_value(
        SecretId=SECRET_ID, SecretString=json.dumps(USER_SECRET | {"note": "set by hand"})
    )
    lambda_env.rotate_refresh_tokens = True
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    new_token = lambda_env.issued_refresh_tokens[-1]
    assert new_token != REFRESH_TOKEN
    assert secret_value(aws) == USER_SECRET | {"refresh_token": new_token, "note": "set by hand"}
    rotation = summary["auth"]["refresh_token_rotated"]
    assert rotation["error"] is None and rotation["saved_to"].startswith(f"secret {SECRET_ID} (version ")
    manifest = json.loads(aws.body(summary["manifest"].split(f"{BUCKET}/", 1)[1]))
    assert manifest["auth"]["refresh_token_rotated"] == rotation
    # The next invocation reads the new token from the secret; the old one no longer works.
    second = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert second["status"] == "partial"  # the same as the first: Top 50 Global refused
    assert lambda_env.token_grants[-1]["refresh_token"] == new_token
    assert_no_secret_leaks(lambda_env, summary, second, manifest)


def test_a_rotated_refresh_token_that_cannot_be_kept_is_an_error_in_the_log(
    monkeypatch, lambda_env, aws, lambda_context, waits, caplog, assert_no_secret_leaks
):
    from extract_lambda import handler
    from extract_lambda.secret_store import SecretStoreError

    def refuse(*args, **kwargs):
        raise SecretStoreError("could not write secret x: AccessDenied")

    monkeypatch.setattr(handler, "merge_secret", refuse)
    lambda_env.rotate_refresh_tokens = True
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert summary["status"] == "partial"  # the data still lands
    assert summary["auth"]["refresh_token_rotated"] == {
        "saved_to": None,
        "error": "SecretStoreError: could not write secret x: AccessDenied",
    }
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert any("could not be kept" in r.getMessage() for r in errors)  # the logged-problems alarm
    assert secret_value(aws) == USER_SECRET
    assert_no_secret_leaks(lambda_env, summary)


def test_client_credentials_only_read_nothing_and_the_error_says_which_command_to_run(
    monkeypatch, lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    aws.secretsmanager.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps(APP_SECRET))
    indie = readable_ids(lambda_env.document)[0]
    monkeypatch.setenv("PLAYLIST_IDS", indie)
    with pytest.raises(NoPlaylistLanded) as raised:
        lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    message = str(raised.value)
    assert (
        f"{indie}: playlist {indie} refused (HTTP 403 Forbidden): a client-credentials (app) token" in message
    )
    assert f"run `spotify-etl auth --secret-id {SECRET_ID}` once" in message
    assert_no_secret_leaks(lambda_env, message)


def test_mine_with_client_credentials_only_fails_at_start(
    monkeypatch, lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    aws.secretsmanager.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps(APP_SECRET))
    monkeypatch.setenv("PLAYLIST_IDS", "mine")
    with pytest.raises(NoPlaylistLanded) as raised:
        lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    message = str(raised.value)
    assert "mine: PLAYLIST_IDS=mine reads the playlists of the user who authorized the app" in message
    assert f"run `spotify-etl auth --secret-id {SECRET_ID}` once" in message
    assert lambda_env.requests == []
    manifest = json.loads(aws.body(aws.object_keys()[0]))
    assert manifest["discovery"]["status"] == "failed" and manifest["playlists"] == []
    assert_no_secret_leaks(lambda_env, message, manifest)


def test_a_refused_refresh_token_fails_the_invocation_saying_to_run_auth(
    lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    aws.secretsmanager.put_secret_value(
        SecretId=SECRET_ID, SecretString=json.dumps(USER_SECRET | {"refresh_token": "rt-revoked-0000000000"})
    )
    with pytest.raises(NoPlaylistLanded) as raised:
        lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    assert "Spotify refused the refresh token (error: invalid_grant" in str(raised.value)
    assert f"re-run `spotify-etl auth --secret-id {SECRET_ID}`" in str(raised.value)
    assert len(lambda_env.token_grants) == 1  # every playlist failed without asking again
    assert_no_secret_leaks(lambda_env, str(raised.value))


def test_a_playlist_edited_during_every_read_is_not_landed_and_the_manifest_says_why(
    lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    indie, night, weekend = readable_ids(lambda_env.document)
    lambda_env.edit_while_paging(night, after_offset=0, times=2)
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    manifest = json.loads(aws.body(summary["manifest"].split(f"{BUCKET}/", 1)[1]))
    night_result = next(p for p in manifest["playlists"] if p["playlist_id"] == night)
    assert night_result["status"] == "failed"
    assert night_result["error"].startswith(f"playlist {night} changed while it was being read, 2 times")
    lines = read_jsonl_gz(aws.body(f"{PREFIX}/snapshot_date=2026-11-20/{summary['run_id']}.jsonl.gz"))
    assert [line["playlist"]["id"] for line in lines] == [indie, weekend]
    assert_no_secret_leaks(lambda_env, summary)


@pytest.mark.parametrize(
    ("concurrency", "night_error"),
    [
        ("1", "not started: time budget exhausted (the Lambda would time out)"),  # queued behind indie
        ("2", None),  # read by the second worker while indie's pages hang
    ],
)
def test_time_budget_stops_before_the_lambda_timeout(
    monkeypatch, lambda_env, aws, waits, concurrency, night_error
):
    document = lambda_env.document
    indie, night, weekend = readable_ids(document)
    monkeypatch.setenv("PLAYLIST_IDS", f"{weekend},{indie},{night}")
    monkeypatch.setenv("EXTRACT_CONCURRENCY", concurrency)
    # Indie Morning's first page takes 1 s, its second would take 1 s more: past the 1.5 s budget.
    lambda_env.inject(f"GET /v1/playlists/{indie}/items?offset=0", sleep(1.0))
    lambda_env.inject(f"GET /v1/playlists/{indie}/items?offset=50", sleep(1.0), sleep(1.0))
    context = FakeLambdaContext(remaining_seconds=SAFETY_MARGIN_SECONDS + 1.5)
    began = time.monotonic()
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, context)
    elapsed = time.monotonic() - began
    assert elapsed < 1.5 + 0.5
    by_id = {result["playlist_id"]: result for result in summary["playlists"]}
    assert by_id[weekend]["status"] == "ok"
    assert by_id[indie]["status"] == "failed" and "time budget" in by_id[indie]["error"]
    assert by_id[night]["error"] == night_error
    assert by_id[night]["status"] == ("ok" if night_error is None else "failed")
    assert summary["status"] == "partial"
    lines = read_jsonl_gz(aws.body(f"{PREFIX}/snapshot_date=2026-11-20/{summary['run_id']}.jsonl.gz"))
    landed = [weekend] if night_error else [weekend, night]  # the configured order, indie left out
    assert [line["playlist"]["id"] for line in lines] == landed


def test_missing_configuration_is_named(monkeypatch, aws, lambda_context):
    monkeypatch.delenv("RAW_BUCKET", raising=False)
    monkeypatch.setenv("PLAYLIST_IDS", "3cEYpjA9oz9GiPac4AsH4n")
    monkeypatch.setenv("SPOTIFY_SECRET_ID", SECRET_ID)
    with pytest.raises(ValueError, match="RAW_BUCKET"):
        lambda_handler({}, lambda_context)


def test_a_playlist_that_keeps_failing_is_reported_while_the_others_land(
    lambda_env, aws, lambda_context, waits, assert_no_secret_leaks
):
    indie, night, weekend = readable_ids(lambda_env.document)
    lambda_env.inject(f"GET /v1/playlists/{night}/items?offset=50", *[status(503)] * 3)
    lambda_env.inject(f"GET /v1/playlists/{weekend}/items?offset=0", status(429, Retry_After="1"))
    lambda_env.inject(f"GET /v1/playlists/{indie}/items?offset=100", EXPIRE)
    summary = lambda_handler({"snapshot_date": "2026-11-20"}, lambda_context)
    by_id = {result["playlist_id"]: result for result in summary["playlists"]}
    assert by_id[night]["status"] == "failed"
    assert "gave up after 3 attempts; last error: HTTP 503" in by_id[night]["error"]
    assert (by_id[indie]["status"], by_id[indie]["item_count"]) == ("ok", 123)
    assert (by_id[weekend]["status"], by_id[weekend]["item_count"]) == ("ok", 57)
    assert any(wait == pytest.approx(1.0, abs=0.05) for wait in waits)  # Retry-After, at the gate
    assert len(lambda_env.issued_tokens) == 2  # one refresh, however many workers saw the 401
    manifest = json.loads(aws.body(f"{PREFIX}/snapshot_date=2026-11-20/{summary['run_id']}.manifest.json"))
    assert manifest["playlists"] == summary["playlists"]
    lines = read_jsonl_gz(aws.body(f"{PREFIX}/snapshot_date=2026-11-20/{summary['run_id']}.jsonl.gz"))
    assert [line["playlist"]["id"] for line in lines] == [indie, weekend]
    assert lines[0]["items"] == sample_items(lambda_env.document, indie)
    assert_no_secret_leaks(lambda_env, summary, manifest)
