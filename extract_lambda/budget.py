"""The run's time budget: stop before the Lambda timeout, with time left to land what was read.

Built from ``context.get_remaining_time_in_millis()`` minus a safety margin that covers writing
the raw parts, the manifest and starting the Glue workflow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

DEFAULT_SAFETY_MARGIN_SECONDS = 20.0


class BudgetExhausted(Exception):
    """No time is left for another request; the playlist is reported as failed, not lost silently."""


class TimeBudget:
    """A deadline on a monotonic clock; ``None`` seconds means no deadline (local runs)."""

    def __init__(self, seconds: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._deadline = None if seconds is None else clock() + seconds

    @classmethod
    def from_lambda_context(
        cls, context: Any, safety_margin_seconds: float = DEFAULT_SAFETY_MARGIN_SECONDS
    ) -> TimeBudget:
        remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
        if remaining_ms is None:
            return cls(None)
        return cls(remaining_ms() / 1000.0 - safety_margin_seconds)

    def remaining(self) -> float | None:
        """Seconds left (never negative), or ``None`` when unlimited."""
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - self._clock())

    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def check(self, what: str) -> None:
        if self.expired():
            raise BudgetExhausted(f"time budget exhausted before {what} (the Lambda would time out)")

    def cap(self, seconds: float) -> float:
        """``seconds`` shortened so that a wait or a request timeout never outlives the deadline."""
        remaining = self.remaining()
        return seconds if remaining is None else min(seconds, remaining)
