# Two commands on a fresh machine: `make run` and `make test` (see README.md).
# Needs only Python >= 3.12 and make; everything else is installed into .venv from uv.lock.

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SINERGI := $(VENV)/bin/sinergi
PYTEST := $(VENV)/bin/pytest

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: run test lint check install install-dev openapi messages clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Sinergi needs Python >= 3.12; set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --locked --no-dev --inexact --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"

install-dev: $(UV)
	$(UV) sync --locked --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"

run: install
	$(SINERGI) migrate --noinput
	$(SINERGI) demo load
	$(SINERGI) demo decisions
	$(SINERGI) serve --bind 127.0.0.1:8000

# The whole suite on SQLite; then every database test again on PostgreSQL when
# SINERGI_TEST_DATABASE_URL points at one (e.g. postgres://postgres@127.0.0.1:5432/sinergi).
test: install-dev
	env -u DATABASE_URL $(PYTEST) $(PYTEST_ARGS)
	@if [ -n "$$SINERGI_TEST_DATABASE_URL" ]; then \
		echo "== database tests on PostgreSQL ($$SINERGI_TEST_DATABASE_URL)"; \
		DATABASE_URL="$$SINERGI_TEST_DATABASE_URL" $(PYTEST) -m "django_db and not browser" $(PYTEST_ARGS); \
	else \
		echo "SKIP PostgreSQL run: SINERGI_TEST_DATABASE_URL is not set"; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check: lint
	$(SINERGI) makemigrations --check --dry-run

openapi: install-dev
	$(SINERGI) export_openapi_schema --api sinergi.api.root.api --indent 2 --sorted --output docs/openapi.json

messages: install-dev
	cd src/sinergi && ../../$(SINERGI) makemessages -l id -l en --no-obsolete && ../../$(SINERGI) compilemessages

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
