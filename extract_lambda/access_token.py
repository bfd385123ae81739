"""The one access token every worker thread uses, fetched and refreshed by one thread at a time.

spotipy's auth managers hold no lock: ``get_access_token`` reads the cache, finds the token
missing or expired and asks the accounts service for a new one. Eight workers starting together,
or all seeing the same token refused (401), would each fetch a token: eight token requests, and
with the refresh-token flow eight refreshes racing to write the cache. ``SharedAccessToken``
puts a lock around it, so the first worker fetches and the others wait and reuse that token.

On 401 a worker rejects the token *it* sent: the cache is expired only if that token is still
the cached one, so a rejected token is refreshed once however many workers saw it refused.

The refresh-token flow runs unattended (the Lambda, ``spotify-etl extract``), so it goes through
``UnattendedOAuth``: spotipy's own ``SpotifyOAuth``, but a token is used with the scope Spotify
granted (spotipy compares the cached scope with the requested one and, when they differ, starts
the interactive authorization: a browser and ``input()``, which would hang or crash a Lambda),
and every interactive entry point raises instead. When the token endpoint answers with a new
refresh token (rotation), the cache hands it to ``on_refresh_token`` at once, so the caller can
keep it (Secrets Manager, the local credentials file) before the old one stops working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NoReturn

from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOAuth, SpotifyOauthError

from .log import logger, redactor

INTERACTIVE_ERROR = "interactive_authorization_required"
RETRYABLE_OAUTH_ERRORS = frozenset({"server_error", "temporarily_unavailable"})
"""Token-endpoint errors worth another try; any other (invalid_grant, invalid_client) is final."""
_UNUSED_REDIRECT_URI = "http://127.0.0.1:8888/callback"  # SpotifyOAuth insists; refreshing never redirects

RefreshTokenSink = Callable[[str], str]
"""Keeps a new refresh token somewhere durable; returns where (for the run summary), raises if it
could not."""


class InteractiveAuthorizationRequired(SpotifyOauthError):
    """spotipy wanted to ask a person (browser, ``input()``): refused in unattended runs."""

    def __init__(self) -> None:
        super().__init__(
            "a new user authorization is needed and nobody is here to give it (spotipy asked for the "
            "browser redirect)",
            error=INTERACTIVE_ERROR,
        )


class GrantedScopeOAuth(SpotifyOAuth):
    """``SpotifyOAuth`` that keeps the scope Spotify granted in the token info (spotipy overwrites
    it with the requested one), so a narrower grant can be seen and reported."""

    def _add_custom_values_to_token_info(self, token_info: dict[str, Any]) -> dict[str, Any]:
        granted = token_info.get("scope")
        token_info = super()._add_custom_values_to_token_info(token_info)
        token_info["scope"] = granted or ""
        return token_info


class UnattendedOAuth(GrantedScopeOAuth):
    """``SpotifyOAuth`` for refreshing a stored refresh token: never prompts, keeps granted scopes.

    ``scope=None``: spotipy then has nothing to compare the cached token's scope with, so a token
    granted with fewer scopes than the authorization asked for is used as granted (what it cannot
    read answers 403, explained per playlist), instead of spotipy discarding it and prompting.
    """

    def __init__(self, client_id: str, client_secret: str, requests_session: Any, cache_handler: Any) -> None:
        super().__init__(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=_UNUSED_REDIRECT_URI,
            scope=None,
            requests_session=requests_session,
            open_browser=False,
            cache_handler=cache_handler,
        )

    def get_auth_response(self, open_browser: bool | None = None) -> NoReturn:
        raise InteractiveAuthorizationRequired()

    def get_authorization_code(self, response: str | None = None) -> NoReturn:
        raise InteractiveAuthorizationRequired()

    def _open_auth_url(self) -> NoReturn:
        raise InteractiveAuthorizationRequired()

    @staticmethod
    def _get_user_input(prompt: str) -> NoReturn:
        raise InteractiveAuthorizationRequired()


class RedactingMemoryCacheHandler(MemoryCacheHandler):
    """spotipy's in-memory token cache (never a ``.cache`` file) that tells the log redactor
    about every token it stores, can expire the token when Spotify answers 401, and hands a
    rotated refresh token to ``on_refresh_token``."""

    def __init__(
        self, token_info: dict[str, Any] | None = None, on_refresh_token: RefreshTokenSink | None = None
    ) -> None:
        super().__init__(token_info)
        if token_info:
            redactor.register(token_info.get("access_token"), token_info.get("refresh_token"))
        self._on_refresh_token = on_refresh_token
        self.rotation: dict[str, Any] | None = None
        """``None`` until Spotify sends a new refresh token; then where it was kept, or the error."""

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        redactor.register(token_info.get("access_token"), token_info.get("refresh_token"))
        previous = (self.token_info or {}).get("refresh_token")
        super().save_token_to_cache(token_info)
        new = token_info.get("refresh_token")
        if previous and new and new != previous:
            self._keep_rotated(new)

    def _keep_rotated(self, refresh_token: str) -> None:
        if self._on_refresh_token is None:
            self.rotation = {"saved_to": None, "error": "nowhere to keep it (the replay)"}
            return
        try:
            where = self._on_refresh_token(refresh_token)
        except Exception as error:
            reason = redactor.redact(f"{type(error).__name__}: {error}")
            self.rotation = {"saved_to": None, "error": reason}
            logger.error(
                "Spotify issued a new refresh token that could not be kept: the next run may fail "
                "with invalid_grant",
                extra={"reason": reason},
            )
        else:
            self.rotation = {"saved_to": where, "error": None}
            logger.info("Spotify issued a new refresh token; kept", extra={"saved_to": where})

    @property
    def granted_scope(self) -> str | None:
        return (self.token_info or {}).get("scope")

    def expire(self) -> None:
        if self.token_info:
            self.token_info = {**self.token_info, "expires_at": 0}

    def current(self) -> str | None:
        return (self.token_info or {}).get("access_token") or None


class SharedAccessToken:
    """An auth manager and its cache behind a lock; safe to call from any thread."""

    def __init__(
        self, auth_manager: SpotifyClientCredentials | SpotifyOAuth, cache: RedactingMemoryCacheHandler
    ) -> None:
        self._auth = auth_manager
        self._cache = cache
        self._lock = threading.Lock()
        self._refused: SpotifyOauthError | None = None

    def get(self, timeout: float) -> str:
        """The cached token, or a new one fetched within ``timeout`` seconds (one thread fetches).
        A final refusal of the token endpoint (``invalid_grant``...) is raised again to every
        later caller without asking Spotify again: it will not change within the run."""
        with self._lock:
            if self._refused is not None:
                raise self._refused
            self._auth.requests_timeout = timeout
            try:
                return self._auth.get_access_token(as_dict=False)
            except SpotifyOauthError as error:
                if getattr(error, "error", None) not in RETRYABLE_OAUTH_ERRORS:
                    self._refused = error
                raise

    def reject(self, token: str | None) -> None:
        """Spotify refused ``token`` (401): the next ``get`` fetches a new one, unless another
        worker has already replaced it."""
        with self._lock:
            if token and self._cache.current() == token:
                self._cache.expire()
