"""Run IDs and timestamps: ``YYYYMMDDTHHMMSSZ-<8 hex>`` sorts by time and never collides in practice."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_run_id(now: datetime) -> str:
    """Unique per invocation: the UTC second it started plus 32 random bits."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def iso_utc(moment: datetime) -> str:
    """``2026-11-20T06:00:04.512Z``: ISO 8601, UTC, milliseconds, as the raw contract spells it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
