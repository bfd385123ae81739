-- Chart movers: each song's place on each playlist in the latest snapshot, against the previous one.
-- How to read it: one row per playlist and song of the latest snapshot, in playlist order.
--   current_rank   place now (1 = top; rank = position + 1; a song listed twice keeps its best place)
--   previous_rank  place in the previous snapshot (empty when it was not on the playlist)
--   rank_change    previous_rank - current_rank: positive = moved up, negative = moved down
--   movement       the same as text: '+3', '-2', '=' or 'NEW' (not on the playlist before)
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it);
-- the previous snapshot is the latest date before it. With no previous snapshot, every song is NEW.
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

previous AS (
    SELECT max(p.snapshot_date) AS snapshot_date
    FROM playlist AS p
    INNER JOIN as_of ON p.snapshot_date < as_of.snapshot_date
),

current_songs AS (
    SELECT
        s.snapshot_date,
        s.playlist_id,
        s.song_id,
        min(s.position) + 1 AS song_rank,
        min(s.song_name) AS song_name,
        min(s.artist_id) AS artist_id
    FROM song AS s
    INNER JOIN as_of ON s.snapshot_date = as_of.snapshot_date
    GROUP BY s.snapshot_date, s.playlist_id, s.song_id
),

previous_songs AS (
    SELECT
        s.playlist_id,
        s.song_id,
        min(s.position) + 1 AS song_rank
    FROM song AS s
    INNER JOIN previous ON s.snapshot_date = previous.snapshot_date
    GROUP BY s.playlist_id, s.song_id
),

moves AS (
    SELECT
        c.snapshot_date,
        c.playlist_id,
        c.song_id,
        c.song_name,
        c.artist_id,
        c.song_rank AS current_rank,
        p.song_rank AS previous_rank,
        p.song_rank - c.song_rank AS rank_change
    FROM current_songs AS c
    LEFT JOIN previous_songs AS p ON c.playlist_id = p.playlist_id AND c.song_id = p.song_id
)

SELECT
    coalesce(pl.playlist_name, m.playlist_id) AS playlist_name,
    m.current_rank,
    m.song_name,
    a.artist_name,
    m.previous_rank,
    m.rank_change,
    CASE
        WHEN m.previous_rank IS NULL THEN 'NEW'
        WHEN m.rank_change > 0 THEN '+' || CAST(m.rank_change AS VARCHAR)
        WHEN m.rank_change < 0 THEN CAST(m.rank_change AS VARCHAR)
        ELSE '='
    END AS movement
FROM moves AS m
LEFT JOIN playlist AS pl ON m.playlist_id = pl.playlist_id AND m.snapshot_date = pl.snapshot_date
LEFT JOIN artist AS a ON m.artist_id = a.artist_id AND m.snapshot_date = a.snapshot_date
ORDER BY playlist_name ASC, m.playlist_id ASC, m.current_rank ASC
