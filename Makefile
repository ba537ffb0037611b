# Set-up and everyday commands. Everything installs into .venv; nothing is installed system-wide.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ROWS   ?= 50000
# The oldest supported set: every dependency at its declared lower bound (constraints/minimum.txt)
PYTHON_MIN ?= $(PYTHON)
VENV_MIN   ?= .venv-min
STAMP_MIN  := $(VENV_MIN)/.installed-stamp

.PHONY: install install-minimum chromium demo test test-minimum bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(STAMP_MIN): pyproject.toml constraints/minimum.txt
	rm -rf $(VENV_MIN)
	$(PYTHON_MIN) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_MIN)/bin/python -m pip install --quiet -c constraints/minimum.txt -e ".[dev]"
	touch $(STAMP_MIN)

install: $(STAMP) chromium

## install-minimum: a second venv (.venv-min) with every dependency at its declared minimum
install-minimum: $(STAMP_MIN) chromium

chromium:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; }; } || \
	  echo "chromium not installed: browser tests will skip"
	@fc-list :lang=zh 2>/dev/null | grep -q . || { command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1; }; }; } || \
	  echo "no CJK font installed (fonts-wqy-microhei): Chinese PDFs are refused and their browser tests skip"

## demo: build the five scenario samples, audit each into one signed ledger, write HTML reports, print a summary,
## and build the public register site of the ledger (reports/register/index.html)
demo: install
	$(PY) sample_models/demo.py
	$(VENV)/bin/govaudit register build reports/ledger.sqlite --out reports/register

## test: install and run the whole test suite
test: install
	$(PY) -m pytest -q

## test-minimum: the whole test suite on the oldest supported versions (PYTHON_MIN=python3.10 to use 3.10)
test-minimum: install-minimum
	$(VENV_MIN)/bin/python --version
	$(VENV_MIN)/bin/python -m pytest -q

## bench: govaudit vs fairlearn MetricFrame vs pandas groupby on 1M and 10M rows
bench: install
	$(PY) benchmarks/bias_vs_fairlearn.py

clean:
	rm -rf $(VENV) $(VENV_MIN) reports/*/ sample_models/*/artifacts .pytest_cache .hypothesis
