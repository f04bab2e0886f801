# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app conference
CATALOGS := $(wildcard conference/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
# `make run PORT=5001` serves on another port; links in mail (PUBLIC_URL) follow it unless PUBLIC_URL is set.
PORT ?= 5000

# What the app needs at run time: WeasyPrint's Pango, the HarfBuzz subsetter (PDFs render about
# four times slower without it), fonts covering Latin, Cyrillic, Greek and Arabic, and pdftoppm
# (poppler-utils) for the previews of documents.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core poppler-utils
# What the tests need besides: Debian's browser for Playwright.
TEST_SYSTEM_PACKAGES := chromium
# npm (front-end packages) comes from Debian only when none is on the PATH: some images bring their own.
NPM_PACKAGES := $(if $(shell command -v npm),,nodejs npm)
VENDOR := conference/static/vendor/qr-scanner
VENDORED := $(VENDOR)/qr-scanner.umd.min.js $(VENDOR)/qr-scanner-worker.min.js

.PHONY: install run test lint audit system-packages test-system-packages translations translations-update clean

# Everything the app needs to be served (also on a production server), without the demo data.
install: system-packages $(VENV)/.installed $(COMPILED) $(VENDORED)

run: install
	CONFERENCE_ENV=development $(FLASK) db upgrade
	CONFERENCE_ENV=development FLASK_RUN_PORT=$(PORT) $(FLASK) demo-data --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C stops)"
	CONFERENCE_ENV=development FLASK_RUN_PORT=$(PORT) $(FLASK) run --host 127.0.0.1

test: lint system-packages test-system-packages $(VENV)/.installed-test $(COMPILED) $(VENDORED)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# Formatting and lint rules (pyproject.toml, [tool.ruff]); `ruff format .` and `ruff check --fix .` repair most.
# Then the types ([tool.mypy]): strict on the rules and the tables.
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Known vulnerabilities in the installed Python packages (PyPI's advisory data); fails on any found.
audit: $(VENV)/.installed-test
	$(PYTHON) -m pip_audit --skip-editable --progress-spinner off

# Installs only what is missing; without root or sudo it names the packages and stops.
define install_missing
	@missing=$$(for package in $(1); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || echo $$package; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "Please install these Debian packages first:" $$missing; exit 1; fi; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

system-packages:
	$(call install_missing,$(SYSTEM_PACKAGES) $(NPM_PACKAGES))

test-system-packages:
	$(call install_missing,$(TEST_SYSTEM_PACKAGES))

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PYTHON) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PYTHON) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The QR scanner of the check-in page, copied from npm; its worker must sit beside it.
$(VENDOR)/%.js: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/qr-scanner/$*.js $@

%.mo: %.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile -i $< -o $@

translations: $(COMPILED)

# After changing user-facing strings: extract them and merge them into every catalogue.
translations-update: | $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output --ignore-dirs='.* node_modules' \
		--project conference -o conference/translations/messages.pot .
	$(VENV)/bin/pybabel update -i conference/translations/messages.pot -d conference/translations

clean:
	rm -rf $(VENV) node_modules build $(COMPILED) conference/static/vendor
