"""Reconciliation: every item read is a song, a skipped item (by reason) or a quarantined item.

If the sum does not hold, an item went missing or was counted twice somewhere between raw and
the tables; the job fails rather than publish numbers that do not add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass


class ReconciliationError(RuntimeError):
    """Items read != songs + skipped + quarantined."""


@dataclass(frozen=True)
class Reconciliation:
    snapshot_date: str
    items_read: int
    songs: int
    skipped: dict[str, int]
    quarantined_items: int

    @property
    def accounted(self) -> int:
        return self.songs + sum(self.skipped.values()) + self.quarantined_items

    @property
    def holds(self) -> bool:
        return self.items_read == self.accounted

    def as_dict(self) -> dict:
        return {**asdict(self), "accounted": self.accounted, "holds": self.holds}


def reconcile(
    snapshot_date: str, items_read: int, songs: int, skipped: Mapping[str, int], quarantined_items: int
) -> Reconciliation:
    return Reconciliation(snapshot_date, items_read, songs, dict(sorted(skipped.items())), quarantined_items)


def failure_message(result: Reconciliation) -> str | None:
    """Why the date's items do not add up (the numbers and what to do), or None when they do."""
    if result.holds:
        return None
    return (
        f"reconciliation failed for snapshot_date={result.snapshot_date}: items read "
        f"{result.items_read} != songs {result.songs} + skipped {sum(result.skipped.values())} "
        f"{result.skipped} + quarantined {result.quarantined_items} = {result.accounted}. "
        "Items were lost or double-counted between raw and the tables; nothing was published for "
        "that date; see the run report, fix, then rerun this date."
    )


def raise_unless_holds(result: Reconciliation) -> None:
    """``ReconciliationError`` with ``failure_message`` when the date's items do not add up."""
    message = failure_message(result)
    if message:
        raise ReconciliationError(message)
