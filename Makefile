# Ambition Creep: build, test and benchmark the book.
#   make book   - create .venv from requirements.lock (once), execute chapters, build the site
#   make test   - the same set-up, then lint, unit/property/CLI tests, nbval, strict build,
#                 browser tests of the site (skipped, loudly, when chromium is missing)
#   make bench  - timings of the build and the models
#   make refresh - re-execute chapters and store their outputs (nbval's reference)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
CHAPTER_NOTEBOOKS := $(wildcard chapters/*.ipynb)
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: venv bytecode book test lint unit nbval site-test bench refresh lock clean

venv: $(STAMP)

$(STAMP):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	@echo "make: installing $$(grep -c '^[A-Za-z0-9]' requirements.lock) pinned packages into $(VENV) (a few minutes, first time only)"
	$(BIN)/python -m pip install --progress-bar off --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# lib/'s modules compiled to bytecode once. Where PYTHONDONTWRITEBYTECODE is set (as on
# this project's machines), imports write no bytecode, so every process (each command,
# each kernel) compiled again all of lib/ it imported: 0.2-0.3 s of
# `energybook run rebound`. compileall skips what is up to date.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q lib

book: $(STAMP) bytecode
	$(BIN)/energybook build

test: $(STAMP) bytecode
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory nbval
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory site-test

lint: $(STAMP)
	$(BIN)/ruff check lib tests tools bench chapters
	$(BIN)/ruff format --check lib tests tools bench
	$(BIN)/mypy
	$(BIN)/codespell lib tests tools bench README.md CONTRIBUTING.md CHANGELOG.md glossary.md data/README.md
	$(BIN)/python tools/datapackage.py
	$(BIN)/python tools/unit_factors.py
	$(BIN)/python tools/bibliography.py
	$(BIN)/python tools/fontawesome_subset.py

unit: $(STAMP)
	$(PYTEST) -n 2 tests --ignore=tests/site

nbval: $(STAMP)
	$(PYTEST) $(NBVAL) -n 2 --dist loadfile $(CHAPTER_NOTEBOOKS)

site-test: $(STAMP) bytecode
	$(PYTEST) tests/site

bench: $(STAMP) bytecode
	$(BIN)/python bench/bench.py

refresh: $(STAMP) bytecode
	$(BIN)/energybook refresh

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf _build out
