"""spotipy, configured for an unattended extraction, behind a small retrying API.

Why our own retry loop instead of spotipy's urllib3 ``Retry`` (``retries``, ``status_retries``,
``backoff_factor``, ``status_forcelist``):

- urllib3 sleeps for whatever ``Retry-After`` says, without knowing the Lambda's deadline: a
  long 429 would turn into a Lambda timeout with nothing landed and no manifest;
- spotipy builds its ``Retry`` with ``read=False``, so read timeouts are never retried;
- an expired token (401) must be refreshed and the request repeated, which urllib3 cannot do;
- urllib3's backoff has no jitter as spotipy configures it.

So spotipy gets a plain ``requests.Session`` (no retries) and every call goes through
``SpotifyApi._call``: 429 waits ``Retry-After``; 5xx, timeouts and dropped connections back off
exponentially (capped, jittered); 401 expires the cached token once and repeats; 403/404 and
other 4xx fail the playlist at once with an explanation of the rule that refused it
(``refusals``). Every wait and every request timeout
is capped by the run's time budget.

Shared by the run's worker threads (one ``SpotifyApi`` per run):

- each thread gets its own ``spotipy.Spotify`` and ``requests.Session`` (``threading.local``):
  spotipy keeps per-call state on the client (``requests_timeout``, the token), ``requests``
  does not promise that a ``Session`` is thread-safe (psf/requests#2766), and one shared
  session's connection pool (10) would drop connections beyond 10 workers;
- the access token is shared (``access_token.SharedAccessToken``, one fetch at a time) and handed
  to each thread's client per request, so the clients never call the auth manager themselves;
- a 429 closes a shared ``rate_gate.RateGate``: no thread sends a request until Retry-After has
  passed. 5xx backoff stays per request: a server error says nothing about the other requests.
- every request, answer and retry is counted into the ``http_outcomes.HttpOutcomes`` the thread
  is counting into (``counting``, bound per thread): one per playlist, one for ``mine``'s
  discovery, so playlists read at the same time never mix their counts (the manifest's ``http``).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
import spotipy
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOAuth, SpotifyOauthError

from .access_token import (
    RETRYABLE_OAUTH_ERRORS,
    RedactingMemoryCacheHandler,
    RefreshTokenSink,
    SharedAccessToken,
    UnattendedOAuth,
)
from .budget import BudgetExhausted, TimeBudget
from .config import DEFAULT_ACCOUNTS_BASE_URL, DEFAULT_API_BASE_URL
from .credentials import SpotifyCredentials
from .http_outcomes import SUCCESS_STATUS, HttpOutcomes
from .log import logger, redactor
from .rate_gate import RateGate
from .refusals import AuthContext, playlist_refusal, request_refusal, token_refusal

T = TypeVar("T")

PAGE_LIMIT = 50
"""The most ``GET /playlists/{id}/items`` (and ``GET /me/playlists``) returns per page."""

ADDITIONAL_TYPES = ("track", "episode")
"""Ask for episodes too: a playlist's podcast episodes are kept in raw and counted by the jobs."""

_ARTIST_FIELDS = "id,name,type,uri,href,external_urls"
_ALBUM_FIELDS = (
    "id,name,album_type,release_date,release_date_precision,total_tracks,uri,href,external_urls,"
    f"artists({_ARTIST_FIELDS})"
)
_TRACK_OR_EPISODE_FIELDS = (
    "id,name,type,uri,href,duration_ms,explicit,popularity,is_local,track_number,disc_number,"
    f"external_ids.isrc,external_urls,album({_ALBUM_FIELDS}),artists({_ARTIST_FIELDS}),show(id,name)"
)
ITEMS_FIELDS = (
    f"items(added_at,added_by.id,is_local,item({_TRACK_OR_EPISODE_FIELDS}),track({_TRACK_OR_EPISODE_FIELDS})),"
    "next,total,offset,limit"
)
"""Only what the Glue jobs read (schemas.PLAYLIST_ITEM_JSON_SCHEMA): ``item`` is the field's name
since February 2026, ``track`` what extended-quota apps still get."""

