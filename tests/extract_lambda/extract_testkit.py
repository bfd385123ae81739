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
from urllib.parse import parse_qs, urlsplit

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


class FakeSpotify:
    """Spotify's accounts service and Web API on 127.0.0.1, from one date's recordings."""

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
        self.valid_tokens: set[str] = set()
        self.issued_tokens: list[str] = []
        self.token_grants: list[dict[str, str]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.served_pages: dict[tuple[str, int], dict[str, Any]] = {}
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
                data = json.dumps(body).encode()
                self._depart()
                if code == 429:
                    with fake.lock:
                        fake.rate_limited_at.append(time.monotonic())
                try:
                    self.send_response(code)
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
                grant = form.get("grant_type")
                body: dict[str, Any] = {"token_type": "Bearer", "expires_in": 3600}
                if grant == "refresh_token":
                    if form.get("refresh_token") != REFRESH_TOKEN:
                        self._send(
                            400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
                        )
                        return
                    body["scope"] = "playlist-read-private playlist-read-collaborative"
                elif grant != "client_credentials":
                    self._send(400, {"error": "unsupported_grant_type"})
                    return
                token = "AT-" + secrets.token_hex(20)
                with fake.lock:
                    fake.valid_tokens.add(token)
                    fake.issued_tokens.append(token)
                self._send(200, {"access_token": token, **body})

            def _get(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                is_items = parts.path.endswith("/items")
                key = f"GET {parts.path}" + (f"?offset={query.get('offset', '0')}" if is_items else "")
                with fake.lock:
                    fake.requests.append(("GET", parts.path, query))
                if self._fault(key):
                    return
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake.lock:
                    valid = token in fake.valid_tokens
                if not valid:
                    self._send(401, {"error": {"status": 401, "message": "The access token expired"}})
                    return
                recorded = fake.document["responses"].get(key)
                if recorded is None:
                    self._send(404, {"error": {"status": 404, "message": "Resource not found"}})
                    return
                body = json.loads(json.dumps(recorded["body"]))
                if is_items and body.get("next"):  # a real server links to itself
                    body["next"] = body["next"].replace("https://api.spotify.com/v1/", fake.api_base_url)
                if is_items and recorded["status"] == 200:
                    playlist_id = parts.path.split("/")[-2]
                    with fake.lock:
                        fake.served_pages[(playlist_id, int(query.get("offset", "0")))] = body
                self._send(recorded["status"], body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128  # socketserver's 5 would drop SYNs of workers connecting at once

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that timed out is part of the test, not an error

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

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
        return [CLIENT_SECRET, REFRESH_TOKEN, basic, *self.issued_tokens]


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
        secretsmanager.create_secret(
            Name=SECRET_ID, SecretString=json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
        )
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
