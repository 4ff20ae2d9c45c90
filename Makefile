# The README's commands. Each creates the virtual environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# GraphiQL's assets (served offline) and the graphql-http audit suite, from npm (clients/).
CLIENT_ASSETS := p360/static/vendor/manifest.json

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(CLIENT_ASSETS): clients/package.json clients/package-lock.json
	npm ci --prefix clients --no-audit --no-fund

.PHONY: install demo test bench
install: $(BIN)/.installed $(CLIENT_ASSETS)

demo: $(BIN)/.installed $(CLIENT_ASSETS)
	$(BIN)/p360 serve --demo

test: $(BIN)/.installed $(CLIENT_ASSETS)
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python -m bench