PLAYLIST_FIELDS = (
    "id,name,owner(id,display_name),snapshot_id,description,public,collaborative,external_urls,"
    "items(total),tracks(total)"
)
"""Playlist metadata; the item count is under ``items`` since 2026, under ``tracks`` before."""

SNAPSHOT_FIELDS = "snapshot_id"
"""The re-read after paging: the items pages carry no snapshot_id, so the playlist's own is read
again (``GET /playlists/{id}?fields=snapshot_id``, a few bytes) to see whether it changed."""

TOKEN_PATH = "api/token"
OAUTH_SCOPE = "playlist-read-private playlist-read-collaborative"
"""What ``spotify-etl auth`` asks for: private playlists, and collaborative ones in /me/playlists."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request before the playlist is reported as failed."""

    max_attempts: int = 5
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 16.0
    request_timeout_seconds: float = 10.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Capped exponential backoff with jitter (half fixed, half random) so retries spread out."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1))
        return ceiling * rng.uniform(0.5, 1.0)


DEFAULT_RETRY_POLICY = RetryPolicy()


def _sleep(seconds: float) -> None:
    """The wait between attempts (a module function, so tests can make waits instant)."""
    time.sleep(seconds)


class SpotifyRequestError(Exception):
    """One playlist could not be read; the message says why and what to do."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(redactor.redact(message))
        self.http_status = http_status


class SpotifyAuthError(SpotifyRequestError):
    """No access token: every remaining playlist would fail the same way."""


def _spotify_message(error: spotipy.SpotifyException) -> str:
    """Spotify's own error message (spotipy prefixes it with the request URL)."""
    return str(error.msg).rsplit(":\n", 1)[-1].strip()


def _retry_after_seconds(headers: Any) -> float | None:
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


