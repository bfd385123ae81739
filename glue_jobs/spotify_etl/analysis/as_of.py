"""Pin a query to one snapshot date by rewriting its ``as_of`` CTE: the same file for both engines.

Every query starts with ``WITH as_of AS (SELECT max(snapshot_date) AS snapshot_date FROM
playlist)`` and takes "the latest snapshot" (and "the one before") from it, so the file runs as
it is in the Athena console. ``--snapshot-date D`` replaces that CTE's body, in sqlglot's syntax
tree, by ``SELECT 'D' AS snapshot_date``: no placeholders in the files, no string splicing, and
the date is validated before it becomes a literal.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from ..lake_layout import is_snapshot_date

AS_OF_CTE = "as_of"


class AsOfError(ValueError):
    """A bad date, or a query without the ``as_of`` CTE to pin."""


def validate_snapshot_date(value: str) -> str:
    """Return ``value`` if it is a real ``YYYY-MM-DD`` date (the partition values' form)."""
    if not is_snapshot_date(value):
        raise AsOfError(f"snapshot date {value!r} is not a date in YYYY-MM-DD form, e.g. 2026-11-20")
    return value


def as_of_cte(tree: exp.Expression) -> exp.CTE:
    """The ``as_of`` CTE of a parsed query; every query in ``sql/`` must have one."""
    for cte in tree.find_all(exp.CTE):
        if cte.alias_or_name == AS_OF_CTE:
            return cte
    raise AsOfError(f"the query has no {AS_OF_CTE!r} CTE to pin a snapshot date on")


def pin_snapshot_date(trino_sql: str, snapshot_date: str) -> str:
    """The query in Trino SQL, with its ``as_of`` CTE set to ``snapshot_date`` instead of the latest."""
    validate_snapshot_date(snapshot_date)
    tree = sqlglot.parse_one(trino_sql, read="trino")
    cte = as_of_cte(tree)
    cte.set("this", exp.select(exp.Literal.string(snapshot_date).as_("snapshot_date")))
    return tree.sql(dialect="trino", pretty=True)


def query_text(trino_sql: str, snapshot_date: str | None) -> str:
    """What to run: the file as it is (latest snapshot), or pinned to ``snapshot_date``."""
    return trino_sql if snapshot_date is None else pin_snapshot_date(trino_sql, snapshot_date)
