"""The time budget: Lambda remaining time minus the safety margin, never outlived."""

from __future__ import annotations

import pytest

from extract_lambda.budget import BudgetExhausted, TimeBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Context:
    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def test_from_lambda_context_subtracts_the_safety_margin():
    budget = TimeBudget.from_lambda_context(Context(), safety_margin_seconds=15)
    assert 44.9 < budget.remaining() <= 45.0


def test_without_a_context_there_is_no_deadline():
    budget = TimeBudget.from_lambda_context(object())
    assert budget.remaining() is None
    assert not budget.expired()
    assert budget.cap(7.5) == 7.5


def test_expiry_cap_and_check():
    clock = Clock()
    budget = TimeBudget(10.0, clock=clock)
    assert budget.cap(30.0) == 10.0
    clock.now += 9.0
    assert budget.cap(30.0) == pytest.approx(1.0)
    budget.check("the next page")
    clock.now += 2.0
    assert budget.remaining() == 0.0 and budget.expired()
    with pytest.raises(BudgetExhausted, match="before the next page"):
        budget.check("the next page")
