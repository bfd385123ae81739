"""The manifest: the run's durable record, with versions."""

from __future__ import annotations

import json

from extract_lambda.manifest import build_manifest, encode_manifest, manifest_key

SUMMARY = {
    "run_id": "r",
    "snapshot_date": "2026-11-20",
    "started_at": "2026-11-20T06:00:00.000Z",
    "finished_at": "2026-11-20T06:00:09.000Z",
    "status": "succeeded",
    "raw_path": "s3://b/raw",
    "playlists": [{"playlist_id": "p", "status": "ok", "item_count": 3}],
    "objects": [{"uri": "s3://b/raw/snapshot_date=2026-11-20/r.jsonl.gz"}],
    "workflow": {"status": "not_configured"},
    "workflow_run_id": None,
    "error": None,
    "discovery": None,
    "auth": {
        "flow": "refresh_token",
        "granted_scope": "playlist-read-private",
        "refresh_token_rotated": None,
    },
    "manifest": None,
    "manifest_error": None,
}


def test_manifest_key():
    assert manifest_key("2026-11-20", "r") == "snapshot_date=2026-11-20/r.manifest.json"


def test_manifest_content():
    versions = {"extract_lambda": "0.1.0", "spotipy": "2.26.0", "raw_schema_version": 1}
    manifest = build_manifest(SUMMARY, versions)
    assert set(manifest) == {
        "run_id", "snapshot_date", "started_at", "finished_at", "status", "error", "raw_path",
        "discovery", "auth", "playlists", "objects", "workflow", "versions",
    }  # fmt: skip
    assert manifest["auth"] == SUMMARY["auth"]
    assert manifest["versions"] == versions
    assert json.loads(encode_manifest(manifest)) == manifest
