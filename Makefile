# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: install run serve worker demo test test-postgres lint format messages schema bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Python 3.12+ is needed (see .python-version)")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Local development: SQLite under var/, DEBUG on, the methodology and the demo data loaded.
run: export DEBUG ?= 1
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loadmethodology
	$(BIN)/python manage.py loaddemo
	$(BIN)/python manage.py db_worker & trap 'kill $$!' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production settings (DEBUG off) but plain HTTP: the browser tests' live server has no TLS.
test: export DEBUG := 0
test: export SECRET_KEY ?= test-only-secret-key
test: export SECURE_SSL_REDIRECT := 0
test: export SECURE_HSTS_SECONDS := 0
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL (server on 127.0.0.1:5432 by default).
test-postgres: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pga
test-postgres: test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l fr -l es --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

schema: install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml

# Every benchmark behind bench/RESULTS.md, on the local PostgreSQL, logged under var/bench/.
bench: install
	bench/run_all.sh

clean:
	rm -rf $(VENV) var
