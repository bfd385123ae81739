"""Reading one playlist completely: metadata flattened, every page, both item shapes, as served."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from extract_testkit import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    expected_playlist_object,
    readable_ids,
    sample_items,
    sample_metadata,
)

from extract_lambda.budget import TimeBudget
from extract_lambda.credentials import SpotifyCredentials
from extract_lambda.extractor import PlaylistChanged, extract_playlist, flatten_playlist
from extract_lambda.spotify_client import SpotifyRequestError, build_spotify_api


@pytest.fixture
def api(fake_spotify, waits):
    credentials = SpotifyCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
    return build_spotify_api(
        credentials, TimeBudget(None), fake_spotify.api_base_url, fake_spotify.accounts_base_url
    )


def fixed_now() -> datetime:
    return datetime(2026, 11, 20, 6, 0, 4, 512000, tzinfo=UTC)


def test_every_playlist_every_page_both_shapes(fake_spotify, api):
    document = fake_spotify.document
    for playlist_id in readable_ids(document):
        snapshot = extract_playlist(api, playlist_id, now=fixed_now)
        assert snapshot.items == sample_items(document, playlist_id)
        assert snapshot.playlist == expected_playlist_object(document, playlist_id)
        assert snapshot.extracted_at == "2026-11-20T06:00:04.512Z"
        assert snapshot.warning is None
    offsets = sorted(
        (path.split("/")[3], int(query["offset"]))
        for _, path, query in fake_spotify.requests
        if path.endswith("/items")
    )
    indie, night, weekend = readable_ids(document)
    assert offsets == sorted(
        [(indie, 0), (indie, 50), (indie, 100), (night, 0), (night, 50), (weekend, 0), (weekend, 50)]
    )
    # metadata before the pages, the snapshot_id alone after them; never a removed /tracks path
    metadata_fields = [query["fields"] for _, path, query in fake_spotify.requests if path.count("/") == 3]
    assert metadata_fields.count("snapshot_id") == 3 and len(metadata_fields) == 6
    assert not [path for _, path, _ in fake_spotify.requests if path.endswith("/tracks")]


def test_a_playlist_edited_while_paged_is_read_again_and_lands_one_version(fake_spotify, api):
    indie = readable_ids(fake_spotify.document)[0]
    original = sample_items(fake_spotify.document, indie)
    first_snapshot = sample_metadata(fake_spotify.document, indie)["snapshot_id"]
    edit = fake_spotify.edit_while_paging(indie, after_offset=0, times=1)  # a song added at the top
    snapshot = extract_playlist(api, indie)
    assert len(edit.added) == 1
    assert snapshot.items == edit.added + original  # the edited version, whole: nothing twice
    assert len(snapshot.items) == 124 and snapshot.items[50] == original[49]
    assert snapshot.playlist["snapshot_id"] == f"{first_snapshot}-edit1"
    assert snapshot.playlist["total_items"] == 124
    assert snapshot.warning.startswith(
        f"re-read: it changed while being read (snapshot_id {first_snapshot} -> {first_snapshot}-edit1)"
    )
    offsets = [int(q["offset"]) for _, path, q in fake_spotify.requests if path.endswith(f"{indie}/items")]
    assert offsets == [0, 50, 100, 0, 50, 100]  # the first read (mixed versions) thrown away


def test_a_playlist_edited_during_every_read_fails_with_the_reason(fake_spotify, api):
    indie = readable_ids(fake_spotify.document)[0]
    first_snapshot = sample_metadata(fake_spotify.document, indie)["snapshot_id"]
    fake_spotify.edit_while_paging(indie, after_offset=50, times=5)
    with pytest.raises(PlaylistChanged) as raised:
        extract_playlist(api, indie)
    message = str(raised.value)
    assert message.startswith(f"playlist {indie} changed while it was being read, 2 times (snapshot_id ")
    assert f"{first_snapshot} -> {first_snapshot}-edit1; snapshot_id {first_snapshot}-edit1 -> " in message
    assert "items duplicated, skipped or at the wrong positions" in message and "nothing of it" in message


def test_another_users_playlist_is_refused_naming_the_rule_and_its_owner(make_fake_spotify, waits):
    fake = make_fake_spotify()
    followed = fake.document["replay_playlist_refs"][1]
    owner = sample_metadata(fake.document, followed)["owner"]
    credentials = SpotifyCredentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
    user_api = build_spotify_api(credentials, TimeBudget(None), fake.api_base_url, fake.accounts_base_url)
    with pytest.raises(SpotifyRequestError) as raised:
        extract_playlist(user_api, followed)
    message = str(raised.value)
    assert raised.value.http_status == 403
    assert f"playlist {followed} refused (HTTP 403 Forbidden)" in message
    assert "owns the playlist or collaborates on it; followed playlists of other users are refused" in message
    assert f"it is owned by {owner['display_name']} ({owner['id']})" in message
    assert "spotify-etl auth" not in message  # a user token: authorizing again would not help


def test_old_shape_keeps_track_and_popularity_new_shape_has_item(fake_spotify, api):
    indie, night, _ = readable_ids(fake_spotify.document)
    old = extract_playlist(api, night).items
    new = extract_playlist(api, indie).items
    assert all("track" in item and "item" not in item for item in old)
    assert any(item["track"] and "popularity" in item["track"] for item in old)
    assert all("item" in item and "track" not in item for item in new)
    assert not any(item["item"] and "popularity" in item["item"] for item in new)


def test_null_local_and_episode_items_are_kept(fake_spotify, api):
    indie, night, weekend = readable_ids(fake_spotify.document)
    kinds = []
    for playlist_id in (indie, night, weekend):
        for item in extract_playlist(api, playlist_id).items:
            body = item.get("item", item.get("track"))
            if body is None:
                kinds.append("null")
            elif item["is_local"]:
                assert body["id"] is None and body["uri"].startswith("spotify:local:")
                kinds.append("local")
            elif body["type"] == "episode":
                assert body["show"]["id"]
                kinds.append("episode")
    assert sorted(kinds) == ["episode", "episode", "local", "local", "null", "null"]


def test_flatten_reads_items_or_tracks_total(fake_spotify):
    indie, night, _ = readable_ids(fake_spotify.document)
    new_meta = sample_metadata(fake_spotify.document, indie)
    old_meta = sample_metadata(fake_spotify.document, night)
    assert "items" in new_meta and "tracks" in old_meta
    assert flatten_playlist(new_meta, indie)["total_items"] == 123
    assert flatten_playlist(old_meta, night)["total_items"] == 68
    bare = flatten_playlist({"id": indie, "snapshot_id": "s"}, indie)
    assert bare["total_items"] is None
    assert bare["url"] == f"https://open.spotify.com/playlist/{indie}"


class StubApi:
    """Pages made to order, for the cases the recordings do not have."""

    def __init__(self, pages, metadata=None):
        self.pages = pages
        self.metadata = metadata or {"id": "p", "snapshot_id": "s1", "items": {"total": 3}}
        self.offsets = []

    def playlist(self, playlist_id):
        return self.metadata

    def playlist_snapshot_id(self, playlist_id):
        return self.metadata.get("snapshot_id")

    def playlist_items_page(self, playlist_id, offset, owner=None):
        self.offsets.append(offset)
        return self.pages[offset]


def test_next_drives_pagination_by_offset_of_items_received():
    stub = StubApi({0: {"items": [1, 2], "next": "x"}, 2: {"items": [3], "next": None}})
    assert extract_playlist(stub, "p").items == [1, 2, 3]
    assert stub.offsets == [0, 2]


def test_an_empty_page_with_a_next_link_is_an_error_not_a_loop():
    stub = StubApi({0: {"items": [], "next": "x"}})
    with pytest.raises(SpotifyRequestError, match="empty page with a next link"):
        extract_playlist(stub, "p")


def test_a_count_differing_from_the_total_is_a_warning():
    stub = StubApi({0: {"items": [1, 2], "next": None}})
    snapshot = extract_playlist(stub, "p")
    assert snapshot.items == [1, 2]
    assert "says 3 items but 2 were read" in snapshot.warning


def test_no_snapshot_id_is_an_error():
    stub = StubApi({}, metadata={"id": "p", "items": {"total": 0}})
    with pytest.raises(SpotifyRequestError, match="no snapshot_id"):
        extract_playlist(stub, "p")
