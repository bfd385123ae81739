-- New entries and dropouts: songs that entered or left each playlist since the previous snapshot.
-- How to read it: one row per playlist and song that changed.
--   change         'entered' (on the playlist now, not in the previous snapshot) or 'dropped'
--                  (in the previous snapshot, not now)
--   song_rank      place where it entered, or the last place it held before dropping (1 = top)
--   snapshot_date  the snapshot song_rank comes from
-- Only playlists present in both snapshots are compared (a playlist added to or removed from the
-- extract has nothing to compare); with no previous snapshot at all, the result is empty.
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it);
-- the previous snapshot is the latest date before it.
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

previous AS (
    SELECT max(p.snapshot_date) AS snapshot_date
    FROM playlist AS p
    INNER JOIN as_of ON p.snapshot_date < as_of.snapshot_date
),

compared_playlists AS (
    SELECT
        now_pl.playlist_id,
        now_pl.playlist_name
    FROM playlist AS now_pl
    INNER JOIN as_of ON now_pl.snapshot_date = as_of.snapshot_date
    INNER JOIN playlist AS before_pl ON now_pl.playlist_id = before_pl.playlist_id
    INNER JOIN previous ON before_pl.snapshot_date = previous.snapshot_date
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
        s.snapshot_date,
        s.playlist_id,
        s.song_id,
        min(s.position) + 1 AS song_rank,
        min(s.song_name) AS song_name,
        min(s.artist_id) AS artist_id
    FROM song AS s
    INNER JOIN previous ON s.snapshot_date = previous.snapshot_date
    GROUP BY s.snapshot_date, s.playlist_id, s.song_id
),

changes AS (
    SELECT
        'entered' AS change,
        c.*
    FROM current_songs AS c
    LEFT JOIN previous_songs AS p ON c.playlist_id = p.playlist_id AND c.song_id = p.song_id
    WHERE p.song_id IS NULL
    UNION ALL
    SELECT
        'dropped' AS change,
        p.*
    FROM previous_songs AS p
    LEFT JOIN current_songs AS c ON p.playlist_id = c.playlist_id AND p.song_id = c.song_id
    WHERE c.song_id IS NULL
)

SELECT
    cp.playlist_name,
    ch.change,
    ch.song_rank,
    ch.song_name,
    a.artist_name,
    ch.snapshot_date
FROM changes AS ch
INNER JOIN compared_playlists AS cp ON ch.playlist_id = cp.playlist_id
LEFT JOIN artist AS a ON ch.artist_id = a.artist_id AND ch.snapshot_date = a.snapshot_date
ORDER BY cp.playlist_name ASC, ch.playlist_id ASC, ch.change DESC, ch.song_rank ASC
