"""Test kit of the extract Lambda's tests: a fake Spotify over real HTTP, moto AWS, the sample.

The fake Spotify is a ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) serving the accounts
token endpoint and the Web API from the bundled recordings, which it reads itself (not through
the code under test), or from a made-up document of many playlists (``synthetic_document``),
with faults injected per request: so spotipy's own HTTP stack, our retries and the token
refresh all run for real. For the concurrency tests it can add latency to every request and
records, on the server side, when each request arrived, when each 429 was sent and how many
requests were in flight at most. Expected values are read from the documents directly, never
through the extractor. The fixtures are registered by conftest.py.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
from moto import mock_aws

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "extract_lambda" / "sample_api"
TOP_50_GLOBAL = "37i9dQZEVXbMDoHDwVN2tF"
CLIENT_ID = "test-client-id-4f1c"
CLIENT_SECRET = "cs-7d1f0b9e4a2c48e6b3f5a9d8c7e6f501"  # pragma: allowlist secret
REFRESH_TOKEN = "rt-AQD3x9Lk2Pq8Zm4Vn7Bw1Yt6Hs5Jr0Ge"  # pragma: allowlist secret
BUCKET = "spotify-raw-test"
PREFIX = "raw/spotify/playlist_items"
SECRET_ID = "spotify-etl/extract"
USER_SECRET = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
"""The secret as ``spotify-etl auth --secret-id`` leaves it: a user authorization (2026's only way
to read playlist items in development mode)."""
APP_SECRET = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
"""Client credentials only: an app token, refused every playlist's items since March 2026."""
WORKFLOW = "spotify-etl-daily"
REGION = "eu-west-1"
SAFETY_MARGIN_SECONDS = 20.0  # budget.DEFAULT_SAFETY_MARGIN_SECONDS, restated
NOT_FOUND_MESSAGE = (
    "playlist 37i9dQZEVXbMDoHDwVN2tF not found or not readable by this app: since November 2024 "
    "Spotify's own editorial and algorithmic playlists (such as Top 50 Global) return 404 to new apps; "
    "use a user-created playlist"
)


# ------------------------------------------------------------------------------------------
# The sample, read independently of the code under test.
# ------------------------------------------------------------------------------------------


def read_sample(snapshot_date: str) -> dict[str, Any]:
    return json.loads(gzip.decompress((SAMPLE_DIR / f"{snapshot_date}.json.gz").read_bytes()))


def sample_items(document: dict[str, Any], playlist_id: str) -> list[Any]:
    """All items of a playlist: the recorded pages concatenated, following offsets of 50."""
    items: list[Any] = []
    offset = 0
    while True:
        page = document["responses"][f"GET /v1/playlists/{playlist_id}/items?offset={offset}"]["body"]
        items += page["items"]
        if page["next"] is None:
            return items
        offset += 50


def sample_metadata(document: dict[str, Any], playlist_id: str) -> dict[str, Any]:
    return document["responses"][f"GET /v1/playlists/{playlist_id}"]["body"]


def readable_ids(document: dict[str, Any]) -> list[str]:
    return [pid for pid in document["playlist_ids"] if pid != TOP_50_GLOBAL]


def expected_playlist_object(document: dict[str, Any], playlist_id: str) -> dict[str, Any]:
    """The envelope's flat ``playlist`` object, worked out by hand from the recorded metadata."""
    meta = sample_metadata(document, playlist_id)
    count = (meta.get("items") or meta.get("tracks"))["total"]
    return {
        "id": meta["id"],
        "name": meta["name"],
        "owner_id": meta["owner"]["id"],
        "owner_name": meta["owner"]["display_name"],
        "snapshot_id": meta["snapshot_id"],
        "description": meta["description"],
        "public": meta["public"],
        "collaborative": meta["collaborative"],
        "total_items": count,
        "url": f"https://open.spotify.com/playlist/{playlist_id}",
    }


