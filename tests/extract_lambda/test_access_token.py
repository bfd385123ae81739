"""The shared access token: one fetch for many threads, one refresh per rejected token."""

from __future__ import annotations

import threading

import pytest
from extract_testkit import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError, SpotifyPKCE

from extract_lambda.access_token import (
    InteractiveAuthorizationRequired,
    RedactingMemoryCacheHandler,
    SharedAccessToken,
    UnattendedOAuth,
)
from extract_lambda.log import redactor
from extract_lambda.spotify_client import OAUTH_SCOPE

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


def stored_refresh_token(refresh_token: str = REFRESH_TOKEN, scope: str = "") -> dict:
    """The cache as build_spotify_api seeds it from the secret: expired, scope unknown."""
    return {
        "access_token": "",
        "token_type": "Bearer",
        "refresh_token": refresh_token,
        "expires_at": 0,
        "scope": scope,
    }


def unattended(fake, cache) -> UnattendedOAuth:
    auth = UnattendedOAuth(CLIENT_ID, CLIENT_SECRET, None, cache)
    auth.OAUTH_TOKEN_URL = fake.accounts_base_url + "api/token"
    return auth


def refresh_token_token(fake, on_refresh_token=None) -> SharedAccessToken:
    cache = RedactingMemoryCacheHandler(stored_refresh_token(), on_refresh_token=on_refresh_token)
    return SharedAccessToken(unattended(fake, cache), cache)


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


@pytest.fixture
def prompts(monkeypatch) -> list[str]:
    """Every attempt to ask a person (``input()``, a browser) is recorded, and answered with nothing."""
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(f"input: {prompt}") or "")
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: asked.append(f"browser: {url}") or True)
    return asked


def test_spotipys_pkce_manager_prompts_when_the_granted_scope_is_narrower(fake_spotify, prompts):
    """What the guard is for: the cached token is discarded and a person is asked (the test can fail)."""
    narrower = "playlist-read-collaborative"
    cache = MemoryCacheHandler(stored_refresh_token(scope=narrower))
    pkce = SpotifyPKCE(
        CLIENT_ID,
        "http://127.0.0.1:8888/callback",
        scope=OAUTH_SCOPE,
        cache_handler=cache,
        open_browser=False,
    )
    pkce.OAUTH_TOKEN_URL = fake_spotify.accounts_base_url + "api/token"
    with pytest.raises(SpotifyOauthError):
        pkce.get_access_token()
    assert len(prompts) == 1 and prompts[0].startswith("input: Go to the following URL:")


def test_the_unattended_manager_uses_a_narrower_scope_as_granted_and_never_prompts(fake_spotify, prompts):
    fake_spotify.scope_granted = "playlist-read-collaborative"
    cache = RedactingMemoryCacheHandler(stored_refresh_token(scope=OAUTH_SCOPE))
    token = SharedAccessToken(unattended(fake_spotify, cache), cache)
    assert token.get(3.0) == fake_spotify.issued_tokens[-1]
    assert cache.granted_scope == "playlist-read-collaborative"
    token.reject(fake_spotify.issued_tokens[-1])  # expired: refreshed again, still no prompt
    assert token.get(3.0) == fake_spotify.issued_tokens[-1]
    assert len(fake_spotify.issued_tokens) == 2 and prompts == []


@pytest.mark.parametrize("cached", [None, {"access_token": "x", "expires_at": 0}])
def test_every_interactive_path_of_the_unattended_manager_raises_instead(fake_spotify, prompts, cached):
    auth = unattended(fake_spotify, RedactingMemoryCacheHandler(cached))
    with pytest.raises(InteractiveAuthorizationRequired):
        auth.get_access_token(as_dict=False)
    for interactive in (auth.get_auth_response, auth.get_authorization_code, auth._open_auth_url):
        with pytest.raises(InteractiveAuthorizationRequired):
            interactive()
    with pytest.raises(InteractiveAuthorizationRequired):
        auth._get_user_input("Enter the URL you were redirected to: ")
    assert prompts == [] and fake_spotify.token_grants == []


def test_a_rotated_refresh_token_is_handed_over_once_and_used_from_then_on(fake_spotify):
    fake_spotify.rotate_refresh_tokens = True
    kept: list[str] = []
    token = refresh_token_token(fake_spotify, on_refresh_token=lambda new: kept.append(new) or "the test")
    first = token.get(3.0)
    token.reject(first)
    token.get(3.0)
    assert kept == fake_spotify.issued_refresh_tokens[1:3]  # each new one, in order
    assert [g["refresh_token"] for g in fake_spotify.token_grants] == [REFRESH_TOKEN, kept[0]]
    assert redactor.redact(f"token {kept[1]}") == "token ***"


def test_a_refused_refresh_token_is_not_asked_for_again(fake_spotify):
    cache = RedactingMemoryCacheHandler(stored_refresh_token("rt-revoked-00000000000000"))
    token = SharedAccessToken(unattended(fake_spotify, cache), cache)
    for _ in range(3):
        with pytest.raises(SpotifyOauthError, match="invalid_grant"):
            token.get(3.0)
    assert len(fake_spotify.token_grants) == 1
