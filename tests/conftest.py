"""One SparkSession for the whole test session: local[2], few shuffle partitions, no UI, UTC."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # executors use the venv's Python


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:  # noqa: F821
    from spotify_etl.spark_session import build_spark_session

    session = build_spark_session(app_name="spotify-etl-tests", master="local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sample_lake(spark, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample (2026-11-19 and 2026-11-20) through ``spotify-etl extract`` and
    ``transform``: the lake the real jobs write, built once per session and shared. A test that
    must change files works on a copy (tests/spotify_etl/test_cli.py reruns 2026-11-20 in place,
    which rewrites that date's files with identical rows)."""
    from spotify_etl import cli

    lake = tmp_path_factory.mktemp("sample-lake")
    for snapshot_date in ("2026-11-19", "2026-11-20"):
        assert cli.main(["extract", "--lake", str(lake), "--snapshot-date", snapshot_date]) == 0
    assert cli.main(["transform", "--lake", str(lake)]) == 0
    return lake
