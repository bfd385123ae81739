"""map_in_order: at most N tasks at once, outcomes in input order, never waited for past the budget."""

from __future__ import annotations

import threading
import time

import pytest

from extract_lambda import ordered_pool
from extract_lambda.budget import TimeBudget
from extract_lambda.ordered_pool import Unfinished, map_in_order


def test_outcomes_come_in_input_order_when_tasks_finish_in_reverse():
    items = list(range(6))
    finished = [threading.Event() for _ in items]
    finish_order: list[int] = []

    def task(item: int) -> str:
        if item + 1 < len(items):  # wait for the next item: the last finishes first
            assert finished[item + 1].wait(timeout=5)
        finish_order.append(item)
        finished[item].set()
        return f"outcome {item}"

    outcomes = list(map_in_order(task, items, workers=len(items), budget=TimeBudget(None)))
    assert finish_order == [5, 4, 3, 2, 1, 0]
    assert outcomes == [f"outcome {item}" for item in items]


@pytest.mark.parametrize("workers", [1, 3])
def test_never_more_than_workers_tasks_at_once_and_that_many_do_run(workers):
    lock = threading.Lock()
    running = 0
    most = 0
    together = threading.Barrier(workers)  # the first `workers` tasks can only pass it together

    def task(item: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if item < workers:
            together.wait(timeout=5)
        time.sleep(0.005)
        with lock:
            running -= 1
        return item

    items = list(range(12))
    assert list(map_in_order(task, items, workers, TimeBudget(None))) == items
    assert most == workers


def test_tasks_run_at_most_the_read_ahead_beyond_the_outcome_awaited():
    window = 2 * ordered_pool.READ_AHEAD_PER_WORKER
    lock = threading.Lock()
    started: list[int] = []

    def task(item: int) -> int:
        with lock:
            started.append(item)
        if item == 0:
            time.sleep(0.3)  # the other worker meanwhile runs whatever it may
        return item

    outcomes = map_in_order(task, list(range(40)), 2, TimeBudget(None))
    assert next(outcomes) == 0
    with lock:
        assert max(started) < window  # not one task beyond the window while item 0 was awaited
    assert list(outcomes) == list(range(1, 40))
    assert sorted(started) == list(range(40))


def test_a_task_stuck_past_the_budget_is_left_behind(monkeypatch):
    monkeypatch.setattr(ordered_pool, "STRAGGLER_GRACE_SECONDS", 0.1)
    release = threading.Event()

    def task(item: str) -> str:
        if item == "stuck":
            release.wait(timeout=30)  # ignores the budget, as no task should
        return item

    try:
        began = time.monotonic()
        outcomes = list(map_in_order(task, ["a", "stuck", "queued"], 1, TimeBudget(0.3)))
        waited = time.monotonic() - began
    finally:
        release.set()
    assert outcomes[0] == "a"
    stuck, queued = outcomes[1:]
    assert isinstance(stuck, Unfinished) and stuck.started and stuck.running_seconds > 0
    assert queued == Unfinished(started=False)
    assert waited < 10  # the stuck task would have taken 30 s


def test_a_task_exception_is_raised_at_its_turn():
    def task(item: int) -> int:
        if item == 1:
            raise KeyError("boom")
        return item

    outcomes = map_in_order(task, [0, 1, 2], 2, TimeBudget(None))
    assert next(outcomes) == 0
    with pytest.raises(KeyError, match="boom"):
        next(outcomes)


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="workers must be at least 1"):
        list(map_in_order(str, [1], 0, TimeBudget(None)))
