"""Parse terraform/ with python-hcl2 (no terraform, no network) for the consistency tests.

python-hcl2 >= 8 keeps the quotes of string literals, labels and object keys (``'"abc"'``) and
gives expressions as ``"${...}"``; ``normalise`` strips the quotes and the parser's bookkeeping
keys (``__is_block__``, ``__comments__``, ...), so the tests compare plain values.

``SPOTIFY_ETL_TF_DIR`` points the tests at another copy of the configuration (a deliberately
broken one, to see a test fail); the repository's ``terraform/`` by default. Paths such as
``${path.module}/../sql`` resolve against that directory, as Terraform resolves them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[2]
_SIMPLE_REFERENCE = re.compile(r"\$\{(local|var)\.([A-Za-z0-9_]+)\}")
TF_DIR = Path(os.environ.get("SPOTIFY_ETL_TF_DIR", REPO / "terraform")).resolve()


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def normalise(value: Any) -> Any:
    """Quotes off string literals and keys, parser bookkeeping (``__*__`` keys) dropped."""
    if isinstance(value, dict):
        return {
            unquote(key): normalise(item)
            for key, item in value.items()
            if not (isinstance(key, str) and key.startswith("__") and key.endswith("__"))
        }
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return unquote(value)


@dataclass
class Terraform:
    """The parsed configuration: blocks by type and name, all locals in one dict."""

    directory: Path
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)
    files: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def resource(self, type_: str, name: str) -> dict[str, Any]:
        assert (type_, name) in self.resources, f"terraform/ declares no resource {type_}.{name}"
        return self.resources[(type_, name)]

    def resources_of(self, type_: str) -> dict[str, dict[str, Any]]:
        return {name: body for (kind, name), body in self.resources.items() if kind == type_}

    def data_source(self, type_: str, name: str) -> dict[str, Any]:
        assert (type_, name) in self.data, f"terraform/ declares no data source {type_}.{name}"
        return self.data[(type_, name)]

    def local(self, name: str) -> Any:
        assert name in self.locals, f"terraform/ declares no local.{name}"
        return self.locals[name]

    def render(self, value: str) -> str:
        """``value`` with every ``${local.x}`` that is a string and every ``${var.x}`` that has a
        default replaced, repeatedly: the names Terraform computes with the default variables
        (``/aws-glue/jobs/${local.prefix}`` -> ``/aws-glue/jobs/spotify-etl-dev``). Anything
        else (data sources, functions) stays as written."""

        def substitute(match: re.Match[str]) -> str:
            kind, name = match.groups()
            found = self.locals.get(name) if kind == "local" else self.variables.get(name, {}).get("default")
            return found if isinstance(found, str) else match.group(0)

        for _ in range(10):
            rendered = _SIMPLE_REFERENCE.sub(substitute, value)
            if rendered == value:
                return value
            value = rendered
        raise AssertionError(f"references nest more than 10 deep: {value!r}")

    def resolve_module_path(self, expression: str) -> Path:
        """``${path.module}/../x`` -> the path Terraform would read."""
        prefix = "${path.module}/"
        assert expression.startswith(prefix), f"{expression!r} is not a ${{path.module}}/... path"
        return (self.directory / expression[len(prefix) :]).resolve()


def _blocks(parsed: dict[str, Any], kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for entry in parsed.get(kind, []):
        for type_, by_name in entry.items():
            for name, body in by_name.items():
                yield unquote(type_), unquote(name), body


def load_terraform(directory: Path) -> Terraform:
    config = Terraform(directory=directory)
    tf_files = sorted(directory.glob("*.tf"))
    assert tf_files, f"no *.tf files in {directory}"
    for path in tf_files:
        with path.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle)
        for type_, name, body in _blocks(parsed, "resource"):
            assert (type_, name) not in config.resources, f"resource {type_}.{name} declared twice"
            config.resources[(type_, name)] = normalise(body)
            config.files[("resource", type_, name)] = path.name
        for type_, name, body in _blocks(parsed, "data"):
            config.data[(type_, name)] = normalise(body)
            config.files[("data", type_, name)] = path.name
        for block in parsed.get("locals", []):
            for name, value in normalise(block).items():
                assert name not in config.locals, f"local.{name} declared twice"
                config.locals[name] = value
        for entry in parsed.get("variable", []):
            for name, body in entry.items():
                config.variables[unquote(name)] = normalise(body)
        for entry in parsed.get("output", []):
            for name, body in entry.items():
                config.outputs[unquote(name)] = normalise(body)
        config.terraform.extend(normalise(parsed.get("terraform", [])))
    return config


@pytest.fixture(scope="session")
def tf() -> Terraform:
    return load_terraform(TF_DIR)
