"""Run IDs sort by time and differ per invocation; timestamps as the raw contract spells them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from extract_lambda.run_id import iso_utc, new_run_id


def test_run_id_shape_and_order():
    first = new_run_id(datetime(2026, 11, 20, 6, 0, 2, tzinfo=UTC))
    later = new_run_id(datetime(2026, 11, 20, 6, 0, 3, tzinfo=UTC))
    assert re.fullmatch(r"20261120T060002Z-[0-9a-f]{8}", first)
    assert first < later
    ids = {new_run_id(datetime(2026, 11, 20, tzinfo=UTC)) for _ in range(50)}
    assert len(ids) == 50


def test_run_id_is_in_utc():
    paris = timezone(timedelta(hours=1))
    assert new_run_id(datetime(2026, 11, 20, 7, 0, 2, tzinfo=paris)).startswith("20261120T060002Z-")


def test_iso_utc_milliseconds_and_z():
    moment = datetime(2026, 11, 20, 6, 0, 4, 512345, tzinfo=UTC)
    assert iso_utc(moment) == "2026-11-20T06:00:04.512Z"
