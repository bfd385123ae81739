"""make smoke: prove a deployment works end to end, with your own AWS credentials.

After `make deploy` (and the Spotify secret set), for today's UTC date or --snapshot-date D:

  1. invoke the extract Lambda synchronously with {"snapshot_date": D} and read its summary;
  2. wait for the Glue workflow run the Lambda started (progress lines while it runs);
  3. check that every job of the workflow (spotify_etl.jobs.WORKFLOW) ended SUCCEEDED;
  4. read build_tables' report, reports/snapshot_date=D/build_tables.json in the curated bucket;
  5. count each table's rows for D with one Athena query, in the deployed workgroup and database;
  6. print rows per table and compare them with the report.

Every failure names its step and where to look (log group, report path, alarm, queue); exit
status 0 when the deployment works, 1 when a step failed, 2 when the deployment's names are
unknown. Names come from `terraform -chdir=terraform output -json`, or from SPOTIFY_ETL_<OUTPUT>
environment variables (spotify_etl.analysis.deployment). The run is a real one: it extracts D
again (a second extraction of a day is safe: the jobs keep each playlist's latest) and costs
what a daily run costs.

Usage: python tools/smoke.py [--snapshot-date YYYY-MM-DD] [--timeout-minutes 90] [--poll-seconds 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from spotify_etl.analysis.command import athena_runner
from spotify_etl.analysis.deployment import Deployment, DeploymentError
from spotify_etl.analysis.errors import QueryFailedError
from spotify_etl.jobs import BUILD_TABLES, WORKFLOW
from spotify_etl.lake_layout import is_snapshot_date, report_path
from spotify_etl.schemas import TABLES

STEPS = ("invoke", "workflow", "jobs", "report", "athena", "compare")
LAMBDA_MAX_SECONDS = 900
"""Lambda's longest timeout: the synchronous invoke waits this long (plus a margin), never retried
(a retry would run a second extraction)."""
WORKFLOW_DONE = {"COMPLETED", "STOPPED", "ERROR"}
OUTPUTS = (
    "region",
    "lambda_function_name",
    "lambda_log_group",
    "glue_workflow_name",
    "glue_job_names",
    "glue_log_groups",
    "lake_path",
    "raw_path",
    "athena_workgroup",
    "glue_database",
    "alarm_topic_arn",
)
"""The Terraform outputs (terraform/outputs.tf) the smoke test needs."""
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class SmokeFailure(Exception):
    """One step failed: which, what happened, and where to look."""

    def __init__(self, step: str, what: str, look: list[str]) -> None:
        super().__init__(what)
        self.step, self.what, self.look = step, what, look

    def __str__(self) -> str:
        number = STEPS.index(self.step) + 1
        lines = [f"smoke: FAILED at step {number}/{len(STEPS)} ({self.step}): {self.what}"]
        lines += [f"  look at: {place}" for place in self.look]
        return "\n".join(lines)


@dataclass(frozen=True)
class Names:
    """The deployment's names, as terraform/outputs.tf gives them."""

    region: str
    function: str
    lambda_log_group: str
    workflow: str
    job_names: Mapping[str, str]
    glue_log_groups: Mapping[str, str]
    lake_path: str
    raw_path: str
    workgroup: str
    database: str
    alarm_topic_arn: str

    @classmethod
    def from_deployment(cls, deployment: Deployment) -> Names:
        found = {name: setting.value for name, setting in deployment.require(*OUTPUTS).items()}
        return cls(
            region=found["region"],
            function=found["lambda_function_name"],
            lambda_log_group=found["lambda_log_group"],
            workflow=found["glue_workflow_name"],
            job_names=found["glue_job_names"],
            glue_log_groups=found["glue_log_groups"],
            lake_path=found["lake_path"],
            raw_path=found["raw_path"],
            workgroup=found["athena_workgroup"],
            database=found["glue_database"],
            alarm_topic_arn=found["alarm_topic_arn"],
        )

    def glue_logs(self, job_run_id: str | None = None) -> str:
        streams = f", streams {job_run_id}*" if job_run_id else ""
        return f"log groups {self.glue_log_groups['error']} and {self.glue_log_groups['output']}{streams}"


@dataclass
class Clients:
    """What the smoke test calls: boto3 clients, and a function that runs one Athena query."""

    lambda_: Any
    glue: Any
    s3: Any
    athena: Callable[[str], Any]


