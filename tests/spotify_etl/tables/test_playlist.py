from spotify_etl.tables import build_playlist

from ..staged import items_frame, playlists_frame, staged_item


def test_item_and_song_counts_per_playlist(spark):
    items = items_frame(
        spark,
        staged_item("pl1", 0, "s1"),
        staged_item("pl1", 1, None, skip_reason="null_item"),
        staged_item("pl1", 2, "s2"),
        staged_item("pl2", 0, "ep", skip_reason="episode"),
    )
    playlists = playlists_frame(spark, ("pl1", 3), ("pl2", 1), ("pl3", 0))
    rows = playlists.transform(build_playlist, items).orderBy("playlist_id").collect()
    assert [(r.playlist_id, r.item_count, r.song_count) for r in rows] == [
        ("pl1", 3, 2),
        ("pl2", 1, 0),
        ("pl3", 0, 0),
    ]
