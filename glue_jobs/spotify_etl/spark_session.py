"""The SparkSession: Glue's own on AWS, a small local one on a laptop and in tests."""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession

LOCAL_LOG4J = os.path.join(os.path.dirname(os.path.abspath(__file__)), "log4j2-local.properties")


def build_spark_session(
    app_name: str = "spotify-etl", master: str | None = None, shuffle_partitions: int | None = None
) -> SparkSession:
    """Return the active session (Glue's), or build a local one when ``master`` is given.

    UTC everywhere: ``added_at`` and ``extracted_at`` are UTC instants and must not shift with the
    laptop's time zone. Dynamic partition overwrite: a rerun replaces only its own date.
    """
    builder = SparkSession.builder.appName(app_name)
    if master:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            builder.master(master)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 4))
            .config("spark.default.parallelism", str(shuffle_partitions or 4))
            .config("spark.driver.memory", os.environ.get("SPOTIFY_ETL_DRIVER_MEMORY", "2g"))
            .config("spark.sql.warehouse.dir", os.path.join(os.getcwd(), ".spark-warehouse"))
            .config(
                "spark.driver.extraJavaOptions",
                f"-Duser.timezone=UTC -Dlog4j2.configurationFile=file:{LOCAL_LOG4J}",
            )
            .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
        )
    session = (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .config("spark.sql.parquet.compression.codec", "snappy")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel(os.environ.get("SPOTIFY_ETL_SPARK_LOG_LEVEL", "ERROR"))
    return session