class SpotifyApi:
    """The reads the extractor needs, with retries, token refresh and the time budget.

    Safe to share between threads: see the module's docstring. ``context`` says which flow the
    token comes from and which command re-authorizes, for the refusals' explanations.
    """

    def __init__(
        self,
        new_client: Callable[[], spotipy.Spotify],
        token: SharedAccessToken,
        budget: TimeBudget,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        gate: RateGate | None = None,
        context: AuthContext | None = None,
        cache: RedactingMemoryCacheHandler | None = None,
    ) -> None:
        self._new_client = new_client
        self._token = token
        self.context = context or AuthContext()
        self._cache = cache
        self.budget = budget
        self._policy = policy or DEFAULT_RETRY_POLICY
        self._sleep = sleep or _sleep
        self._rng = rng or random.Random()  # random() is one C call: safe to share between threads
        self.gate = gate or RateGate()
        self._local = threading.local()

    @property
    def auth_status(self) -> dict[str, Any]:
        """For the run summary: the flow, the scope Spotify granted, and a refresh-token rotation
        (where the new token was kept, or why it was not); never a token."""
        cache = self._cache
        return {
            "flow": self.context.flow,
            "granted_scope": cache.granted_scope if cache and self.context.user_token else None,
            "refresh_token_rotated": cache.rotation if cache else None,
        }

    def playlist(self, playlist_id: str) -> dict[str, Any]:
        """``GET /playlists/{id}`` with only the metadata fields."""
        return self._call(
            f"reading playlist {playlist_id}",
            lambda client: client.playlist(
                playlist_id, fields=PLAYLIST_FIELDS, additional_types=ADDITIONAL_TYPES
            ),
            playlist_id,
        )

    def playlist_snapshot_id(self, playlist_id: str) -> str | None:
        """``GET /playlists/{id}?fields=snapshot_id``: the playlist's version now."""
        body = self._call(
            f"reading the snapshot_id of playlist {playlist_id}",
            lambda client: client.playlist(
                playlist_id, fields=SNAPSHOT_FIELDS, additional_types=ADDITIONAL_TYPES
            ),
            playlist_id,
        )
        return body.get("snapshot_id")

    def playlist_items_page(self, playlist_id: str, offset: int, owner: str | None = None) -> dict[str, Any]:
        """One page of ``GET /playlists/{id}/items`` (spotipy ≥ 2.26), 50 items from ``offset``;
        ``owner`` (from the metadata) goes into the explanation of a 403."""
        return self._call(
            f"reading items {offset}-{offset + PAGE_LIMIT - 1} of playlist {playlist_id}",
            lambda client: client.playlist_items(
                playlist_id,
                fields=ITEMS_FIELDS,
                limit=PAGE_LIMIT,
                offset=offset,
                additional_types=ADDITIONAL_TYPES,
            ),
            playlist_id,
            owner,
        )

    def me(self) -> dict[str, Any]:
        """``GET /me``: the user behind the token (a user token only)."""
        return self._call("reading the current user (GET /me)", lambda client: client.me())

    def my_playlists_page(self, offset: int) -> dict[str, Any]:
        """One page of ``GET /me/playlists`` (50 simplified playlists from ``offset``): the
        playlists the user owns or follows (``/users/{id}/playlists`` answers 403 since 2026)."""
        return self._call(
            f"listing the user's playlists {offset}-{offset + PAGE_LIMIT - 1} (GET /me/playlists)",
            lambda client: client.current_user_playlists(limit=PAGE_LIMIT, offset=offset),
        )

    def _client(self) -> spotipy.Spotify:
        """This thread's own client (and session); made on the thread's first request."""
        client: spotipy.Spotify | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._new_client()
        return client

    @contextmanager
    def counting(self, outcomes: HttpOutcomes) -> Iterator[HttpOutcomes]:
        """Within the block, this thread's requests are recorded into ``outcomes`` (one playlist's,
        or discovery's); each thread counts into its own, so the run's workers never mix counts."""
        previous = getattr(self._local, "outcomes", None)
        self._local.outcomes = outcomes
        try:
            yield outcomes
        finally:
            self._local.outcomes = previous

    def _call(
        self,
        what: str,
        request: Callable[[spotipy.Spotify], T],
        playlist_id: str | None = None,
        owner: str | None = None,
    ) -> T:
        """One request with its retries; every request sent, every answer and how the call ended
        go into the ``HttpOutcomes`` this thread is counting into (``counting``)."""
        outcomes: HttpOutcomes = getattr(self._local, "outcomes", None) or HttpOutcomes()
        answer: int | None = None  # the latest attempt's HTTP status (None: no answer)
        try:
            client = self._client()
            attempt = 0
            refreshed = False
            repeat = False  # the next request repeats one that got a 429, a 5xx or no answer
            while True:
                self.gate.wait(self.budget, what, self._sleep)
                self.budget.check(what)
                timeout = self.budget.cap(self._policy.request_timeout_seconds)
                client.requests_timeout = timeout
                attempt += 1
                answer = None
                token: str | None = None
                rate_limited = False
                sent = False
                try:
                    token = self._token.get(timeout)
                    client.set_auth(token)
                    outcomes.sent(retry=repeat)
                    sent, repeat = True, False
                    result = request(client)
                except spotipy.SpotifyException as error:
                    status = error.http_status
                    answer = status
                    outcomes.answered(status)
                    if status == 401 and not refreshed:
                        refreshed = True
                        attempt -= 1  # a refresh is not a failed attempt
                        logger.info("access token rejected (401); refreshing it", extra={"what": what})
                        self._token.reject(token)
                        continue
                    if status == 429:
                        retry_after = _retry_after_seconds(error.headers)
                        if retry_after is None:
                            retry_after = self._policy.backoff(attempt, self._rng)
                        delay = retry_after
                        self.gate.hold(delay)  # at once: the other workers stop before their next request
                        rate_limited = True
                        last = f"HTTP 429 rate limited (Retry-After {delay:g} s)"
                    elif status >= 500:
                        delay = self._policy.backoff(attempt, self._rng)
                        last = f"HTTP {status} {_spotify_message(error)}"
                    else:
                        message = _spotify_message(error)
                        raise self._client_error(what, playlist_id, owner, status, message) from None
                    repeat = True
                except (requests.Timeout, requests.ConnectionError) as error:
                    kind = "timed out" if isinstance(error, requests.Timeout) else "connection failed"
                    last = f"{kind} ({type(error).__name__})"
                    delay = self._policy.backoff(attempt, self._rng)
                    repeat = repeat or sent  # the token endpoint's own failures repeat no request
                except SpotifyOauthError as error:
                    if getattr(error, "error", None) not in RETRYABLE_OAUTH_ERRORS:
                        explanation = token_refusal(getattr(error, "error", None), str(error), self.context)
                        raise SpotifyAuthError(explanation) from None
                    delay = self._policy.backoff(attempt, self._rng)
                    last = f"token endpoint: {error}"
                else:
                    outcomes.answered(SUCCESS_STATUS)
                    outcomes.ended(SUCCESS_STATUS)
                    return result
                if attempt >= self._policy.max_attempts:
                    raise SpotifyRequestError(
                        f"{what}: gave up after {attempt} attempts; last error: {last}", http_status=None
                    )
                remaining = self.budget.remaining()
                if remaining is not None and delay >= remaining:
                    raise BudgetExhausted(
                        f"{what}: {last}; waiting {delay:.1f} s more would exceed the time budget "
                        "(the Lambda would time out)"
                    )
                logger.warning(
                    "retrying Spotify request",
                    extra={"what": what, "attempt": attempt, "error": last, "wait_seconds": round(delay, 3)},
                )
                if not rate_limited:  # a 429's wait is the gate's, at the top of the loop
                    self._sleep(delay)
        except (BudgetExhausted, SpotifyAuthError):
            outcomes.ended(None)  # the time budget, or no token: no HTTP answer ended the call
            raise
        except BaseException:
            outcomes.ended(answer)  # a 4xx, the last attempt's 429/5xx, or None (it timed out)
            raise

    def _client_error(
        self, what: str, playlist_id: str | None, owner: str | None, status: int, message: str
    ) -> SpotifyRequestError:
        if playlist_id is not None:
            text = playlist_refusal(playlist_id, status, message, self.context, owner)
        else:
            text = request_refusal(what, status, message, self.context)
        return SpotifyRequestError(text, http_status=status)


