"""Landing never overwrites: S3 conditional put (moto) and an atomic local link."""

from __future__ import annotations

import os

import pytest
from extract_testkit import BUCKET

from extract_lambda.landing import LocalLanding, ObjectExistsError, S3Landing, date_key


def test_date_key():
    assert date_key("2026-11-20", "r.jsonl.gz") == "snapshot_date=2026-11-20/r.jsonl.gz"


def test_s3_put_new_and_refuse_overwrite(aws):
    landing = S3Landing(aws.s3, BUCKET, "/raw/spotify/playlist_items/")
    assert landing.root_uri == f"s3://{BUCKET}/raw/spotify/playlist_items"
    uri = landing.put_new("snapshot_date=2026-11-20/a.jsonl.gz", b"first", "application/gzip")
    assert uri == f"s3://{BUCKET}/raw/spotify/playlist_items/snapshot_date=2026-11-20/a.jsonl.gz"
    with pytest.raises(ObjectExistsError, match="already exists"):
        landing.put_new("snapshot_date=2026-11-20/a.jsonl.gz", b"second", "application/gzip")
    head = aws.s3.get_object(
        Bucket=BUCKET, Key="raw/spotify/playlist_items/snapshot_date=2026-11-20/a.jsonl.gz"
    )
    assert head["Body"].read() == b"first"
    assert head["ContentType"] == "application/gzip"


def test_s3_other_errors_propagate(aws):
    landing = S3Landing(aws.s3, "no-such-bucket-here", "raw")
    with pytest.raises(Exception, match="NoSuchBucket"):
        landing.put_new("k", b"x", "application/gzip")


def test_local_put_new_and_refuse_overwrite(tmp_path):
    landing = LocalLanding(tmp_path / "raw")
    path = landing.put_new("snapshot_date=2026-11-20/a.jsonl.gz", b"first", "application/gzip")
    assert path == str(tmp_path / "raw" / "snapshot_date=2026-11-20" / "a.jsonl.gz")
    with pytest.raises(ObjectExistsError):
        landing.put_new("snapshot_date=2026-11-20/a.jsonl.gz", b"second", "application/gzip")
    folder = tmp_path / "raw" / "snapshot_date=2026-11-20"
    assert os.listdir(folder) == ["a.jsonl.gz"]  # no temporary file left behind
    assert (folder / "a.jsonl.gz").read_bytes() == b"first"
