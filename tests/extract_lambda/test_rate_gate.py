"""The shared "not before" gate: one 429 holds every worker, on a clock the test controls."""

from __future__ import annotations

import threading

import pytest

from extract_lambda.budget import BudgetExhausted, TimeBudget
from extract_lambda.rate_gate import RateGate


class Clock:
    """A monotonic clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_an_open_gate_does_not_wait():
    clock = Clock()
    RateGate(clock).wait(TimeBudget(None, clock), "reading", clock.sleep)
    assert clock.sleeps == []


def test_wait_sleeps_until_the_held_time():
    clock = Clock()
    gate = RateGate(clock)
    gate.hold(2.0)
    clock.now += 0.5  # the worker got to the gate half a second later
    gate.wait(TimeBudget(None, clock), "reading", clock.sleep)
    assert clock.sleeps == [1.5]
    assert gate.delay() == 0.0


def test_a_shorter_hold_does_not_shorten_a_longer_one():
    clock = Clock()
    gate = RateGate(clock)
    gate.hold(5.0)
    gate.hold(1.0)
    assert gate.delay() == 5.0


def test_a_hold_during_the_sleep_makes_the_wait_go_on():
    clock = Clock()
    gate = RateGate(clock)
    gate.hold(2.0)

    def sleep_while_another_worker_gets_a_429(seconds: float) -> None:
        if not clock.sleeps:
            gate.hold(3.0)  # at 100.0: not before 103.0
        clock.sleep(seconds)

    gate.wait(TimeBudget(None, clock), "reading", sleep_while_another_worker_gets_a_429)
    assert clock.sleeps == [2.0, 1.0]
    assert clock.now == 103.0


def test_a_wait_past_the_budget_fails_at_once():
    clock = Clock()
    gate = RateGate(clock)
    gate.hold(30.0)
    with pytest.raises(
        BudgetExhausted, match=r"reading items 0-49: .*429.* 30\.0 s more, beyond the time budget"
    ):
        gate.wait(TimeBudget(10.0, clock), "reading items 0-49", clock.sleep)
    assert clock.sleeps == []


def test_holds_from_many_threads_keep_the_latest():
    clock = Clock()
    gate = RateGate(clock)
    threads = [threading.Thread(target=gate.hold, args=(float(seconds),)) for seconds in range(1, 41)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gate.delay() == 40.0
