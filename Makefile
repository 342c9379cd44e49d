# The project's verbs. `make run` and `make test` set everything up first (idempotent).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The one command line. Installed as .venv/bin/net-assistant; the Makefile runs it as a module
# so the checkout it is run in is the code that runs (several checkouts may share one .venv).
CLI := $(PY) -m net_assistant.cli
CLI_SCRIPT := $(VENV)/bin/net-assistant
SPACY_PIPELINE := build/spacy_net_en/meta.json
WIDGET_VENDOR := web/widget/vendor/socket.io.min.js
WIDGET_TEXTS := web/widget/net-widget-texts.js
PYTHON_3_10 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 \
	/usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)

export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
# No usage data or error reports to Rasa's servers from this project's commands.
export RASA_TELEMETRY_ENABLED ?= false

.PHONY: help setup run test check test-widget test-browser browser-deps topology-deps shell train validate eval \
	bench profile lock clean \
	report retention bench-report

help:
	@echo "The project's verbs (each wraps a command of .venv/bin/net-assistant, see README):"
	@echo "  make run      - set up, train if the data changed, start the assistant"
	@echo "  make test     - set up and run the whole test suite"
	@echo "  make check    - ruff, mypy, the widget's unit tests and the tests that need no model, server or browser (< 2 min)"
	@echo "  make shell    - chat with the assistant in the terminal"
	@echo "  make eval     - end-to-end evaluation on the held-out sets (ARGS=--show-errors)"
	@echo "  make bench    - ours vs Rasa's default config and floor: latency, throughput, memory (ARGS=--quick)"
	@echo "  make profile  - py-spy profile of both servers under load (needs py-spy)"
	@echo "  make report   - the editors' report from the stored conversations (build/reports/)"
	@echo "  make retention DAYS=N - delete conversations (and reports) older than N days"
	@echo "  make bench-report - the report's time and memory on 100,000 synthetic conversations"
	@echo "  make setup    - create .venv from requirements.lock, install the project, build spaCy"
	@echo "  make train    - train the model if its inputs changed"
	@echo "  make validate - Rasa's consistency checks over domain, rules and training data"
	@echo "  make test-widget - the widget's protocol core, node --test tests/widget/ (no npm package)"
	@echo "  make test-browser - only the browser tests (Chromium)"
	@echo "  make browser-deps - install Debian's chromium (apt-get)"
	@echo "  make topology-deps - install Debian's PostgreSQL, Redis and nginx (apt-get)"
	@echo "  make lock     - regenerate requirements.lock from requirements.in"
	@echo "  make clean    - remove build output, models and stored conversations"

setup: $(VENV)/.installed $(CLI_SCRIPT) $(SPACY_PIPELINE) $(WIDGET_VENDOR) $(WIDGET_TEXTS)

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON_3_10)" || { echo "Python 3.10 is required (Rasa 3.6 supports 3.8-3.10)"; exit 1; }
	test -x $(PY) || "$(PYTHON_3_10)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

# The project itself, editable and without dependencies (the lock has them): `net-assistant`.
$(CLI_SCRIPT): $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(SPACY_PIPELINE): $(VENV)/.installed content/terminology.yml net_assistant/nlp.py net_assistant/knowledge/terminology.py
	$(PY) -m net_assistant.nlp

# The widget's one run-time dependency (socket.io-client, pinned by package-lock.json); npm's
# postinstall copies its browser bundle to web/widget/vendor/, served from the project.
$(WIDGET_VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# The widget's copy of the assistant's words (the disclaimer), generated from domain.yml and
# committed (tests/test_widget_texts.py checks it is current).
$(WIDGET_TEXTS): $(VENV)/.installed domain.yml net_assistant/widget_texts.py
	$(PY) -m net_assistant.widget_texts
	touch $@

# Debian's chromium for the browser tests (apt-get; CI runs as root).
browser-deps:
	scripts/install_browser_deps.sh

# Debian's PostgreSQL, Redis and nginx for the scale-out tests (tests/test_topology.py).
topology-deps:
	scripts/install_topology_deps.sh

train: setup
	$(CLI) train

run: setup
	$(CLI) run

test: setup browser-deps topology-deps
	$(PY) -m pytest

check: setup test-widget
	$(VENV)/bin/ruff check net_assistant actions tests
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -m "not slow and not browser"

# The widget's protocol core (web/widget/net-widget-core.js) with Node's own test runner: no
# npm package, no browser, well under a second.
test-widget:
	node --test tests/widget/

test-browser: setup browser-deps
	$(PY) -m pytest -m browser tests/e2e

shell: setup
	$(CLI) shell

validate: setup
	$(PY) -m rasa data validate --fail-on-warnings

# Regenerate the lock file from requirements.in in a throwaway venv.
lock:
	rm -rf build/lock-venv && "$(PYTHON_3_10)" -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.in
	build/lock-venv/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf build/lock-venv

clean:
	rm -rf build models .pytest_cache
	find var -mindepth 1 ! -name .gitkeep -delete

eval: setup
	$(CLI) eval $(ARGS)

bench: setup
	$(CLI) bench $(ARGS)

# py-spy is a development tool, not in the lock: `pip install py-spy` (any venv), or PY_SPY=path.
profile: setup
	$(PY) -m net_assistant.bench.profile --py-spy "$(or $(PY_SPY),$$(command -v py-spy || echo py-spy))" $(ARGS)

# The editors' report: build/reports/report-YYYY-MM-DD.html from the tracker store.
report: setup
	$(CLI) report

# Delete conversations whose last message is older than DAYS days (default: $$RETENTION_DAYS).
retention: setup
	$(CLI) retention $(if $(DAYS),--days $(DAYS))

# The report's time and memory on 100,000 synthetic conversations (kept in build/bench/).
bench-report: setup
	$(CLI) bench-report
