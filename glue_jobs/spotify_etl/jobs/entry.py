"""How a job starts: on Glue from ``sys.argv``, locally from a dict of the same arguments.

Both paths go through awsglue's getResolvedOptions (job_args.resolve_job_args), so an argument
that works locally works on Glue and the other way round.
"""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyspark.sql import SparkSession

from ..job_args import JobSpec, glue_workflow_properties, resolve_job_args, to_argv
from ..spark_session import build_spark_session

JobRun = Callable[[SparkSession, Mapping[str, Any]], dict[str, Any]]


SPARK_JOBS = "spark_jobs"
"""The summary's count of the Spark jobs the run launched (its fixed cost: each is a scheduling
round trip; the Spark UI's Jobs tab shows the same jobs under the job group ``<job>-<uuid>``)."""


def run_counting_spark_jobs(spark: SparkSession, spec: JobSpec, run: JobRun, args: Mapping[str, Any]) -> dict:
    """``run(spark, args)`` under a Spark job group of its own; the summary it returns gets
    ``spark_jobs``: how many Spark jobs the run launched (``StatusTracker.getJobIdsForGroup``).
    The count is lost when the run raises."""
    context = spark.sparkContext
    group = f"{spec.name}-{uuid.uuid4().hex[:12]}"
    context.setJobGroup(group, spec.name)
    try:
        summary = run(spark, args)
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
        context.setLocalProperty("spark.job.description", None)
    summary[SPARK_JOBS] = len(context.statusTracker().getJobIdsForGroup(group))
    return summary


def run_glue_job(spec: JobSpec, run: JobRun, argv: Sequence[str] | None = None) -> dict[str, Any]:
    """The Glue entry point: arguments (and workflow run properties), Glue's SparkSession, run."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = resolve_job_args(argv if argv is not None else sys.argv, spec, glue_workflow_properties)
    report = run_counting_spark_jobs(build_spark_session(app_name=spec.name), spec, run, args)
    print(json.dumps(report, default=str, sort_keys=True))  # the job's summary, in its CloudWatch log
    return report


def run_local_job(
    spark: SparkSession, spec: JobSpec, run: JobRun, arguments: Mapping[str, str | None]
) -> dict:
    """Run a job in this process with the arguments Glue would pass (no workflow properties); the
    summary counts its Spark jobs (``spark_jobs``)."""
    return run_counting_spark_jobs(spark, spec, run, resolve_job_args(to_argv(arguments), spec))
