"""The Athena workgroup and the saved queries: every sql/*.sql file becomes a named query."""

from __future__ import annotations

import re

NAMED_QUERY_FOR_EACH = '${fileset("${path.module}/../sql", "*.sql")}'
NAMED_QUERY_TEXT = '${file("${path.module}/../sql/${each.value}")}'


def test_every_sql_file_becomes_a_named_query_read_with_file(tf):
    query = tf.resource("aws_athena_named_query", "this")
    assert query["for_each"] == NAMED_QUERY_FOR_EACH
    assert query["query"] == NAMED_QUERY_TEXT
    assert query["name"] == '${trimsuffix(each.value, ".sql")}'
    assert query["database"] == "${aws_glue_catalog_database.lake.name}"
    assert query["workgroup"] == "${aws_athena_workgroup.main.id}"


def test_the_sql_folder_has_the_queries(tf):
    sql_dir = tf.resolve_module_path("${path.module}/../sql")
    files = sorted(sql_dir.glob("*.sql"))
    assert files, f"no *.sql files in {sql_dir}: the workgroup would have no saved queries"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.strip(), f"{path.name} is empty"
        assert len(text.encode()) <= 262_144, f"{path.name} is over Athena's 256 KiB query limit"
        # A named query's name: 1-128 characters; the file name without .sql.
        assert re.fullmatch(r"[A-Za-z0-9_.-]{1,128}", path.stem), f"{path.name}: unusable query name"


def test_workgroup_enforces_results_encryption_and_cutoff(tf):
    configuration = tf.resource("aws_athena_workgroup", "main")["configuration"][0]
    assert configuration["enforce_workgroup_configuration"] is True
    assert configuration["bytes_scanned_cutoff_per_query"] == "${var.athena_bytes_scanned_cutoff}"
    assert configuration["engine_version"][0]["selected_engine_version"] == "AUTO"
    results = configuration["result_configuration"][0]
    assert results["output_location"].startswith('s3://${aws_s3_bucket.data["athena-results"].bucket}/')
    assert results["encryption_configuration"][0]["encryption_option"] in ("SSE_S3", "SSE_KMS")
