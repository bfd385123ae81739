-- Longevity: how long each song has been on each playlist, up to the latest snapshot.
-- How to read it: one row per playlist and song ever seen on it, longest-running first.
--   days_on_playlist  snapshot dates the song was seen on the playlist (distinct dates; a day
--                     without a snapshot is not counted)
--   first_seen        first snapshot date it was there
--   last_seen         last snapshot date it was there
--   on_latest         true when it is still on the playlist in the latest snapshot
--   best_rank         its best place ever on the playlist (1 = top; rank = position + 1)
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it:
-- later snapshots are then ignored).
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

appearances AS (
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

playlist_names AS (
    SELECT
        p.playlist_id,
        max_by(p.playlist_name, p.snapshot_date) AS playlist_name
    FROM playlist AS p
    INNER JOIN as_of ON p.snapshot_date <= as_of.snapshot_date
    GROUP BY p.playlist_id
),

spans AS (
    SELECT
        ap.playlist_id,
        ap.song_id,
        max_by(ap.song_name, ap.snapshot_date) AS song_name,
        count(*) AS days_on_playlist,
        min(ap.snapshot_date) AS first_seen,
        max(ap.snapshot_date) AS last_seen,
        min(ap.song_rank) AS best_rank
    FROM appearances AS ap
    GROUP BY ap.playlist_id, ap.song_id
)

SELECT
    coalesce(n.playlist_name, sp.playlist_id) AS playlist_name,
    sp.song_name,
    sp.days_on_playlist,
    sp.first_seen,
    sp.last_seen,
    sp.last_seen = as_of.snapshot_date AS on_latest,
    sp.best_rank
FROM spans AS sp
CROSS JOIN as_of
LEFT JOIN playlist_names AS n ON sp.playlist_id = n.playlist_id
ORDER BY sp.days_on_playlist DESC, playlist_name ASC, sp.best_rank ASC, sp.song_name ASC
