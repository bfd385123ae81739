"""Turn the main stack's outputs into terraform/snowflake's input variables.

    terraform -chdir=terraform output -json | python tools/main_stack_tfvars.py \
        > terraform/snowflake/main_stack.auto.tfvars.json

Passes on the outputs whose names terraform/snowflake/main_stack.tf declares as variables (their
values only), and fails naming any that the main stack does not output: apply the main stack
first. `make deploy-snowflake` runs it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN_STACK_VARIABLES = ROOT / "terraform" / "snowflake" / "main_stack.tf"


def declared_variables(path: Path = MAIN_STACK_VARIABLES) -> list[str]:
    """The variable names declared in main_stack.tf, in order."""
    return re.findall(r'^variable\s+"([A-Za-z0-9_]+)"', path.read_text(), re.M)


def tfvars(outputs: dict, names: list[str]) -> dict:
    """{name: value} for every name, from `terraform output -json` ({name: {"value": ...}})."""
    missing = [name for name in names if name not in outputs]
    if missing:
        raise SystemExit(
            f"the main stack has no output {', '.join(missing)}: run `make deploy` (terraform apply "
            "in terraform/) with this version first"
        )
    return {name: outputs[name]["value"] for name in names}


def main() -> int:
    outputs = json.load(sys.stdin)
    if not outputs:
        raise SystemExit("no outputs: the main stack is not applied (or not initialised) in terraform/")
    json.dump(tfvars(outputs, declared_variables()), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
