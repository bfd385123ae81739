"""spotipy over real HTTP to the fake Spotify: tokens, retries, refresh, refusals, the budget."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest
import requests
from extract_testkit import (
    CLIENT_ID,
    CLIENT_SECRET,
    EXPIRE,
    NOT_FOUND_MESSAGE,
    REFRESH_TOKEN,
    TOP_50_GLOBAL,
    readable_ids,
    sleep,
    status,
)

from extract_lambda.budget import BudgetExhausted, TimeBudget
from extract_lambda.credentials import SpotifyCredentials
from extract_lambda.http_outcomes import HttpOutcomes
from extract_lambda.spotify_client import (
    ITEMS_FIELDS,
    PLAYLIST_FIELDS,
    RetryPolicy,
    SpotifyAuthError,
    SpotifyRequestError,
    build_spotify_api,
)


def make_api(
    fake, *, refresh_token=REFRESH_TOKEN, budget_seconds=None, timeout=3.0, secret=CLIENT_SECRET, attempts=3
):
    return build_spotify_api(
        SpotifyCredentials(CLIENT_ID, secret, refresh_token),
        TimeBudget(budget_seconds),
        fake.api_base_url,
        fake.accounts_base_url,
        policy=RetryPolicy(
            max_attempts=attempts,
            base_delay_seconds=0.01,
            max_delay_seconds=0.05,
            request_timeout_seconds=timeout,
        ),
    )


@pytest.fixture
def playlist_id(fake_spotify):
    return readable_ids(fake_spotify.document)[0]


def items_path(playlist_id: str) -> str:
    return f"/v1/playlists/{playlist_id}/items"


def test_user_token_then_one_page(fake_spotify, playlist_id, waits):
    api = make_api(fake_spotify)
    page = api.playlist_items_page(playlist_id, 50)
    assert page == fake_spotify.served_pages[(playlist_id, 50)]
    assert page["offset"] == 50 and len(page["items"]) == 50
    assert [grant["grant_type"] for grant in fake_spotify.token_grants] == ["refresh_token"]
    method, path, query = fake_spotify.requests[-1]
    assert (method, path) == ("GET", items_path(playlist_id))
    assert query == {
        "limit": "50",
        "offset": "50",
        "fields": ITEMS_FIELDS,
        "additional_types": "track,episode",
    }


def test_playlist_metadata_request_asks_only_for_the_metadata_fields(fake_spotify, playlist_id, waits):
    metadata = make_api(fake_spotify).playlist(playlist_id)
    assert metadata["id"] == playlist_id
    _, _, query = fake_spotify.requests[-1]
    assert query["fields"] == PLAYLIST_FIELDS
    for field in ("owner(id,display_name)", "snapshot_id", "items(total)", "tracks(total)", "external_urls"):
        assert field in query["fields"]


def test_429_waits_as_long_as_retry_after_says(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(429, Retry_After="1"))
    page = make_api(fake_spotify).playlist_items_page(playlist_id, 0)
    assert len(page["items"]) == 50
    assert waits == [pytest.approx(1.0, abs=0.05)]  # at the shared gate: what is left of Retry-After
    assert fake_spotify.count("GET", items_path(playlist_id)) == 2


def in_thread(function, *args):
    """Run ``function`` on a new thread (a new worker, with its own client) and return its result."""
    box = []
    thread = threading.Thread(target=lambda: box.append(function(*args)))
    thread.start()
    thread.join(timeout=10)
    return box[0]


def test_a_429_seen_by_one_worker_holds_the_others_at_the_gate(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(429, Retry_After="1"))
    api = make_api(fake_spotify)
    in_thread(api.playlist_items_page, playlist_id, 0)  # 429, waits, then reads page 0
    page = in_thread(api.playlist_items_page, playlist_id, 50)  # never saw the 429 itself
    assert page["offset"] == 50
    assert len(waits) == 2 and waits[1] == pytest.approx(1.0, abs=0.3)  # what was left of Retry-After
    assert fake_spotify.count("GET", items_path(playlist_id)) == 3  # no request of the second was refused


def test_workers_share_one_token_and_one_refresh(fake_spotify, playlist_id, waits):
    api = make_api(fake_spotify)
    for offset in (0, 50, 100):
        in_thread(api.playlist_items_page, playlist_id, offset)
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", EXPIRE)
    for offset in (0, 50, 100):
        in_thread(api.playlist_items_page, playlist_id, offset)
    assert len(fake_spotify.issued_tokens) == 2


def test_500_then_success_backs_off_once(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(500), status(502))
    page = make_api(fake_spotify).playlist_items_page(playlist_id, 0)
    assert page["offset"] == 0
    assert len(waits) == 2
    assert 0.005 <= waits[0] <= 0.01 and 0.01 <= waits[1] <= 0.02  # capped exponential, jittered


def test_retries_exhausted_is_a_clear_error(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", *[status(503)] * 3)
    with pytest.raises(SpotifyRequestError, match=r"gave up after 3 attempts; last error: HTTP 503"):
        make_api(fake_spotify).playlist_items_page(playlist_id, 0)
    assert fake_spotify.count("GET", items_path(playlist_id)) == 3
    assert len(waits) == 2


def test_a_timeout_is_retried(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", sleep(0.6))
    began = time.monotonic()
    page = make_api(fake_spotify, timeout=0.2).playlist_items_page(playlist_id, 0)
    assert time.monotonic() - began < 0.6
    assert len(page["items"]) == 50
    assert len(waits) == 1


def test_timeouts_until_exhausted(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", sleep(0.4), sleep(0.4))
    with pytest.raises(SpotifyRequestError, match=r"gave up after 2 attempts; last error: timed out"):
        make_api(fake_spotify, timeout=0.15, attempts=2).playlist_items_page(playlist_id, 0)


def test_expired_token_is_refreshed_mid_run(fake_spotify, playlist_id, waits):
    api = make_api(fake_spotify)
    api.playlist_items_page(playlist_id, 0)
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=50", EXPIRE)
    page = api.playlist_items_page(playlist_id, 50)
    assert page["offset"] == 50
    assert len(fake_spotify.issued_tokens) == 2
    assert fake_spotify.count("GET", items_path(playlist_id)) == 3  # page 0, page 50 refused, page 50
    assert waits == []


def test_refresh_token_flow_refreshes_again_when_the_token_expires(fake_spotify, playlist_id, waits):
    api = make_api(fake_spotify, refresh_token=REFRESH_TOKEN)
    api.playlist_items_page(playlist_id, 0)
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=50", EXPIRE)
    api.playlist_items_page(playlist_id, 50)
    assert [g["grant_type"] for g in fake_spotify.token_grants] == ["refresh_token", "refresh_token"]
    assert all(g["refresh_token"] == REFRESH_TOKEN for g in fake_spotify.token_grants)


def test_a_401_that_survives_the_refresh_fails_the_playlist(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(401), status(401))
    with pytest.raises(SpotifyRequestError, match="token refused even after a refresh"):
        make_api(fake_spotify).playlist_items_page(playlist_id, 0)


def test_404_explains_editorial_playlists(fake_spotify, waits):
    with pytest.raises(SpotifyRequestError) as raised:
        make_api(fake_spotify).playlist(TOP_50_GLOBAL)
    assert str(raised.value) == NOT_FOUND_MESSAGE
    assert raised.value.http_status == 404
    assert waits == []


def test_403_explains_the_development_mode_rule(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET /v1/playlists/{playlist_id}", status(403))
    with pytest.raises(SpotifyRequestError) as raised:
        make_api(fake_spotify).playlist(playlist_id)
    message = str(raised.value)
    assert playlist_id in message and "HTTP 403" in message
    assert "owns the playlist or collaborates on it" in message and "its owner is unknown" in message
    assert "Premium has lapsed" in message and "development mode needs it since February 2026" in message


def test_an_app_token_is_refused_items_and_told_to_authorize_a_user(fake_spotify, playlist_id, waits):
    api = make_api(fake_spotify, refresh_token=None)
    assert api.playlist(playlist_id)["id"] == playlist_id  # metadata still answers
    with pytest.raises(SpotifyRequestError) as raised:
        api.playlist_items_page(playlist_id, 0)
    assert raised.value.http_status == 403
    assert str(raised.value) == (
        f"playlist {playlist_id} refused (HTTP 403 Forbidden): a client-credentials (app) token has no "
        "user, and since March 2026 Spotify refuses it the items of every playlist of a development-mode "
        "app; a user authorization is needed: run `spotify-etl auth` once, as the user whose playlists "
        "are to be read (it stores a refresh token)"
    )
    assert [grant["grant_type"] for grant in fake_spotify.token_grants] == ["client_credentials"]


def test_the_reauthorize_command_is_the_callers(fake_spotify, playlist_id, waits):
    api = build_spotify_api(
        SpotifyCredentials(CLIENT_ID, CLIENT_SECRET),
        TimeBudget(None),
        fake_spotify.api_base_url,
        fake_spotify.accounts_base_url,
        reauthorize_command="spotify-etl auth --secret-id arn:aws:secretsmanager:eu-west-1:1:secret:s",
    )
    with pytest.raises(
        SpotifyRequestError, match=r"run `spotify-etl auth --secret-id arn:aws:secretsmanager:"
    ):
        api.playlist_items_page(playlist_id, 0)


def test_a_refused_refresh_token_says_to_run_auth_again(fake_spotify, playlist_id, waits):
    with pytest.raises(SpotifyAuthError) as raised:
        make_api(fake_spotify, refresh_token="rt-revoked-0123456789abcdef").playlist(playlist_id)
    message = str(raised.value)
    assert message.startswith("Spotify refused the refresh token (error: invalid_grant")
    assert message.endswith("re-run `spotify-etl auth`")
    assert "rt-revoked-0123456789abcdef" not in message


def test_a_401_that_survives_the_refresh_says_the_authorization_may_be_revoked(
    fake_spotify, playlist_id, waits
):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(401), status(401))
    with pytest.raises(SpotifyRequestError) as raised:
        make_api(fake_spotify).playlist_items_page(playlist_id, 0)
    assert "authorization may have been revoked" in str(raised.value)
    assert str(raised.value).endswith("run `spotify-etl auth` again")


def test_removed_paths_answer_as_removed(fake_spotify, playlist_id):
    token = make_api(fake_spotify)._token.get(3.0)  # a user token, as the extractor holds it
    for path in (f"playlists/{playlist_id}/tracks", "tracks?ids=x", "albums?ids=x", "artists?ids=x"):
        response = requests.get(
            fake_spotify.api_base_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=3
        )
        assert response.status_code == 403, path


def test_wrong_client_secret_is_an_auth_error_without_the_secret(fake_spotify, playlist_id, waits):
    wrong = "cs-wrong-0123456789abcdef0123456789ab"
    with pytest.raises(SpotifyAuthError) as raised:
        make_api(fake_spotify, secret=wrong).playlist(playlist_id)
    assert "invalid_client" in str(raised.value)
    assert wrong not in str(raised.value)


def test_retry_after_longer_than_the_budget_stops_at_once(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(429, Retry_After="3600"))
    with pytest.raises(BudgetExhausted, match=re.escape("Retry-After 3600 s")):
        make_api(fake_spotify, budget_seconds=30).playlist_items_page(playlist_id, 0)
    assert waits == []


def test_request_timeout_is_capped_by_the_budget(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", sleep(2.0))
    api = make_api(fake_spotify, budget_seconds=0.4, timeout=10.0)
    began = time.monotonic()
    with pytest.raises(BudgetExhausted):
        api.playlist_items_page(playlist_id, 0)
    assert time.monotonic() - began < 1.0


def test_no_cache_file_is_written(fake_spotify, playlist_id, waits, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_api(fake_spotify, refresh_token=REFRESH_TOKEN).playlist(playlist_id)
    make_api(fake_spotify).playlist(playlist_id)
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------------------------
# What each request is counted as (the manifest's ``http``).
# ------------------------------------------------------------------------------------------


def counted(api, call, *args):
    """Run ``api.call(*args)`` counting into a fresh HttpOutcomes; its report, and what was raised."""
    outcomes = HttpOutcomes()
    raised = None
    with api.counting(outcomes):
        try:
            getattr(api, call)(*args)
        except (SpotifyRequestError, BudgetExhausted) as error:
            raised = error
    return outcomes.report(), raised


def test_a_401_refresh_is_counted_as_a_request_not_a_retry(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", EXPIRE)
    http, raised = counted(make_api(fake_spotify), "playlist_items_page", playlist_id, 0)
    assert raised is None
    assert http == {"status": 200, "requests": 2, "responses": {"200": 1, "401": 1}, "retries": 0}


def test_a_timed_out_token_request_repeats_no_web_api_request(fake_spotify, playlist_id, waits):
    fake_spotify.inject("POST /api/token", sleep(0.4))  # the accounts service, not the Web API
    http, raised = counted(make_api(fake_spotify, timeout=0.15), "playlist", playlist_id)
    assert raised is None
    assert fake_spotify.count("GET", f"/v1/playlists/{playlist_id}") == 1
    assert http == {"status": 200, "requests": 1, "responses": {"200": 1}, "retries": 0}


def test_a_refused_token_ends_without_an_http_status(fake_spotify, playlist_id, waits):
    api = make_api(fake_spotify, refresh_token="rt-revoked-0123456789abcdef")
    http, raised = counted(api, "playlist", playlist_id)
    assert isinstance(raised, SpotifyAuthError)
    assert http == {"status": None, "requests": 0, "responses": {}, "retries": 0}


def test_a_retry_after_beyond_the_budget_ends_without_a_status(fake_spotify, playlist_id, waits):
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(429, Retry_After="3600"))
    api = make_api(fake_spotify, budget_seconds=30)
    http, raised = counted(api, "playlist_items_page", playlist_id, 0)
    assert isinstance(raised, BudgetExhausted)
    assert http == {"status": None, "requests": 1, "responses": {"429": 1}, "retries": 0}


def test_a_call_ends_as_its_last_attempt_ended(fake_spotify, playlist_id, waits):
    """A 503 then timeouts until the attempts run out: the last attempt got no answer."""
    fake_spotify.inject(f"GET {items_path(playlist_id)}?offset=0", status(503), sleep(0.4), sleep(0.4))
    http, raised = counted(make_api(fake_spotify, timeout=0.15), "playlist_items_page", playlist_id, 0)
    assert "gave up after 3 attempts; last error: timed out" in str(raised)
    assert http == {"status": None, "requests": 3, "responses": {"503": 1}, "retries": 2}


def _field_tree(spec: str) -> dict[str, dict]:
    """Parse a Web API ``fields`` filter (``a,b(c,d.e)``) into a nested dict of names."""
    tree: dict[str, dict] = {}
    position = 0

    def parse(into: dict[str, dict]) -> None:
        nonlocal position
        while position < len(spec):
            name = re.match(r"[a-z_.]+", spec[position:]).group(0)
            position += len(name)
            head, *rest = name.split(".")
            node = into.setdefault(head, {})
            for part in rest:
                node = node.setdefault(part, {})
            if position < len(spec) and spec[position] == "(":
                position += 1
                parse(node)
                position += 1  # ")"
            if position < len(spec) and spec[position] == ",":
                position += 1
                continue
            return

    parse(tree)
    return tree


def _schema_tree(data_type) -> dict[str, dict]:
    from pyspark.sql.types import ArrayType, StructType

    while isinstance(data_type, ArrayType):
        data_type = data_type.elementType
    if not isinstance(data_type, StructType):
        return {}
    return {field.name: _schema_tree(field.dataType) for field in data_type.fields}


def test_the_fields_filter_asks_for_exactly_what_the_jobs_read():
    pytest.importorskip("pyspark")
    from spotify_etl.schemas import PLAYLIST_ITEM_JSON_SCHEMA, PLAYLIST_JSON_SCHEMA

    def matches(requested: dict, schema: dict) -> bool:
        """Same names at every level; asking for a whole object (``external_urls``) covers its fields."""
        if not requested:
            return True
        return set(requested) == set(schema) and all(matches(requested[k], schema[k]) for k in requested)

    requested = _field_tree(ITEMS_FIELDS)
    assert set(requested) == {"items", "next", "total", "offset", "limit"}
    assert matches(requested["items"], _schema_tree(PLAYLIST_ITEM_JSON_SCHEMA))
    assert requested["items"]["item"] == requested["items"]["track"]
    metadata = _field_tree(PLAYLIST_FIELDS)
    flat = {"owner_id", "owner_name", "total_items", "url"}
    assert {name for name in _schema_tree(PLAYLIST_JSON_SCHEMA) if name not in flat} <= set(metadata)
