"""Run a query on Athena with awswrangler: the same Trino text, sent as it is.

``ctas_approach=False``: the result comes back through Athena's CSV result file, so the
workgroup needs no permission to create tables, and the query text is exactly the file's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .errors import QueryFailedError


def run_athena(
    trino_sql: str,
    *,
    database: str,
    workgroup: str,
    s3_output: str | None = None,
    boto3_session: Any | None = None,
    polling_delay: float = 1.0,
) -> pd.DataFrame:
    """The query's result on Athena; ``s3_output`` only when the workgroup does not set one."""
    import awswrangler as wr

    try:
        return wr.athena.read_sql_query(
            trino_sql,
            database=database,
            workgroup=workgroup,
            ctas_approach=False,
            s3_output=s3_output,
            boto3_session=boto3_session,
            athena_query_wait_polling_delay=polling_delay,
        )
    except wr.exceptions.QueryFailed as error:
        raise QueryFailedError(f"Athena: {error}") from error
