# Lectio: `make run` sets up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test setup lint format messages system-deps bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

lectio/static/vendor/.installed: package.json package-lock.json scripts/copy-vendor.mjs
	npm ci --omit=optional --no-audit --no-fund --loglevel=error
	node scripts/copy-vendor.mjs
	touch $@

setup: $(BIN)/.installed lectio/static/vendor/.installed
	$(BIN)/python scripts/compile_messages.py

## run: set up, migrate, load demo data, serve on http://127.0.0.1:$(PORT) with a worker
# Links in e-mails, certificates and calendar feeds point at the demo's own address.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# SCORM packages play from another host name (their scripts never see the site's cookies).
run: export LECTIO_CONTENT_ORIGIN ?= http://localhost:$(PORT)
run: setup
	$(BIN)/lectio migrate --noinput
	$(BIN)/lectio collectstatic --noinput --verbosity 0
	$(BIN)/lectio demo
	@$(BIN)/lectio worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/lectio serve --port $(PORT)

## system-deps: Debian packages the test suite needs (Chromium for browser tests, gettext,
## LibreOffice for PowerPoint conversion, xmlsec1 for SAML signatures, PostgreSQL, Redis and
## nginx for the scale-out test); as root it also starts PostgreSQL with the tests' role
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-impress-nogui"; \
	command -v xmlsec1 >/dev/null || missing="$$missing xmlsec1"; \
	command -v pg_lsclusters >/dev/null || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "Please install:$$missing (Debian packages)"; exit 1; fi; \
	fi
	@if [ "$$(id -u)" = 0 ]; then bash scripts/test-postgres.sh; \
	else pg_isready -q -h 127.0.0.1 || { echo "Please start PostgreSQL with a role lectio/lectio that may create databases (scripts/test-postgres.sh, as root)"; exit 1; }; fi

## test: the whole suite (set DATABASE_URL to run it on PostgreSQL)
test: setup system-deps
	$(BIN)/python -m pytest

## lint: ruff (with Django and time-zone rules), formatting, mypy --strict with django-stubs
## bench: the benchmark suite (BENCH_SIZE=medium|small|tiny, BENCH_CONCURRENCY=8,32,128; set
## DATABASE_URL for PostgreSQL; reports in bench/results/), then the focused benchmarks
## (transcoding speed; learners under load; the compliance matrix, reports and exports for a
## 10,000-person team; quiz attempts under load; the xAPI LRS)
BENCH_SIZE ?= medium
BENCH_CONCURRENCY ?= 8,32,128
bench: setup
	$(BIN)/python bench/suite.py --size $(BENCH_SIZE) --concurrency $(BENCH_CONCURRENCY)
	$(BIN)/python bench/transcode.py --seconds 60
	$(BIN)/python bench/learner_load.py --learners 50 --seconds 30
	$(BIN)/python bench/compliance.py --people 10000 --courses 20
	$(BIN)/python bench/quiz_load.py --learners 64 --concurrency 16
	$(BIN)/python bench/lrs_load.py --store 1000000 --agents 5000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lectio scripts bench

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## messages: refresh the Turkish catalog after changing user-facing strings
messages: setup
	cd lectio && ../$(BIN)/lectio makemessages --locale tr --no-obsolete --no-location --ignore 'static/vendor/*'
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) node_modules lectio/static/vendor build *.egg-info
