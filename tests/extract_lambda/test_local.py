"""``spotify-etl extract`` locally: the bundled sample replayed end to end, or the real API."""

from __future__ import annotations

import argparse
import json
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from extract_testkit import (
    CLIENT_ID,
    CLIENT_SECRET,
    NOT_FOUND_MESSAGE,
    REFRESH_TOKEN,
    TOP_50_GLOBAL,
    USER_SECRET,
    expected_playlist_object,
    read_jsonl_gz,
    read_sample,
    readable_ids,
    sample_items,
)

from extract_lambda.credentials_file import merge_credentials_file
from extract_lambda.local import (
    configure_parser,
    format_summary,
    has_local_credentials,
    main,
    run_local_extract,
    sample_snapshot_dates,
)


def raw_folder(lake: Path, snapshot_date: str) -> Path:
    return lake / "raw" / f"snapshot_date={snapshot_date}"


def test_sample_snapshot_dates():
    dates = sample_snapshot_dates()
    assert dates == ["2026-11-19", "2026-11-20"]


@pytest.mark.parametrize("snapshot_date", ["2026-11-19", "2026-11-20"])
def test_replay_lands_the_sample_end_to_end(tmp_path, snapshot_date):
    document = read_sample(snapshot_date)
    summary = run_local_extract(str(tmp_path), snapshot_date, environ={})
    run_id = summary["run_id"]
    folder = raw_folder(tmp_path, snapshot_date)
    assert sorted(path.name for path in folder.iterdir()) == [f"{run_id}.jsonl.gz", f"{run_id}.manifest.json"]
    assert summary["objects"][0]["uri"] == str(folder / f"{run_id}.jsonl.gz")
    assert summary["manifest"] == str(folder / f"{run_id}.manifest.json")
    assert summary["status"] == "partial"

    lines = read_jsonl_gz((folder / f"{run_id}.jsonl.gz").read_bytes())
    assert [line["playlist"]["id"] for line in lines] == readable_ids(document)
    for line in lines:
        assert (
            line["schema_version"] == 1
            and line["snapshot_date"] == snapshot_date
            and line["run_id"] == run_id
        )
        assert line["items"] == sample_items(document, line["playlist"]["id"])
        assert line["playlist"] == expected_playlist_object(document, line["playlist"]["id"])
    expected_counts = [len(sample_items(document, pid)) for pid in readable_ids(document)]
    assert [len(line["items"]) for line in lines] == expected_counts
    assert expected_counts == ([120, 70, 55] if snapshot_date == "2026-11-19" else [123, 68, 57])

    refused = summary["playlists"][-1]
    assert (refused["playlist_id"], refused["status"], refused["error"]) == (
        TOP_50_GLOBAL,
        "failed",
        NOT_FOUND_MESSAGE,
    )
    manifest = json.loads((folder / f"{run_id}.manifest.json").read_text())
    assert manifest["playlists"] == summary["playlists"]
    assert manifest["workflow"] == {"status": "not_configured"}

    # Through `mine`: the sample's user, their four playlists, the followed one left out with why,
    # then asked for explicitly and refused by the development-mode rule, naming its owner.
    followed = document["replay_playlist_refs"][1]
    assert document["replay_playlist_refs"] == ["mine", followed, TOP_50_GLOBAL]
    me = document["responses"]["GET /v1/me"]["body"]
    listed = document["responses"]["GET /v1/me/playlists?offset=0"]["body"]["items"]
    discovery = manifest["discovery"]
    assert (discovery["status"], discovery["user_id"], discovery["found"], discovery["kept"]) == (
        "ok",
        me["id"],
        4,
        3,
    )
    assert [(p["id"], p["kept"]) for p in discovery["playlists"]] == [
        (entry["id"], entry["owner"]["id"] == me["id"]) for entry in listed
    ]
    left_out = next(p for p in discovery["playlists"] if not p["kept"])
    assert left_out["id"] == followed and left_out["reason"].startswith("left out: followed, owned by Sam (")
    expected_ids = [*readable_ids(document), followed, TOP_50_GLOBAL]
    assert [p["playlist_id"] for p in summary["playlists"]] == expected_ids
    assert summary["playlists"][-2]["error"].startswith(f"playlist {followed} refused (HTTP 403 Forbidden)")
    assert manifest["auth"]["flow"] == "refresh_token"


def test_replay_defaults_to_the_latest_sample_date(tmp_path):
    assert run_local_extract(str(tmp_path), environ={})["snapshot_date"] == "2026-11-20"


def test_replay_of_chosen_playlists(tmp_path):
    indie = readable_ids(read_sample("2026-11-19"))[0]
    summary = run_local_extract(
        str(tmp_path), "2026-11-19", [f"https://open.spotify.com/playlist/{indie}?si=1"], environ={}
    )
    assert [(p["playlist_id"], p["status"], p["item_count"]) for p in summary["playlists"]] == [
        (indie, "ok", 120)
    ]
    assert summary["status"] == "succeeded"


