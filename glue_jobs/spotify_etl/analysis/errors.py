"""The error both runners raise when the engine rejects or fails a query, so callers need not
know DuckDB's or awswrangler's exception types."""

from __future__ import annotations


class QueryFailedError(RuntimeError):
    """The engine (DuckDB or Athena) could not run the query; the message is the engine's."""
