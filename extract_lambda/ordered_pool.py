"""One task per input on a bounded pool of threads; the outcomes come back in input order.

Reading a playlist is mostly waiting for Spotify, and a thread waiting on a socket releases the
GIL, so a few threads overlap those waits. The outcomes are handed back in the order of the
input whatever order the threads finish in, so the raw lines and the manifest of a run do not
depend on timing. Tasks are handed to the pool at most ``READ_AHEAD_PER_WORKER`` per worker
ahead of the caller, so when one playlist is slow the others' outcomes (whole encoded playlists)
do not pile up in memory waiting for their turn.

The tasks bound themselves by the run's time budget (every request timeout and every wait is
capped by it). In case one does not (a socket stuck in a way no timeout covers), the caller
stops waiting a short grace after the deadline: an unfinished task is reported as ``Unfinished``
and left behind, never waited for past the budget.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, TypeVar

from .budget import TimeBudget

T = TypeVar("T")
R = TypeVar("R")

READ_AHEAD_PER_WORKER = 4
"""Outcomes that may wait for their turn, per worker: enough to keep every worker busy past a
slow playlist, few enough to bound memory."""
STRAGGLER_GRACE_SECONDS = 2.0
"""How long after the deadline a task may take to notice it: its last request's timeout was
capped at the deadline, so it ends about then. Well inside the budget's safety margin (20 s)."""


@dataclass(frozen=True)
class Unfinished:
    """A task the budget ran out on: never started, or still running after ``running_seconds``."""

    started: bool
    running_seconds: float = 0.0


class _Task(Generic[T, R]):
    """One input's task, remembering when a worker picked it up."""

    def __init__(self, task: Callable[[T], R], item: T, clock: Callable[[], float]) -> None:
        self._task = task
        self._item = item
        self._clock = clock
        self._lock = threading.Lock()
        self.started_at: float | None = None

    def __call__(self) -> R:
        with self._lock:
            self.started_at = self._clock()
        return self._task(self._item)

    def running_seconds(self) -> float:
        with self._lock:
            return 0.0 if self.started_at is None else self._clock() - self.started_at


def map_in_order(
    task: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    budget: TimeBudget,
    clock: Callable[[], float] = time.monotonic,
    thread_name_prefix: str = "extract",
) -> Iterator[R | Unfinished]:
    """``task(item)`` for every item on at most ``workers`` threads, yielded in ``items`` order.

    A task's exception is raised here, at its turn in the order (tasks should return their
    failures rather than raise them).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    remaining = budget.remaining()
    give_up_at = None if remaining is None else clock() + remaining + STRAGGLER_GRACE_SECONDS
    executor = ThreadPoolExecutor(
        max_workers=min(workers, max(1, len(items))), thread_name_prefix=thread_name_prefix
    )
    pending: deque[tuple[_Task[T, R], Future[R]]] = deque()
    submitted = 0

    def submit_up_to(count: int) -> None:
        nonlocal submitted
        while submitted < min(count, len(items)):
            one = _Task(task, items[submitted], clock)
            pending.append((one, executor.submit(one)))
            submitted += 1

    try:
        submit_up_to(workers * READ_AHEAD_PER_WORKER)
        while pending:
            one, future = pending.popleft()
            timeout = None if give_up_at is None else max(0.0, give_up_at - clock())
            try:
                outcome: R | Unfinished = future.result(timeout=timeout)
            except FutureTimeout:
                # Still queued: cancelled, it never runs. Running: left behind, not waited for.
                started = not future.cancel()
                outcome = Unfinished(started, one.running_seconds() if started else 0.0)
            yield outcome
            submit_up_to(submitted + 1)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
