# Tipline: two commands on a fresh machine.
#   make run   set up everything and serve on http://127.0.0.1:8000
#   make test  set up everything and run the whole suite (and lint)
# Versions are pinned in pyproject.toml only.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench bench-vault clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/tipline migrate --no-input
	$(BIN)/tipline bootstrap --url http://$(HOST):$(PORT)
	$(BIN)/tipline serve --host $(HOST) --port $(PORT)

# The suite runs on SQLite; when TIPLINE_TEST_DATABASE_URL is set it runs again on that
# database (CI points it at PostgreSQL).
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest
	@if [ -n "$$TIPLINE_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on $${TIPLINE_TEST_DATABASE_URL%%://*}"; \
		TIPLINE_TEST_ON_URL=1 $(BIN)/pytest; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-vault

bench-vault: $(VENV)/.installed-run
	$(BIN)/python bench/vault.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis test-output
