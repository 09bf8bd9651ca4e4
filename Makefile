# Quick start: `make demo` builds the example schools; `make test` runs the tests.
# Both install everything they need first (system packages and a virtualenv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps demo test bench check clean

setup: system-deps $(STAMP)

system-deps:
	@bash tools/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: setup
	$(BIN)/policygen check --all
	$(BIN)/policygen build --all

test: setup
	$(BIN)/policygen check --all
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

check: setup
	$(BIN)/policygen check --all

clean:
	rm -rf output bench/out .pytest_cache
