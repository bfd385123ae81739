"""One SparkSession for the whole test session: local[2], few shuffle partitions, no UI, UTC."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # executors use the venv's Python


INTERPRETED = {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}
"""The test session evaluates plans without generating Java code: on the tests' few rows the
Janino compiles cost more than the data (measured: tests/spotify_etl/jobs in 125-127 s instead of
154 s on 2 cores). Results do not depend on it (Spark runs its own expression tests both ways);
`make run`, `make bench` and the jobs on Glue keep code generation on."""


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:  # noqa: F821
    from spotify_etl.spark_session import build_spark_session

    session = build_spark_session(app_name="spotify-etl-tests", master="local[2]", shuffle_partitions=2)
    for name, value in INTERPRETED.items():
        session.conf.set(name, value)
    yield session
    session.stop()


TOOLS = Path(__file__).resolve().parents[1] / "tools"


@pytest.fixture(scope="session")
def load_tool() -> Callable[[str], ModuleType]:
    """Import a script of tools/ (not a package) by name: ``load_tool("package_lambda")``."""
    loaded: dict[str, ModuleType] = {}

    def load(name: str) -> ModuleType:
        if name not in loaded:
            spec = importlib.util.spec_from_file_location(f"tools_{name}", TOOLS / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # dataclasses look their module up there
            spec.loader.exec_module(module)
            loaded[name] = module
        return loaded[name]

    return load


# Moto's Athena, shared by the analysis command's tests and make smoke's (tests/tools).
ATHENA_REGION = "eu-west-1"
ATHENA_WORKGROUP = "spotify-etl"


@pytest.fixture
def athena(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Moto's Athena, workgroup ``spotify-etl`` writing results to a moto bucket; executions
    succeed at the first status check (moto's state manager), so awswrangler does not wait."""
    import boto3
    from moto import mock_aws
    from moto.moto_api import state_manager

    monkeypatch.setenv("AWS_DEFAULT_REGION", ATHENA_REGION)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        state_manager.set_transition(model_name="athena::execution", transition={"progression": "immediate"})
        boto3.client("s3", region_name=ATHENA_REGION).create_bucket(
            Bucket="athena-results", CreateBucketConfiguration={"LocationConstraint": ATHENA_REGION}
        )
        client = boto3.client("athena", region_name=ATHENA_REGION)
        client.create_work_group(
            Name=ATHENA_WORKGROUP,
            Configuration={"ResultConfiguration": {"OutputLocation": "s3://athena-results/queries/"}},
        )
        yield client
        state_manager.unset_transition(model_name="athena::execution")


@pytest.fixture
def seed_athena_result(athena: Any) -> Callable[[list[tuple[str, str]], list[list[str | None]]], None]:
    """Queue one result in moto's Athena (documented endpoint /moto-api/static/athena/query-results):
    the next execution whose results are read gets it. A header row comes first, as in Athena."""
    import requests

    def seed(columns: list[tuple[str, str]], values: list[list[str | None]]) -> None:
        header = {"Data": [{"VarCharValue": name} for name, _ in columns]}
        rows = [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in values]
        column_info = [
            {"Name": name, "Label": name, "Type": type_name, "Nullable": "UNKNOWN", "CaseSensitive": False}
            for name, type_name in columns
        ]
        response = requests.post(
            "http://motoapi.amazonaws.com/moto-api/static/athena/query-results",
            json={
                "region": ATHENA_REGION,
                "results": [{"rows": [header, *rows], "column_info": column_info}],
            },
            timeout=5,
        )
        assert response.status_code == 201

    return seed


@pytest.fixture
def athena_executions(athena: Any) -> Callable[[], list[dict[str, Any]]]:
    """Every query execution submitted to the workgroup, oldest first."""

    def executions() -> list[dict[str, Any]]:
        ids = athena.list_query_executions(WorkGroup=ATHENA_WORKGROUP)["QueryExecutionIds"]
        found = [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]
        return sorted(found, key=lambda e: e["Status"]["SubmissionDateTime"])

    return executions


FAKE_TERRAFORM = """#!{python}
# A stand-in for `terraform`: records its arguments, answers `output -json` as Terraform does.
import json, os, sys
with open(os.environ["FAKE_TERRAFORM_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
if sys.argv[2:] != ["output", "-json"]:
    sys.exit("fake terraform: only `-chdir=DIR output -json` is modelled")
state = os.environ["FAKE_TERRAFORM_STATE"]
if state == "error":
    sys.stderr.write("\\u2577\\n\\u2502 Error: Backend initialization required\\n")
    sys.exit(1)
outputs = json.loads(state)
kinds = {{str: "string", int: "number", dict: ["map", "string"], list: ["list", "string"]}}
entries = {{n: {{"sensitive": False, "type": kinds[type(v)], "value": v}} for n, v in outputs.items()}}
print(json.dumps(entries))
"""


@pytest.fixture
def fake_terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Put a fake ``terraform`` first on PATH whose ``output -json`` answers ``outputs`` (as
    Terraform prints them: ``{name: {"sensitive", "type", "value"}}``; ``{}`` when nothing is
    applied) or fails like an uninitialised directory (``outputs="error"``). Returns the log of
    the calls (one line of arguments per call); SPOTIFY_ETL_* overrides are removed."""
    bin_dir = tmp_path / "fake-terraform-bin"
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text(FAKE_TERRAFORM.format(python=sys.executable))
    script.chmod(0o755)
    log = tmp_path / "fake-terraform.log"
    log.write_text("")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_TERRAFORM_LOG", str(log))
    for name in [name for name in os.environ if name.startswith("SPOTIFY_ETL_")]:
        monkeypatch.delenv(name)

    def answer(outputs: dict[str, Any] | str) -> Path:
        state = outputs if isinstance(outputs, str) else json.dumps(outputs)
        monkeypatch.setenv("FAKE_TERRAFORM_STATE", state)
        return log

    return answer


@pytest.fixture(scope="session")
def sample_run(spark, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bundled sample (2026-11-19 and 2026-11-20) through ``spotify-etl extract`` and
    ``transform``: the lake the real jobs write, built once per session and shared, and what
    ``transform`` printed. Tests only read it; one that must change files works on a copy."""
    import contextlib
    import io

    from spotify_etl import cli

    lake = tmp_path_factory.mktemp("sample-lake")
    for snapshot_date in ("2026-11-19", "2026-11-20"):
        assert cli.main(["extract", "--lake", str(lake), "--snapshot-date", snapshot_date]) == 0
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["transform", "--lake", str(lake)]) == 0
    return lake, printed.getvalue()


@pytest.fixture(scope="session")
def sample_lake(sample_run) -> Path:
    """The sample's lake (``sample_run``)."""
    return sample_run[0]
