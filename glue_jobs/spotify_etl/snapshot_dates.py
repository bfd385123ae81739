"""Which snapshot dates a run processes: one date, a list, inclusive ranges, or ``all``.

The jobs take ``snapshot_dates`` (job argument or Glue workflow run property) as a comma list of
dates and inclusive ranges, or the word ``all``:

    2026-11-20
    2026-11-18,2026-11-20
    2026-01-01..2026-03-31,2026-05-02
    all

``snapshot_date`` (one date) keeps working; both together mean their union. A date named on its
own is always processed (and reported when it has no raw data); a range or ``all`` stands for the
dates present in raw, so the gaps of a history (a day without extraction) are not errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .lake_layout import is_snapshot_date

ALL = "all"
RANGE_SEPARATOR = ".."


class SnapshotDatesError(ValueError):
    """``snapshot_dates`` cannot be read; the message names the part, where it came from and the form."""


@dataclass(frozen=True)
class DateSelection:
    """The dates a run is asked for, before they are matched with the dates present in raw.

    ``dates`` are dates named one by one (sorted, unique); ``ranges`` inclusive ``(first, last)``
    pairs; ``everything`` is ``all``.
    """

    dates: tuple[str, ...] = ()
    ranges: tuple[tuple[str, str], ...] = ()
    everything: bool = False

    @property
    def needs_raw_listing(self) -> bool:
        """Whether the dates depend on what raw holds (a range or ``all``)."""
        return self.everything or bool(self.ranges)

    def resolve(self, raw_dates: Iterable[str] = ()) -> tuple[str, ...]:
        """The dates to process, sorted: every named date, and the dates of ``raw_dates`` that a
        range or ``all`` covers. ``raw_dates`` is only needed when ``needs_raw_listing``."""
        chosen = set(self.dates)
        for day in raw_dates:
            if self.everything or any(first <= day <= last for first, last in self.ranges):
                chosen.add(day)
        return tuple(sorted(chosen))

    def union(self, other: DateSelection) -> DateSelection:
        return DateSelection(
            tuple(sorted({*self.dates, *other.dates})),
            tuple(sorted({*self.ranges, *other.ranges})),
            self.everything or other.everything,
        )

    def describe(self) -> str:
        """The selection as it would be written back in ``snapshot_dates``."""
        if self.everything:
            return ALL
        parts = [*self.dates, *(f"{first}{RANGE_SEPARATOR}{last}" for first, last in self.ranges)]
        return ",".join(parts)


def _date(text: str, source: str) -> str:
    if not is_snapshot_date(text):
        raise SnapshotDatesError(
            f"snapshot_dates from {source}: {text!r} is not a date in YYYY-MM-DD form; write dates and "
            f"inclusive ranges separated by commas (2026-11-18,2026-01-01..2026-03-31) or {ALL!r}"
        )
    return text


def parse_snapshot_dates(text: str, source: str) -> DateSelection:
    """Read a ``snapshot_dates`` value; ``source`` (``--snapshot_dates``, a run property...) is named
    in the error. Raises ``SnapshotDatesError`` for an empty value, a malformed date, a range that
    ends before it starts, or ``all`` mixed with dates."""
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise SnapshotDatesError(f"snapshot_dates from {source} is empty: give dates, ranges or {ALL!r}")
    dates: set[str] = set()
    ranges: set[tuple[str, str]] = set()
    everything = False
    for part in parts:
        if not part:
            continue
        if part.lower() == ALL:
            everything = True
        elif RANGE_SEPARATOR in part:
            first, _, last = part.partition(RANGE_SEPARATOR)
            first, last = _date(first.strip(), source), _date(last.strip(), source)
            if last < first:
                raise SnapshotDatesError(
                    f"snapshot_dates from {source}: the range {part!r} ends before it starts; "
                    f"write it first{RANGE_SEPARATOR}last"
                )
            ranges.add((first, last))
        else:
            dates.add(_date(part, source))
    if everything and (dates or ranges):
        raise SnapshotDatesError(
            f"snapshot_dates from {source}: {ALL!r} already means every date in raw; give it alone"
        )
    return DateSelection(tuple(sorted(dates)), tuple(sorted(ranges)), everything)


def single_date(snapshot_date: str) -> DateSelection:
    """The selection of one (already validated) date."""
    return DateSelection((snapshot_date,))
