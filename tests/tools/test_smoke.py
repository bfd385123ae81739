"""make smoke (tools/smoke.py) against doubles of the deployment.

S3 (the report) and Athena (the count query, through awswrangler as analyze --athena runs it)
are moto's. Moto cannot run a Lambda without Docker nor run Glue jobs (its workflow runs stay
RUNNING with no graph), so the Lambda invoke and Glue's GetWorkflowRun are botocore Stubbers:
real clients whose requests and scripted responses botocore checks against the services' API
models (a response shape the real service cannot send fails the test).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from spotify_etl.analysis.command import athena_runner
from spotify_etl.jobs import WORKFLOW

REGION = "eu-west-1"  # the moto Athena fixture's region and workgroup (tests/conftest.py)
WORKGROUP = "spotify-etl"
DATE = "2026-11-30"
RUN_ID = "20261130T060000Z-abc123"
WORKFLOW_RUN_ID = "wr_0123456789abcdef"
ROWS = {"album": 7, "artist": 9, "playlist": 2, "song": 12}
COUNT_COLUMNS = [("table_name", "varchar"), ("row_count", "bigint")]


@pytest.fixture(scope="module")
def smoke(load_tool):
    return load_tool("smoke")


@pytest.fixture
def names(smoke):
    return smoke.Names(
        region=REGION,
        function="spotify-etl-dev-extract",
        lambda_log_group="/aws/lambda/spotify-etl-dev-extract",
        workflow="spotify-etl-dev-daily",
        job_names={spec.name: f"spotify-etl-dev-{spec.name.replace('_', '-')}" for spec in WORKFLOW},
        glue_log_groups={
            "output": "/aws-glue/jobs/spotify-etl-dev/output",
            "error": "/aws-glue/jobs/spotify-etl-dev/error",
        },
        lake_path="s3://curated-bucket",
        raw_path="s3://raw-bucket/raw/spotify/playlist_items",
        workgroup=WORKGROUP,
        database="spotify_etl",
        alarm_topic_arn="arn:aws:sns:eu-west-1:123456789012:spotify-etl-dev-alarms",
    )


class Deployment:
    """Stubbers for the Lambda and Glue, and the clients smoke.py gets; with_aws() adds moto's S3
    (the curated bucket) and Athena for the tests that get as far as the report."""

    def __init__(self, smoke, names, lambda_client, glue_client) -> None:
        self.names = names
        self.lambda_stub = Stubber(lambda_client)
        self.glue_stub = Stubber(glue_client)
        self.clients = smoke.Clients(lambda_=lambda_client, glue=glue_client, s3=None, athena=None)
        self.sleeps: list[float] = []
        self.seed: Callable[..., None] | None = None

    def with_aws(self, seed: Callable[..., None]) -> None:
        """Inside the moto Athena fixture (its region and workgroup): the default session's clients."""
        self.clients.s3 = boto3.client("s3", region_name=REGION)
        self.clients.s3.create_bucket(
            Bucket="curated-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        self.clients.athena = athena_runner(self.names.database, self.names.workgroup)
        self.seed = seed

    def lambda_answers(self, payload: Any, function_error: str | None = None) -> None:
        body = json.dumps(payload).encode()
        response = {
            "StatusCode": 200,
            "ExecutedVersion": "$LATEST",
            "Payload": StreamingBody(io.BytesIO(body), len(body)),
        }
        if function_error:
            response["FunctionError"] = function_error
        expected = {
            "FunctionName": self.names.function,
            "InvocationType": "RequestResponse",
            "Payload": json.dumps({"snapshot_date": DATE}).encode(),
        }
        self.lambda_stub.add_response("invoke", response, expected)

    def workflow_answers(
        self, status: str, jobs: dict[str, list[tuple[str, str]]], error: str | None = None
    ) -> None:
        """One GetWorkflowRun answer: per job, its attempts as (state, error message)."""
        nodes = []
        for spec in WORKFLOW:
            glue_name = self.names.job_names[spec.name]
            runs = [
                {
                    "Id": f"jr_{spec.name}_{attempt}",
                    "Attempt": attempt,
                    "JobName": glue_name,
                    "JobRunState": state,
                    **({"ErrorMessage": message} if message else {}),
                }
                for attempt, (state, message) in enumerate(jobs.get(spec.name, []))
            ]
            nodes.append(
                {"Type": "JOB", "Name": glue_name, "UniqueId": spec.name, "JobDetails": {"JobRuns": runs}}
            )
        run = {
            "Name": self.names.workflow,
            "WorkflowRunId": WORKFLOW_RUN_ID,
            "WorkflowRunProperties": {"snapshot_date": DATE, "run_id": RUN_ID},
            "Status": status,
            "Graph": {"Nodes": nodes, "Edges": []},
            **({"ErrorMessage": error} if error else {}),
        }
        expected = {"Name": self.names.workflow, "RunId": WORKFLOW_RUN_ID, "IncludeGraph": True}
        self.glue_stub.add_response("get_workflow_run", {"Run": run}, expected)

    def report(self, **changes: Any) -> None:
        report = {
            "job": "build_tables",
            "snapshot_date": DATE,
            "run_id": RUN_ID,
            "rows": ROWS,
            "published": True,
        }
        report.update(changes)
        key = f"reports/snapshot_date={DATE}/build_tables.json"
        self.clients.s3.put_object(Bucket="curated-bucket", Key=key, Body=json.dumps(report).encode())

    def athena_counts(self, rows: dict[str, int]) -> None:
        self.seed(COUNT_COLUMNS, [[table, str(count)] for table, count in rows.items()])

    def run(self, smoke, timeout_s: float = 600) -> str:
        out = io.StringIO()
        ticks = iter(range(0, 10_000, 60))  # a minute per clock reading
        with self.lambda_stub, self.glue_stub:
            try:
                smoke.run_smoke(
                    self.clients,
                    self.names,
                    DATE,
                    out,
                    timeout_s=timeout_s,
                    poll_s=30,
                    clock=lambda: next(ticks),
                    sleep=self.sleeps.append,
                )
            finally:
                self.output = out.getvalue()
            self.lambda_stub.assert_no_pending_responses()
            self.glue_stub.assert_no_pending_responses()
        return self.output


@pytest.fixture(scope="module")
def stubbed_clients() -> tuple[Any, Any]:
    """Real Lambda and Glue clients (their API models); every call is answered by a Stubber."""
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}
    return boto3.client("lambda", **keys), boto3.client("glue", **keys)


