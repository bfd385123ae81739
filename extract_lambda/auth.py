"""``spotify-etl auth``: authorize the Spotify app once, as the user whose playlists are read.

Since March 2026 a development-mode app reads playlist items only with a user's token (the user
must own or collaborate on the playlist, ``refusals``), so the Lambda needs a refresh token. This
command runs spotipy's own authorization-code flow on the user's machine:

1. it prints the authorize URL (and opens a browser unless ``--no-browser``), asking for the
   scopes ``playlist-read-private playlist-read-collaborative``;
2. it receives Spotify's redirect on a local server bound to 127.0.0.1 only (spotipy's
   ``start_local_http_server``; the redirect URI must be a loopback IP literal, ``localhost`` is
   refused by Spotify since 2025, and must be registered, exactly, in the app's settings), checks
   ``state``, and gives up after ``--timeout`` seconds with a message saying what to check;
3. it exchanges the code (``SpotifyOAuth.get_access_token``) and stores ``client_id``,
   ``client_secret`` and ``refresh_token``: merged into a Secrets Manager secret's JSON with
   ``--secret-id`` (other keys kept), else in the local credentials file (0600) that
   ``spotify-etl extract`` reads.

No token is printed unless ``--print`` is given. The client ID and secret come from
``SPOTIPY_CLIENT_ID``/``SPOTIPY_CLIENT_SECRET``, else from the secret or file being updated, else
from a prompt (the secret without echo). Heavy imports (spotipy, boto3) wait until the command
runs, so building the CLI's parser stays cheap.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8888/callback"
DEFAULT_TIMEOUT_SECONDS = 300.0
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class AuthError(Exception):
    """The authorization did not complete; the message says why and what to do."""

    exit_code = EXIT_FAILED


class AuthUsageError(AuthError):
    """The command was given something it cannot use (a bad redirect URI, no client ID)."""

    exit_code = EXIT_USAGE


def check_redirect_uri(uri: str) -> tuple[int, str]:
    """``(port, path)`` of a loopback redirect URI (``http://127.0.0.1:PORT/path``), else
    ``AuthUsageError`` saying what Spotify accepts (its redirect URI rules, April 2025)."""
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    fix = f"use a loopback IP literal with a port, such as {DEFAULT_REDIRECT_URI}"
    if parts.hostname == "localhost":
        raise AuthUsageError(f"Spotify refuses redirect URIs on localhost ({uri}): {fix}")
    if parts.scheme != "http" or parts.hostname != "127.0.0.1":
        raise AuthUsageError(f"--redirect-uri must be http://127.0.0.1:PORT/..., got {uri!r}: {fix}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not port:
        raise AuthUsageError(f"--redirect-uri needs a port, got {uri!r}: {fix}")
    return port, parts.path or "/"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``spotify-etl auth``."""
    parser.add_argument(
        "--secret-id",
        metavar="ID",
        help="merge client_id, client_secret and refresh_token into this Secrets Manager secret (name "
        "or ARN; Terraform output spotify_secret_name); without it, write the local credentials file",
    )
    parser.add_argument(
        "--redirect-uri",
        default=DEFAULT_REDIRECT_URI,
        help=f"the redirect URI registered in the app's settings (default {DEFAULT_REDIRECT_URI})",
    )
    parser.add_argument("--no-browser", action="store_true", help="print the URL only, open no browser")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"how long to wait for Spotify's redirect (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    parser.add_argument(
        "--print", action="store_true", help="also print the refresh token (it is a password: keep it secret)"
    )


def main(args: argparse.Namespace) -> int:
    """``spotify-etl auth``: 0 when stored, 1 when the authorization failed, 2 on bad input."""
    return run_auth(args, os.environ)


def run_auth(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    out: TextIO | None = None,
    open_browser: Callable[[str], Any] | None = None,
) -> int:
    """The command with its edges passed in (tests give their own output and browser)."""
    import webbrowser

    from .log import install_log_redaction

    out = out or sys.stdout
    install_log_redaction()  # spotipy's DEBUG lines (Authorization headers) stay off
    try:
        check_redirect_uri(args.redirect_uri)
        store = _store_for(args, environ)
        client_id, client_secret = _client_credentials(environ, store.current())
        token = authorize(
            client_id,
            client_secret,
            args.redirect_uri,
            _accounts_base_url(environ),
            open_browser=None if args.no_browser else (open_browser or webbrowser.open),
            timeout=args.timeout,
            out=out,
        )
        where = store.save(
            {"client_id": client_id, "client_secret": client_secret, "refresh_token": token["refresh_token"]}
        )
    except AuthError as error:
        print(f"spotify-etl auth: {error}", file=sys.stderr)
        return error.exit_code
    _report(token, where, args, out)
    return EXIT_OK


