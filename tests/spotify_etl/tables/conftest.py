"""Every table test runs twice: with Spark's defaults (Glue 5.1) and with ANSI SQL mode on (the
default of Spark 4 and Glue 6.0), where an index past the end of an array, a cast or a parse that
fails raises instead of giving null. The transforms must give the same rows in both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

ANSI = "spark.sql.ansi.enabled"


@pytest.fixture(autouse=True, params=[False, True], ids=["spark-defaults", "ansi"])
def ansi_mode(request, spark) -> Iterator[bool]:
    before = spark.conf.get(ANSI)
    spark.conf.set(ANSI, str(request.param).lower())
    yield request.param
    spark.conf.set(ANSI, before)
