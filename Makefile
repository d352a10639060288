# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# torch pinned: 2.13.0 is the CPU build on this project's machines; unpinned pulls GBs of CUDA.
TORCH := torch==2.13.0

FUZZ_SECONDS ?= 180

.PHONY: fuzz demo test lint typecheck pytest bench eval eval-gate clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change. The demo needs the base install;
# the tests also need the SDKs, torch + diffusers for the tiny random-weight pipelines, and
# c2pa-python for signed exports.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,diffusers,server,provenance,media]"
	touch $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/gouache demo

test: $(DEV_STAMP) system-deps lint typecheck pytest eval-gate

# The server tests start a throwaway PostgreSQL cluster and Redis; the layer tests draw SVG in
# Chromium, the web UI tests drive it through Playwright, and the story tests read PDF pages
# with pdftoppm (poppler-utils): Debian's packages,
# installed here when missing (CI runs as root on a fresh machine; elsewhere it says what to install).
SYSTEM_PACKAGES := postgresql redis-server chromium poppler-utils
system-deps:
	@if command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		&& command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "some tests need: sudo apt-get install -y $(SYSTEM_PACKAGES)"; fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks fuzz training
	$(BIN)/ruff format --check src tests benchmarks fuzz training

typecheck: $(DEV_STAMP)
	$(BIN)/mypy --strict src

pytest: $(DEV_STAMP) system-deps
	$(BIN)/python -m pytest -n 2 -q

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.run

# The built-in suite (70 cases) on the operator backend, alone, with simulated drift, and with
# drift and the guard, plus 20-turn drift chains; compared with the committed baseline.
eval: $(DEV_STAMP)
	$(BIN)/gouache eval run builtin --drift --out eval-results/builtin
	$(BIN)/gouache eval compare evals/baseline.json eval-results/builtin/report.json

# The regression gate in `make test`: 10 cases of the suite and 5-turn chains (about 30 s).
eval-gate: $(DEV_STAMP)
	$(BIN)/gouache eval run builtin:quick --drift --turns 5 --quiet --out eval-results/gate
	$(BIN)/gouache eval compare evals/baseline-quick.json eval-results/gate/report.json

clean:
	rm -rf $(VENV) gouache-demo eval-results .mypy_cache .pytest_cache .ruff_cache

# Each harness for FUZZ_SECONDS with atheris (libFuzzer); the corpus grows in fuzz-corpus/.
fuzz: $(DEV_STAMP)
	$(BIN)/python -m fuzz.images -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096
	$(BIN)/python -m fuzz.planner -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096
