# The council assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON311 ?= $(shell command -v python3.11 || command -v python3)
PY := .venv/bin/python
RASA_PY := .venv-rasa/bin/python
SPACY_PIPELINE := var/spacy/en_council
MODEL := models/council.tar.gz

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install run test test-bot test-app index model lint browser clean

help: ## List the targets with what they do
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

.venv/.installed: requirements/app.txt requirements/app.lock
	@$(PYTHON311) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Python 3.11 is needed for the gateway (set PYTHON311=...)"; exit 1; }
	$(PYTHON311) -m venv .venv
	$(PY) -m pip install -q -r requirements/app.txt -c requirements/app.lock
	touch $@

.venv-rasa/.installed: requirements/rasa.txt requirements/rasa.lock
	$$(scripts/find-python310.sh) -m venv .venv-rasa
	$(RASA_PY) -m pip install -q -r requirements/rasa.txt -c requirements/rasa.lock
	touch $@

install: .venv/.installed .venv-rasa/.installed ## Create both Python environments

$(SPACY_PIPELINE)/meta.json: bot/spacy_pipeline.py .venv-rasa/.installed
	$(RASA_PY) -m bot.spacy_pipeline $(SPACY_PIPELINE)

$(MODEL): config.yml domain.yml $(wildcard nlu/*.yml) $(SPACY_PIPELINE)/meta.json
	$(RASA_PY) -m rasa train --config config.yml --domain domain.yml --data nlu \
	  --out models --fixed-model-name council
	touch $@

model: $(MODEL) ## Train the Rasa model when its inputs changed

index: .venv/.installed ## Build the knowledge index (only changed articles re-embed)
	$(PY) -m knowledge.build

run: install index model ## Install, build, train, then start everything and print URLs
	$(PY) -m tools.stack

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

browser: node_modules/axe-core/axe.min.js ## Install Chromium and axe-core for the browser tests
	scripts/ensure-chromium.sh

test-bot: .venv-rasa/.installed $(SPACY_PIPELINE)/meta.json
	$(RASA_PY) -m pytest -q tests/bot

test-app: install index model browser
	$(PY) -m pytest -q tests --ignore=tests/bot

test: test-bot test-app ## Install and run the whole test suite

lint: .venv/.installed ## ruff check, ruff format --check and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

clean: ## Remove built indexes, models and the local database
	rm -rf var models

-include mk/*.mk
