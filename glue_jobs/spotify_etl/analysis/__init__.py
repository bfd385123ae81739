"""Answering questions about the lake: the ``sql/`` queries, run locally (DuckDB) or on Athena.

The queries are written once, in Athena's Trino dialect; locally they are translated to DuckDB
with sqlglot. ``command`` is the CLI entry point (``spotify-etl analyze``) and ``summarize_run``
is the end of ``spotify-etl run``.
"""
