"""Register the snapshot dates' partitions of each curated table in the Glue Data Catalog.

Runs in the build_tables Glue job, so it needs only a boto3 Glue client (no pandas, no
awswrangler): ``check_tables`` before anything is published, ``register_partitions`` after.
Terraform owns the tables (their columns, SerDe and partition key); this module only adds
partitions, with exactly the IAM actions Terraform grants: GetTable, BatchCreatePartition and
BatchUpdatePartition. A rerun of a date updates its partition in place, never duplicates it.

Athena itself finds the partitions by partition projection (terraform/catalog.tf); the registered
partitions are for the catalog's other readers (Spark, Glue) and for tables without projection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..lake_layout import is_snapshot_date, table_partition_path
from ..schemas import PARTITION_COLUMN, TABLES, catalog_columns

PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
"""The storage the Terraform catalog tables declare (terraform/catalog.tf); a partition matches its table."""


class CatalogTableMissingError(RuntimeError):
    """The Glue database or table is not there: Terraform creates them, this code never does."""


class CatalogSchemaMismatchError(RuntimeError):
    """The catalog table's columns or partition key differ from ``schemas.py``.

    Athena would fail on every query of such a partition (HIVE_PARTITION_SCHEMA_MISMATCH), so the
    job stops here and says which side to change.
    """


def partition_location(lake_path: str, table: str, snapshot_date: str) -> str:
    """The S3 folder of one partition, as Athena wants it: ``s3://`` and a trailing ``/``."""
    location = table_partition_path(lake_path, table, snapshot_date) + "/"
    if location.startswith("s3a://"):
        location = "s3://" + location[len("s3a://") :]
    return location


def partition_input(lake_path: str, table: str, snapshot_date: str) -> dict[str, Any]:
    """The PartitionInput of one table's partition: its value, location and Parquet storage."""
    return {
        "Values": [snapshot_date],
        "StorageDescriptor": {
            "Columns": [{"Name": name, "Type": type_name} for name, type_name in catalog_columns(table)],
            "Location": partition_location(lake_path, table, snapshot_date),
            "InputFormat": PARQUET_INPUT_FORMAT,
            "OutputFormat": PARQUET_OUTPUT_FORMAT,
            "Compressed": False,
            "SerdeInfo": {
                "Name": "parquet",
                "SerializationLibrary": PARQUET_SERDE,
                "Parameters": {"serialization.format": "1"},
            },
        },
    }


BATCH_SIZE = 100
"""The most partitions BatchCreatePartition and BatchUpdatePartition take in one call."""


def check_tables(glue_client: Any, database: str, tables: Iterable[str] = TABLES) -> None:
    """Fail clearly, before anything is published, when a catalog table is missing or declares
    other columns than ``schemas.py``: ``CatalogTableMissingError`` / ``CatalogSchemaMismatchError``
    naming the table and what to change (Terraform owns the tables; this code never creates them)."""
    for table in tables:
        _check_table(glue_client, database, table)


def register_partitions(
    glue_client: Any,
    database: str,
    lake_path: str,
    snapshot_dates: Iterable[str],
    tables: Iterable[str] = TABLES,
) -> dict[str, dict[str, int]]:
    """Create (or update, where it exists) the partition of each of ``snapshot_dates`` in each table.

    Returns ``{table: {"created": n, "updated": m}}``. Batches of ``BATCH_SIZE`` (a year of dates
    is a few calls per table, not hundreds); create first, then update the ones that already
    existed, so a concurrent rerun cannot make it fail and an existing partition gets today's
    location and columns. Call ``check_tables`` before publishing; a partition that can neither
    be created nor updated raises ``RuntimeError`` naming it and Glue's error.
    """
    dates = sorted(set(snapshot_dates))
    for snapshot_date in dates:
        _check_date(snapshot_date)
    results: dict[str, dict[str, int]] = {}
    for table in tables:
        existing: list[str] = []
        created = 0
        for batch in _batches(dates):
            response = glue_client.batch_create_partition(
                DatabaseName=database,
                TableName=table,
                PartitionInputList=[partition_input(lake_path, table, d) for d in batch],
            )
            errors = response.get("Errors", [])
            for error in errors:
                if error["ErrorDetail"].get("ErrorCode") != "AlreadyExistsException":
                    raise RuntimeError(
                        f"Glue catalog partition {database}.{table} {error['PartitionValues']} not "
                        f"created: {error['ErrorDetail']}"
                    )
                existing.extend(error["PartitionValues"])
            created += len(batch) - len(errors)
        for batch in _batches(sorted(existing)):
            response = glue_client.batch_update_partition(
                DatabaseName=database,
                TableName=table,
                Entries=[
                    {"PartitionValueList": [d], "PartitionInput": partition_input(lake_path, table, d)}
                    for d in batch
                ],
            )
            if response.get("Errors"):
                raise RuntimeError(
                    f"Glue catalog partitions of {database}.{table} not updated: {response['Errors']}"
                )
        results[table] = {"created": created, "updated": len(existing)}
    return results


def _batches(values: list[str]) -> list[list[str]]:
    return [values[start : start + BATCH_SIZE] for start in range(0, len(values), BATCH_SIZE)]


def _check_date(snapshot_date: str) -> None:
    if not is_snapshot_date(snapshot_date):
        raise ValueError(f"snapshot_date {snapshot_date!r} is not a YYYY-MM-DD date")


def _check_table(glue_client: Any, database: str, table: str) -> None:
    """Fail clearly when the table is missing or declares other columns than ``schemas.py``."""
    try:
        declared = glue_client.get_table(DatabaseName=database, Name=table)["Table"]
    except glue_client.exceptions.EntityNotFoundException as error:
        raise CatalogTableMissingError(
            f"Glue catalog table {database}.{table} does not exist ({error.response['Error']['Message']}). "
            "The catalog database and tables are created by Terraform: apply the Terraform catalog "
            "tables (terraform apply in terraform/) first, then rerun the job."
        ) from None
    problems = _schema_problems(table, declared)
    if problems:
        raise CatalogSchemaMismatchError(
            f"Glue catalog table {database}.{table} does not match schemas.py: {'; '.join(problems)}. "
            "Update the Terraform table definition (or schemas.py) so both agree, apply, then rerun."
        )


def _schema_problems(table: str, declared: Mapping[str, Any]) -> list[str]:
    def normalise(columns: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
        return [(c["Name"].lower(), c.get("Type", "").replace(" ", "").lower()) for c in columns]

    problems = []
    keys = [name for name, _ in normalise(declared.get("PartitionKeys", []))]
    if keys != [PARTITION_COLUMN]:
        problems.append(f"partition keys are {keys}, expected [{PARTITION_COLUMN!r}]")
    columns = normalise(declared.get("StorageDescriptor", {}).get("Columns", []))
    expected = catalog_columns(table)
    if columns != expected:
        problems.append(f"columns are {columns}, expected {expected}")
    return problems
