"""The Athena path against moto: what is submitted (workgroup, database, text) and what comes back.

Moto does not execute SQL; it records the execution and serves results seeded through its
documented ``/moto-api/static/athena/query-results`` endpoint (a queue: the next execution whose
results are read gets the next seeded result).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from spotify_etl.analysis.athena_runner import run_athena
from spotify_etl.analysis.queries import load_query

WORKGROUP = "spotify-etl"
DATABASE = "spotify_etl"


def test_query_is_submitted_as_written_and_results_read_back(
    athena: Any,
    seed_athena_result: Callable[..., None],
    athena_executions: Callable[[], list[dict[str, Any]]],
) -> None:
    sql = load_query("top_artists").sql
    seed_athena_result(
        [("artist_name", "varchar"), ("songs", "bigint"), ("avg_popularity", "double")],
        [["Alice", "4", "56.7"], ["Cleo", "2", None]],
    )

    frame = run_athena(sql, database=DATABASE, workgroup=WORKGROUP, polling_delay=0)

    [execution] = athena_executions()
    assert execution["Query"] == sql  # the file's own text: what the console would run
    assert execution["QueryExecutionContext"]["Database"] == DATABASE
    assert execution["WorkGroup"] == WORKGROUP
    assert execution["Status"]["State"] == "SUCCEEDED"
    assert frame["artist_name"].tolist() == ["Alice", "Cleo"]
    assert frame["songs"].tolist() == [4, 2]
    assert frame["avg_popularity"].iloc[0] == 56.7
    assert frame["avg_popularity"].isna().iloc[1]  # unknown popularity stays null


def test_a_failed_athena_query_raises_query_failed(athena: Any, monkeypatch: Any) -> None:
    """Moto never fails a query: make the status check report FAILED, as Athena does on bad SQL."""
    from moto.athena.models import Execution

    from spotify_etl.analysis.errors import QueryFailedError

    def fail(self: Any) -> None:
        self.status = "FAILED"

    monkeypatch.setattr(Execution, "advance", fail)
    with pytest.raises(QueryFailedError, match="Athena"):
        run_athena("SELECT nope FROM song", database=DATABASE, workgroup=WORKGROUP, polling_delay=0)