def _accounts_base_url(environ: Mapping[str, str]) -> str:
    from .config import DEFAULT_ACCOUNTS_BASE_URL, SPOTIFY_ACCOUNTS_BASE_URL, with_trailing_slash

    return with_trailing_slash(environ.get(SPOTIFY_ACCOUNTS_BASE_URL) or DEFAULT_ACCOUNTS_BASE_URL)


def _client_credentials(environ: Mapping[str, str], stored: Mapping[str, Any]) -> tuple[str, str]:
    """From spotipy's variables, else what the secret or file already holds, else a prompt."""
    import getpass

    from .credentials import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, SpotifyCredentials

    client_id = environ.get(LOCAL_CLIENT_ID, "").strip() or str(stored.get("client_id") or "").strip()
    client_secret = (
        environ.get(LOCAL_CLIENT_SECRET, "").strip() or str(stored.get("client_secret") or "").strip()
    )
    if not (client_id and client_secret) and not sys.stdin.isatty():
        raise AuthUsageError(
            f"set {LOCAL_CLIENT_ID} and {LOCAL_CLIENT_SECRET} (the app's settings in the Spotify developer "
            "dashboard show both), or run this command in a terminal to be asked for them"
        )
    if not client_id:
        client_id = input("Spotify app's client ID: ").strip()
    if not client_secret:
        client_secret = getpass.getpass("Spotify app's client secret (not shown): ").strip()
    if not (client_id and client_secret):
        raise AuthUsageError("a client ID and a client secret are both needed")
    SpotifyCredentials(client_id, client_secret)  # registers the secret with the log redactor
    return client_id, client_secret


def authorize(
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    accounts_base_url: str,
    open_browser: Callable[[str], Any] | None,
    timeout: float,
    out: TextIO,
) -> dict[str, Any]:
    """The authorization-code flow with spotipy's classes; the token info (``refresh_token``,
    ``scope`` as granted)."""
    import secrets

    from spotipy.cache_handler import MemoryCacheHandler
    from spotipy.oauth2 import SpotifyOauthError, start_local_http_server

    from .access_token import GrantedScopeOAuth
    from .log import redactor
    from .spotify_client import OAUTH_SCOPE, TOKEN_PATH

    port, path = check_redirect_uri(redirect_uri)
    state = secrets.token_urlsafe(16)
    cache = MemoryCacheHandler()
    oauth = GrantedScopeOAuth(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        state=state,
        scope=OAUTH_SCOPE,
        open_browser=False,
        cache_handler=cache,
    )
    oauth.OAUTH_AUTHORIZE_URL = accounts_base_url + "authorize"
    oauth.OAUTH_TOKEN_URL = accounts_base_url + TOKEN_PATH
    try:
        server = start_local_http_server(port, _callback_handler())
    except OSError as error:
        raise AuthError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror or error}): stop what uses the port, or "
            "pick another with --redirect-uri http://127.0.0.1:PORT/callback (and register that one)"
        ) from None
    server.callback_path, server.expected_state = path, state
    try:
        url = oauth.get_authorize_url()
        print(_instructions(redirect_uri, url, timeout, open_browser is not None), file=out, flush=True)
        if open_browser is not None and not _opened(open_browser, url):
            print("(no browser could be opened: open the URL above yourself)", file=out, flush=True)
        code = _wait_for_code(server, redirect_uri, timeout)
    finally:
        server.server_close()
    try:
        oauth.get_access_token(code, as_dict=False, check_cache=False)
    except SpotifyOauthError as error:
        raise AuthError(f"Spotify refused to exchange the authorization code: {error}") from None
    token = cache.get_cached_token() or {}
    redactor.register(token.get("access_token"), token.get("refresh_token"))
    if not token.get("refresh_token"):
        raise AuthError("Spotify answered without a refresh token; run spotify-etl auth again")
    return token


