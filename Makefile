# Quick start: `make demo` builds the example schools; `make test` runs the tests.
# Both install everything they need first (system packages and a virtualenv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# axe-core (accessibility rules) for the browser tests, from the npm registry
AXE    := $(VENV)/npm/node_modules/axe-core/axe.min.js
AXE_VERSION ?= 4.10.3

.PHONY: setup system-deps demo test bench bench-web check clean serve

setup: system-deps $(STAMP) $(AXE)

system-deps:
	@bash tools/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/npm axe-core@$(AXE_VERSION)

demo: setup
	$(BIN)/policygen check --all
	$(BIN)/policygen build --all

test: setup
	$(BIN)/policygen check --all
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

bench-web: setup
	$(BIN)/python bench/web.py $(BENCH_ARGS)

serve: setup
	$(BIN)/policygen serve $(SERVE_ARGS)

check: setup
	$(BIN)/policygen check --all

clean:
	rm -rf output bench/out .pytest_cache
