# Sanctuary Tracker. `make run` serves the seeded site; `make test` runs the whole suite.
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests need a key; the value only has to be stable for one run.
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=false

# What readers never see in Spanish: the admin (editors work in English), tests, the benchmark.
CATALOGUE := locale/es/LC_MESSAGES/django.po
MESSAGES_IGNORE := --ignore='templates/admin/*' --ignore='*/admin*.py' --ignore='tests/*' \
	--ignore='bench/*' --ignore='demo/*' --ignore='staticfiles/*' --ignore='var/*' --ignore='deploy/*'

.PHONY: translations messages install run test lint format migrate seed serve demo places fuzz bench clean cluster cluster-down cluster-test screenshots

$(PY):
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed translations

# The Spanish pages read locale/es/LC_MESSAGES/django.mo, compiled from django.po by GNU gettext's
# msgfmt (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext). The .mo is
# committed too, so a machine without gettext still serves Spanish; with it, it is rebuilt here.
translations: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then \
		msgfmt --check-format -o $(CATALOGUE:.po=.mo) $(CATALOGUE); \
	else \
		echo "msgfmt not found (install gettext): using the committed locale/es/LC_MESSAGES/django.mo"; \
	fi

# Gather every marked string into the Spanish catalogue and list what still needs translating
# (docs/glossary.md holds the terms). Rerun after adding strings; `make test` fails until the
# catalogue is complete (tests/i18n/test_catalogue.py).
messages: install
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext (apt-get install gettext)"; exit 1; }
	DEBUG=true $(PY) manage.py makemessages -l es --no-obsolete $(MESSAGES_IGNORE) --verbosity 0
	@msgfmt --check --statistics -o /dev/null $(CATALOGUE)
	@msgattrib --untranslated --no-wrap $(CATALOGUE) | grep -E '^msgid ' | sed 1d | sed 's/^/untranslated: /' || true
	@msgattrib --only-fuzzy --no-wrap $(CATALOGUE) | grep -E '^msgid ' | sed 1d | sed 's/^/fuzzy: /' || true
	msgfmt --check-format -o $(CATALOGUE:.po=.mo) $(CATALOGUE)

migrate: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input

seed: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_seed
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_counties
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_287g federal/data/ice-287g/*.xlsx --commit -v0
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_designations federal/data/doj/doj-2025-08-05-sanctuary-jurisdictions.csv

run: seed
	@echo "Serving Sanctuary Tracker at http://$(HOST):$(PORT)/ (admin at /admin/)"
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

# Property-based fuzzing of every public URL, with many more examples than make test runs.
fuzz: install
	$(TEST_ENV) HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/fuzz tests/api/test_schema_fuzz.py $(PYTEST_ARGS)

# The benchmark at national scale (see bench/README.md): needs the demo data in PostgreSQL.
bench: install
	bash bench/run.sh

# National-scale synthetic data for benchmarks; refuses a database that holds real records.
demo: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py generate_demo_data --jurisdictions 20000 \
		--officials 50000 --statements 500000 --seed 1

# The gazetteer behind the admin's place picker (about 17,000 US places).
places: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_places

# Production-style serving: nginx (deploy/nginx.conf) buffers every request in front of gunicorn,
# so a slow client costs a connection, never a worker.
NGINX ?= $(shell command -v nginx || echo /usr/sbin/nginx)
serve: migrate
	$(PY) manage.py collectstatic --no-input --verbosity 0
	mkdir -p var/nginx var/downloads
	$(NGINX) -p $(CURDIR)/ -c deploy/nginx.conf -t -q
	$(NGINX) -p $(CURDIR)/ -c deploy/nginx.conf
	@echo "Serving at http://127.0.0.1:8000/ (nginx in front of gunicorn on 127.0.0.1:8001)"
	trap '$(NGINX) -p $(CURDIR)/ -c deploy/nginx.conf -s quit' EXIT INT TERM; \
	DEBUG=$${DEBUG:-false} PROXY_COUNT=$${PROXY_COUNT:-1} $(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:8001

# The README's growth plan on this one machine (deploy/cluster/): a PostgreSQL primary and its
# streaming replica, two gunicorn app servers, nginx in front, the machine's Redis.
cluster: install
	bash deploy/cluster/up.sh

cluster-down:
	bash deploy/cluster/down.sh

# The drill (tests/cluster) starts and removes a cluster of its own. Marked `postgres`, it needs a
# PostgreSQL DATABASE_URL to run, but never connects to that database.
cluster-test: install
	$(TEST_ENV) DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
		$(PY) -m pytest tests/cluster -s $(PYTEST_ARGS)

# Every public page at 390x844 and 1366x900 in Chromium, as PNGs in var/screenshots/<size>/
# (scripts/screenshots.py seeds and serves a database of its own; ARGS=--fresh seeds it again).
screenshots: install
	$(PY) scripts/screenshots.py $(ARGS)

# The Spanish catalogue's checks (tests/i18n) need GNU gettext; without it they skip and say so
# (under CI=true they fail).
test: install
	@command -v msgfmt >/dev/null && command -v xgettext >/dev/null || echo "GNU gettext not found (apt-get install gettext): the Spanish catalogue's checks will be skipped"
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
