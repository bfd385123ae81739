from spotify_etl.schemas import PLAYLIST_ITEM_JSON_SCHEMA, PLAYLIST_JSON_SCHEMA
from spotify_etl.type_mismatch import explain_mismatch


def test_names_the_field_the_expected_type_and_what_came():
    text = '{"item": {"id": "x", "duration_ms": "240000"}}'
    assert (
        explain_mismatch(text, PLAYLIST_ITEM_JSON_SCHEMA, "item")
        == 'item.item.duration_ms: expected integer, got string "240000"'
    )


def test_points_into_arrays():
    text = '{"track": {"artists": [{"id": "a"}, 7]}}'
    assert (
        explain_mismatch(text, PLAYLIST_ITEM_JSON_SCHEMA, "item")
        == "item.track.artists[1]: expected an object, got integer 7"
    )


def test_boolean_is_not_an_integer_and_out_of_range_integers_are_caught():
    assert explain_mismatch('{"public": 1}', PLAYLIST_JSON_SCHEMA, "playlist") == (
        "playlist.public: expected boolean, got integer 1"
    )
    assert explain_mismatch('{"total_items": 3000000000}', PLAYLIST_JSON_SCHEMA, "playlist") == (
        "playlist.total_items: integer 3000000000 is out of range"
    )


def test_not_json_and_null():
    assert explain_mismatch("{oops", PLAYLIST_JSON_SCHEMA, "playlist").startswith(
        "playlist is not valid JSON"
    )
    assert explain_mismatch(None, PLAYLIST_JSON_SCHEMA, "playlist") == "playlist is null, expected object"


def test_strings_accept_any_value_and_null_fits():
    assert explain_mismatch('{"name": 5, "id": null}', PLAYLIST_JSON_SCHEMA, "playlist") == (
        "playlist does not fit its schema"
    )
