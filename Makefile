# Quick start: `make run` checks the corpus, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint goldens bench clean

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

clean:
	rm -rf $(VENV) build *.egg-info
