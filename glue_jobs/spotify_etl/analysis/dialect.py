"""Translate the Trino (Athena) queries to DuckDB with sqlglot, for the local lake.

Dialect gaps are fixed in the SQL files (written in the subset both engines agree on), not here:
this module only translates, and refuses anything sqlglot cannot translate faithfully.
"""

from __future__ import annotations

import sqlglot
from sqlglot.errors import ErrorLevel


def parse_trino(trino_sql: str) -> sqlglot.exp.Expression:
    """Parse one Trino statement; raises ``sqlglot.errors.ParseError`` on anything else."""
    statements = [s for s in sqlglot.parse(trino_sql, read="trino") if s is not None]
    if len(statements) != 1:
        raise ValueError(f"expected exactly one SQL statement, found {len(statements)}")
    return statements[0]


def to_duckdb(trino_sql: str) -> str:
    """The DuckDB SQL of one Trino statement."""
    statements = sqlglot.transpile(
        trino_sql, read="trino", write="duckdb", unsupported_level=ErrorLevel.RAISE, pretty=True
    )
    if len(statements) != 1:
        raise ValueError(f"expected exactly one SQL statement, found {len(statements)}")
    return statements[0]
