"""A fake Spotify Web API for bench_extract.py: made-up playlists served with latency, over HTTP.

A ``ThreadingHTTPServer`` on 127.0.0.1 (HTTP/1.1 keep-alive, like the real API) answering the
accounts service's token endpoint, ``GET /v1/playlists/{id}`` and ``GET /v1/playlists/{id}/items``.
Every response body is generated and JSON-encoded before the server starts, so answering costs
the server almost no CPU (it shares the benchmark's process and GIL): what is measured is the
extractor. Each request sleeps ``latency_s`` before it is answered (a sleeping thread releases
the GIL, as a real network wait does).

Items are in the 2026 ``item`` shape with the fields the extractor's ``fields`` filter asks for
(track, album and artists objects; no ``popularity``), ~1% ``null`` items and ~0.5% local files,
seeded: the same arguments give the same playlists.

Measured on the server side, for the benchmark to report: requests served, the most requests in
flight at once, each request's arrival time, and the time each 429 was sent. With
``rate_limit_every=k`` every k-th API request is answered 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
WORDS = (
    "Night", "Drive", "Paper", "Wire", "Motel", "Rain", "Golden", "Hour", "Ocean", "Glass", "Neon",
    "Summer", "Echo", "Velvet", "River", "Static", "Midnight", "Satellite", "Honey", "Thunder",
)  # fmt: skip
NULL_RATE = 0.01
LOCAL_RATE = 0.005
OPEN = "https://open.spotify.com"
API = "https://api.spotify.com/v1"


def spotify_id(rng: random.Random) -> str:
    return "".join(rng.choice(BASE62) for _ in range(22))


def _artist(rng: random.Random) -> dict[str, Any]:
    artist_id = spotify_id(rng)
    return {
        "id": artist_id,
        "name": " ".join(rng.sample(WORDS, 2)),
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
        "href": f"{API}/artists/{artist_id}",
        "external_urls": {"spotify": f"{OPEN}/artist/{artist_id}"},
    }


def _track(rng: random.Random, artists: list[dict[str, Any]]) -> dict[str, Any]:
    track_id, album_id = spotify_id(rng), spotify_id(rng)
    credited = rng.sample(artists, rng.choice((1, 1, 1, 1, 2, 3)))
    year = rng.randint(1965, 2026)
    return {
        "id": track_id,
        "name": " ".join(rng.sample(WORDS, rng.randint(1, 3))),
        "type": "track",
        "uri": f"spotify:track:{track_id}",
        "href": f"{API}/tracks/{track_id}",
        "duration_ms": rng.randint(95_000, 420_000),
        "explicit": rng.random() < 0.15,
        "is_local": False,
        "track_number": rng.randint(1, 14),
        "disc_number": 1,
        "external_ids": {
            "isrc": f"US{rng.choice(('UM', 'SM', 'RC'))}{year % 100:02d}{rng.randint(0, 99999):05d}"
        },
        "external_urls": {"spotify": f"{OPEN}/track/{track_id}"},
        "album": {
            "id": album_id,
            "name": " ".join(rng.sample(WORDS, 2)),
            "album_type": rng.choice(("album", "album", "single", "compilation")),
            "release_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "release_date_precision": "day",
            "total_tracks": rng.randint(1, 18),
            "uri": f"spotify:album:{album_id}",
            "href": f"{API}/albums/{album_id}",
            "external_urls": {"spotify": f"{OPEN}/album/{album_id}"},
            "artists": credited[:1],
        },
        "artists": credited,
    }


def _local_track(rng: random.Random) -> dict[str, Any]:
    name = " ".join(rng.sample(WORDS, 2))
    return {
        "id": None,
        "name": name,
        "type": "track",
        "uri": f"spotify:local:::{name.replace(' ', '+')}:{rng.randint(120, 400)}",
        "href": None,
        "duration_ms": rng.randint(120_000, 400_000),
        "explicit": False,
        "is_local": True,
        "track_number": 0,
        "disc_number": 0,
        "external_ids": {},
        "external_urls": {},
        "album": {"id": None, "name": "", "album_type": None, "artists": []},
        "artists": [{"id": None, "name": "", "type": "artist", "uri": "", "href": None}],
    }


def playlist_item(rng: random.Random, artists: list[dict[str, Any]], owner_id: str) -> dict[str, Any]:
    """One entry of ``GET /playlists/{id}/items`` as the fields filter returns it (2026 shape)."""
    roll = rng.random()
    local = NULL_RATE <= roll < NULL_RATE + LOCAL_RATE
    if roll < NULL_RATE:
        body = None
    elif local:
        body = _local_track(rng)
    else:
        body = _track(rng, artists)
    return {
        "added_at": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
        "added_by": {"id": owner_id},
        "is_local": local,
        "item": body,
    }


def items_digest(items: list[Any]) -> str:
    """A digest of items independent of key order and formatting (to compare runs cheaply)."""
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ServerStats:
    requests: int = 0
    api_requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    arrivals: list[tuple[float, str]] = field(default_factory=list)
    """(time.monotonic() on arrival, "METHOD path"), every request."""
    rate_limited_at: list[float] = field(default_factory=list)
    """time.monotonic() just before each 429 was written."""


class FakeWebApi:
    """Start with ``with FakeWebApi(...) as api:``; ``api.stats`` is what the server saw."""

    def __init__(
        self,
        playlists: int = 200,
        pages: int = 3,
        latency_s: float = 0.05,
        page_size: int = 50,
        rate_limit_every: int | None = None,
        retry_after_s: int = 1,
        seed: int = 2026,
    ) -> None:
        self.latency_s = latency_s
        self.page_size = page_size
        self.rate_limit_every = rate_limit_every
        self.retry_after_s = retry_after_s
        self.lock = threading.Lock()
        self.stats = ServerStats()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.api = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self.playlist_ids: list[str] = []
        self.expected: dict[str, tuple[int, str]] = {}
        """Per playlist: (item count, items_digest) of everything the server will send."""
        self._bodies: dict[str, bytes] = {}
        self._generate(playlists, pages, random.Random(seed))

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1/"

    @property
    def accounts_base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/"

    def __enter__(self) -> FakeWebApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset_stats(self) -> None:
        with self.lock:
            self.stats = ServerStats()

    def _generate(self, playlists: int, pages: int, rng: random.Random) -> None:
        artists = [_artist(rng) for _ in range(max(50, playlists * 2))]
        total = pages * self.page_size
        for number in range(playlists):
            playlist_id = spotify_id(rng)
            owner_id = f"user{rng.randint(1000, 9999)}"
            self.playlist_ids.append(playlist_id)
            metadata = {
                "id": playlist_id,
                "name": f"{' '.join(rng.sample(WORDS, 2))} #{number}",
                "owner": {"id": owner_id, "display_name": owner_id.title()},
                "snapshot_id": "".join(rng.choice(BASE62) for _ in range(32)),
                "description": "A playlist made up for the extract benchmark",
                "public": True,
                "collaborative": False,
                "external_urls": {"spotify": f"{OPEN}/playlist/{playlist_id}"},
                "items": {"total": total},
            }
            self._bodies[f"/v1/playlists/{playlist_id}"] = json.dumps(metadata).encode()
            everything: list[Any] = []
            for page in range(pages):
                offset = page * self.page_size
                items = [playlist_item(rng, artists, owner_id) for _ in range(self.page_size)]
                everything += items
                following = offset + self.page_size
                body = {
                    "items": items,
                    "next": None
                    if page == pages - 1
                    else f"{API}/playlists/{playlist_id}/items?offset={following}",
                    "total": total,
                    "offset": offset,
                    "limit": self.page_size,
                }
                self._bodies[f"/v1/playlists/{playlist_id}/items?offset={offset}"] = json.dumps(body).encode()
            self.expected[playlist_id] = (len(everything), items_digest(everything))

    def _arrive(self, what: str) -> bool:
        """Count the request in; True when it is to be answered 429."""
        with self.lock:
            stats = self.stats
            stats.requests += 1
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            stats.arrivals.append((time.monotonic(), what))
            if not what.startswith("GET "):
                return False
            stats.api_requests += 1
            every = self.rate_limit_every
            return bool(every and stats.api_requests % every == 0)

    def _depart(self, rate_limited: bool) -> None:
        """Before the answer is written, so one client never counts twice."""
        with self.lock:
            self.stats.in_flight -= 1
            if rate_limited:
                self.stats.rate_limited_at.append(time.monotonic())

    def body(self, path: str, query: dict[str, str]) -> bytes | None:
        if path.endswith("/items"):
            return self._bodies.get(f"{path}?offset={query.get('offset', '0')}")
        return self._bodies.get(path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 drops the SYNs of 8 workers connecting at once:
    # the kernel's 1 s SYN retry would then look like a request arriving 1 s late
    api: FakeWebApi

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client closing its keep-alive connection is not an error


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        api = self.server.api
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        api._arrive(f"POST {urlsplit(self.path).path}")
        time.sleep(api.latency_s)
        api._depart(False)
        if not (self.headers.get("Authorization") or "").startswith("Basic "):
            self._answer(400, b'{"error":"invalid_client"}')
            return
        token = {
            "access_token": f"bench-{form.get('grant_type')}-token",
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        self._answer(200, json.dumps(token).encode())

    def do_GET(self) -> None:
        api = self.server.api
        parts = urlsplit(self.path)
        limited = api._arrive(f"GET {parts.path}")
        time.sleep(api.latency_s)
        api._depart(limited)
        if limited:
            error = {"error": {"status": 429, "message": "API rate limit exceeded"}}
            self._answer(429, json.dumps(error).encode(), {"Retry-After": str(api.retry_after_s)})
            return
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            self._answer(401, b'{"error":{"status":401,"message":"No token provided"}}')
            return
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = api.body(parts.path, query)
        if body is None:
            self._answer(404, b'{"error":{"status":404,"message":"Resource not found"}}')
            return
        self._answer(200, body)
