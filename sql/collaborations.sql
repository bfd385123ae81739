-- Collaborations: songs with more than one artist in the latest snapshot, grouped by artist pair.
-- How to read it: one row per pair of artists who share a song, most frequent pair first.
-- A song with three artists makes three pairs; a pair is unordered (A & B is B & A).
--   artists           the two artists' names, alphabetically, joined with ' & '
--   songs             different songs the pair shares
--   playlist_entries  playlist entries of those songs (a song on two playlists counts twice)
--   playlists         playlists with at least one of those songs
--   song_names        the songs, alphabetically, separated by '; ' (names may contain commas)
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it).
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

multi_artist_songs AS (
    SELECT
        s.snapshot_date,
        s.playlist_id,
        s.song_id,
        s.song_name,
        s.artist_ids
    FROM song AS s
    INNER JOIN as_of ON s.snapshot_date = as_of.snapshot_date
    WHERE cardinality(s.artist_ids) > 1
),

pairs AS (
    SELECT DISTINCT
        m.snapshot_date,
        m.playlist_id,
        m.song_id,
        m.song_name,
        first_artist.artist_id AS first_id,
        second_artist.artist_id AS second_id
    FROM multi_artist_songs AS m
    CROSS JOIN UNNEST(m.artist_ids) AS first_artist (artist_id)
    CROSS JOIN UNNEST(m.artist_ids) AS second_artist (artist_id)
    WHERE first_artist.artist_id < second_artist.artist_id
),

named_pairs AS (
    SELECT
        p.*,
        coalesce(a1.artist_name, p.first_id) AS first_name,
        coalesce(a2.artist_name, p.second_id) AS second_name
    FROM pairs AS p
    LEFT JOIN artist AS a1 ON p.first_id = a1.artist_id AND p.snapshot_date = a1.snapshot_date
    LEFT JOIN artist AS a2 ON p.second_id = a2.artist_id AND p.snapshot_date = a2.snapshot_date
)

SELECT
    least(first_name, second_name) || ' & ' || greatest(first_name, second_name) AS artists,
    count(DISTINCT song_id) AS songs,
    count(*) AS playlist_entries,
    count(DISTINCT playlist_id) AS playlists,
    array_join(array_sort(array_distinct(array_agg(song_name))), '; ') AS song_names
FROM named_pairs
GROUP BY first_id, second_id, first_name, second_name
ORDER BY songs DESC, playlist_entries DESC, artists ASC
LIMIT 50
