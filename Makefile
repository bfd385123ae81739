# spotify-etl: `make help` lists the targets. The Makefile builds and uses its own .venv.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LAKE ?= lake
TF_DIR := terraform
SNOWFLAKE_TF_DIR := terraform/snowflake

.DEFAULT_GOAL := help
.PHONY: help venv check-java run test lint format bench bench-quick package deploy smoke destroy validate-tf checkov secrets-scan clean
.PHONY: deploy-snowflake destroy-snowflake

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (or run make PYTHON=/path/to/python3.11 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed ## Create .venv with the package, its console script and the dev tools

check-java: ## Check that Java 17 (the Java of AWS Glue 5.1) is there for local Spark
	@java_bin="$${JAVA_HOME:+$$JAVA_HOME/bin/}java"; \
	version=$$("$$java_bin" -version 2>&1 | awk -F '"' '/version/ {print $$2; exit}'); \
	major=$${version%%.*}; \
	if [ "$$major" != "17" ]; then \
	  echo "Java 17 is required for local Spark (found: $${version:-no java}); install OpenJDK 17 (e.g. apt-get install openjdk-17-jre-headless) and put it on PATH or set JAVA_HOME."; \
	  exit 1; \
	fi

run: venv check-java ## Run the whole pipeline locally on the embedded sample: extract, transform, analyse (LAKE=lake)
	$(BIN)/spotify-etl run --lake $(LAKE)

test: venv check-java ## Run the test suite
	$(BIN)/pytest

lint: venv ## Ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv check-java ## Spark transform vs pandas and DuckDB baselines at 10k, 100k and 1M items, and the backfill case (bench/README.md)
	$(BIN)/python bench/bench_transform.py --extract

bench-quick: venv check-java ## The same benchmark at 10k and 100k items only, without the backfill case
	$(BIN)/python bench/bench_transform.py --sizes 10k 100k --no-backfill

package: venv ## Build dist/extract_lambda.zip (Lambda python3.13 arm64, AWS SDK inside; prints its size) and dist/spotify_etl.zip (Glue)
	$(BIN)/python tools/package_lambda.py
	$(BIN)/python tools/package_glue.py

deploy: package ## Build the packages, then terraform init and apply (docs/deploy.md)
	terraform -chdir=$(TF_DIR) init
	terraform -chdir=$(TF_DIR) apply

smoke: venv ## After make deploy: extract today (or SNAPSHOT_DATE=YYYY-MM-DD), wait for the Glue run, check the report and Athena
	$(BIN)/python tools/smoke.py $(if $(SNAPSHOT_DATE),--snapshot-date $(SNAPSHOT_DATE))

destroy: ## Destroy the AWS deployment; non-empty raw/curated buckets and their KMS key stay (docs/deploy.md#destroy)
	@terraform -chdir=$(TF_DIR) destroy || { \
	  echo "destroy stopped. BucketNotEmpty on the raw/curated buckets is by design: they keep their data and the KMS key that"; \
	  echo "encrypts it. To delete them too: force_destroy_data_buckets = true, terraform apply, make destroy (docs/deploy.md)."; \
	  exit 1; }

deploy-snowflake: ## Snowflake delivery (terraform/snowflake, own state), after make deploy: its outputs in, init, apply (docs/snowflake.md)
	terraform -chdir=$(TF_DIR) output -json | $(PYTHON) tools/main_stack_tfvars.py > $(SNOWFLAKE_TF_DIR)/main_stack.auto.tfvars.json
	terraform -chdir=$(SNOWFLAKE_TF_DIR) init
	terraform -chdir=$(SNOWFLAKE_TF_DIR) apply

destroy-snowflake: ## Destroy the Snowflake delivery (run it before make destroy)
	terraform -chdir=$(SNOWFLAKE_TF_DIR) destroy

validate-tf: venv ## terraform fmt + validate of terraform/ and terraform/snowflake/ (the offline tfcheck where terraform or its provider is unavailable)
	bash tools/validate_tf.sh

checkov: ## checkov on terraform/, from its own .venv-checkov
	bash tools/checkov.sh

secrets-scan: venv ## detect-secrets over the repository's tracked files: fails on any finding
	$(BIN)/python tools/secrets_scan.py

clean: ## Remove build outputs and the local lake
	rm -rf dist $(LAKE) .pytest_cache
