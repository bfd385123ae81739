"""End to end on the bundled sample: spotify-etl extract (replay), transform, analyze.

Expected counts come from the sample's recordings, counted independently of the jobs
(tools/make_sample_api.py writes them; tests/extract_lambda checks the recordings):
per date 245/248 items = 239/242 songs + 2 null items + 2 local files + 2 episodes, over 3
readable playlists (Top 50 Global is refused with 404), 84/85 albums, 46/47 artists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from spotify_etl import cli
from spotify_etl.schemas import TABLES

EXPECTED = {
    "2026-11-19": {"song": 239, "album": 84, "artist": 46, "playlist": 3},
    "2026-11-20": {"song": 242, "album": 85, "artist": 47, "playlist": 3},
}


def test_transform_writes_every_table_for_every_sample_date(sample_lake):
    for snapshot_date, rows in EXPECTED.items():
        for table in TABLES:
            assert list(
                (sample_lake / "curated" / table / f"snapshot_date={snapshot_date}").glob("*.parquet")
            )
        report = json.loads(
            (sample_lake / f"reports/snapshot_date={snapshot_date}/build_tables.json").read_text()
        )
        assert report["rows"] == rows
        assert report["skipped"] == {"episode": 2, "local_file": 2, "null_item": 2}
        assert report["reconciliation"]["holds"] and report["reconciliation"]["quarantined_items"] == 0


def test_transform_prints_the_dates_steps_and_rows_and_skips_per_date(sample_run):
    """Both sample dates in one pass of each job (what make run does), then a line per date."""
    out = sample_run[1]
    assert "snapshot dates: all in raw" in out
    assert "normalize_items  2026-11-19, 2026-11-20 done in" in out
    assert "build_tables     2026-11-19, 2026-11-20 done in" in out
    # each job's line ends with the Spark jobs it launched (at least its writes: one per dataset)
    launched = re.findall(
        r"^  (\w+) +2026-11-19, 2026-11-20 done in [\d.]+ s \((\d+) Spark jobs\)$", out, re.M
    )
    assert [job for job, _ in launched] == ["normalize_items", "build_tables"]
    assert all(int(count) >= 4 for _, count in launched)
    summary = [line.split() for line in out.splitlines() if line.strip().startswith("2026-11-20  ")]
    header = next(line.split() for line in out.splitlines() if line.strip().startswith("snapshot_date"))
    assert [line.split()[0] for line in out.splitlines() if line.strip().startswith("2026-11-")] == [
        "2026-11-19",
        "2026-11-20",
    ]
    assert dict(zip(header, summary[-1], strict=True)) == {
        "snapshot_date": "2026-11-20",
        "album": "85",
        "artist": "47",
        "song": "242",
        "playlist": "3",
        "null_item": "2",
        "local_file": "2",
        "episode": "2",
        "unsupported_type": "0",
        "quarantined": "0",
    }


def test_analyze_runs_the_sql_on_the_local_catalog(sample_lake, capsys):
    assert cli.main(["analyze", "--lake", str(sample_lake), "--query", "playlist_profile"]) == 0
    out = capsys.readouterr().out
    for name in ("Indie Morning", "Late Night Drive", "Weekend Mixtape"):
        assert name in out


def test_transform_without_raw_data_is_one_clear_line(tmp_path, capsys):
    assert cli.main(["transform", "--lake", str(tmp_path)]) == 2
    assert "run `spotify-etl extract --lake" in capsys.readouterr().err


def test_bad_snapshot_date_is_refused(tmp_path, capsys):
    assert cli.main(["transform", "--lake", str(tmp_path), "--snapshot-date", "2026-02-30"]) == 2
    assert "is not a date in YYYY-MM-DD form" in capsys.readouterr().err


def test_lake_paths_are_what_the_readme_says(sample_lake: Path):
    # no quarantine/: the sample holds no invalid input, and no folder is made for nothing
    assert {p.name for p in sample_lake.iterdir()} >= {"raw", "staging", "curated", "reports"}
    assert not (sample_lake / "quarantine").exists()
