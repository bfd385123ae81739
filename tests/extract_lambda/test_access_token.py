"""The shared access token: one fetch for many threads, one refresh per rejected token."""

from __future__ import annotations

import threading

import pytest
from extract_testkit import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOAuth

from extract_lambda.access_token import RedactingMemoryCacheHandler, SharedAccessToken
from extract_lambda.log import redactor

THREADS = 8


@pytest.fixture
def slow_fake(make_fake_spotify):
    """The token endpoint takes 50 ms: without the lock every thread would fetch its own token."""
    return make_fake_spotify(latency_seconds=0.05)


def client_credentials_token(fake) -> SharedAccessToken:
    cache = RedactingMemoryCacheHandler()
    auth = SpotifyClientCredentials(CLIENT_ID, CLIENT_SECRET, cache_handler=cache)
    auth.OAUTH_TOKEN_URL = fake.accounts_base_url + "api/token"
    return SharedAccessToken(auth, cache)


def refresh_token_token(fake) -> SharedAccessToken:
    cache = RedactingMemoryCacheHandler(
        {
            "access_token": "",
            "token_type": "Bearer",
            "refresh_token": REFRESH_TOKEN,
            "expires_at": 0,
            "scope": "playlist-read-private playlist-read-collaborative",
        }
    )
    auth = SpotifyOAuth(
        CLIENT_ID,
        CLIENT_SECRET,
        "http://127.0.0.1:8888/callback",
        scope="playlist-read-private playlist-read-collaborative",
        open_browser=False,
        cache_handler=cache,
    )
    auth.OAUTH_TOKEN_URL = fake.accounts_base_url + "api/token"
    return SharedAccessToken(auth, cache)


def get_from_threads(token: SharedAccessToken) -> list[str]:
    start = threading.Barrier(THREADS)
    got: list[str] = []

    def worker() -> None:
        start.wait(timeout=5)
        got.append(token.get(3.0))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got


@pytest.mark.parametrize(
    ("make_token", "grant"),
    [(client_credentials_token, "client_credentials"), (refresh_token_token, "refresh_token")],
)
def test_threads_starting_together_fetch_one_token(slow_fake, make_token, grant):
    got = get_from_threads(make_token(slow_fake))
    assert [g["grant_type"] for g in slow_fake.token_grants] == [grant]
    assert got == slow_fake.issued_tokens * THREADS


def test_a_rejected_token_is_refreshed_once_whoever_rejects_it(slow_fake):
    token = client_credentials_token(slow_fake)
    first = token.get(3.0)
    for _ in range(THREADS):  # every worker saw the same token refused
        token.reject(first)
    second = get_from_threads(token)
    assert len(slow_fake.issued_tokens) == 2
    assert second == [slow_fake.issued_tokens[1]] * THREADS
    token.reject(first)  # a worker late to report the old token: the new one stays
    assert token.get(3.0) == slow_fake.issued_tokens[1]
    assert len(slow_fake.issued_tokens) == 2


def test_every_token_fetched_is_known_to_the_redactor(fake_spotify):
    token = client_credentials_token(fake_spotify)
    value = token.get(3.0)
    assert redactor.redact(f"Authorization: {value}") == "Authorization: ***"
