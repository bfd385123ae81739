"""The replay transport: answers from the recordings, refuses requests they were not made for."""

from __future__ import annotations

import json

import pytest
import requests
from extract_testkit import TOP_50_GLOBAL, read_sample, readable_ids

from extract_lambda.replay import load_recording, replay_session, sample_dates
from extract_lambda.spotify_client import (
    ADDITIONAL_TYPES,
    ITEMS_FIELDS,
    PAGE_LIMIT,
    PLAYLIST_FIELDS,
    SNAPSHOT_FIELDS,
)

API = "https://api.spotify.com/v1/"
HEADERS = {"Authorization": "Bearer replay-user-token"}
USER = HEADERS


def items_params(offset=0, **changes):
    params = {
        "limit": PAGE_LIMIT,
        "offset": offset,
        "fields": ITEMS_FIELDS,
        "additional_types": ",".join(ADDITIONAL_TYPES),
    }
    return params | changes


def test_sample_dates():
    assert sample_dates() == ["2026-11-19", "2026-11-20"]


def test_pages_are_served_as_recorded():
    session, adapter = replay_session(load_recording("2026-11-19"))
    document = read_sample("2026-11-19")
    playlist_id = readable_ids(document)[0]
    response = session.get(f"{API}playlists/{playlist_id}/items", params=items_params(50), headers=HEADERS)
    assert response.status_code == 200
    assert (
        response.json() == document["responses"][f"GET /v1/playlists/{playlist_id}/items?offset=50"]["body"]
    )
    assert adapter.requests == [f"GET {response.url}"]


def test_top_50_global_is_refused_with_spotifys_body():
    session, _ = replay_session(load_recording("2026-11-20"))
    response = session.get(
        f"{API}playlists/{TOP_50_GLOBAL}",
        params={"fields": PLAYLIST_FIELDS, "additional_types": "track,episode"},
        headers=HEADERS,
    )
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "message": "Resource not found"}}


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"limit": 20}, "limit"),
        ({"fields": "items(item(id))"}, "fields"),
        ({"additional_types": "track"}, "additional_types"),
    ],
)
def test_a_request_the_sample_was_not_recorded_for_is_refused(changes, name):
    session, _ = replay_session(load_recording("2026-11-20"))
    playlist_id = readable_ids(read_sample("2026-11-20"))[0]
    response = session.get(
        f"{API}playlists/{playlist_id}/items", params=items_params(**changes), headers=HEADERS
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert f"recorded with {name}=" in message and "tools/make_sample_api.py" in message


def test_unknown_playlist_and_missing_offset():
    session, _ = replay_session(load_recording("2026-11-20"))
    unknown = session.get(
        f"{API}playlists/3cEYpjA9oz9GiPac4AsH4n/items", params=items_params(), headers=HEADERS
    )
    assert unknown.status_code == 404
    playlist_id = readable_ids(read_sample("2026-11-20"))[0]
    missing = session.get(f"{API}playlists/{playlist_id}/items", params=items_params(7), headers=HEADERS)
    assert missing.status_code == 400


def test_token_endpoint_and_bearer_required():
    session, _ = replay_session(load_recording("2026-11-20"))
    token = session.post(
        "https://accounts.spotify.com/api/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic eDp5"},
    )
    assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
    no_auth = session.post(
        "https://accounts.spotify.com/api/token", data={"grant_type": "client_credentials"}
    )
    assert no_auth.status_code == 400 and no_auth.json()["error"] == "invalid_client"
    anonymous = session.get(f"{API}playlists/{TOP_50_GLOBAL}")
    assert anonymous.status_code == 401


def test_never_touches_the_network():
    session, adapter = replay_session(load_recording("2026-11-20"))
    response = session.get("https://example.com/anything", headers=HEADERS)
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["status"] == 404
    assert isinstance(session.get_adapter("http://x"), type(adapter))
    with pytest.raises(requests.exceptions.InvalidSchema):
        session.get("ftp://example.com")


def test_unknown_date_lists_the_recorded_ones():
    with pytest.raises(
        ValueError, match="no recording for snapshot_date 2026-11-18; it has 2026-11-19, 2026-11-20"
    ):
        load_recording("2026-11-18")


def test_me_and_my_playlists_are_served_to_a_user_token():
    session, _ = replay_session(load_recording("2026-11-20"))
    document = read_sample("2026-11-20")
    me = session.get(f"{API}me/", headers=USER)
    assert me.status_code == 200 and me.json() == document["responses"]["GET /v1/me"]["body"]
    mine = session.get(f"{API}me/playlists", params={"limit": 50, "offset": 0}, headers=USER)
    assert mine.json() == document["responses"]["GET /v1/me/playlists?offset=0"]["body"]
    assert session.get(f"{API}me/playlists", params={"limit": 20}, headers=USER).status_code == 400


def test_an_app_token_has_no_user_and_reads_no_items():
    session, _ = replay_session(load_recording("2026-11-20"))
    app_token = session.post(
        "https://accounts.spotify.com/api/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic eDp5"},
    ).json()["access_token"]
    app = {"Authorization": f"Bearer {app_token}"}
    playlist_id = readable_ids(read_sample("2026-11-20"))[0]
    assert session.get(f"{API}me/", headers=app).status_code == 401
    items = session.get(f"{API}playlists/{playlist_id}/items", params=items_params(), headers=app)
    assert items.status_code == 403
    metadata = session.get(
        f"{API}playlists/{playlist_id}",
        params={"fields": PLAYLIST_FIELDS, "additional_types": "track,episode"},
        headers=app,
    )
    assert metadata.status_code == 200  # metadata still answers


def test_the_snapshot_id_alone_after_the_pages():
    session, _ = replay_session(load_recording("2026-11-20"))
    document = read_sample("2026-11-20")
    playlist_id = readable_ids(document)[0]
    response = session.get(
        f"{API}playlists/{playlist_id}",
        params={"fields": SNAPSHOT_FIELDS, "additional_types": "track,episode"},
        headers=HEADERS,
    )
    expected = document["responses"][f"GET /v1/playlists/{playlist_id}"]["body"]["snapshot_id"]
    assert response.json() == {"snapshot_id": expected}
