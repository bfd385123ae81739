"""Print query results as plain-text tables: aligned columns, readable in a terminal or a log."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

EMPTY = "-"
"""How a null (unknown) value prints: visibly different from 0 or an empty string."""


def format_value(value: Any) -> str:
    """One cell: nulls as ``-`` (unknown, not zero), floats as written (the queries round them)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return EMPTY
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return EMPTY
        text = repr(float(value))  # shortest exact form: 56.7, 20.0, 2.94
        return text if len(text) <= 12 else f"{float(value):.6f}".rstrip("0").rstrip(".")
    return str(value)


def format_table(
    frame: pd.DataFrame,
    title: str | None = None,
    notes: Iterable[str] = (),
    max_rows: int | None = None,
    max_width: int = 40,
) -> str:
    """The frame as text: a title, optional notes, a header, a rule and the rows.

    Numbers align right, text left; cells longer than ``max_width`` are cut with ``…``; with
    ``max_rows``, the rest is summarised as ``… N more rows`` rather than silently dropped.
    """
    lines = []
    if title:
        lines += [title, "=" * len(title)]
    lines += list(notes)
    if frame.empty:
        columns = "  ".join(str(c) for c in frame.columns)
        return "\n".join([*lines, columns, "(no rows)"]) + "\n"

    shown = frame if max_rows is None else frame.head(max_rows)
    columns = [str(c) for c in frame.columns]
    cells = [[_cut(format_value(v), max_width) for v in row] for row in shown.itertuples(index=False)]
    numeric = [
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        for dtype in frame.dtypes
    ]
    widths = [max([len(columns[i]), *(len(row[i]) for row in cells)]) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    lines += [line(columns), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in cells]
    if len(frame) > len(shown):
        lines.append(f"… {len(frame) - len(shown)} more rows")
    return "\n".join(lines) + "\n"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
