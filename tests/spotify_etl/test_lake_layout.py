import pytest

from spotify_etl.lake_layout import is_snapshot_date, join, quarantine_path, report_path, table_partition_path


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-11-20", True),
        ("2024-02-29", True),
        ("2026-02-29", False),
        ("2026-1-20", False),
        ("20261120", False),
        ("2026-11-20T00:00", False),
        (None, False),
        (20261120, False),
    ],
)
def test_is_snapshot_date(value, ok):
    assert is_snapshot_date(value) is ok


def test_paths_are_the_same_for_s3_and_folders():
    assert join("s3://bucket/", "/curated/", "song") == "s3://bucket/curated/song"
    assert (
        table_partition_path("s3://b", "song", "2026-11-20") == "s3://b/curated/song/snapshot_date=2026-11-20"
    )
    assert quarantine_path("/tmp/lake", "2026-11-20") == "/tmp/lake/quarantine/snapshot_date=2026-11-20"
    assert (
        report_path("lake", "2026-11-20", "build_tables")
        == "lake/reports/snapshot_date=2026-11-20/build_tables.json"
    )
