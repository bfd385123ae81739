#!/usr/bin/env bash
# Run checkov on terraform/ from its own virtualenv, .venv-checkov (created here when missing).
# checkov -d scans the folder recursively: terraform/snowflake/ (its own root module) included.
# checkov brings bc-python-hcl2, whose `hcl2` module would shadow python-hcl2 (used by tfcheck
# and tests/terraform) if both were in .venv: never install checkov there.
# Skips are inline only (#checkov:skip=CKV_...:reason) next to what they excuse.
# Exit status: checkov's (non-zero when a check fails), 2 if checkov could not be installed.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=.venv-checkov
PYTHON=${PYTHON:-python3.11}

if [[ ! -x "$VENV/bin/checkov" ]]; then
  echo "checkov: creating $VENV"
  "$PYTHON" -m venv "$VENV" || { echo "checkov: could not create $VENV with $PYTHON" >&2; exit 2; }
  "$VENV/bin/pip" install --quiet --upgrade pip || true
  "$VENV/bin/pip" install --quiet checkov || { echo "checkov: pip install checkov failed" >&2; exit 2; }
fi

echo "== checkov $("$VENV/bin/checkov" --version) on terraform/"
# --skip-download: no guideline/mapping download from the Prisma Cloud API (offline, and not needed).
exec "$VENV/bin/checkov" -d terraform --framework terraform --quiet --compact --skip-download "$@"
