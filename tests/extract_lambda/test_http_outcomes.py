"""One playlist's HTTP outcomes: the manifest's ``http`` object (counted over real HTTP in
test_spotify_client and test_runner)."""

from __future__ import annotations

from extract_lambda.http_outcomes import HttpOutcomes, no_requests


def test_the_report_counts_requests_answers_and_retries_and_keeps_the_latest_ending():
    outcomes = HttpOutcomes()
    outcomes.sent(retry=False)
    outcomes.answered(503)
    outcomes.sent(retry=True)
    outcomes.answered(200)
    outcomes.ended(200)
    outcomes.sent(retry=False)
    outcomes.answered(404)
    outcomes.ended(404)
    assert outcomes.report() == {
        "status": 404,
        "requests": 3,
        "responses": {"200": 1, "404": 1, "503": 1},
        "retries": 1,
    }
    assert list(outcomes.report()["responses"]) == ["200", "404", "503"]


def test_a_report_is_a_copy_that_later_requests_leave_alone():
    outcomes = HttpOutcomes()
    outcomes.sent(retry=False)
    outcomes.answered(200)
    first = outcomes.report()
    outcomes.sent(retry=True)
    outcomes.answered(200)
    outcomes.ended(200)
    assert first == {"status": None, "requests": 1, "responses": {"200": 1}, "retries": 0}


def test_no_requests():
    assert no_requests() == {"status": None, "requests": 0, "responses": {}, "retries": 0}