def synthetic_document(playlists: int, pages: int, page_size: int = 50) -> dict[str, Any]:
    """A recording-shaped document of made-up playlists, each ``pages`` full pages of tracks in
    the 2026 ``item`` shape; the IDs are deliberately not in sorted order."""
    ids = [f"Synth{(n * 7919) % 997:03d}{n:014d}" for n in range(playlists)]
    responses: dict[str, Any] = {}
    for number, playlist_id in enumerate(ids):
        total = pages * page_size
        responses[f"GET /v1/playlists/{playlist_id}"] = {
            "status": 200,
            "body": {
                "id": playlist_id,
                "name": f"Synthetic {number}",
                "owner": {"id": "owner-1", "display_name": "Owner"},
                "snapshot_id": f"snap-{number}",
                "description": "",
                "public": True,
                "collaborative": False,
                "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist_id}"},
                "items": {"total": total},
            },
        }
        for page in range(pages):
            offset = page * page_size
            items = [
                {
                    "added_at": "2026-11-01T00:00:00Z",
                    "added_by": {"id": "owner-1"},
                    "is_local": False,
                    "item": {
                        "id": f"t{number:05d}{position:05d}",
                        "name": f"Song {position} of playlist {number}",
                        "type": "track",
                        "uri": f"spotify:track:t{number:05d}{position:05d}",
                        "duration_ms": 180_000 + position,
                        "artists": [{"id": f"a{position % 7}", "name": f"Artist {position % 7}"}],
                    },
                }
                for position in range(offset, offset + page_size)
            ]
            last = page == pages - 1
            next_url = (
                None
                if last
                else f"https://api.spotify.com/v1/playlists/{playlist_id}/items?offset={offset + page_size}"
            )
            responses[f"GET /v1/playlists/{playlist_id}/items?offset={offset}"] = {
                "status": 200,
                "body": {
                    "items": items,
                    "next": next_url,
                    "total": total,
                    "offset": offset,
                    "limit": page_size,
                },
            }
    responses["GET /v1/me"] = {
        "status": 200,
        "body": {"id": "owner-1", "display_name": "Owner", "type": "user"},
    }
    for offset in range(0, max(len(ids), 1), page_size):
        listed = [
            {
                "id": playlist_id,
                "name": responses[f"GET /v1/playlists/{playlist_id}"]["body"]["name"],
                "owner": {"id": "owner-1", "display_name": "Owner"},
                "collaborative": False,
                "public": True,
                "snapshot_id": responses[f"GET /v1/playlists/{playlist_id}"]["body"]["snapshot_id"],
                "items": {
                    "href": f"https://api.spotify.com/v1/playlists/{playlist_id}/items",
                    "total": total,
                },
            }
            for playlist_id in ids[offset : offset + page_size]
        ]
        following = offset + page_size
        responses[f"GET /v1/me/playlists?offset={offset}"] = {
            "status": 200,
            "body": {
                "items": listed,
                "limit": page_size,
                "offset": offset,
                "total": len(ids),
                "next": f"https://api.spotify.com/v1/me/playlists?offset={following}"
                if following < len(ids)
                else None,
            },
        }
    return {"snapshot_date": "2026-11-20", "playlist_ids": ids, "responses": responses}


