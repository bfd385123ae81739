-- Top artists: the artists on the most songs (playlist entries) in the latest snapshot.
-- How to read it: one row per artist. Every artist of a song counts (song.artist_ids, not only
-- the first), so a duet counts for both artists.
--   songs          playlist entries with the artist, across all playlists (a song on two playlists counts twice)
--   distinct_songs different songs with the artist
--   playlists      playlists the artist is on
--   best_rank      the artist's best place on any playlist (1 = top; rank = position + 1)
--   avg_popularity Spotify popularity (0-100) averaged over the entries that have one; empty when
--                  unknown (Spotify no longer returns popularity to development-mode apps)
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it).
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

entries AS (
    SELECT
        s.snapshot_date,
        s.playlist_id,
        s.position,
        s.song_id,
        s.popularity,
        credited.artist_id
    FROM song AS s
    INNER JOIN as_of ON s.snapshot_date = as_of.snapshot_date
    CROSS JOIN UNNEST(s.artist_ids) AS credited (artist_id)
)

SELECT
    coalesce(a.artist_name, e.artist_id) AS artist_name,
    count(*) AS songs,
    count(DISTINCT e.song_id) AS distinct_songs,
    count(DISTINCT e.playlist_id) AS playlists,
    min(e.position) + 1 AS best_rank,
    round(avg(e.popularity), 1) AS avg_popularity
FROM entries AS e
LEFT JOIN artist AS a ON e.artist_id = a.artist_id AND e.snapshot_date = a.snapshot_date
GROUP BY e.artist_id, a.artist_name
ORDER BY songs DESC, best_rank ASC, artist_name ASC
LIMIT 50
