"""The deployment's names: SPOTIFY_ETL_<OUTPUT> first, else `terraform output -json` (read once)."""

from __future__ import annotations

import pytest

from spotify_etl.analysis.deployment import (
    Deployment,
    DeploymentError,
    Setting,
    env_name,
    read_terraform_outputs,
)

OUTPUTS = {
    "athena_workgroup": "spotify-etl-dev",
    "glue_database": "spotify_etl_dev",
    "glue_job_names": {"normalize_items": "spotify-etl-dev-normalize-items"},
}


def test_env_names_are_the_outputs_in_upper_case() -> None:
    assert env_name("athena_workgroup") == "SPOTIFY_ETL_ATHENA_WORKGROUP"
    assert env_name("glue_database") == "SPOTIFY_ETL_GLUE_DATABASE"


def test_terraform_outputs_are_read_once_from_the_terraform_directory(fake_terraform, tmp_path) -> None:
    log = fake_terraform(OUTPUTS)
    deployment = Deployment(environ={}, terraform_dir=str(tmp_path / "stack"))
    workgroup = deployment.get("athena_workgroup")
    database = deployment.get("glue_database")
    jobs = deployment.get("glue_job_names")
    assert workgroup == Setting("athena_workgroup", "spotify-etl-dev", "terraform output athena_workgroup")
    assert database.value == "spotify_etl_dev"
    assert jobs.value == {"normalize_items": "spotify-etl-dev-normalize-items"}  # maps stay maps
    assert deployment.get("lambda_function_name") is None
    assert log.read_text().splitlines() == [f"-chdir={tmp_path / 'stack'} output -json"]


def test_the_environment_wins_and_spares_the_terraform_call(fake_terraform) -> None:
    log = fake_terraform(OUTPUTS)
    environ = {
        "SPOTIFY_ETL_ATHENA_WORKGROUP": "analysts",
        "SPOTIFY_ETL_GLUE_JOB_NAMES": '{"build_tables": "bt"}',
    }
    deployment = Deployment(environ=environ)
    assert str(deployment.get("athena_workgroup")) == "analysts (environment SPOTIFY_ETL_ATHENA_WORKGROUP)"
    assert deployment.get("glue_job_names").value == {"build_tables": "bt"}
    assert deployment.get("glue_database", terraform=False) is None
    assert log.read_text() == ""


def test_the_terraform_directory_comes_from_the_environment(fake_terraform) -> None:
    log = fake_terraform(OUTPUTS)
    Deployment(environ={"SPOTIFY_ETL_TERRAFORM_DIR": "/srv/stack"}).get("glue_database")
    assert log.read_text() == "-chdir=/srv/stack output -json\n"


def test_an_environment_map_that_is_not_json_is_refused() -> None:
    with pytest.raises(DeploymentError, match="SPOTIFY_ETL_GLUE_JOB_NAMES is not valid JSON"):
        Deployment(environ={"SPOTIFY_ETL_GLUE_JOB_NAMES": "{normalize_items: x}"}).get("glue_job_names")


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ({}, "has no outputs: not applied yet"),
        ("error", "failed: Error: Backend initialization required"),
    ],
)
def test_why_terraform_gave_nothing_is_told(fake_terraform, state, reason) -> None:
    fake_terraform(state)
    outputs, why_not = read_terraform_outputs("terraform")
    assert outputs == {}
    assert reason in why_not
    with pytest.raises(DeploymentError) as raised:
        Deployment(environ={}).require("athena_workgroup", "glue_database")
    message = str(raised.value)
    assert "SPOTIFY_ETL_ATHENA_WORKGROUP=..., SPOTIFY_ETL_GLUE_DATABASE=..." in message
    assert reason in message


def test_without_terraform_installed(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no terraform anywhere
    assert read_terraform_outputs("terraform") == ({}, "terraform is not installed (or not on PATH)")


def test_require_returns_every_setting(fake_terraform) -> None:
    fake_terraform(OUTPUTS)
    found = Deployment(environ={"SPOTIFY_ETL_GLUE_DATABASE": "db"}).require(
        "athena_workgroup", "glue_database"
    )
    assert {name: setting.value for name, setting in found.items()} == {
        "athena_workgroup": "spotify-etl-dev",
        "glue_database": "db",
    }
