-- Release decades: albums and songs of the latest snapshot by the album's release decade.
-- How to read it: one row per decade, oldest first; 'unknown' for albums without a release date.
--   albums          albums released in the decade (every album of the snapshot's songs)
--   songs           different songs on the playlists whose album is from the decade
--   song_share_pct  songs as a percentage of all the snapshot's songs
-- The decade comes from album.release_date (a year-only or month-only release date counts from
-- its first day, so the year is always right).
-- The snapshot is the latest snapshot_date in the data (CTE as_of; `--snapshot-date` pins it).
WITH as_of AS (
    SELECT max(snapshot_date) AS snapshot_date FROM playlist
),

albums AS (
    SELECT
        al.album_id,
        year(al.release_date) - year(al.release_date) % 10 AS decade_start
    FROM album AS al
    INNER JOIN as_of ON al.snapshot_date = as_of.snapshot_date
),

songs AS (
    SELECT DISTINCT
        s.song_id,
        s.album_id
    FROM song AS s
    INNER JOIN as_of ON s.snapshot_date = as_of.snapshot_date
),

decades AS (
    SELECT
        al.decade_start,
        count(DISTINCT al.album_id) AS albums,
        count(DISTINCT so.song_id) AS songs
    FROM albums AS al
    LEFT JOIN songs AS so ON al.album_id = so.album_id
    GROUP BY al.decade_start
)

SELECT
    CASE WHEN decade_start IS NULL THEN 'unknown' ELSE CAST(decade_start AS VARCHAR) || 's' END AS decade,
    albums,
    songs,
    round(100 * CAST(songs AS DOUBLE) / nullif(sum(songs) OVER (), 0), 1) AS song_share_pct
FROM decades
ORDER BY decade_start ASC NULLS LAST