def read_jsonl_gz(data: bytes) -> list[dict[str, Any]]:
    text = gzip.decompress(data).decode("utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


# ------------------------------------------------------------------------------------------
# The fake Spotify.
# ------------------------------------------------------------------------------------------


@dataclass
class Fault:
    """What to do to one request: answer ``status``, sleep first, hold it until ``until()`` holds
    (at most ``seconds``), or expire every token first."""

    kind: str  # "status", "sleep", "hold", "expire"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    until: Callable[[], bool] | None = None


def status(code: int, **headers: str) -> Fault:
    return Fault(
        "status", status=code, headers={key.replace("_", "-"): value for key, value in headers.items()}
    )


def sleep(seconds: float) -> Fault:
    return Fault("sleep", seconds=seconds)


def hold_until(condition: Callable[[], bool], timeout: float = 10.0) -> Fault:
    """Answer only once ``condition()`` holds: an order of arrivals that no load can upset (after
    ``timeout`` seconds the request is answered anyway, so a test fails instead of hanging)."""
    return Fault("hold", seconds=timeout, until=condition)


EXPIRE = Fault("expire")


ALL_SCOPES = "playlist-read-private playlist-read-collaborative"
FORBIDDEN = {"error": {"status": 403, "message": "Forbidden"}}
REMOVED_FOR_DEV_MODE = ("/tracks", "/v1/albums", "/v1/artists")
"""Paths gone for development-mode apps since February 2026 (``GET /playlists/{id}/tracks`` and
the batch ``/tracks``, ``/albums``, ``/artists``): answered 403, as reported for removed paths."""


def select_fields(body: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """The Web API's ``fields`` filter, at the top level (nested filters are already applied in the
    recordings): keeps the named keys."""
    if not fields:
        return body
    names, depth, current = [], 0, ""
    for char in fields:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(current)
            current = ""
            continue
        if depth == 0 and char != ")":
            current += char
    names.append(current)
    wanted = {name.split(".")[0] for name in names if name}
    return {key: value for key, value in body.items() if key in wanted}


@dataclass
class Edit:
    """A playlist edited while it is paged: after its items page at ``after_offset`` is served, a
    song is added at position 0 (every later offset shifts by one) and its snapshot_id changes;
    ``times`` edits at most (one per read)."""

    after_offset: int
    times: int
    added: list[dict[str, Any]] = field(default_factory=list)
    """The items added, newest first (as they now stand at the top of the playlist)."""


class FakeSpotify:
    """Spotify's accounts service and Web API on 127.0.0.1, from one date's recordings, with the
    2026 development-mode rules:

    - ``/authorize`` (the user consents, or not) redirects to a registered loopback redirect URI
      with a single-use code; ``/api/token`` serves the client-credentials, authorization-code and
      refresh-token grants, can rotate refresh tokens (the old one then answers invalid_grant) and
      narrow the granted scope;
    - an app token (client credentials) has no user: ``/me`` answers 401, ``/me/playlists`` and
      every playlist's items 403; a user token gets the items only of playlists its user owns or
      that are collaborative, and other users' playlists' metadata without the item count;
    - ``/me/playlists`` leaves out private playlists without ``playlist-read-private`` and
      collaborative ones without ``playlist-read-collaborative``;
    - ``/tracks`` paths and the batch ``/albums``, ``/artists`` answer as removed (403);
    - items are served from the playlist as it is now (``edit_while_paging`` changes it between
      two pages), metadata with the ``fields`` filter applied.
    """

    def __init__(self, document: dict[str, Any], latency_seconds: float = 0.0) -> None:
        self.document = document
        self.latency_seconds = latency_seconds
        """Slept by every request before it is answered (it counts as in flight meanwhile)."""
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[tuple[float, str]] = []
        """(time.monotonic() on arrival, "METHOD path"), for every request."""
        self.rate_limited_at: list[float] = []
        """time.monotonic() just before each 429 was sent."""
        self.lock = threading.Lock()
        self.valid_tokens: dict[str, tuple[str, str]] = {}
        """access token -> (kind "app" or "user", granted scope)."""
        self.issued_tokens: list[str] = []
        self.refresh_tokens: dict[str, str] = {REFRESH_TOKEN: ALL_SCOPES}
        """The refresh tokens that work, with the scope each was granted."""
        self.issued_refresh_tokens: list[str] = [REFRESH_TOKEN]
        self.rotate_refresh_tokens = False
        """When set, every refresh answers with a new refresh token and the old one stops working."""
        self.scope_granted: str | None = None
        """When set, what every grant answers as its scope (narrower than asked)."""
        self.registered_redirect_uris: set[str] = {"http://127.0.0.1:8888/callback"}
        self.user_consents = True
        self.codes: dict[str, dict[str, str]] = {}
        self.token_grants: list[dict[str, str]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.served_pages: dict[tuple[str, int], dict[str, Any]] = {}
        self.edits: dict[str, Edit] = {}
        self.playlists = self._playlists_from(document)
        """playlist ID -> {"metadata": body, "items": [...]}: the readable playlists as they are now."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _arrive(self, method: str) -> None:
                with fake.lock:
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    fake.arrivals.append((time.monotonic(), f"{method} {urlsplit(self.path).path}"))
                self._counted = True
                if fake.latency_seconds:
                    time.sleep(fake.latency_seconds)

            def _depart(self) -> None:
                """Before the answer is written: the client cannot have sent its next request yet,
                so the count never includes one worker twice."""
                if getattr(self, "_counted", False):
                    self._counted = False
                    with fake.lock:
                        fake.in_flight -= 1

            def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self._depart()
                if code == 429:
                    with fake.lock:
                        fake.rate_limited_at.append(time.monotonic())
                try:
                    self.send_response(code)
                    if not {"Location", "Content-Type"} & set(headers or {}):
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def _fault(self, key: str) -> bool:
                with fake.lock:
                    queue = fake.faults.get(key)
                    fault = queue.popleft() if queue else None
                if fault is None:
                    return False
                if fault.kind == "sleep":
                    time.sleep(fault.seconds)
                    return False
                if fault.kind == "hold":
                    deadline = time.monotonic() + fault.seconds
                    while not fault.until() and time.monotonic() < deadline:
                        time.sleep(0.005)
                    return False
                if fault.kind == "expire":
                    with fake.lock:
                        fake.valid_tokens.clear()
                    return False
                message = {429: "API rate limit exceeded", 401: "The access token expired"}.get(
                    fault.status, "Server error"
                )
                self._send(
                    fault.status, {"error": {"status": fault.status, "message": message}}, fault.headers
                )
                return True

            def do_POST(self) -> None:
                self._arrive("POST")
                try:
                    self._post()
                finally:
                    self._depart()

            def do_GET(self) -> None:
                self._arrive("GET")
                try:
                    self._get()
                finally:
                    self._depart()

            def _post(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlsplit(self.path).path
                with fake.lock:
                    fake.requests.append(("POST", path, form))
                    fake.token_grants.append(form)
                if path != "/api/token":
                    self._send(404, {"error": "not_found"})
                    return
                if self._fault("POST /api/token"):
                    return
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self._send(400, {"error": "invalid_client", "error_description": "Invalid client"})
                    return
                self._send(*fake.token_answer(form))

            def _get(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                path = parts.path.rstrip("/") or "/"
                with fake.lock:
                    fake.requests.append(("GET", path, query))
                if path == "/authorize":
                    self._send(*fake.authorize_answer(query))
                    return
                paged = path.endswith("/items") or path == "/v1/me/playlists"
                key = f"GET {path}" + (f"?offset={query.get('offset', '0')}" if paged else "")
                if self._fault(key):
                    return
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake.lock:
                    grant = fake.valid_tokens.get(token)
                if grant is None:
                    self._send(401, {"error": {"status": 401, "message": "The access token expired"}})
                    return
                self._send(*fake.api_answer(path, query, *grant))

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128  # socketserver's 5 would drop SYNs of workers connecting at once

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that timed out is part of the test, not an error

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    # --- state -------------------------------------------------------------------------------

    @staticmethod
    def _playlists_from(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
        playlists = {}
        for key, recorded in document["responses"].items():
            match = re.fullmatch(r"GET /v1/playlists/([^/?]+)", key)
            first_page = document["responses"].get(f"{key}/items?offset=0")
            if match and recorded["status"] == 200 and first_page and first_page["status"] == 200:
                playlists[match.group(1)] = {
                    "metadata": json.loads(json.dumps(recorded["body"])),
                    "items": sample_items(document, match.group(1)),
                }
        return playlists

    @property
    def user(self) -> dict[str, Any]:
        """The user behind every user token: the recorded ``GET /me``, else the first owner."""
        recorded = self.document["responses"].get("GET /v1/me")
        if recorded:
            return recorded["body"]
        owner = next(iter(self.playlists.values()))["metadata"]["owner"]
        return {"id": owner["id"], "display_name": owner.get("display_name"), "type": "user"}

    def _readable(self, metadata: dict[str, Any], kind: str) -> bool:
        """The 2026 development-mode rule for a playlist's items."""
        if kind != "user":
            return False
        return metadata.get("owner", {}).get("id") == self.user["id"] or bool(metadata.get("collaborative"))

    def edit_while_paging(self, playlist_id: str, after_offset: int = 0, times: int = 1) -> Edit:
        """Change ``playlist_id`` right after its items page at ``after_offset`` is served."""
        edit = Edit(after_offset, times)
        self.edits[playlist_id] = edit
        return edit

    def _apply_edit(self, playlist_id: str, offset: int) -> None:
        edit = self.edits.get(playlist_id)
        if edit is None or edit.times <= 0 or offset != edit.after_offset:
            return
        edit.times -= 1
        state = self.playlists[playlist_id]
        number = len(edit.added) + 1
        added = {
            "added_at": "2026-11-20T06:00:01Z",
            "added_by": {"id": self.user["id"]},
            "is_local": False,
            "item": {"id": f"EditedIn{number:014d}", "name": f"Added while paging {number}", "type": "track"},
        }
        edit.added.insert(0, added)
        state["items"].insert(0, added)
        metadata = state["metadata"]
        metadata["snapshot_id"] = f"{metadata['snapshot_id']}-edit{number}"
        for count_key in ("items", "tracks"):
            if isinstance(metadata.get(count_key), dict):
                metadata[count_key]["total"] = len(state["items"])

    # --- answers -------------------------------------------------------------------------------

    def authorize_answer(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        """``GET /authorize``: Spotify's consent page, the user's click included."""
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != CLIENT_ID:
            return 400, b"INVALID_CLIENT: Invalid client", {"Content-Type": "text/plain"}
        host = urlsplit(redirect_uri).hostname
        if redirect_uri not in self.registered_redirect_uris or host == "localhost":
            return 400, b"INVALID_CLIENT: Invalid redirect URI", {"Content-Type": "text/plain"}
        if query.get("response_type") != "code":
            return 400, b"unsupported_response_type", {"Content-Type": "text/plain"}
        state = query.get("state")
        if not self.user_consents:
            params = {"error": "access_denied"} | ({"state": state} if state else {})
            return 302, b"", {"Location": f"{redirect_uri}?{urlencode(params)}"}
        code = "code-" + secrets.token_hex(12)
        with self.lock:
            self.codes[code] = {
                "redirect_uri": redirect_uri,
                "scope": self.scope_granted or query.get("scope", "").replace(",", " "),
            }
        params = {"code": code} | ({"state": state} if state else {})
        return 302, b"", {"Location": f"{redirect_uri}?{urlencode(params)}"}

    def token_answer(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """``POST /api/token`` (client already authenticated) for the three grants."""
        grant = form.get("grant_type")
        body: dict[str, Any] = {"token_type": "Bearer", "expires_in": 3600}
        with self.lock:
            if grant == "client_credentials":
                kind, scope = "app", ""
            elif grant == "refresh_token":
                old = form.get("refresh_token", "")
                if old not in self.refresh_tokens:
                    return 400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
                kind, scope = "user", self.scope_granted or self.refresh_tokens[old]
                if self.rotate_refresh_tokens:
                    del self.refresh_tokens[old]
                    body["refresh_token"] = self._new_refresh_token(scope)
                body["scope"] = scope
            elif grant == "authorization_code":
                issued = self.codes.pop(form.get("code", ""), None)
                if issued is None or issued["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant", "error_description": "Invalid authorization code"}
                kind, scope = "user", issued["scope"]
                body |= {"scope": scope, "refresh_token": self._new_refresh_token(scope)}
            else:
                return 400, {"error": "unsupported_grant_type"}
            token = "AT-" + secrets.token_hex(20)
            self.valid_tokens[token] = (kind, scope)
            self.issued_tokens.append(token)
        return 200, {"access_token": token, **body}

    def _new_refresh_token(self, scope: str) -> str:
        token = "RT-" + secrets.token_hex(20)
        self.refresh_tokens[token] = scope
        self.issued_refresh_tokens.append(token)
        return token

    def api_answer(self, path: str, query: dict[str, str], kind: str, scope: str) -> tuple[int, Any]:
        """A Web API ``GET`` under the 2026 development-mode rules."""
        if path.endswith(REMOVED_FOR_DEV_MODE) or path == "/v1/tracks":
            return 403, FORBIDDEN
        if path == "/v1/me":
            if kind != "user":
                return 401, {"error": {"status": 401, "message": "Unauthorized."}}
            return 200, self.user
        if path == "/v1/me/playlists":
            return self._my_playlists(query, kind, scope)
        match = re.fullmatch(r"/v1/playlists/([^/]+)(/items)?", path)
        if match is None:
            return 404, {"error": {"status": 404, "message": "Service not found"}}
        playlist_id, items = match.group(1), bool(match.group(2))
        offset = int(query.get("offset", "0"))
        recorded = self.document["responses"].get(
            f"GET /v1/playlists/{playlist_id}" + (f"/items?offset={offset}" if items else "")
        )
        state = self.playlists.get(playlist_id)
        if state is None:
            if recorded is None:
                return 404, {"error": {"status": 404, "message": "Resource not found"}}
            if recorded["status"] == 200 and not items:
                return 200, select_fields(recorded["body"], query.get("fields"))
            return recorded["status"], recorded["body"]
        with self.lock:
            metadata = json.loads(json.dumps(state["metadata"]))
            readable = self._readable(metadata, kind)
            if not items:
                if not readable:  # another user's playlist: metadata only (2026)
                    metadata.pop("items", None)
                    metadata.pop("tracks", None)
                return 200, select_fields(metadata, query.get("fields"))
            if not readable:
                return 403, FORBIDDEN
            limit = int(query.get("limit", "100"))
            total = len(state["items"])
            following = offset + limit
            body = {
                "items": json.loads(json.dumps(state["items"][offset:following])),
                "limit": limit,
                "next": (
                    f"{self.api_base_url}playlists/{playlist_id}/items?offset={following}&limit={limit}"
                    if following < total
                    else None
                ),
                "offset": offset,
                "total": total,
            }
            self.served_pages[(playlist_id, offset)] = body
            self._apply_edit(playlist_id, offset)
        return 200, body

    def _my_playlists(self, query: dict[str, str], kind: str, scope: str) -> tuple[int, Any]:
        if kind != "user":
            return 401, {"error": {"status": 401, "message": "Unauthorized."}}
        recorded = self.document["responses"].get(f"GET /v1/me/playlists?offset={query.get('offset', '0')}")
        if recorded is None:
            return 400, {"error": {"status": 400, "message": "offset not recorded"}}
        body = json.loads(json.dumps(recorded["body"]))
        granted = set(scope.split())

        def listed(entry: Any) -> bool:
            if not isinstance(entry, dict) or not entry.get("id"):
                return True
            if entry.get("collaborative"):
                return "playlist-read-collaborative" in granted
            return bool(entry.get("public")) or "playlist-read-private" in granted

        body["items"] = [entry for entry in body["items"] if listed(entry)]
        return recorded["status"], body

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    @property
    def api_base_url(self) -> str:
        return self.root + "v1/"

    @property
    def accounts_base_url(self) -> str:
        return self.root

    def inject(self, key: str, *faults: Fault) -> None:
        """Faults for the next requests of ``key`` (``GET /v1/playlists/<id>/items?offset=50``...)."""
        with self.lock:
            self.faults[key].extend(faults)

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _ in self.requests if m == method and p == path)

    def served_items(self, playlist_id: str) -> list[Any]:
        """The items this server actually sent for a playlist, pages in offset order."""
        pages = sorted(
            (offset, page) for (pid, offset), page in self.served_pages.items() if pid == playlist_id
        )
        return [item for _, page in pages for item in page["items"]]

    def secrets(self) -> list[str]:
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        return [CLIENT_SECRET, basic, *self.issued_refresh_tokens, *self.issued_tokens, *self.codes]


@pytest.fixture
def make_fake_spotify() -> Iterator[Callable[..., FakeSpotify]]:
    servers: list[FakeSpotify] = []

    def start(
        snapshot_date: str = "2026-11-20",
        *,
        document: dict[str, Any] | None = None,
        latency_seconds: float = 0.0,
    ) -> FakeSpotify:
        fake = FakeSpotify(document or read_sample(snapshot_date), latency_seconds)
        fake.thread.start()
        servers.append(fake)
        return fake

    yield start
    for fake in servers:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture
def fake_spotify(make_fake_spotify: Callable[..., FakeSpotify]) -> FakeSpotify:
    return make_fake_spotify("2026-11-20")


# ------------------------------------------------------------------------------------------
# Fast, observable retries.
# ------------------------------------------------------------------------------------------


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait the retry loop asks for, recorded instead of slept; small retry policy."""
    from extract_lambda import spotify_client

    recorded: list[float] = []
    monkeypatch.setattr(spotify_client, "_sleep", recorded.append)
    monkeypatch.setattr(
        spotify_client,
        "DEFAULT_RETRY_POLICY",
        spotify_client.RetryPolicy(
            max_attempts=3, base_delay_seconds=0.01, max_delay_seconds=0.05, request_timeout_seconds=3.0
        ),
    )
    return recorded


# ------------------------------------------------------------------------------------------
# AWS (moto) and the Lambda's environment.
# ------------------------------------------------------------------------------------------


@dataclass
class Aws:
    s3: Any
    glue: Any
    secretsmanager: Any

    def object_keys(self) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=BUCKET)
        return sorted(obj["Key"] for obj in listing.get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


@cache
def _test_session() -> boto3.session.Session:
    """Shared by the tests: loading botocore's service models once saves seconds."""
    return boto3.session.Session()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        session = _test_session()
        s3 = session.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        secretsmanager = session.client("secretsmanager", region_name=REGION)
        secretsmanager.create_secret(Name=SECRET_ID, SecretString=json.dumps(USER_SECRET))
        glue = session.client("glue", region_name=REGION)
        glue.create_workflow(Name=WORKFLOW)
        yield Aws(s3=s3, glue=glue, secretsmanager=secretsmanager)


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, aws: Aws, fake_spotify: FakeSpotify) -> FakeSpotify:
    """The Lambda's environment as Terraform sets it, pointed at the fake Spotify."""
    document = fake_spotify.document
    for name, value in {
        "RAW_BUCKET": BUCKET,
        "RAW_PREFIX": PREFIX,
        "PLAYLIST_IDS": ",".join(document["playlist_ids"]),
        "SPOTIFY_SECRET_ID": SECRET_ID,
        "GLUE_WORKFLOW_NAME": WORKFLOW,
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
    }.items():
        monkeypatch.setenv(name, value)
    return fake_spotify


@dataclass
class FakeLambdaContext:
    remaining_seconds: float = 300.0
    function_name: str = "spotify-etl-extract"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:spotify-etl-extract"
    aws_request_id: str = "5f0e8c1a-0000-4000-8000-000000000000"
    log_group_name: str = "/aws/lambda/spotify-etl-extract"
    log_stream_name: str = "2026/11/20/[$LATEST]0"
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return int((self.remaining_seconds - (time.monotonic() - self.started)) * 1000)


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


# ------------------------------------------------------------------------------------------
# Secrets never leak.
# ------------------------------------------------------------------------------------------


@pytest.fixture
def assert_no_secret_leaks(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> Callable[..., str]:
    """Checks every captured log record (message, extras, traceback), stdout/stderr and the given
    texts for the client secret, the refresh token, the Basic header and every access token."""
    caplog.set_level(logging.DEBUG)

    def check(fake: FakeSpotify | None, *texts: Any) -> str:
        parts = [caplog.text]
        for record in caplog.records:
            parts.append(record.getMessage())
            parts += [repr(value) for value in vars(record).values()]
        captured = capsys.readouterr()
        parts += [captured.out, captured.err, *(json.dumps(text, default=str) for text in texts)]
        everything = "\n".join(parts)
        forbidden = fake.secrets() if fake else [CLIENT_SECRET, REFRESH_TOKEN]
        assert forbidden, "nothing to look for"
        for value in forbidden:
            assert value not in everything, "a secret value leaked into logs or error text"
        # spotipy's DEBUG lines (which print the Authorization header) never got through at all
        assert "Bearer" not in everything and "Basic " not in everything
        return everything

    return check
