"""The bundled sample of recorded Web API responses, served to spotipy as if it were Spotify.

``extract_lambda/sample_api/<snapshot_date>.json.gz`` holds, for one date, every response the
extractor needs, keyed by request path and offset (``GET /v1/playlists/<id>/items?offset=50``,
``GET /v1/me``, ``GET /v1/me/playlists?offset=0``). ``ReplayAdapter`` is a ``requests`` transport
adapter: mounted on the session spotipy uses, it answers from the recording, so the local run
without credentials goes through exactly the same client, retry, pagination and landing code as
a real run. It also answers the token endpoint, and keeps the 2026 rule that matters here: an app
token (client credentials) has no user, so ``/me`` answers 401 and playlist items 403 to it; the
refresh-token grant gives a user token, for the sample's user.

The recording was made with the extractor's own request parameters (limit, types, ``fields``);
a request that differs is refused with HTTP 400 (regenerate with tools/make_sample_api.py),
so the sample cannot silently drift from what the code asks Spotify for.
"""

from __future__ import annotations

import gzip
import json
import re
import secrets
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

SAMPLE_PACKAGE = "extract_lambda.sample_api"
_DATE_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json\.gz$")
_API_PATH = re.compile(r"^.*?/v1/(?P<rest>playlists/[^/]+(?:/items)?|me(?:/playlists)?)/?$")
APP_TOKEN_PREFIX = "replay-app-"
USER_TOKEN_PREFIX = "replay-user-"

NOT_FOUND_BODY = {"error": {"status": 404, "message": "Resource not found"}}


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"error": {"status": status, "message": message}}
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def sample_dates() -> list[str]:
    """The snapshot dates recorded in the bundled sample, oldest first."""
    names = (entry.name for entry in files(SAMPLE_PACKAGE).iterdir())
    return sorted(match.group(1) for name in names if (match := _DATE_FILE.match(name)))


@dataclass(frozen=True)
class Recording:
    """One date's recorded responses and the request parameters they were recorded with."""

    snapshot_date: str
    request: dict[str, Any]
    playlist_ids: tuple[str, ...]
    """The sample's readable playlists and Top 50 Global, as explicit IDs."""
    default_refs: tuple[str, ...]
    """What ``spotify-etl extract`` replays by default: ``mine`` and two refused playlists."""
    responses: dict[str, dict[str, Any]]

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Recording:
        return cls(
            snapshot_date=document["snapshot_date"],
            request=document["request"],
            playlist_ids=tuple(document["playlist_ids"]),
            default_refs=tuple(document["replay_playlist_refs"]),
            responses=document["responses"],
        )

    @staticmethod
    def key(path_rest: str, offset: int | None) -> str:
        return f"GET /v1/{path_rest}" + ("" if offset is None else f"?offset={offset}")

    def _expected_query(self, rest: str, query: dict[str, str]) -> dict[str, str]:
        if rest == "me":
            return {}
        if rest == "me/playlists":
            return {"limit": str(self.request["limit"])}
        expected = {"additional_types": self.request["additional_types"]}
        if rest.endswith("/items"):
            return expected | {"limit": str(self.request["limit"]), "fields": self.request["items_fields"]}
        snapshot_only = query.get("fields") == self.request["snapshot_fields"]
        fields = self.request["snapshot_fields"] if snapshot_only else self.request["playlist_fields"]
        return expected | {"fields": fields}

    def api_response(self, url: str, user_token: bool = True) -> tuple[int, dict[str, str], bytes]:
        """The recorded answer to ``GET url`` (any host: only the path after ``/v1/`` matters)."""
        parts = urlsplit(url)
        match = _API_PATH.match(parts.path)
        if match is None:
            return _error(404, "Service not found")
        rest = match.group("rest")
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        if not user_token and rest == "me":
            return _error(401, "Unauthorized.")
        if not user_token and (rest.startswith("me") or rest.endswith("/items")):
            return _error(403, "Forbidden")  # an app token has no user: no playlist items (2026)
        for name, value in self._expected_query(rest, query).items():
            if query.get(name) != value:
                return _error(
                    400,
                    f"the bundled sample was recorded with {name}={value!r}, the request has "
                    f"{query.get(name)!r}; regenerate it with tools/make_sample_api.py",
                )
        paged = rest.endswith("/items") or rest == "me/playlists"
        offset = int(query.get("offset", "0")) if paged else None
        recorded = self.responses.get(self.key(rest, offset))
        if recorded is None:
            playlist_known = self.key(rest.removesuffix("/items"), None) in self.responses
            if playlist_known or rest == "me/playlists":
                return _error(400, f"offset {offset} of {rest} is not in the recording")
            return (
                404,
                {"Content-Type": "application/json; charset=utf-8"},
                json.dumps(NOT_FOUND_BODY).encode(),
            )
        body = recorded["body"]
        if recorded["status"] == 200 and query.get("fields") == self.request.get("snapshot_fields"):
            body = {"snapshot_id": body.get("snapshot_id")}
        headers = {"Content-Type": "application/json; charset=utf-8", **recorded.get("headers", {})}
        return recorded["status"], headers, json.dumps(body).encode()


