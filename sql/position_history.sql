-- Position history: the place of each playlist's current top 10 songs on every snapshot date.
-- How to read it: one row per playlist, song and snapshot date the song was on the playlist;
-- feeds the chart_movement chart (place over time, 1 at the top).
--   current_rank  the song's place in the latest snapshot (1 = top; rank = position + 1)
--   song_rank     its place on snapshot_date (a song listed twice keeps its best place)
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it:
-- later snapshots are then ignored).
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

ranks AS (
    SELECT
        s.playlist_id,
        s.song_id,
        s.snapshot_date,
        min(s.position) + 1 AS song_rank,
        min(s.song_name) AS song_name
    FROM song AS s
    INNER JOIN as_of ON s.snapshot_date <= as_of.snapshot_date
    GROUP BY s.playlist_id, s.song_id, s.snapshot_date
),

top_songs AS (
    SELECT
        r.playlist_id,
        r.song_id,
        r.song_name,
        r.song_rank AS current_rank
    FROM ranks AS r
    INNER JOIN as_of ON r.snapshot_date = as_of.snapshot_date
    WHERE r.song_rank <= 10
)

SELECT
    t.playlist_id,
    coalesce(pl.playlist_name, t.playlist_id) AS playlist_name,
    t.current_rank,
    t.song_name,
    r.snapshot_date,
    r.song_rank
FROM top_songs AS t
CROSS JOIN as_of
INNER JOIN ranks AS r ON t.playlist_id = r.playlist_id AND t.song_id = r.song_id
LEFT JOIN playlist AS pl ON t.playlist_id = pl.playlist_id AND as_of.snapshot_date = pl.snapshot_date
ORDER BY playlist_name ASC, t.playlist_id ASC, t.current_rank ASC, r.snapshot_date ASC
