# Set-up and everyday commands. Everything installs into .venv; nothing is installed system-wide.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ROWS   ?= 50000

.PHONY: install demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; }; } || \
	  echo "chromium not installed: browser tests will skip"

## demo: generate the sample data, train the sample model, audit it (the injected bias fails a gate)
demo: install
	$(PY) -m sample_models.benefits_eligibility --rows $(ROWS) --out sample_models/benefits_eligibility/artifacts
	$(VENV)/bin/govaudit run audits/benefits_eligibility.toml --junit reports/benefits_eligibility/junit.xml; \
	  status=$$?; \
	  if [ $$status -eq 1 ]; then echo "demo: the gate failed as expected (exit 1): the injected bias was found."; \
	  elif [ $$status -ne 0 ]; then exit $$status; fi

## test: install and run the whole test suite
test: install
	$(PY) -m pytest -q

## bench: govaudit vs fairlearn MetricFrame vs pandas groupby on 1M and 10M rows
bench: install
	$(PY) benchmarks/bias_vs_fairlearn.py

clean:
	rm -rf $(VENV) reports/*/ sample_models/*/artifacts .pytest_cache .hypothesis
