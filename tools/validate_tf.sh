#!/usr/bin/env bash
# Validate terraform/ and terraform/snowflake/ (its own root module) as far as this machine allows.
#   terraform installed:  terraform fmt -check -recursive, then terraform init -backend=false &&
#                         terraform validate; when init cannot download the AWS provider
#                         (offline), tfcheck instead of validate.
#   no terraform:         tfcheck only (an offline stand-in for validate; it does not check format).
# tfcheck is ../shared/tools/tfcheck/tfcheck (override with TFCHECK=...), run with the project's
# .venv Python (it needs python-hcl2; override with PYTHON=...).
# Exit status: 0 all checks passed, 1 a check failed, 2 a check could not run.
set -uo pipefail

cd "$(dirname "$0")/.."
TF_DIR=terraform
ROOT_MODULES=("$TF_DIR" "$TF_DIR/snowflake")
PYTHON=${PYTHON:-.venv/bin/python}
TFCHECK=${TFCHECK:-../shared/tools/tfcheck/tfcheck}
# A missing CLI configuration file only makes terraform print a warning on every command.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
  unset TF_CLI_CONFIG_FILE
fi

run_tfcheck() {
  local dir=$1
  if [[ ! -f "$TFCHECK" ]]; then
    echo "validate-tf: tfcheck not found at $TFCHECK (set TFCHECK=path/to/tfcheck)" >&2
    return 2
  fi
  if [[ ! -x "$PYTHON" ]]; then
    echo "validate-tf: $PYTHON not found: run 'make venv' first (or set PYTHON=...)" >&2
    return 2
  fi
  echo "== tfcheck $dir/"
  "$PYTHON" "$TFCHECK" "$dir/"
}

status=0
if command -v terraform >/dev/null 2>&1; then
  echo "== terraform fmt -check -recursive $TF_DIR"
  if ! terraform fmt -check -recursive -diff "$TF_DIR"; then
    echo "validate-tf: not formatted: run 'terraform fmt -recursive $TF_DIR'" >&2
    status=1
  fi
  # terraform fmt skips *.example files; check the ones that are HCL too.
  for example in "${ROOT_MODULES[@]/%//terraform.tfvars.example}" "${ROOT_MODULES[@]/%//backend.tf.example}"; do
    [[ -f "$example" ]] || continue
    if ! terraform fmt - <"$example" | diff -u --label "$example" --label "$example (formatted)" "$example" -; then
      echo "validate-tf: $example is not formatted" >&2
      status=1
    fi
  done

  for dir in "${ROOT_MODULES[@]}"; do
    echo "== terraform -chdir=$dir init -backend=false"
    init_log=$(mktemp)
    if terraform -chdir="$dir" init -backend=false -input=false -no-color >"$init_log" 2>&1; then
      echo "== terraform -chdir=$dir validate"
      terraform -chdir="$dir" validate || status=1
    else
      echo "validate-tf: terraform init could not install the providers (offline?); tfcheck stands in for validate:"
      grep -m 3 -E "Error|error" "$init_log" | sed 's/^/    /'
      run_tfcheck "$dir" || status=$(( $? > status ? $? : status ))
    fi
    rm -f "$init_log"
  done
else
  echo "validate-tf: terraform is not installed: tfcheck only (install Terraform >= 1.6 for fmt and validate)"
  for dir in "${ROOT_MODULES[@]}"; do
    run_tfcheck "$dir" || status=$(( $? > status ? $? : status ))
  done
fi

if [[ $status -eq 0 ]]; then
  echo "validate-tf: OK"
fi
exit "$status"
