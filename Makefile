# The two commands a new user needs (see README.md):
#   make pipeline   set up .venv and run the whole DVC pipeline on the embedded sample corpus
#   make test       set up .venv and run the test suite (what .ci/run calls)
.PHONY: setup pipeline test test-fast lint lock

setup:
	./scripts/setup.sh

# Stage commands call `python`: the venv goes first on PATH.
VENV_ENV = PATH="$(CURDIR)/.venv/bin:$$PATH" HF_HUB_OFFLINE=1

pipeline: setup
	$(VENV_ENV) .venv/bin/dvc repro
	$(VENV_ENV) .venv/bin/dvc metrics show metrics/evaluate/*.json
	$(VENV_ENV) .venv/bin/adaptline report --output reports/index.html
	@echo "Report: reports/index.html  (all metrics: dvc metrics show; curves: dvc plots show)"

test: setup
	HF_HUB_OFFLINE=1 ADAPTLINE_PROGRESS=0 .venv/bin/python -m pytest -q

test-fast: setup
	HF_HUB_OFFLINE=1 ADAPTLINE_PROGRESS=0 .venv/bin/python -m pytest -q -m "not slow"

lint: setup
	.venv/bin/ruff check src stages tests bench scripts
	.venv/bin/ruff format --check src stages tests bench scripts

# Regenerate requirements.lock from the current .venv (after changing pyproject.toml).
lock:
	.venv/bin/python -m pip freeze --exclude-editable --exclude adaptline | LC_ALL=C sort > requirements.lock
