"""``spotify-etl auth`` against the fake accounts service over real HTTP, the test acting as the
browser: it requests the authorize URL, the fake answers with its redirect to the command's
callback server on 127.0.0.1, and the command exchanges the code and stores the result."""

from __future__ import annotations

import argparse
import io
import json
import socket
import stat
import threading
import time

import pytest
import requests
from extract_testkit import CLIENT_ID, CLIENT_SECRET, SECRET_ID, readable_ids

from extract_lambda.auth import (
    DEFAULT_REDIRECT_URI,
    AuthUsageError,
    check_redirect_uri,
    configure_parser,
    run_auth,
)
from extract_lambda.local import run_local_extract


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="spotify-etl auth")
    configure_parser(parser)
    return parser.parse_args(argv)


class Browser:
    """Opens a URL as a browser would: on its own thread, following Spotify's redirect."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.pages: list[requests.Response] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        thread = threading.Thread(target=lambda: self.pages.append(requests.get(url, timeout=5)))
        thread.start()
        self.threads.append(thread)
        return True

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=5)


@pytest.fixture
def setup(fake_spotify, tmp_path):
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    fake_spotify.registered_redirect_uris.add(redirect_uri)
    environ = {
        "SPOTIPY_CLIENT_ID": CLIENT_ID,
        "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
        "SPOTIFY_ETL_CREDENTIALS": str(tmp_path / "config" / "spotify-etl" / "credentials.json"),
    }
    return fake_spotify, redirect_uri, environ, tmp_path / "config" / "spotify-etl" / "credentials.json"


def test_the_whole_flow_writes_a_0600_credentials_file_that_extract_reads(
    setup, waits, assert_no_secret_leaks, capsys
):
    fake, redirect_uri, environ, path = setup
    browser, out = Browser(), io.StringIO()
    code = run_auth(parse("--redirect-uri", redirect_uri, "--timeout", "10"), environ, out, browser)
    browser.join()
    assert code == 0
    assert len(browser.opened) == 1 and browser.opened[0].startswith(fake.accounts_base_url + "authorize?")
    assert browser.pages[0].status_code == 200 and "successful" in browser.pages[0].text
    authorize = next(query for method, p, query in fake.requests if p == "/authorize")
    assert authorize["redirect_uri"] == redirect_uri and authorize["response_type"] == "code"
    assert authorize["scope"] == "playlist-read-private playlist-read-collaborative"
    assert len(authorize["state"]) >= 16
    exchange = next(g for g in fake.token_grants if g["grant_type"] == "authorization_code")
    assert exchange["redirect_uri"] == redirect_uri
    refresh_token = fake.issued_refresh_tokens[-1]
    assert json.loads(path.read_text()) == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh_token,
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = out.getvalue()
    assert f"must list exactly this Redirect URI:\n     {redirect_uri}\n" in text
    assert f"Stored client_id, client_secret and refresh_token in {path} (readable only by you)" in text
    assert refresh_token not in text
    assert_no_secret_leaks(fake, text)

    # spotify-etl extract then reads that file: mine, as the authorizing user, lands their playlists.
    summary = run_local_extract(
        str(path.parent / "lake"),
        environ={"SPOTIFY_ETL_CREDENTIALS": str(path), "SPOTIFY_API_BASE_URL": fake.api_base_url}
        | {"SPOTIFY_ACCOUNTS_BASE_URL": fake.accounts_base_url},
    )
    assert [p["playlist_id"] for p in summary["playlists"] if p["status"] == "ok"] == readable_ids(
        fake.document
    )
    assert fake.token_grants[-1] == {"grant_type": "refresh_token", "refresh_token": refresh_token}


def test_secret_id_merges_into_the_secret_keeping_its_other_keys(
    setup, aws, waits, monkeypatch, assert_no_secret_leaks
):
    fake, redirect_uri, environ, path = setup
    aws.secretsmanager.put_secret_value(
        SecretId=SECRET_ID,
        SecretString=json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "team": "data"}),
    )
    environ = {k: v for k, v in environ.items() if not k.startswith("SPOTIPY_")}  # taken from the secret

    def no_prompt(*args):
        raise AssertionError("asked although the secret holds the client ID and secret")

    monkeypatch.setattr("builtins.input", no_prompt)
    monkeypatch.setattr("getpass.getpass", no_prompt)
    out = io.StringIO()
    code = run_auth(parse("--secret-id", SECRET_ID, "--redirect-uri", redirect_uri), environ, out, Browser())
    assert code == 0
    value = json.loads(aws.secretsmanager.get_secret_value(SecretId=SECRET_ID)["SecretString"])
    assert value == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "team": "data",
        "refresh_token": fake.issued_refresh_tokens[-1],
    }
    assert f"in secret {SECRET_ID} (version " in out.getvalue()
    assert not path.exists()  # nothing local with --secret-id
    assert_no_secret_leaks(fake, out.getvalue())


def test_a_missing_secret_is_named_before_any_browser_opens(setup, aws, capsys):
    fake, redirect_uri, environ, _ = setup
    browser = Browser()
    assert (
        run_auth(
            parse("--secret-id", "no-such-secret", "--redirect-uri", redirect_uri), environ, None, browser
        )
        == 1
    )
    assert "secret no-such-secret does not exist" in capsys.readouterr().err
    assert browser.opened == [] and fake.requests == []


def test_print_shows_the_refresh_token_and_only_then(setup, waits):
    fake, redirect_uri, environ, _ = setup
    out = io.StringIO()
    assert run_auth(parse("--redirect-uri", redirect_uri, "--print"), environ, out, Browser()) == 0
    assert f"refresh_token: {fake.issued_refresh_tokens[-1]}  (a password" in out.getvalue()


def test_no_browser_prints_the_url_for_the_user_to_open(setup, waits, monkeypatch):
    _, redirect_uri, environ, path = setup
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: pytest.fail("a browser was opened"))
    out, result = io.StringIO(), []
    command = threading.Thread(
        target=lambda: result.append(
            run_auth(parse("--redirect-uri", redirect_uri, "--no-browser"), environ, out)
        )
    )
    command.start()
    deadline = time.monotonic() + 5
    while "/authorize?" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    text = out.getvalue()
    assert "Open this URL in a browser" in text
    url = next(word for word in text.split() if "/authorize?" in word)
    assert requests.get(url, timeout=5).status_code == 200  # the person's browser, following the redirect
    command.join(timeout=5)
    assert result == [0] and path.exists()


def test_a_redirect_with_another_state_is_refused_and_nothing_stored(setup, capsys):
    fake, redirect_uri, environ, path = setup

    def forged(url: str) -> bool:  # a redirect that did not come from this authorization
        def send() -> None:
            time.sleep(0.05)
            requests.get(f"{redirect_uri}?code=code-forged&state=not-the-one", timeout=5)

        threading.Thread(target=send).start()
        return True

    assert (
        run_auth(parse("--redirect-uri", redirect_uri, "--timeout", "5"), environ, io.StringIO(), forged) == 1
    )
    err = capsys.readouterr().err
    assert "state does not match the authorization this command started" in err
    assert not path.exists()
    assert not [g for g in fake.token_grants if g.get("grant_type") == "authorization_code"]


def test_an_unregistered_redirect_uri_times_out_saying_what_to_register(setup, capsys):
    _, _, environ, path = setup
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"  # not in the app's settings
    browser = Browser()
    began = time.monotonic()
    code = run_auth(
        parse("--redirect-uri", redirect_uri, "--timeout", "0.5"), environ, io.StringIO(), browser
    )
    browser.join()
    assert code == 1 and time.monotonic() - began < 3
    assert browser.pages[0].status_code == 400 and "Invalid redirect URI" in browser.pages[0].text
    err = capsys.readouterr().err
    assert f"no redirect reached {redirect_uri} within 0.5 s" in err
    assert "list exactly that Redirect URI" in err and "--timeout" in err
    assert not path.exists()


def test_a_user_who_declines_gets_spotifys_reason(setup, capsys):
    fake, redirect_uri, environ, path = setup
    fake.user_consents = False
    assert run_auth(parse("--redirect-uri", redirect_uri), environ, io.StringIO(), Browser()) == 1
    err = capsys.readouterr().err
    assert "Spotify did not authorize the app: Received error from auth server: access_denied" in err
    assert not path.exists()


def test_a_narrower_grant_is_stored_and_reported(setup, waits):
    fake, redirect_uri, environ, path = setup
    fake.scope_granted = "playlist-read-collaborative"
    out = io.StringIO()
    assert run_auth(parse("--redirect-uri", redirect_uri), environ, out, Browser()) == 0
    assert "granted only playlist-read-collaborative, without playlist-read-private" in out.getvalue()
    assert path.exists()


def test_client_id_and_secret_are_asked_for_the_secret_without_echo(setup, waits, monkeypatch):
    _, redirect_uri, environ, path = setup
    environ = {k: v for k, v in environ.items() if not k.startswith("SPOTIPY_")}
    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(("input", prompt)) or CLIENT_ID)
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(("getpass", prompt)) or CLIENT_SECRET)
    assert run_auth(parse("--redirect-uri", redirect_uri), environ, io.StringIO(), Browser()) == 0
    assert [kind for kind, _ in asked] == ["input", "getpass"]
    assert json.loads(path.read_text())["client_secret"] == CLIENT_SECRET


def test_without_a_terminal_missing_client_credentials_are_a_usage_error(setup, monkeypatch, capsys):
    _, redirect_uri, environ, _ = setup
    environ = {k: v for k, v in environ.items() if not k.startswith("SPOTIPY_")}
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert run_auth(parse("--redirect-uri", redirect_uri), environ, io.StringIO(), Browser()) == 2
    assert "set SPOTIPY_CLIENT_ID and SPOTIPY_CLIENT_SECRET" in capsys.readouterr().err


def test_a_port_in_use_is_a_clear_error(setup, capsys):
    _, _, environ, _ = setup
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        uri = f"http://127.0.0.1:{busy.getsockname()[1]}/callback"
        assert run_auth(parse("--redirect-uri", uri), environ, io.StringIO(), Browser()) == 1
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://localhost:8888/callback", "Spotify refuses redirect URIs on localhost"),
        ("https://127.0.0.1:8888/callback", "must be http://127.0.0.1:PORT/"),
        ("http://example.com:8888/callback", "must be http://127.0.0.1:PORT/"),
        ("http://127.0.0.1/callback", "needs a port"),
    ],
)
def test_redirect_uris_must_be_loopback_ip_literals_with_a_port(uri, message):
    with pytest.raises(AuthUsageError, match=message):
        check_redirect_uri(uri)


def test_the_default_redirect_uri():
    assert DEFAULT_REDIRECT_URI == "http://127.0.0.1:8888/callback"
    assert check_redirect_uri(DEFAULT_REDIRECT_URI) == (8888, "/callback")
    assert parse().redirect_uri == DEFAULT_REDIRECT_URI and parse().secret_id is None
