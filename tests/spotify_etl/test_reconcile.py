import pytest

from spotify_etl.reconcile import ReconciliationError, raise_unless_holds, reconcile


def test_holds_when_every_item_is_accounted_for():
    result = reconcile("2026-11-20", 10, songs=6, skipped={"episode": 1, "null_item": 2}, quarantined_items=1)
    assert result.holds and result.accounted == 10
    raise_unless_holds(result)
    assert result.as_dict()["skipped"] == {"episode": 1, "null_item": 2}


def test_fails_with_the_numbers_when_an_item_is_missing():
    result = reconcile("2026-11-20", 10, songs=6, skipped={"episode": 1}, quarantined_items=1)
    assert not result.holds
    with pytest.raises(ReconciliationError, match=r"items read 10 != songs 6 \+ skipped 1 .* = 8"):
        raise_unless_holds(result)


def test_fails_when_something_is_counted_twice():
    with pytest.raises(ReconciliationError):
        raise_unless_holds(
            reconcile("2026-11-20", 3, songs=3, skipped={"local_file": 1}, quarantined_items=0)
        )