@pytest.fixture
def deployment(smoke, names, stubbed_clients) -> Deployment:
    return Deployment(smoke, names, *stubbed_clients)


@pytest.fixture
def aws_deployment(deployment, athena, seed_athena_result) -> Deployment:
    deployment.with_aws(seed_athena_result)
    return deployment


def summary(**changes: Any) -> dict[str, Any]:
    """The Lambda's run summary (extract_lambda.runner.run_extract), as the invoke returns it."""
    found = {
        "run_id": RUN_ID,
        "snapshot_date": DATE,
        "status": "succeeded",
        "playlists": [{"playlist_id": "37i9dQZF1DXcBWIGoYBM5M", "status": "ok"}],
        "workflow": {"status": "started", "name": "spotify-etl-dev-daily", "run_id": WORKFLOW_RUN_ID},
        "workflow_run_id": WORKFLOW_RUN_ID,
    }
    found.update(changes)
    return found


SUCCEEDED = {"normalize_items": [("SUCCEEDED", None)], "build_tables": [("SUCCEEDED", None)]}


def test_a_working_deployment_passes_every_step(smoke, aws_deployment, athena_executions) -> None:
    aws_deployment.lambda_answers(summary())
    aws_deployment.workflow_answers("RUNNING", {"normalize_items": [("RUNNING", None)]})
    aws_deployment.workflow_answers("RUNNING", {"normalize_items": [("RUNNING", None)]})
    aws_deployment.workflow_answers(
        "RUNNING", {"normalize_items": [("SUCCEEDED", None)], "build_tables": [("RUNNING", None)]}
    )
    aws_deployment.workflow_answers("COMPLETED", SUCCEEDED)
    aws_deployment.report()
    aws_deployment.athena_counts(ROWS)

    out = aws_deployment.run(smoke)

    assert aws_deployment.sleeps == [30, 30, 30]  # between the four GetWorkflowRun calls
    lines = out.splitlines()
    # A progress line per change, not per poll: the repeated RUNNING answer prints nothing.
    progress = [line.split("min  ")[1] for line in lines if "min  workflow" in line]
    assert progress == [
        "workflow RUNNING: normalize_items RUNNING, build_tables not started",
        "workflow RUNNING: normalize_items SUCCEEDED, build_tables RUNNING",
        "workflow COMPLETED: normalize_items SUCCEEDED, build_tables SUCCEEDED",
    ]
    assert f"      run {RUN_ID}: succeeded, 1 playlist(s) landed" in lines
    assert "      album               7          7" in lines
    assert "      song               12         12" in lines
    assert (
        lines[-1] == f"smoke: OK: spotify-etl-dev-extract -> spotify-etl-dev-daily -> Athena works for {DATE}"
    )
    [execution] = athena_executions()
    assert execution["WorkGroup"] == WORKGROUP
    assert execution["QueryExecutionContext"]["Database"] == "spotify_etl"
    assert execution["Query"] == smoke.count_query(["album", "artist", "playlist", "song"], DATE)


