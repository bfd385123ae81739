"""One SparkSession for the whole test session: local[2], few shuffle partitions, no UI, UTC."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # executors use the venv's Python


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:  # noqa: F821
    from spotify_etl.spark_session import build_spark_session

    session = build_spark_session(app_name="spotify-etl-tests", master="local[2]", shuffle_partitions=2)
    yield session
    session.stop()
