# Set-up and everyday commands.  `make demo` and `make test` work on a fresh clone: they create
# .venv and install the project with what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DEV_DOCS := hulan_campaign.txt gov_report_2016_state_council.txt stats_bulletin_2022_wanzai_county.txt

.PHONY: install demo test eval lint schemas bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q extractor
	touch $@

install: $(VENV)/.installed

demo: install
	@mkdir -p out
	$(BIN)/extractor extract corpora/*.txt -o out/demo.jsonl
	@$(BIN)/python -m extractor.demo out/demo.jsonl
	@$(BIN)/extractor render corpora/district_campaign.txt -o out/district_campaign.html >/dev/null
	@echo "HTML view of one report: out/district_campaign.html"

test: install
	$(BIN)/python -m pytest

eval: install
	@mkdir -p out
	@$(BIN)/extractor extract $(addprefix $(SHARED)/corpora/,$(DEV_DOCS)) -o out/dev.jsonl --quiet
	@$(BIN)/python $(SHARED)/eval/score.py $(SHARED)/gold/dev.jsonl out/dev.jsonl | tail -n 1

lint: install
	$(BIN)/ruff check extractor tests benchmarks
	$(BIN)/ruff format --check extractor tests benchmarks
	$(BIN)/mypy

schemas: install
	$(BIN)/python -c "from extractor.schema import write_schemas; [print(p) for p in write_schemas('schemas')]"

# Byte-compiled first, as an installed package is (an editable install is not, and with
# PYTHONDONTWRITEBYTECODE set every start-up would compile the package again).
bench: install
	$(BIN)/python -m compileall -q extractor
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
	find extractor -name __pycache__ -prune -exec rm -rf {} +