def test_a_retried_job_that_succeeds_passes(smoke, aws_deployment) -> None:
    """FLEX capacity reclaimed: attempt 1 fails, the retry (max_retries = 1) succeeds."""
    aws_deployment.lambda_answers(summary())
    retried = {
        "normalize_items": [("FAILED", "capacity reclaimed"), ("SUCCEEDED", None)],
        "build_tables": [("SUCCEEDED", None)],
    }
    aws_deployment.workflow_answers("COMPLETED", retried)
    aws_deployment.report()
    aws_deployment.athena_counts(ROWS)
    out = aws_deployment.run(smoke)
    assert "normalize_items SUCCEEDED (attempt 2), build_tables SUCCEEDED" in out
    assert out.endswith(f"works for {DATE}\n")


def failure(smoke, aws_deployment, **kwargs) -> Any:
    with pytest.raises(smoke.SmokeFailure) as raised:
        aws_deployment.run(smoke, **kwargs)
    return raised.value


def test_a_lambda_that_raised_names_its_log_group_and_the_alarm(smoke, deployment) -> None:
    error = {"errorType": "NoPlaylistLanded", "errorMessage": "run X landed no playlist: 37i9: HTTP 403"}
    deployment.lambda_answers(error, function_error="Unhandled")
    found = failure(smoke, deployment)
    text = str(found)
    assert text.startswith("smoke: FAILED at step 1/6 (invoke): the Lambda raised NoPlaylistLanded: run X")
    assert "look at: log group /aws/lambda/spotify-etl-dev-extract" in text
    assert f"s3://raw-bucket/raw/spotify/playlist_items/snapshot_date={DATE}/" in text
    assert "extract-errors alarm on arn:aws:sns:eu-west-1:123456789012:spotify-etl-dev-alarms" in text


def test_a_workflow_that_did_not_start_says_how_to_start_it(smoke, deployment) -> None:
    workflow = {
        "status": "failed",
        "run_id": None,
        "error": "ConcurrentRunsExceededException: ...",
        "instruction": "start the Glue workflow by hand: aws glue start-workflow-run ...",
    }
    deployment.lambda_answers(summary(workflow=workflow, workflow_run_id=None))
    text = str(failure(smoke, deployment))
    assert (
        "step 1/6 (invoke): the Lambda started no Glue workflow run (ConcurrentRunsExceededException" in text
    )
    assert "look at: start the Glue workflow by hand" in text


def test_a_failed_job_names_its_logs_and_the_failure_event(smoke, deployment) -> None:
    deployment.lambda_answers(summary())
    failed = {
        "normalize_items": [("SUCCEEDED", None)],
        "build_tables": [("FAILED", "data quality failed"), ("FAILED", "data quality failed")],
    }
    deployment.workflow_answers("COMPLETED", failed)  # a workflow run COMPLETES with failed jobs
    found = failure(smoke, deployment)
    assert found.step == "jobs"
    assert (
        "build_tables (spotify-etl-dev-build-tables) ended FAILED after 2 attempt(s): data quality failed"
        in str(found)
    )
    assert found.look[0] == (
        "log groups /aws-glue/jobs/spotify-etl-dev/error and /aws-glue/jobs/spotify-etl-dev/output, "
        "streams jr_build_tables_1*"
    )
    assert f"s3://curated-bucket/reports/snapshot_date={DATE}/build_tables.json" in found.look[2]


def test_a_job_that_never_started(smoke, deployment) -> None:
    deployment.lambda_answers(summary())
    deployment.workflow_answers(
        "STOPPED", {"normalize_items": [("SUCCEEDED", None)]}, error="stopped by a user"
    )
    found = failure(smoke, deployment)
    assert found.step == "jobs"
    assert "build_tables (spotify-etl-dev-build-tables) never started" in found.what
    assert "(workflow STOPPED: stopped by a user)" in found.what


def test_a_workflow_still_running_at_the_timeout(smoke, deployment) -> None:
    deployment.lambda_answers(summary())
    for _ in range(2):
        deployment.workflow_answers("RUNNING", {"normalize_items": [("WAITING", None)]})
    found = failure(smoke, deployment, timeout_s=120)  # clock: 0 at the start, 60 and 120 s at the polls
    assert found.step == "workflow"
    assert f"workflow run {WORKFLOW_RUN_ID} still RUNNING after 2 min (it goes on)" in found.what
    assert f"--run-id {WORKFLOW_RUN_ID} --include-graph" in found.look[0]
    assert deployment.sleeps == [30]
    deployment.glue_stub.assert_no_pending_responses()