@cache
def load_recording(snapshot_date: str) -> Recording:
    """The bundled recording of ``snapshot_date``; ``ValueError`` listing the dates there are."""
    dates = sample_dates()
    if snapshot_date not in dates:
        raise ValueError(
            f"the bundled sample has no recording for snapshot_date {snapshot_date}; "
            f"it has {', '.join(dates)}"
        )
    data = files(SAMPLE_PACKAGE).joinpath(f"{snapshot_date}.json.gz").read_bytes()
    return Recording.from_document(json.loads(gzip.decompress(data)))


def token_response(form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, str], bytes]:
    """The accounts service's ``POST /api/token`` for both flows, minting a throwaway token."""
    headers = {"Content-Type": "application/json"}
    if not (authorization or "").startswith("Basic "):
        return (
            400,
            headers,
            json.dumps({"error": "invalid_client", "error_description": "No client"}).encode(),
        )
    grant = form.get("grant_type")
    if grant not in {"client_credentials", "refresh_token"}:
        return 400, headers, json.dumps({"error": "unsupported_grant_type"}).encode()
    user = grant == "refresh_token"
    prefix = USER_TOKEN_PREFIX if user else APP_TOKEN_PREFIX
    body: dict[str, Any] = {
        "access_token": f"{prefix}{secrets.token_hex(16)}",
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    if user:
        body["scope"] = "playlist-read-private playlist-read-collaborative"
    return 200, headers, json.dumps(body).encode()


class ReplayAdapter(BaseAdapter):
    """A ``requests`` transport that answers from a ``Recording`` and never touches the network."""

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self.recording = recording
        self.requests: list[str] = []
        """Every request served, ``METHOD url``: what the extractor actually asked for."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        self.requests.append(f"{request.method} {url}")
        if request.method == "POST" and urlsplit(url).path.endswith("/api/token"):
            body = request.body or ""
            text = body.decode() if isinstance(body, bytes) else body
            form = {name: values[-1] for name, values in parse_qs(text).items()}
            status, headers, content = token_response(form, request.headers.get("Authorization"))
        elif request.method != "GET":
            status, headers, content = _error(405, "Method not allowed")
        elif not (request.headers.get("Authorization") or "").startswith("Bearer "):
            status, headers, content = _error(401, "No token provided")
        else:
            token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
            user_token = not token.startswith(APP_TOKEN_PREFIX)
            status, headers, content = self.recording.api_response(url, user_token)
        response = requests.Response()
        response.status_code = status
        response.reason = _reason(status)
        response.headers = CaseInsensitiveDict(headers)
        response._content = content
        response.encoding = "utf-8"
        response.url = url
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release: no connections are ever opened."""


def replay_session(recording: Recording) -> tuple[requests.Session, ReplayAdapter]:
    """A session whose every ``http(s)://`` request is answered by the recording."""
    session = requests.Session()
    adapter = ReplayAdapter(recording)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter
