# make run: a working tracker with demo data; make test: the whole suite; make lint.
# Every target is idempotent: installs are skipped while pyproject.toml is unchanged.

VENV      := .venv
BIN       := $(VENV)/bin
INSTANCE  ?= $(or $(TRACKER_INSTANCE_PATH),instance)
# make run PORT=5001 (or TRACKER_PORT=5001) serves on another port.
PORT      ?= $(or $(TRACKER_PORT),5000)
# The first Python 3.11+ on PATH (shims that cannot run, such as pyenv's, are skipped quietly).
ifndef PYTHON
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
               command -v $$p >/dev/null 2>&1 \
               && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
               && { echo $$p; break; }; done)
endif

.PHONY: run test lint install install-dev system-deps catalogs-extract catalogs-update catalogs-compile

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamp files keyed on pyproject.toml: a changed dependency list reinstalls, nothing else does.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Pango and the letter fonts come from the system: installed when missing (as root), or named.
system-deps:
	@scripts/system-deps

run: system-deps install
	@PORT=$(PORT) $(BIN)/python scripts/run --check-port
	$(BIN)/tracker db upgrade
	$(BIN)/tracker demo load
	@$(BIN)/python -m tracker.commands.demo_admin "$(INSTANCE)"
	@# gunicorn (sync workers) and one `tracker worker`; Ctrl-C stops both (scripts/run).
	@PORT=$(PORT) $(BIN)/python scripts/run

# TRACKER_TEST_DATABASE_URL (PostgreSQL) is passed through from the environment.
test: system-deps install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check tracker tests benchmarks
	$(BIN)/ruff format --check tracker tests benchmarks
	$(BIN)/mypy --strict tracker/domain tracker/services tracker/models

# The site's gettext catalogs (tracker/translations): en is the source language, fr es ar are
# written by people. Extract the words, merge them into every catalog (new ones appear
# untranslated, changed ones fuzzy: tests/test_catalogs.py fails until someone translates them),
# compile the .mo files that are committed, so a fresh checkout serves every language.
# No source locations in the catalogs: they would change with every edit of a line above.
CATALOGS    := tracker/translations
BABEL_KEYS  := -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k _l -k lazy_ngettext:1,2 -k N_ \
               -k M_ -k Mn_:1,2 -k CaseField:3
catalogs-extract: install-dev
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYS) --no-location --sort-output \
	    --add-comments=Translators: --project=tracker --copyright-holder="tracker contributors" \
	    -o $(CATALOGS)/messages.pot .

catalogs-update: catalogs-extract
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --ignore-obsolete --width 100
	$(BIN)/python -m tracker.catalogs fill-source $(CATALOGS)/en/LC_MESSAGES/messages.po

catalogs-compile: install
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics

# The letter's own words (tracker/letter_words/<locale>/LC_MESSAGES/letters.po, a catalog of
# their own, apart from the site's): the compiled .mo files are committed beside them, so a
# fresh machine needs no compile step; run this after editing a .po.
.PHONY: letter-words
letter-words: install-dev
	$(BIN)/pybabel compile -d tracker/letter_words -D letters --statistics
