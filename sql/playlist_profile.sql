-- Playlist profile: what each playlist of the latest snapshot is made of.
-- How to read it: one row per playlist.
--   items             items on the playlist (songs, plus unavailable tracks, local files and episodes)
--   songs             items that are Spotify songs (rows of the song table)
--   explicit_pct      percentage of the songs marked explicit (of those where it is known)
--   avg_duration_min  average song length in minutes
--   avg_popularity    Spotify popularity (0-100) averaged over the songs that have one; empty when
--                     unknown (Spotify no longer returns popularity to development-mode apps)
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it).
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
)

SELECT
    pl.playlist_name,
    pl.item_count AS items,
    count(s.song_id) AS songs,
    round(100 * CAST(count_if(s.explicit) AS DOUBLE) / nullif(count(s.explicit), 0), 1) AS explicit_pct,
    round(avg(s.duration_ms) / 60000, 2) AS avg_duration_min,
    round(avg(s.popularity), 1) AS avg_popularity
FROM playlist AS pl
INNER JOIN as_of ON pl.snapshot_date = as_of.snapshot_date
LEFT JOIN song AS s ON pl.playlist_id = s.playlist_id AND pl.snapshot_date = s.snapshot_date
GROUP BY pl.playlist_id, pl.playlist_name, pl.item_count
ORDER BY pl.playlist_name ASC, pl.playlist_id ASC
