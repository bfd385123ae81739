"""How a job starts: the Spark jobs a run launches are counted in its summary."""

from __future__ import annotations

import pytest

from spotify_etl.jobs import NORMALIZE_ITEMS
from spotify_etl.jobs.entry import SPARK_JOBS, run_counting_spark_jobs


def test_the_summary_counts_the_spark_jobs_of_the_run(spark):
    # An RDD action is exactly one Spark job; one before the run must not be counted.
    spark.sparkContext.parallelize([1, 2, 3]).count()

    def run(session, args):
        session.sparkContext.parallelize([1, 2, 3]).count()
        session.sparkContext.parallelize([4, 5]).sum()
        return {"status": "done"}

    summary = run_counting_spark_jobs(spark, NORMALIZE_ITEMS, run, {})
    assert summary == {"status": "done", SPARK_JOBS: 2}
    # The job group is cleared afterwards: a later action belongs to no run.
    assert spark.sparkContext.getLocalProperty("spark.jobGroup.id") is None


def test_a_failing_run_leaves_no_job_group_behind(spark):
    def run(session, args):
        raise ValueError("bad date")

    with pytest.raises(ValueError, match="bad date"):
        run_counting_spark_jobs(spark, NORMALIZE_ITEMS, run, {})
    assert spark.sparkContext.getLocalProperty("spark.jobGroup.id") is None
