"""Raw envelope v1: one UTF-8 JSON line per playlist snapshot, fields as the contract says."""

from __future__ import annotations

import json

from extract_lambda.envelope import SCHEMA_VERSION, build_envelope, encode_line
from extract_lambda.extractor import PlaylistSnapshot


def test_envelope_fields_and_line():
    items = [{"added_at": "2026-11-19T08:15:00Z", "item": {"name": "Café\nNoir ♫"}}, {"item": None}]
    snapshot = PlaylistSnapshot({"id": "p", "snapshot_id": "s"}, items, "2026-11-20T06:00:04.512Z")
    envelope = build_envelope("20261120T060002Z-3f9c1a2b", "2026-11-20", snapshot)
    assert envelope == {
        "schema_version": 1,
        "run_id": "20261120T060002Z-3f9c1a2b",
        "snapshot_date": "2026-11-20",
        "extracted_at": "2026-11-20T06:00:04.512Z",
        "playlist": {"id": "p", "snapshot_id": "s"},
        "items": items,
    }
    line = encode_line(envelope)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert "Café".encode() in line  # UTF-8, not \\u escapes
    assert json.loads(line) == envelope


def test_schema_version_matches_the_jobs():
    assert SCHEMA_VERSION == 1
