"""The local credentials file: where it lives, 0600 in a 0700 folder, merged, errors without content."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from extract_lambda.credentials import CredentialsError
from extract_lambda.credentials_file import credentials_path, merge_credentials_file, read_credentials_file

SECRET = "cs-0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # pragma: allowlist secret


def test_where_it_lives():
    assert credentials_path({"SPOTIFY_ETL_CREDENTIALS": "/x/c.json", "XDG_CONFIG_HOME": "/cfg"}) == Path(
        "/x/c.json"
    )
    assert credentials_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/spotify-etl/credentials.json")
    assert credentials_path({}) == Path.home() / ".config" / "spotify-etl" / "credentials.json"


def test_merge_writes_0600_in_a_0700_folder_and_keeps_other_keys(tmp_path):
    path = tmp_path / "new" / "spotify-etl" / "credentials.json"
    assert read_credentials_file(path) is None
    merge_credentials_file(path, {"client_id": "cid", "client_secret": SECRET, "extra": "x"})
    merge_credentials_file(path, {"refresh_token": "rt-1"})
    assert json.loads(path.read_text()) == {
        "client_id": "cid",
        "client_secret": SECRET,
        "extra": "x",
        "refresh_token": "rt-1",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["credentials.json"]  # no temporary left


@pytest.mark.parametrize("content", ["not json " + SECRET, '["a list"]'])
def test_a_file_that_is_not_a_json_object_is_named_without_its_content(tmp_path, content):
    path = tmp_path / "credentials.json"
    path.write_text(content)
    with pytest.raises(CredentialsError) as raised:
        read_credentials_file(path)
    assert str(path) in str(raised.value) and "spotify-etl auth" in str(raised.value)
    assert SECRET not in str(raised.value)
