"""The jobs' health as CloudWatch metrics: what each run published, skipped, quarantined, which
rule or check it broke, and how the API's answers looked.

Names, units and dimensions are declared here once; Terraform's alarms and dashboard
(terraform/monitoring.tf) are checked against them by tests/terraform. The jobs call ``publish``
at their end when they get ``--metrics_namespace`` (Terraform passes ``SpotifyETL/<prefix>``);
locally the same numbers are in the run reports. PutMetricData rather than the embedded metric
format: EMF needs the log agent to mark the log events (``x-amzn-logs-format: json/emf``),
which Glue's real-time logging does not promise.

Every metric is put at the time of the run, without a date dimension where an alarm watches it
(an alarm needs one fixed metric); the warnings are put twice, as a total and per check, so one
alarm watches the total and the dashboard shows which check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NAMESPACE_ARGUMENT = "metrics_namespace"
"""The job argument that names the namespace; without it the jobs put no metric."""

DATES_PUBLISHED = "DatesPublished"
"""build_tables: dates published by the run (Count). The freshness alarm watches its hourly Sum,
missing data breaching: no publish by the deadline is an alarm."""
DATES_NOT_PUBLISHED = "DatesNotPublished"
"""build_tables: dates of the run not published (a failed check, no valid input) (Count)."""
ROWS = "Rows"
"""build_tables: rows published per table (Count; dimension Table), summed over the run's dates."""
ITEMS_SKIPPED = "ItemsSkipped"
"""build_tables: playlist items that are not songs, per reason (Count; dimension Reason)."""
QUARANTINED = "QuarantinedRecords"
"""normalize_items: quarantined records per level: file, line, item (Count; dimension Level)."""
RULE_VIOLATIONS = "RuleViolations"
"""build_tables: offending rows per data-quality rule (Count; dimension Rule)."""
VOLUME_WARNINGS = "VolumeWarnings"
"""build_tables: volume and continuity warnings (Count), total and per check (dimension Check)."""
API_DRIFT_WARNINGS = "ApiDriftWarnings"
"""normalize_items: API drift warnings (Count), total and per check (dimension Check)."""
FIELD_PRESENCE = "FieldPresence"
"""normalize_items: share of items with each field the jobs read, in percent (dimension Field)."""
JOB_DURATION = "JobDuration"
"""Each job: seconds from start to end (Seconds; dimension Job)."""

ALARMED_METRICS = (DATES_PUBLISHED, VOLUME_WARNINGS, API_DRIFT_WARNINGS)
"""Metrics an alarm watches without a dimension (terraform/monitoring.tf)."""

DIMENSIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    DATES_PUBLISHED: ((),),
    DATES_NOT_PUBLISHED: ((),),
    ROWS: (("Table",),),
    ITEMS_SKIPPED: (("Reason",),),
    QUARANTINED: (("Level",),),
    RULE_VIOLATIONS: (("Rule",),),
    VOLUME_WARNINGS: ((), ("Check",)),
    API_DRIFT_WARNINGS: ((), ("Check",)),
    FIELD_PRESENCE: (("Field",),),
    JOB_DURATION: (("Job",),),
}
"""Every metric, with the sets of dimension names it is put with (a CloudWatch metric is its name
plus its exact dimensions: ``()`` is the total without a dimension). The dashboard and the alarms
in terraform/monitoring.tf are checked against this by tests/terraform."""

VOLUME_CHECKS = (
    "item_count_changed_same_snapshot",
    "songs_below_trailing_median",
    "playlist_missing",
    "empty_day",
)
"""build_tables' volume and continuity checks: the values of VolumeWarnings' dimension Check."""

API_DRIFT_CHECKS = ("field_share_dropped", "unknown_item_type", "unknown_field")
"""normalize_items' API drift checks: the values of ApiDriftWarnings' dimension Check."""

PUT_BATCH = 500
"""Metric data per PutMetricData call (the API takes up to 1,000 and 1 MB)."""


@dataclass(frozen=True)
class Metric:
    """One data point: ``name`` with ``value`` in ``unit`` (Count, Seconds, Percent) and dimensions."""

    name: str
    value: float
    unit: str = "Count"
    dimensions: dict[str, str] = field(default_factory=dict)

    def datum(self) -> dict[str, Any]:
        """The MetricDatum of PutMetricData."""
        datum: dict[str, Any] = {"MetricName": self.name, "Value": float(self.value), "Unit": self.unit}
        if self.dimensions:
            datum["Dimensions"] = [
                {"Name": key, "Value": str(value)} for key, value in sorted(self.dimensions.items())
            ]
        return datum


def warnings(name: str, counts: dict[str, int]) -> list[Metric]:
    """A warning metric as its total (no dimension: what an alarm watches) and per check."""
    return [
        Metric(name, sum(counts.values())),
        *(Metric(name, n, dimensions={"Check": c}) for c, n in counts.items()),
    ]


def publish(namespace: str | None, metrics: Sequence[Metric], client: Any = None) -> int:
    """Put ``metrics`` into ``namespace`` (nothing without one); returns how many were put.

    The jobs' AWS edge: a boto3 CloudWatch client with botocore's standard retries, batches of
    ``PUT_BATCH``. Raises botocore's error when CloudWatch refuses (the role must be allowed
    ``cloudwatch:PutMetricData`` for that namespace).
    """
    if not namespace or not metrics:
        return 0
    if client is None:
        import boto3
        from botocore.config import Config

        client = boto3.client("cloudwatch", config=Config(retries={"mode": "standard", "max_attempts": 10}))
    data = [metric.datum() for metric in metrics]
    for start in _starts(len(data)):
        client.put_metric_data(Namespace=namespace, MetricData=data[start : start + PUT_BATCH])
    return len(data)


def _starts(count: int) -> Iterable[int]:
    return range(0, count, PUT_BATCH)