REPORT_PROBLEMS = [
    (
        None,
        "could not read s3://curated-bucket/reports/snapshot_date=2026-11-30/build_tables.json: NoSuchKey",
    ),
    ({"run_id": "20261129T060000Z-old"}, "is from run 20261129T060000Z-old, not from this smoke run"),
    ({"published": False}, "says the tables were not published (data quality or reconciliation failed)"),
    ({"rows": {"song": 12}}, "has rows for {'song': 12}, not for ['album', 'artist', 'playlist', 'song']"),
]


def test_a_report_that_is_missing_stale_unpublished_or_incomplete(smoke, aws_deployment) -> None:
    """One moto S3 for the four cases (each a whole smoke run): missing, from another run (a
    stale report of an earlier run of the day), not published, without every table."""
    for changes, message in REPORT_PROBLEMS:
        aws_deployment.lambda_answers(summary())
        aws_deployment.workflow_answers("COMPLETED", SUCCEEDED)
        if changes is not None:
            aws_deployment.report(**changes)
        found = failure(smoke, aws_deployment)
        assert found.step == "report", message
        assert message in found.what


def test_athena_counts_that_differ_from_the_report(smoke, aws_deployment) -> None:
    aws_deployment.lambda_answers(summary())
    aws_deployment.workflow_answers("COMPLETED", SUCCEEDED)
    aws_deployment.report()
    aws_deployment.athena_counts({**ROWS, "song": 0})
    found = failure(smoke, aws_deployment)
    assert found.step == "compare"
    assert found.what == "Athena's counts differ from the report: song report 12 athena 0"
    assert "      song               12          0" in aws_deployment.output


def test_a_failed_athena_query(smoke, aws_deployment, monkeypatch) -> None:
    """Moto never fails a query: its status check reports FAILED here, as Athena does when a table
    is missing or the caller may not decrypt."""
    from moto.athena.models import Execution

    aws_deployment.lambda_answers(summary())
    aws_deployment.workflow_answers("COMPLETED", SUCCEEDED)
    aws_deployment.report()

    def fail(self: Any) -> None:
        self.status = "FAILED"

    monkeypatch.setattr(Execution, "advance", fail)
    found = failure(smoke, aws_deployment)
    assert found.step == "athena"
    assert found.what.startswith(
        "the count query failed in workgroup spotify-etl, database spotify_etl: Athena"
    )
    assert "kms:Decrypt and kms:GenerateDataKey on the key" in found.look[0]


def test_the_count_query_is_one_statement_per_table_for_the_date(smoke) -> None:
    query = smoke.count_query(["album", "song"], DATE)
    assert query == (
        f"SELECT 'album' AS table_name, count(*) AS row_count FROM album WHERE snapshot_date = '{DATE}'\n"
        "UNION ALL\n"
        f"SELECT 'song' AS table_name, count(*) AS row_count FROM song WHERE snapshot_date = '{DATE}'"
    )
    with pytest.raises(ValueError):
        smoke.count_query(["album"], "2026-11-31")
    with pytest.raises(ValueError):
        smoke.count_query(["album; DROP TABLE song"], DATE)


def test_unknown_names_exit_2_with_what_to_set(smoke, fake_terraform, capsys) -> None:
    fake_terraform({})
    assert smoke.main(["--snapshot-date", DATE]) == 2
    err = capsys.readouterr().err
    assert "SPOTIFY_ETL_REGION=..." in err and "SPOTIFY_ETL_GLUE_JOB_NAMES=..." in err
    assert "not applied yet" in err


def test_names_come_from_terraform_outputs(smoke, fake_terraform) -> None:
    from spotify_etl.analysis.deployment import Deployment as Names_

    outputs = {output: f"value-of-{output}" for output in smoke.OUTPUTS}
    outputs["glue_job_names"] = {"normalize_items": "n", "build_tables": "b"}
    outputs["glue_log_groups"] = {"output": "/o", "error": "/e"}
    fake_terraform(outputs)
    names = smoke.Names.from_deployment(Names_())
    assert names.function == "value-of-lambda_function_name"
    assert names.workgroup == "value-of-athena_workgroup"
    assert names.job_names == {"normalize_items": "n", "build_tables": "b"}
    assert names.glue_logs("jr_1") == "log groups /e and /o, streams jr_1*"


def test_the_invoke_is_never_retried_and_outwaits_the_lambda(smoke, names, monkeypatch) -> None:
    """A retried synchronous invoke would run a second extraction; Lambda runs up to 900 s."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    clients = smoke.make_clients(names)
    config = clients.lambda_.meta.config
    assert config.retries["total_max_attempts"] == 1
    assert config.read_timeout > 900
    assert clients.glue.meta.region_name == REGION