def make_clients(names: Names) -> Clients:  # pragma: no cover - real AWS
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(region_name=names.region)
    invoke_config = Config(
        read_timeout=LAMBDA_MAX_SECONDS + 60, connect_timeout=10, retries={"total_max_attempts": 1}
    )
    standard = Config(retries={"mode": "standard"})
    return Clients(
        lambda_=session.client("lambda", config=invoke_config),
        glue=session.client("glue", config=standard),
        s3=session.client("s3", config=standard),
        athena=athena_runner(names.database, names.workgroup, names.region),
    )


def invoke_extraction(clients: Clients, names: Names, snapshot_date: str, out: TextIO) -> dict[str, Any]:
    """Step 1: the Lambda's run summary; fails when it raised or started no workflow run."""
    out.write(f"[1/6] invoking {names.function} for {snapshot_date} (waits for the extraction)\n")
    lambda_logs = f"log group {names.lambda_log_group}"
    manifests = f"the run manifests under {names.raw_path}/snapshot_date={snapshot_date}/"
    try:
        response = clients.lambda_.invoke(
            FunctionName=names.function,
            InvocationType="RequestResponse",
            Payload=json.dumps({"snapshot_date": snapshot_date}).encode(),
        )
    except Exception as error:  # botocore ClientError, a timeout: the call itself failed
        raise SmokeFailure(
            "invoke",
            f"could not invoke {names.function}: {type(error).__name__}: {error}",
            [lambda_logs, "your credentials' lambda:InvokeFunction on the function"],
        ) from None
    payload = json.loads(response["Payload"].read() or b"null")
    if "FunctionError" in response:
        error = payload if isinstance(payload, dict) else {}
        raise SmokeFailure(
            "invoke",
            f"the Lambda raised {error.get('errorType', 'an error')}: {error.get('errorMessage', payload)}",
            [lambda_logs, manifests, f"the extract-errors alarm on {names.alarm_topic_arn}"],
        )
    summary = payload if isinstance(payload, dict) else {}
    failed = [p for p in summary.get("playlists", []) if p.get("status") != "ok"]
    out.write(
        f"      run {summary.get('run_id')}: {summary.get('status')}, "
        f"{len(summary.get('playlists', [])) - len(failed)} playlist(s) landed\n"
    )
    for playlist in failed:
        out.write(f"      warning: playlist {playlist.get('playlist_id')} failed: {playlist.get('error')}\n")
    workflow = summary.get("workflow") or {}
    if not summary.get("workflow_run_id"):
        why = workflow.get("error") or workflow.get("reason") or workflow.get("status") or "no summary"
        look = [lambda_logs, manifests]
        if workflow.get("instruction"):
            look.append(workflow["instruction"])
        raise SmokeFailure("invoke", f"the Lambda started no Glue workflow run ({why})", look)
    return summary


