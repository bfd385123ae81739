"""``mine``: who the user is, every page of /me/playlists, each playlist kept or left out with why."""

from __future__ import annotations

import pytest
from extract_testkit import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, synthetic_document

from extract_lambda.budget import TimeBudget
from extract_lambda.credentials import SpotifyCredentials
from extract_lambda.discovery import LEFT_OUT_EMPTY, classify, discover_my_playlists
from extract_lambda.spotify_client import build_spotify_api

ME = "31ksqv4gx7nbz2hyd5qm6wlp3tfa"  # pragma: allowlist secret (a made-up user ID)


def entry(owner_id, collaborative=False, count_key="items", **extra):
    return {
        "id": "3cEYpjA9oz9GiPac4AsH4n",
        "name": "A playlist",
        "owner": {"id": owner_id, "display_name": "Sam" if owner_id != ME else "Jo"},
        "collaborative": collaborative,
        "public": True,
        count_key: {"href": "https://api.spotify.com/v1/playlists/x/items", "total": 12},
        **extra,
    }


@pytest.mark.parametrize(
    ("simplified", "kept", "reason_start"),
    [
        (entry(ME), True, "kept: you own it"),
        (entry(ME, collaborative=True), True, "kept: you own it"),
        (entry("31tlw2", collaborative=True), True, "kept: collaborative (owned by Sam (31tlw2))"),
        (entry("31tlw2"), False, "left out: followed, owned by Sam (31tlw2); a development-mode app"),
        (None, False, LEFT_OUT_EMPTY),
        ({}, False, LEFT_OUT_EMPTY),
    ],
)
def test_classify(simplified, kept, reason_start):
    record = classify(simplified, ME)
    assert record["kept"] is kept and record["reason"].startswith(reason_start)


def test_the_count_is_read_from_items_or_tracks():
    assert classify(entry(ME), ME)["total_items"] == 12
    assert classify(entry(ME, count_key="tracks"), ME)["total_items"] == 12


def test_every_page_of_me_playlists_is_read(make_fake_spotify, waits):
    document = synthetic_document(playlists=120, pages=1)
    fake = make_fake_spotify(document=document)
    api = build_spotify_api(
        SpotifyCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN),
        TimeBudget(None),
        fake.api_base_url,
        fake.accounts_base_url,
    )
    discovery = discover_my_playlists(api)
    assert discovery.user_id == "owner-1"
    assert discovery.kept == tuple(document["playlist_ids"])
    offsets = [int(q["offset"]) for _, path, q in fake.requests if path == "/v1/me/playlists"]
    assert offsets == [0, 50, 100]
    assert all(q["limit"] == "50" for _, path, q in fake.requests if path == "/v1/me/playlists")
    assert discovery.report()["found"] == 120
