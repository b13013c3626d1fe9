# studyapp: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
DEV_ENV := DEBUG=true
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres bench lint format setup db demo messages clean

setup: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

db: $(STAMP)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	-$(DEV_ENV) $(PY) manage.py import_notes notes/
	$(DEV_ENV) $(PY) manage.py create_demo_accounts
	$(DEV_ENV) $(PY) manage.py study_tasks_start

# The background worker (day plans, memory-model fits) runs beside the web
# server and stops with it. `make run PORT=8001` serves on another port.
PORT ?= 8000
run: db
	@echo "studyapp on http://127.0.0.1:$(PORT)  (Ctrl-C stops it and its task worker)"
	@$(DEV_ENV) $(PY) manage.py db_worker --no-reload -v0 & worker=$$! ; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM ; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL when one answers; under CI=true it must.
test-postgres: $(STAMP)
	@url=$$($(PY) tests/support/pg_url.py) ; \
	if [ -n "$$url" ]; then \
		echo "== PostgreSQL run ($$url)"; \
		DATABASE_URL=$$url $(PY) -m pytest $(PYTEST_ARGS) || exit 1; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true: the PostgreSQL run is required but no server answers"; exit 1; \
	else \
		echo "== PostgreSQL run skipped: no server answers (set DATABASE_URL)"; \
	fi

bench: $(STAMP)
	$(PY) bench/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemessages -l ja --no-obsolete -i ".venv/*" -i "bench/*" -i "tests/*"
	$(DEV_ENV) $(PY) manage.py compilemessages -l ja -i .venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .hypothesis