def latest_job_runs(run: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each job's last attempt in the run's graph (a retried run has attempts 0 and 1)."""
    latest: dict[str, dict[str, Any]] = {}
    for node in run.get("Graph", {}).get("Nodes", []):
        if node.get("Type") != "JOB":
            continue
        for job_run in node.get("JobDetails", {}).get("JobRuns", []):
            name = job_run["JobName"]
            if name not in latest or job_run.get("Attempt", 0) >= latest[name].get("Attempt", 0):
                latest[name] = job_run
    return latest


def describe(run: Mapping[str, Any], names: Names) -> str:
    runs = latest_job_runs(run)
    parts = []
    for spec in WORKFLOW:
        job_run = runs.get(names.job_names[spec.name])
        state = job_run["JobRunState"] if job_run else "not started"
        attempt = f" (attempt {job_run['Attempt'] + 1})" if job_run and job_run.get("Attempt") else ""
        parts.append(f"{spec.name} {state}{attempt}")
    return f"workflow {run['Status']}: " + ", ".join(parts)


def wait_for_workflow(
    clients: Clients,
    names: Names,
    run_id: str,
    out: TextIO,
    timeout_s: float,
    poll_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Step 2: the workflow run once it is over (COMPLETED, STOPPED or ERROR); a line per change."""
    out.write(
        f"[2/6] waiting for workflow run {run_id} of {names.workflow} (up to {timeout_s / 60:.0f} min)\n"
    )
    started = clock()
    last = None
    while True:
        try:
            run = clients.glue.get_workflow_run(Name=names.workflow, RunId=run_id, IncludeGraph=True)["Run"]
        except Exception as error:
            raise SmokeFailure(
                "workflow",
                f"could not read workflow run {run_id}: {type(error).__name__}: {error}",
                ["your credentials' glue:GetWorkflowRun on the workflow"],
            ) from None
        line = describe(run, names)
        elapsed = clock() - started
        if line != last:
            out.write(f"      {elapsed / 60:5.1f} min  {line}\n")
            last = line
        if run["Status"] in WORKFLOW_DONE:
            return run
        if elapsed >= timeout_s:
            raise SmokeFailure(
                "workflow",
                f"workflow run {run_id} still {run['Status']} after {timeout_s / 60:.0f} min (it goes on)",
                [
                    f"aws glue get-workflow-run --region {names.region} --name {names.workflow} "
                    f"--run-id {run_id} --include-graph",
                    names.glue_logs(),
                    "a FLEX job may wait for capacity: try again later, or raise --timeout-minutes",
                ],
            )
        sleep(poll_s)


def check_job_runs(run: Mapping[str, Any], names: Names, snapshot_date: str) -> None:
    """Step 3: every job of the workflow ran, and its last attempt SUCCEEDED."""
    runs = latest_job_runs(run)
    for spec in WORKFLOW:
        glue_name = names.job_names[spec.name]
        job_run = runs.get(glue_name)
        if job_run is None:
            raise SmokeFailure(
                "jobs",
                f"{spec.name} ({glue_name}) never started in workflow run {run['WorkflowRunId']} "
                f"(workflow {run['Status']}{': ' + run['ErrorMessage'] if run.get('ErrorMessage') else ''})",
                [
                    f"the Glue console: workflow {names.workflow}, run {run['WorkflowRunId']}",
                    names.glue_logs(),
                ],
            )
        if job_run["JobRunState"] != "SUCCEEDED":
            raise SmokeFailure(
                "jobs",
                f"{spec.name} ({glue_name}) ended {job_run['JobRunState']} after "
                f"{job_run.get('Attempt', 0) + 1} attempt(s): {job_run.get('ErrorMessage', 'no message')}",
                [
                    names.glue_logs(job_run["Id"]),
                    f"the Glue job failure event on {names.alarm_topic_arn}",
                    f"the job's report {report_path(names.lake_path, snapshot_date, spec.name)}",
                ],
            )


def read_report(clients: Clients, names: Names, snapshot_date: str, run_id: str) -> dict[str, Any]:
    """Step 4: build_tables' report for the date, written by this run and published."""
    uri = report_path(names.lake_path, snapshot_date, BUILD_TABLES.name)
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    try:
        report = json.loads(clients.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except Exception as error:
        raise SmokeFailure(
            "report",
            f"could not read {uri}: {type(error).__name__}: {error}",
            [
                names.glue_logs(),
                "your credentials' s3:GetObject on the curated bucket and kms:Decrypt on the key",
            ],
        ) from None
    if report.get("run_id") != run_id:
        raise SmokeFailure(
            "report",
            f"{uri} is from run {report.get('run_id')}, not from this smoke run {run_id}",
            [uri, names.glue_logs()],
        )
    if report.get("published") is not True:
        raise SmokeFailure(
            "report",
            f"{uri} says the tables were not published (data quality or reconciliation failed)",
            [f"{uri}: data_quality and reconciliation", names.glue_logs()],
        )
    rows = report.get("rows")
    if not isinstance(rows, dict) or set(rows) != set(TABLES):
        raise SmokeFailure("report", f"{uri} has rows for {rows}, not for {sorted(TABLES)}", [uri])
    return report


def count_query(tables: list[str], snapshot_date: str) -> str:
    """One Athena query: each table's row count for the date (one row per table, zero included)."""
    if not is_snapshot_date(snapshot_date) or not all(_IDENTIFIER.match(table) for table in tables):
        raise ValueError(f"not a date or not table names: {snapshot_date!r}, {tables!r}")
    return "\nUNION ALL\n".join(
        f"SELECT '{table}' AS table_name, count(*) AS row_count FROM {table} "
        f"WHERE snapshot_date = '{snapshot_date}'"
        for table in tables
    )


def count_rows_in_athena(clients: Clients, names: Names, snapshot_date: str) -> dict[str, int]:
    """Step 5: rows per table for the date, as Athena sees them in the deployed workgroup."""
    tables = sorted(TABLES)
    try:
        frame = clients.athena(count_query(tables, snapshot_date))
    except QueryFailedError as error:
        raise SmokeFailure(
            "athena",
            f"the count query failed in workgroup {names.workgroup}, database {names.database}: {error}",
            [
                "your credentials' athena:*Query*, glue:GetTable/GetPartitions, s3 on the curated and "
                "results buckets, and kms:Decrypt and kms:GenerateDataKey on the key (docs/deploy.md)",
                f"the Athena console, workgroup {names.workgroup}: the query's error",
            ],
        ) from None
    return {str(row["table_name"]): int(row["row_count"]) for _, row in frame.iterrows()}


def compare(report: Mapping[str, Any], counted: Mapping[str, int], names: Names, out: TextIO) -> None:
    """Step 6: rows per table, the report's and Athena's, which must agree."""
    out.write(f"[6/6] rows per table for {report['snapshot_date']}\n")
    out.write(f"      {'table':<10} {'report':>10} {'athena':>10}\n")
    for table in sorted(TABLES):
        out.write(f"      {table:<10} {report['rows'][table]:>10} {counted.get(table, '-')!s:>10}\n")
    differ = {
        t: (report["rows"][t], counted.get(t)) for t in sorted(TABLES) if report["rows"][t] != counted.get(t)
    }
    if differ:
        details = ", ".join(f"{table} report {a} athena {b}" for table, (a, b) in differ.items())
        raise SmokeFailure(
            "compare",
            f"Athena's counts differ from the report: {details}",
            [
                f"the tables' location and partition projection in database {names.database} "
                "(terraform/catalog.tf) against the Parquet files under curated/<table>/",
                report_path(names.lake_path, report["snapshot_date"], BUILD_TABLES.name),
            ],
        )


def run_smoke(
    clients: Clients,
    names: Names,
    snapshot_date: str,
    out: TextIO,
    timeout_s: float = 90 * 60,
    poll_s: float = 30,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """The six steps; returns the report. Raises SmokeFailure at the first failed step."""
    summary = invoke_extraction(clients, names, snapshot_date, out)
    run = wait_for_workflow(clients, names, summary["workflow_run_id"], out, timeout_s, poll_s, clock, sleep)
    out.write("[3/6] checking the job runs\n")
    check_job_runs(run, names, snapshot_date)
    out.write(f"[4/6] reading {report_path(names.lake_path, snapshot_date, BUILD_TABLES.name)}\n")
    report = read_report(clients, names, snapshot_date, summary["run_id"])
    out.write(f"[5/6] counting rows in Athena (workgroup {names.workgroup}, database {names.database})\n")
    counted = count_rows_in_athena(clients, names, snapshot_date)
    compare(report, counted, names, out)
    out.write(f"smoke: OK: {names.function} -> {names.workflow} -> Athena works for {snapshot_date}\n")
    return report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--snapshot-date", metavar="YYYY-MM-DD", help="the date to extract (default: today, UTC)"
    )
    parser.add_argument("--timeout-minutes", type=float, default=90, help="how long to wait for the workflow")
    parser.add_argument("--poll-seconds", type=float, default=30, help="seconds between workflow checks")
    args = parser.parse_args(argv)
    if args.snapshot_date and not is_snapshot_date(args.snapshot_date):
        parser.error(f"--snapshot-date must be a date written YYYY-MM-DD, got {args.snapshot_date!r}")
    return args


def main(argv: list[str] | None = None, deployment: Deployment | None = None) -> int:
    args = parse_args(argv)
    snapshot_date = args.snapshot_date or dt.datetime.now(dt.UTC).date().isoformat()
    try:
        names = Names.from_deployment(deployment or Deployment())
    except DeploymentError as error:
        print(f"smoke: {error}", file=sys.stderr)
        return 2
    try:
        run_smoke(
            make_clients(names),
            names,
            snapshot_date,
            sys.stdout,
            timeout_s=args.timeout_minutes * 60,
            poll_s=args.poll_seconds,
        )
    except SmokeFailure as failure:
        print(failure, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
