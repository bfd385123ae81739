"""The one access token every worker thread uses, fetched and refreshed by one thread at a time.

spotipy's auth managers hold no lock: ``get_access_token`` reads the cache, finds the token
missing or expired and asks the accounts service for a new one. Eight workers starting together,
or all seeing the same token refused (401), would each fetch a token: eight token requests, and
with the refresh-token flow eight refreshes racing to write the cache. ``SharedAccessToken``
puts a lock around it, so the first worker fetches and the others wait and reuse that token.

On 401 a worker rejects the token *it* sent: the cache is expired only if that token is still
the cached one, so a rejected token is refreshed once however many workers saw it refused.
"""

from __future__ import annotations

import threading
from typing import Any

from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOAuth

from .log import redactor


class RedactingMemoryCacheHandler(MemoryCacheHandler):
    """spotipy's in-memory token cache (never a ``.cache`` file) that tells the log redactor
    about every access token it stores, and can expire the token when Spotify answers 401."""

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        redactor.register(token_info.get("access_token"), token_info.get("refresh_token"))
        super().save_token_to_cache(token_info)

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

    def get(self, timeout: float) -> str:
        """The cached token, or a new one fetched within ``timeout`` seconds (one thread fetches)."""
        with self._lock:
            self._auth.requests_timeout = timeout
            return self._auth.get_access_token(as_dict=False)

    def reject(self, token: str | None) -> None:
        """Spotify refused ``token`` (401): the next ``get`` fetches a new one, unless another
        worker has already replaced it."""
        with self._lock:
            if token and self._cache.current() == token:
                self._cache.expire()