def _callback_handler() -> type:
    """spotipy's callback page, answering only on the redirect URI's path and checking ``state``
    before it says "successful"."""
    from urllib.parse import parse_qsl, urlsplit

    from spotipy.oauth2 import RequestHandler, SpotifyStateError

    class CallbackHandler(RequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != self.server.callback_path:
                self._page(404, "spotify-etl auth is waiting for Spotify's redirect, not for this page.")
                return
            query = dict(parse_qsl(parts.query))
            if "error" not in query and query.get("state") != self.server.expected_state:
                self.server.auth_code = None
                self.server.error = SpotifyStateError(
                    message="the redirect's state does not match the authorization this command started"
                )
                self._page(400, "Refused: this redirect does not belong to the authorization started by "
                                "spotify-etl auth (state mismatch). Nothing was stored.")  # fmt: skip
                return
            super().do_GET()

        def _page(self, status: int, text: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self._write(f"<html><body><h1>spotify-etl auth</h1><p>{text}</p></body></html>")

    return CallbackHandler


def _opened(open_browser: Callable[[str], Any], url: str) -> bool:
    try:
        return bool(open_browser(url))
    except Exception:
        return False


def _instructions(redirect_uri: str, url: str, timeout: float, browser: bool) -> str:
    action = "A browser opens on this URL" if browser else "Open this URL in a browser"
    return (
        "Authorize the Spotify app as the user whose playlists are to be read.\n"
        f"1. The app's settings in the Spotify developer dashboard must list exactly this Redirect URI:\n"
        f"     {redirect_uri}\n"
        f"2. {action}, log in as that user and click Agree:\n"
        f"     {url}\n"
        f"Waiting up to {timeout:g} s for Spotify to redirect to {redirect_uri} ..."
    )


def _wait_for_code(server: Any, redirect_uri: str, timeout: float) -> str:
    """Serve the callback until a code, an error or the deadline; one request at a time."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AuthError(
                f"no redirect reached {redirect_uri} within {timeout:g} s. Check that the app's settings "
                "in the Spotify developer dashboard list exactly that Redirect URI (Spotify shows "
                "'INVALID_CLIENT: Invalid redirect URI' otherwise) and that you clicked Agree, then run "
                "spotify-etl auth again (--timeout SECONDS to wait longer)"
            )
        server.timeout = remaining
        server.auth_code = server.error = None
        server.handle_request()
        if server.error is not None:
            raise AuthError(f"Spotify did not authorize the app: {server.error}")
        if server.auth_code:
            return str(server.auth_code)


class _SecretStore:
    """``--secret-id``: the Lambda's secret in Secrets Manager."""

    def __init__(self, secret_id: str) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError

        self.secret_id = secret_id
        try:
            self._client = boto3.client("secretsmanager")
        except BotoCoreError as error:
            raise AuthUsageError(
                f"cannot reach Secrets Manager: {error} (set AWS_REGION or AWS_PROFILE)"
            ) from None

    def _call(self, action: Callable[[], Any]) -> Any:
        from botocore.exceptions import BotoCoreError

        from .secret_store import SecretStoreError

        try:
            return action()
        except SecretStoreError as error:
            raise AuthError(str(error)) from None
        except BotoCoreError as error:
            raise AuthError(f"cannot reach Secrets Manager ({type(error).__name__}): {error}") from None

    def current(self) -> dict[str, Any]:
        from .secret_store import read_secret_json

        return self._call(lambda: read_secret_json(self._client, self.secret_id))

    def save(self, values: dict[str, str]) -> str:
        from .secret_store import merge_secret

        version = self._call(lambda: merge_secret(self._client, self.secret_id, values))
        return f"secret {self.secret_id} (version {version}); the Lambda reads it on its next run"


class _FileStore:
    """No ``--secret-id``: the local credentials file that ``spotify-etl extract`` reads."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        from .credentials_file import credentials_path

        self.path = credentials_path(environ)

    def current(self) -> dict[str, Any]:
        from .credentials import CredentialsError
        from .credentials_file import read_credentials_file

        try:
            return read_credentials_file(self.path) or {}
        except CredentialsError:
            return {}  # replaced whole by save()

    def save(self, values: dict[str, str]) -> str:
        from .credentials_file import merge_credentials_file

        if self.current() == {} and self.path.exists():
            self.path.unlink()  # not a JSON object: start afresh
        merge_credentials_file(self.path, values)
        return f"{self.path} (readable only by you); spotify-etl extract reads it"


def _store_for(args: argparse.Namespace, environ: Mapping[str, str]) -> _SecretStore | _FileStore:
    return _SecretStore(args.secret_id) if args.secret_id else _FileStore(environ)


def _report(token: dict[str, Any], where: str, args: argparse.Namespace, out: TextIO) -> None:
    from .spotify_client import OAUTH_SCOPE

    print(f"Authorized. Stored client_id, client_secret and refresh_token in {where}.", file=out)
    granted = set(str(token.get("scope") or "").split())
    missing = sorted(set(OAUTH_SCOPE.split()) - granted)
    if missing:
        print(
            f"Note: Spotify granted only {' '.join(sorted(granted)) or 'no scope'}, without "
            f"{' '.join(missing)}: the private (or collaborative) playlists will not be listed by mine.",
            file=out,
        )
    if args.print:
        print(
            f"refresh_token: {token['refresh_token']}  (a password: keep it out of files and logs)", file=out
        )
    out.flush()
