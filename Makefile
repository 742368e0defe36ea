# Quick start: `make run` checks the corpus, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint goldens bench fuzz mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/nverify specs/

test: lint
	$(BIN)/python -m pytest

# Types and lint; configured in pyproject.toml. `make test` runs it first.
lint: $(STAMP)
	$(BIN)/mypy
	$(BIN)/ruff check

goldens: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py tests/test_cases.py --update-goldens

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/parties.py
	$(BIN)/python bench/horizon.py
	$(BIN)/python bench/split.py
	$(BIN)/python bench/negotiate.py
	$(BIN)/python bench/coalitions.py
	$(BIN)/python bench/suite.py

# The heavy runs recorded in docs/trust.md; never part of `make test`.
FUZZ_STAMP := $(VENV)/.fuzz-installed
RUNS ?= 100000
SEED ?= 1

$(FUZZ_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,fuzz]'
	touch $(FUZZ_STAMP)

# Coverage-guided fuzzing: RUNS inputs from libFuzzer seed SEED; the corpus grows in build/fuzz.
fuzz: $(FUZZ_STAMP)
	$(BIN)/python scripts/fuzz_guided.py --work build/fuzz -- -runs=$(RUNS) -seed=$(SEED) -print_final_stats=1

# Mutation testing of dsl/evaluate.py and verifier/checks/ (configured in pyproject.toml).
mutate: $(FUZZ_STAMP)
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) build mutants *.egg-info
