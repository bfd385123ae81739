"""Playlist references as people paste them, normalised to IDs; a bad one is named."""

from __future__ import annotations

import pytest

from extract_lambda.playlist_ids import normalize_playlist_id, parse_playlist_ids

ID = "3cEYpjA9oz9GiPac4AsH4n"


@pytest.mark.parametrize(
    "reference",
    [
        ID,
        f"  {ID} ",
        f"spotify:playlist:{ID}",
        f"spotify:user:jo1234:playlist:{ID}",
        f"https://open.spotify.com/playlist/{ID}",
        f"https://open.spotify.com/playlist/{ID}?si=4b1f2c3d",
        f"https://open.spotify.com/intl-de/playlist/{ID}",
        f"open.spotify.com/playlist/{ID}",
    ],
)
def test_accepted_forms(reference):
    assert normalize_playlist_id(reference) == ID


@pytest.mark.parametrize(
    "reference",
    [
        "",
        "abc",  # too short to be a Spotify ID
        f"{ID}x",
        f"spotify:track:{ID}",
        f"https://open.spotify.com/album/{ID}",
        f"https://example.com/playlist/{ID}",
        "3cEYpjA9oz9GiPac4AsH4!",
    ],
)
def test_rejected_forms_name_the_value(reference):
    with pytest.raises(ValueError) as raised:
        normalize_playlist_id(reference)
    assert repr(reference) in str(raised.value)


def test_parse_keeps_order_and_drops_blanks_and_repeats():
    other = "37i9dQZF1DXcBWIGoYBM5M"
    assert parse_playlist_ids(f"{ID}, ,spotify:playlist:{other},{ID},") == (ID, other)
    assert parse_playlist_ids([other, f"spotify:playlist:{ID}"]) == (other, ID)


def test_parse_needs_at_least_one():
    with pytest.raises(ValueError, match=r"no playlist IDs given .*'mine'"):
        parse_playlist_ids(" , ")


def test_mine_is_kept_as_a_reference_and_a_default():
    assert parse_playlist_ids(f" mine ,{ID},mine") == ("mine", ID)
    assert parse_playlist_ids("", default="mine") == ("mine",)
    with pytest.raises(ValueError, match=r"not 'mine', a Spotify playlist ID.*'Mine'"):
        parse_playlist_ids("Mine")  # the keyword is lower case, as in Terraform's validation


def test_parse_rejects_non_strings():
    with pytest.raises(ValueError, match="must be a string"):
        parse_playlist_ids([ID, 42])
