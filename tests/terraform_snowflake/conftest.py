"""terraform/snowflake parsed with python-hcl2 (no terraform, no network), as tests/terraform does
for the main stack; ``SPOTIFY_ETL_TF_SNOWFLAKE_DIR`` points at another copy (to see a test fail)."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ..terraform.conftest import REPO, Terraform, load_terraform

SNOWFLAKE_TF_DIR = Path(
    os.environ.get("SPOTIFY_ETL_TF_SNOWFLAKE_DIR", REPO / "terraform" / "snowflake")
).resolve()


@pytest.fixture(scope="session")
def tfs() -> Terraform:
    return load_terraform(SNOWFLAKE_TF_DIR)


@pytest.fixture(scope="session")
def main_tf() -> Terraform:
    return load_terraform(REPO / "terraform")


def heredoc_text(value: str) -> str:
    """The string a ``<<-SQL ... SQL`` heredoc evaluates to (indentation stripped), without the
    final newline."""
    lines = value.splitlines()
    assert lines[0].startswith("<<-") and lines[-1].strip() == lines[0][3:], f"not a heredoc: {value[:40]!r}"
    return textwrap.dedent("\n".join(lines[1:-1]))


def resolve_locals(expression: str, tf: Terraform) -> str:
    """``${local.x}`` references replaced by the locals' (string) values, recursively."""

    def value(match: re.Match[str]) -> str:
        found = tf.local(match.group(1))
        assert isinstance(found, str), f"local.{match.group(1)} is not a string"
        return resolve_locals(found, tf)

    return re.sub(r"\$\{local\.([a-z_]+)\}", value, expression)


def statements(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An aws_iam_policy_document's statements by sid."""
    return {statement.get("sid", ""): statement for statement in document["statement"]}