def build_spotify_api(
    credentials: SpotifyCredentials,
    budget: TimeBudget,
    api_base_url: str = DEFAULT_API_BASE_URL,
    accounts_base_url: str = DEFAULT_ACCOUNTS_BASE_URL,
    session_factory: Callable[[], requests.Session] | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    reauthorize_command: str = "spotify-etl auth",
    on_refresh_token: RefreshTokenSink | None = None,
) -> SpotifyApi:
    """A spotipy client for the credentials' flow, pointed at the given base URLs.

    ``session_factory`` makes the transport, one session for the token endpoint and one per
    worker thread: plain sessions in AWS, sessions with the replay adapter mounted for the
    bundled sample. spotipy gets them as they are, so its own urllib3 retries stay off.
    ``reauthorize_command`` is what the refusals tell a person to run; ``on_refresh_token``
    keeps a refresh token that Spotify rotated (``access_token.RedactingMemoryCacheHandler``).
    """
    new_session = session_factory or requests.Session
    token_url = accounts_base_url.rstrip("/") + "/" + TOKEN_PATH
    context = AuthContext(credentials.flow, reauthorize_command)
    if credentials.refresh_token:
        cache = RedactingMemoryCacheHandler(
            {
                "access_token": "",
                "token_type": "Bearer",
                "refresh_token": credentials.refresh_token,
                "expires_at": 0,  # refresh before the first call
                "scope": "",  # unknown until Spotify answers: used as granted
            },
            on_refresh_token=on_refresh_token,
        )
        auth_manager: SpotifyClientCredentials | SpotifyOAuth = UnattendedOAuth(
            credentials.client_id, credentials.client_secret, new_session(), cache
        )
    else:
        cache = RedactingMemoryCacheHandler()
        auth_manager = SpotifyClientCredentials(
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            requests_session=new_session(),
            cache_handler=cache,
        )
    auth_manager.OAUTH_TOKEN_URL = token_url  # instance attribute: spotipy reads self.OAUTH_TOKEN_URL
    prefix = api_base_url if api_base_url.endswith("/") else api_base_url + "/"

    def new_client() -> spotipy.Spotify:
        """No auth manager: ``SpotifyApi`` sets the shared token on it before every request."""
        client = spotipy.Spotify(requests_session=new_session())
        client.prefix = prefix
        return client

    return SpotifyApi(
        new_client,
        SharedAccessToken(auth_manager, cache),
        budget,
        policy=policy,
        sleep=sleep,
        context=context,
        cache=cache,
    )
