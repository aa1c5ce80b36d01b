# One make path: `make demo` and `make test` work on a fresh clone with only python3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])")

.PHONY: venv demo test wheel-check bench clean help

help:
	@echo "make demo   set up .venv, run the whole pipeline on the bundled demo corpus, photograph the briefing"
	@echo "make test   set up .venv with dev extras and run the test suite"
	@echo "make wheel-check  build the wheel, install it in a fresh venv, run hrdc demo and a Dask job from it"
	@echo "make bench  run the benchmark scripts (needs ../shared/data)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/hrdc demo --out demo-output
	$(BIN)/python scripts/screenshots.py demo-output

test: venv
	$(BIN)/python -m pytest -q

wheel-check: venv
	PYTHON=$(BIN)/python scripts/check_wheel.sh

bench: venv
	$(BIN)/python scripts/bench_extract.py
	$(BIN)/python scripts/bench_crawl.py
	$(BIN)/python scripts/bench_doctype.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache build *.egg-info
