"""How Spotify answered one playlist's requests (or ``mine``'s): the manifest's ``http`` entries.

The API drift sentinel (normalize_items' ``api_health`` table, measure ``http_status``) counts the
playlists per final HTTP status from these; a day of 403s or 429s shows up there before anyone
reads a log. ``SpotifyApi._call`` records every request into the ``HttpOutcomes`` its thread is
counting into (``SpotifyApi.counting``); one ``HttpOutcomes`` per playlist, filled by the one
worker thread that reads it, read by the run (under its lock) when the playlist is done or
abandoned.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

SUCCESS_STATUS = 200
"""What a successful ``GET`` of the Web API answers ("200 OK" in the Web API reference for Get
Playlist, Get Playlist Items, Get Current User's Profile and Get Current User's Playlists).
spotipy hands back only the body of a success (it raises ``SpotifyException`` with the status for
any 4xx/5xx, ``requests``' ``raise_for_status``), so a success is recorded as 200."""


class HttpOutcomes:
    """The requests of one playlist and how they ended; thread-safe.

    ``report()`` is the manifest's ``http`` object::

        {"status": int | None,     # how the latest call ended: 200, the status that failed it,
                                   # or None (no HTTP answer: timeouts, connection errors, the time
                                   # budget, a refused token; or no request at all)
         "requests": int,          # requests sent, each retry and a 401's repeat included
         "responses": {"200": int, "429": int, ...},   # answers received per HTTP status
         "retries": int}           # requests repeated after a 429, 5xx, timeout or connection error

    A playlist's reads stop at the first call that fails, so the latest call's ending is the
    playlist's: 200 when every call finally succeeded (whether or not it then landed).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status: int | None = None
        self._requests = 0
        self._responses: Counter[int] = Counter()
        self._retries = 0

    def sent(self, retry: bool) -> None:
        """One request is on its way; ``retry``: it repeats one that got a 429, a 5xx or no answer."""
        with self._lock:
            self._requests += 1
            self._retries += retry

    def answered(self, status: int) -> None:
        """Spotify answered a request with ``status``."""
        with self._lock:
            self._responses[status] += 1

    def ended(self, status: int | None) -> None:
        """One call (a request and its retries) is over: ``status`` is its success (200), the
        status that failed it, or None when it ended without an HTTP answer."""
        with self._lock:
            self._status = status

    def report(self) -> dict[str, Any]:
        """The ``http`` object (a copy: later requests do not change it); statuses in numeric order."""
        with self._lock:
            return {
                "status": self._status,
                "requests": self._requests,
                "responses": {str(code): self._responses[code] for code in sorted(self._responses)},
                "retries": self._retries,
            }


def no_requests() -> dict[str, Any]:
    """The ``http`` object of a playlist (or ``mine``) for which no request was sent."""
    return HttpOutcomes().report()