def test_replay_twice_lands_two_runs(tmp_path):
    first = run_local_extract(str(tmp_path), "2026-11-19", environ={})
    second = run_local_extract(str(tmp_path), "2026-11-19", environ={})
    assert first["run_id"] != second["run_id"]
    assert len(list(raw_folder(tmp_path, "2026-11-19").iterdir())) == 4


def test_replay_lands_the_same_lines_at_any_concurrency(tmp_path):
    def lines(concurrency: str) -> list[dict]:
        summary = run_local_extract(
            str(tmp_path / concurrency), "2026-11-20", environ={"EXTRACT_CONCURRENCY": concurrency}
        )
        data = Path(summary["objects"][0]["uri"]).read_bytes()
        return [
            {key: value for key, value in line.items() if key not in ("run_id", "extracted_at")}
            for line in read_jsonl_gz(data)
        ]

    one_at_a_time = lines("1")
    assert [line["playlist"]["id"] for line in one_at_a_time] == readable_ids(read_sample("2026-11-20"))
    assert lines("8") == one_at_a_time


def test_bad_concurrency_stops_before_anything_is_read(tmp_path, monkeypatch, capsys):
    with pytest.raises(ValueError, match=r"EXTRACT_CONCURRENCY .* from 1 to 32, got '0'"):
        run_local_extract(str(tmp_path), environ={"EXTRACT_CONCURRENCY": "0"})
    assert not (tmp_path / "raw").exists()
    for name in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXTRACT_CONCURRENCY", "64")
    assert main(parse("--lake", str(tmp_path))) == 2
    assert "EXTRACT_CONCURRENCY" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("snapshot_date", "message"),
    [
        ("2026-11-18", "no recording for snapshot_date 2026-11-18; it has 2026-11-19, 2026-11-20"),
        ("20.11.2026", "snapshot_date must be a date written YYYY-MM-DD"),
    ],
)
def test_replay_date_must_be_in_the_sample(tmp_path, snapshot_date, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        run_local_extract(str(tmp_path), snapshot_date, environ={})
    assert not (tmp_path / "raw").exists()


def test_real_api_with_spotipys_variables(tmp_path, fake_spotify, waits, assert_no_secret_leaks):
    environ = {
        "SPOTIPY_CLIENT_ID": CLIENT_ID,
        "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET,
        "SPOTIPY_REFRESH_TOKEN": REFRESH_TOKEN,
        "PLAYLIST_IDS": ",".join(fake_spotify.document["playlist_ids"][:2]),
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
    }
    summary = run_local_extract(str(tmp_path), environ=environ)
    today = datetime.now(UTC).date().isoformat()
    assert summary["snapshot_date"] == today
    assert [p["status"] for p in summary["playlists"]] == ["ok", "ok"]
    assert [g["grant_type"] for g in fake_spotify.token_grants] == ["refresh_token"]
    lines = read_jsonl_gz(raw_folder(tmp_path, today).joinpath(f"{summary['run_id']}.jsonl.gz").read_bytes())
    first = readable_ids(fake_spotify.document)[0]
    assert lines[0]["items"] == fake_spotify.served_items(first) == sample_items(fake_spotify.document, first)
    assert_no_secret_leaks(fake_spotify, summary)


def test_mine_without_a_refresh_token_fails_at_start_with_the_command_to_run(
    tmp_path, fake_spotify, waits, capsys, monkeypatch
):
    for name, value in {
        "SPOTIPY_CLIENT_ID": CLIENT_ID,
        "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET,
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SPOTIPY_REFRESH_TOKEN", raising=False)
    monkeypatch.delenv("PLAYLIST_IDS", raising=False)
    assert main(parse("--lake", str(tmp_path))) == 1  # nothing landed, as the Lambda would raise
    out = capsys.readouterr().out
    assert "mine: not resolved: mine: PLAYLIST_IDS=mine reads the playlists of the user who authorized" in out
    assert "run `spotify-etl auth` once" in out
    assert fake_spotify.requests == []  # refused before any request


def test_mine_without_a_user_still_tries_the_explicit_ids(tmp_path, fake_spotify, waits):
    indie = readable_ids(fake_spotify.document)[0]
    environ = {
        "SPOTIPY_CLIENT_ID": CLIENT_ID,
        "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET,
        "PLAYLIST_IDS": f"mine,{indie}",
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
    }
    summary = run_local_extract(str(tmp_path), environ=environ)
    assert summary["discovery"]["status"] == "failed"
    assert summary["error"].startswith("mine: PLAYLIST_IDS=mine reads the playlists of the user")
    assert [p["playlist_id"] for p in summary["playlists"]] == [indie]
    assert "a client-credentials (app) token has no user" in summary["playlists"][0]["error"]
    assert fake_spotify.count("GET", f"/v1/playlists/{indie}/items") == 1  # tried: 403 in development mode


def test_bad_playlist_ids_are_named(tmp_path):
    environ = {"SPOTIPY_CLIENT_ID": CLIENT_ID, "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET, "PLAYLIST_IDS": "min"}
    with pytest.raises(ValueError, match=r"--playlist-ids or PLAYLIST_IDS.*'min'"):
        run_local_extract(str(tmp_path), environ=environ)


def test_the_credentials_file_is_read_and_a_rotated_refresh_token_written_back(
    tmp_path, fake_spotify, waits, assert_no_secret_leaks, monkeypatch
):
    path = tmp_path / "config" / "credentials.json"
    merge_credentials_file(path, USER_SECRET | {"note": "kept"})
    fake_spotify.rotate_refresh_tokens = True
    environ = {
        "SPOTIFY_ETL_CREDENTIALS": str(path),
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
    }
    assert has_local_credentials(environ)
    summary = run_local_extract(str(tmp_path / "lake"), environ=environ)  # PLAYLIST_IDS unset: mine
    assert [(p["playlist_id"], p["status"]) for p in summary["playlists"]] == [
        (pid, "ok") for pid in readable_ids(fake_spotify.document)
    ]
    new_token = fake_spotify.issued_refresh_tokens[-1]
    assert new_token != REFRESH_TOKEN and REFRESH_TOKEN not in fake_spotify.refresh_tokens
    assert json.loads(path.read_text()) == USER_SECRET | {"refresh_token": new_token, "note": "kept"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert summary["auth"]["refresh_token_rotated"] == {"saved_to": str(path), "error": None}
    assert_no_secret_leaks(fake_spotify, summary)
    # the next run works with the kept token (the old one is refused now)
    assert run_local_extract(str(tmp_path / "lake"), environ=environ)["status"] == "succeeded"


def test_a_refresh_token_from_the_environment_cannot_be_kept_and_says_so(
    tmp_path, fake_spotify, waits, assert_no_secret_leaks
):
    fake_spotify.rotate_refresh_tokens = True
    environ = {
        "SPOTIPY_CLIENT_ID": CLIENT_ID,
        "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET,
        "SPOTIPY_REFRESH_TOKEN": REFRESH_TOKEN,
        "SPOTIFY_ETL_CREDENTIALS": str(tmp_path / "credentials.json"),
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
    }
    summary = run_local_extract(str(tmp_path), environ=environ)
    assert summary["status"] == "succeeded"  # the access token works; the warning is for the next run
    rotation = summary["auth"]["refresh_token_rotated"]
    assert rotation["saved_to"] is None
    assert "SPOTIPY_REFRESH_TOKEN comes from the environment" in rotation["error"]
    assert f"keep credentials in {tmp_path / 'credentials.json'}" in rotation["error"]
    assert "Spotify issued a new refresh token: NOT kept: " in format_summary(summary)
    assert_no_secret_leaks(fake_spotify, summary)


def test_a_refused_refresh_token_fails_the_run_saying_to_run_auth_again(tmp_path, fake_spotify, waits):
    path = tmp_path / "credentials.json"
    merge_credentials_file(path, USER_SECRET | {"refresh_token": "rt-revoked-00000000000000"})
    environ = {
        "SPOTIFY_ETL_CREDENTIALS": str(path),
        "SPOTIFY_API_BASE_URL": fake_spotify.api_base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": fake_spotify.accounts_base_url,
        "PLAYLIST_IDS": f"mine,{readable_ids(fake_spotify.document)[0]}",
    }
    summary = run_local_extract(str(tmp_path), environ=environ)
    assert summary["status"] == "failed"
    assert summary["error"].startswith("mine: Spotify refused the refresh token (error: invalid_grant")
    assert summary["error"].endswith("re-run `spotify-etl auth`")
    assert summary["playlists"][0]["error"] == summary["error"]  # not asked again
    assert [g["grant_type"] for g in fake_spotify.token_grants] == ["refresh_token"]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="spotify-etl extract")
    configure_parser(parser)
    return parser.parse_args(argv)


def test_cli_prints_a_short_summary(tmp_path, monkeypatch, capsys):
    for name in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET", "SPOTIPY_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert parse().lake == "lake"
    code = main(parse("--lake", str(tmp_path), "--snapshot-date", "2026-11-19"))
    out = capsys.readouterr().out
    assert code == 0
    assert re.search(r"ok\s+Indie Morning\s+120 items", out)
    assert re.search(r"ok\s+Late Night Drive\s+70 items", out)
    assert re.search(r"failed\s+37i9dQZEVXbMDoHDwVN2tF", out)  # pragma: allowlist secret
    assert str(raw_folder(tmp_path, "2026-11-19")) in out


def test_cli_bad_date_exits_2(tmp_path, monkeypatch, capsys):
    for name in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(parse("--lake", str(tmp_path), "--snapshot-date", "2026-01-01")) == 2
    assert "no recording for snapshot_date 2026-01-01" in capsys.readouterr().err


def test_cli_nothing_landed_exits_1(tmp_path, monkeypatch, capsys):
    for name in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(parse("--lake", str(tmp_path), "--playlist-ids", TOP_50_GLOBAL)) == 1
    assert "Top 50 Global" in capsys.readouterr().out
