"""One "not before" time shared by every worker: a 429 holds back all requests, not just one.

Spotify's rate limit is counted per app over a rolling window, not per connection. When one
request is answered 429 with ``Retry-After``, any other request sent before that time would be
refused too (and would count against the app again). So the worker that gets the 429 closes
the gate until then, and every worker waits at the gate before each request, instead of each
worker finding the limit by itself. Requests already on their way when the 429 arrives cannot
be called back; every request started after it waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .budget import BudgetExhausted, TimeBudget


class RateGate:
    """Thread-safe: ``hold`` from the worker that got the 429, ``wait`` before every request."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._not_before = float("-inf")

    def hold(self, seconds: float) -> None:
        """No request before ``seconds`` from now; a later time already set is kept."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)

    def delay(self) -> float:
        """Seconds until requests may be sent again (0 when the gate is open)."""
        with self._lock:
            return max(0.0, self._not_before - self._clock())

    def wait(self, budget: TimeBudget, what: str, sleep: Callable[[float], None]) -> None:
        """Return once the gate is open; ``BudgetExhausted`` at once if that is past the budget.

        ``sleep`` sleeps at least the time asked (as ``time.sleep`` does), so after one sleep the
        gate is open unless another 429 pushed it further meanwhile; then the wait goes on.
        """
        while True:
            with self._lock:
                target = self._not_before
            delay = target - self._clock()
            if delay <= 0:
                return
            remaining = budget.remaining()
            if remaining is not None and delay >= remaining:
                raise BudgetExhausted(
                    f"{what}: Spotify's rate limit (HTTP 429 Retry-After) holds every request for "
                    f"{delay:.1f} s more, beyond the time budget (the Lambda would time out)"
                )
            sleep(delay)
            with self._lock:
                if self._not_before <= target:
                    return
