"""ExtractConfig.from_env: defaults, validation, and ENV_VARS naming every variable read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from extract_lambda.config import ENV_VARS, REQUIRED_ENV_VARS, ConfigError, ExtractConfig

BASE = {
    "RAW_BUCKET": "lake-raw",
    "PLAYLIST_IDS": "3cEYpjA9oz9GiPac4AsH4n, spotify:playlist:37i9dQZF1DXcBWIGoYBM5M",
    "SPOTIFY_SECRET_ID": "spotify-etl/extract",
}


class RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every name the code looks up."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.looked_up: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.looked_up.add(key)
        return self.values[key]

    def get(self, key, default=None):
        self.looked_up.add(key)
        return self.values.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def test_defaults():
    config = ExtractConfig.from_env(BASE)
    assert config.playlist_ids == ("3cEYpjA9oz9GiPac4AsH4n", "37i9dQZF1DXcBWIGoYBM5M")
    assert config.raw_prefix == "raw/spotify/playlist_items"
    assert config.raw_root == "s3://lake-raw/raw/spotify/playlist_items"
    assert config.glue_workflow_name is None
    assert config.api_base_url == "https://api.spotify.com/v1/"
    assert config.accounts_base_url == "https://accounts.spotify.com/"
    assert config.part_max_bytes == 64 * 1024 * 1024
    assert config.concurrency == 8


def test_overrides():
    config = ExtractConfig.from_env(
        BASE
        | {
            "RAW_PREFIX": "/custom/raw/",
            "GLUE_WORKFLOW_NAME": "wf",
            "SPOTIFY_API_BASE_URL": "http://127.0.0.1:9/v1",
            "SPOTIFY_ACCOUNTS_BASE_URL": "http://127.0.0.1:9",
            "RAW_PART_MAX_BYTES": "1000",
            "EXTRACT_CONCURRENCY": " 32 ",
        }
    )
    assert config.concurrency == 32
    assert (config.raw_prefix, config.glue_workflow_name, config.part_max_bytes) == ("custom/raw", "wf", 1000)
    assert config.api_base_url == "http://127.0.0.1:9/v1/"
    assert config.accounts_base_url == "http://127.0.0.1:9/"


def test_env_vars_names_every_variable_read_and_nothing_else():
    environ = RecordingEnviron(dict(BASE))
    ExtractConfig.from_env(environ)
    assert environ.looked_up == set(ENV_VARS)
    assert len(ENV_VARS) == len(set(ENV_VARS))
    assert set(REQUIRED_ENV_VARS) == {"RAW_BUCKET", "SPOTIFY_SECRET_ID"}


def test_every_missing_variable_is_named_at_once():
    with pytest.raises(ConfigError, match="RAW_BUCKET, SPOTIFY_SECRET_ID"):
        ExtractConfig.from_env({})


@pytest.mark.parametrize("value", [None, "", " , "])
def test_playlist_ids_default_to_mine(value):
    environ = {key: val for key, val in BASE.items() if key != "PLAYLIST_IDS"}
    if value is not None:
        environ["PLAYLIST_IDS"] = value
    assert ExtractConfig.from_env(environ).playlist_ids == ("mine",)


def test_mine_mixes_with_ids_and_urls_in_the_configured_order():
    value = "3cEYpjA9oz9GiPac4AsH4n,mine,https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=x,mine"
    assert ExtractConfig.from_env(BASE | {"PLAYLIST_IDS": value}).playlist_ids == (
        "3cEYpjA9oz9GiPac4AsH4n",
        "mine",
        "37i9dQZF1DXcBWIGoYBM5M",
    )


def test_a_malformed_playlist_id_is_named():
    with pytest.raises(
        ConfigError, match=r"PLAYLIST_IDS: .*'https://open.spotify.com/track/3cEYpjA9oz9GiPac4AsH4n'"
    ):
        ExtractConfig.from_env(
            BASE
            | {"PLAYLIST_IDS": "3cEYpjA9oz9GiPac4AsH4n,https://open.spotify.com/track/3cEYpjA9oz9GiPac4AsH4n"}
        )


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_bad_part_size(value):
    with pytest.raises(ConfigError, match="RAW_PART_MAX_BYTES"):
        ExtractConfig.from_env(BASE | {"RAW_PART_MAX_BYTES": value})


@pytest.mark.parametrize("value", ["1", "32"])
def test_concurrency_bounds_are_accepted(value):
    assert ExtractConfig.from_env(BASE | {"EXTRACT_CONCURRENCY": value}).concurrency == int(value)


@pytest.mark.parametrize("value", ["0", "33", "-4", "eight", "2.5"])
def test_bad_concurrency_says_what_where_and_what_to_do(value):
    with pytest.raises(ConfigError) as raised:
        ExtractConfig.from_env(BASE | {"EXTRACT_CONCURRENCY": value})
    message = str(raised.value)
    assert message.startswith("EXTRACT_CONCURRENCY (how many playlists are read at once) ")
    assert f"must be a whole number from 1 to 32, got {value!r}" in message
    assert "Terraform variable extract_concurrency" in message and "spotify-etl extract" in message
    assert "unset it for the default 8" in message


def test_is_frozen():
    config = ExtractConfig.from_env(BASE)
    with pytest.raises(AttributeError):
        config.raw_bucket = "other"
