# Set-up and everyday commands.  `make demo` and `make test` work on a fresh clone: they create
# .venv and install the project with what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
# The documents to score are the ones the gold names (its "doc"/"source" keys), not a hand-kept list.
GOLD := $(SHARED)/gold/dev.jsonl
TARGETS := $(SHARED)/gold/targets_2026.jsonl

.PHONY: install demo test eval lint schemas bench bench-instructions bench-pdf fuzz clean

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
	@$(BIN)/python -c "import json,sys; print(*sorted({r.get('doc') or r.get('source') for r in map(json.loads, open(sys.argv[1], encoding='utf-8')) if r.get('file') is None} | {r['file'] for r in map(json.loads, open(sys.argv[2], encoding='utf-8'))}), sep='\\n')" $(GOLD) $(TARGETS) > out/dev.docs
	@sed 's|^|$(SHARED)/corpora/|' out/dev.docs | xargs $(BIN)/extractor extract -o out/dev.jsonl --quiet
	@echo "$$(wc -l < out/dev.docs) documents: those the gold scores and those the targets table names"; for d in $$(cat out/dev.docs); do \
	  if grep -q "\"$$d\"" $(GOLD); then printf '%-50s ' $$d; $(BIN)/python $(SHARED)/eval/score.py $(GOLD) out/dev.jsonl --doc $$d | tail -n 1 | cut -c1-200; fi; done
	@echo "all:"; $(BIN)/python $(SHARED)/eval/score.py $(GOLD) out/dev.jsonl | tail -n 1
	@echo "targets table:"; $(BIN)/python $(SHARED)/eval/targets.py $(TARGETS) out/dev.jsonl | tail -n 1

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

# The instructions (not seconds) of extract and of jieba.lcut on the same text, counted under
# Valgrind: within about 1% from run to run, where timings on a shared machine move by 10% and more.
bench-instructions: install
	$(BIN)/python benchmarks/instructions.py

# The PDF reading time split: each engine alone, the cleaning both share, PDFium's pages (Chromium).
bench-pdf: install
	$(BIN)/python benchmarks/pdf_engines.py

# A million seeded inputs through extract, every invariant checked; reproducers of failures go to
# out/fuzz-crashes (minutes: not part of `make test`, which runs a 20,000-input slice).
fuzz: install
	$(BIN)/python benchmarks/fuzz.py -n 1000000 --jobs 2 --out out/fuzz-crashes

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
	find extractor -name __pycache__ -prune -exec rm -rf {} +
