# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CATALOGUES := eventapp/translations
PO_FILES := $(wildcard $(CATALOGUES)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
# The address phones and mails use (README, "Phones in the room"): EVENTAPP_PUBLIC_URL if set.
URL = $(or $(EVENTAPP_PUBLIC_URL),http://$(HOST):$(PORT))

.PHONY: run test setup translations messages lint bench clean

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed demo
	@echo ""
	@echo "  eventapp runs at $(URL)/"
	@echo "  2022, over:      $(URL)/events/clustertreffen-2022/ (its result: .../results)"
	@echo "  Next meeting:    $(URL)/events/jahrestreffen-go-cluster/ (register; polls to try)"
	@echo "  Organiser login: $(URL)/auth/login"
	@echo "                   organiser@example.org / clusterdemo2022 (platform admin)"
	@echo "  Other roles:     checkin@example.org, presenter@example.org (same password)"
	@echo "  Two networks:    $(URL)/networks/go-cluster/ and /networks/niro/"
	@echo "  Hall of fame:    $(URL)/hall-of-fame"
	@echo "  Mails land in instance/outbox/. Stop with Ctrl+C."
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed translations

# Reinstall when the dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations: $(MO_FILES)

$(CATALOGUES)/%/LC_MESSAGES/messages.mo: $(CATALOGUES)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(CATALOGUES) -l $* 2>&1 | tail -n 1

# For developers: collect new msgids into the catalogues, then translate them in the .po files.
# Lines wrap at 100 like the code, so that an update changes only the new entries.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \
		--no-location --sort-output \
		--width 100 --project eventapp -o $(CATALOGUES)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-fuzzy-matching \
		--ignore-obsolete --width 100

# ruff, and the layer contract of pyproject.toml (docs/architecture.md): an upward import fails.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Load benchmark against PostgreSQL on 127.0.0.1 (VOTERS=1000 for a quick check; BENCH_DATABASE=sqlite;
# SERVERS=2: two app servers behind nginx).
VOTERS ?= 10000
SERVERS ?= 1
bench: setup $(VENV)/.bench-installed
	VOTERS=$(VOTERS) SERVERS=$(SERVERS) $(BIN)/python bench/run.py

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@
