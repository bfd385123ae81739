"""Where the AWS deployment is: its names, from the environment or from Terraform's outputs.

Every name is an output of ``terraform/outputs.tf`` (``athena_workgroup``, ``glue_database``,
``lambda_function_name``, ...). The environment variable ``SPOTIFY_ETL_<OUTPUT>`` (the output's
name in upper case, e.g. ``SPOTIFY_ETL_ATHENA_WORKGROUP``) wins; otherwise
``terraform -chdir=<dir> output -json`` is read, once, from ``SPOTIFY_ETL_TERRAFORM_DIR`` or
``./terraform``. Each value says where it came from, so a command can tell the user which
workgroup it is about to spend money in. Used by ``spotify-etl analyze --athena`` and
``make smoke`` (tools/smoke.py).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "SPOTIFY_ETL_"
TERRAFORM_DIR_ENV = "SPOTIFY_ETL_TERRAFORM_DIR"
DEFAULT_TERRAFORM_DIR = "terraform"
TERRAFORM_TIMEOUT_SECONDS = 120

TerraformReader = Callable[[str], tuple[dict[str, Any], str | None]]
"""Reads the outputs of a Terraform directory: ``({output: value}, None)`` or ``({}, why not)``."""


class DeploymentError(RuntimeError):
    """A name of the deployment is known neither from the environment nor from Terraform."""


@dataclass(frozen=True)
class Setting:
    """One name of the deployment and where it came from (for the user to see)."""

    output: str
    value: Any
    source: str

    def __str__(self) -> str:
        return f"{self.value} ({self.source})"


def env_name(output: str) -> str:
    """``athena_workgroup`` -> ``SPOTIFY_ETL_ATHENA_WORKGROUP``."""
    return ENV_PREFIX + output.upper()


def read_terraform_outputs(directory: str) -> tuple[dict[str, Any], str | None]:
    """``({output: value}, None)`` from ``terraform output -json``, or ``({}, why not)``.

    ``terraform output -json`` prints ``{"name": {"sensitive": false, "type": ..., "value": ...}}``
    for an applied configuration and ``{}`` for one without state.
    """
    command = ["terraform", f"-chdir={directory}", "output", "-json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TERRAFORM_TIMEOUT_SECONDS)
    except FileNotFoundError:
        return {}, "terraform is not installed (or not on PATH)"
    except subprocess.TimeoutExpired:
        return {}, f"`{' '.join(command)}` did not answer within {TERRAFORM_TIMEOUT_SECONDS} s"
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip(" │╷╵")), "no message")
        return {}, f"`{' '.join(command)}` failed: {first.strip(' │')}"
    try:
        outputs = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        return {}, f"`{' '.join(command)}` printed no JSON"
    if not outputs:
        return {}, f"{directory} has no outputs: not applied yet, or its state is elsewhere"
    return {name: entry["value"] for name, entry in outputs.items()}, None


class Deployment:
    """The deployment's names, looked up on demand: environment first, then Terraform (read once)."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        terraform_dir: str | None = None,
        reader: TerraformReader = read_terraform_outputs,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self.terraform_dir = terraform_dir or self._environ.get(TERRAFORM_DIR_ENV) or DEFAULT_TERRAFORM_DIR
        self._reader = reader
        self._outputs: dict[str, Any] | None = None
        self._why_not: str | None = None

    def _terraform_outputs(self) -> dict[str, Any]:
        if self._outputs is None:
            self._outputs, self._why_not = self._reader(self.terraform_dir)
        return self._outputs

    def get(self, output: str, *, terraform: bool = True) -> Setting | None:
        """The output's value from ``SPOTIFY_ETL_<OUTPUT>``, else (unless ``terraform=False``)
        from Terraform; None when neither has it. An environment value that starts with ``{`` or
        ``[`` is read as JSON (map outputs such as ``glue_job_names``)."""
        name = env_name(output)
        raw = self._environ.get(name, "").strip()
        if raw:
            value: Any = raw
            if raw[0] in "{[":
                try:
                    value = json.loads(raw)
                except json.JSONDecodeError as error:
                    raise DeploymentError(f"{name} is not valid JSON ({error}): {raw[:80]}") from None
            return Setting(output, value, f"environment {name}")
        if not terraform:
            return None
        outputs = self._terraform_outputs()
        if output in outputs and outputs[output] not in (None, "", {}, []):
            return Setting(output, outputs[output], f"terraform output {output}")
        return None

    def require(self, *outputs: str) -> dict[str, Setting]:
        """Every named output, or a DeploymentError that says how to supply the missing ones."""
        found = {output: self.get(output) for output in outputs}
        missing = [output for output, setting in found.items() if setting is None]
        if missing:
            raise DeploymentError(self.missing_message(missing))
        return found  # type: ignore[return-value]

    def missing_message(self, missing: list[str]) -> str:
        """What is missing, why Terraform did not have it, and the two ways to supply it."""
        how = ", ".join(f"{env_name(output)}=..." for output in missing)
        terraform = self._why_not or f"its outputs have no {', '.join(missing)}"
        verb = "is" if len(missing) == 1 else "are"
        return (
            f"the deployment's {', '.join(missing)} {verb} not known ({terraform}): run where "
            f"`terraform -chdir={self.terraform_dir} output` answers for the deployed stack "
            f"({TERRAFORM_DIR_ENV} names another directory), or set {how}"
        )
