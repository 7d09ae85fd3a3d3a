# py-rust-fib: every build, test and benchmark step is a target here. `make help` lists them.
#
# Each target installs what it needs (idempotently; downloads are cached by pip, cargo and
# apt), so on a fresh Debian machine `make bench` and `make test` are all there is to type.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT    := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD   := $(ROOT)/build
WHEELS  := $(BUILD)/wheels
VENV    := $(ROOT)/.venv
PY      := $(VENV)/bin/python
# Poetry runs the CLI (`poetry run benchmark`) and builds fib-python's wheel. Installed
# where Poetry's own installer puts it, unless the machine already has one.
POETRY_VERSION := 2.5.1
POETRY  := $(or $(shell command -v poetry 2>/dev/null),$(HOME)/.local/bin/poetry)

# Benchmark settings for `make bench`; override on the command line: make bench N=500000
N          ?= 1000,10000,100000
ALGORITHMS ?= iterative,doubling
REPEATS    ?= 5

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

# ---------------------------------------------------------------------------- set-up

.PHONY: setup
setup: $(POETRY) $(VENV)/.installed rust-tools ## Install Poetry, the Python venv and Rust components

$(POETRY):
	python3 -m venv $(HOME)/.local/share/pypoetry/venv
	$(HOME)/.local/share/pypoetry/venv/bin/pip install --quiet poetry==$(POETRY_VERSION)
	mkdir -p $(HOME)/.local/bin
	ln -sf $(HOME)/.local/share/pypoetry/venv/bin/poetry $(HOME)/.local/bin/poetry

# The venv is pinned by requirements.lock (see its header) and used through `poetry run`.
$(VENV)/.installed: requirements.lock benchmarks/pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e ./benchmarks
	touch $@

.PHONY: rust-tools
rust-tools:
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

# ---------------------------------------------------------------------------- wheels

.PHONY: wheels
wheels: native-wheels pure-wheels ## Build every wheel into build/wheels/ and write its manifest.json
	$(PY) -m fib_benchmarks.builds manifest

.PHONY: native-wheels
native-wheels: setup ## fib-pyrs for this machine, debug and release (build/wheels/native-*)
	$(POETRY) run maturin build --quiet --manifest-path fib-pyrs/Cargo.toml \
	  --interpreter $(PY) --out $(WHEELS)/native-debug
	$(POETRY) run maturin build --quiet --release --manifest-path fib-pyrs/Cargo.toml \
	  --interpreter $(PY) --out $(WHEELS)/native-release

.PHONY: pure-wheels
pure-wheels: setup ## fib-python and the other pure-Python wheels (build/wheels/pure)
	$(POETRY) -C fib-python build --quiet --format wheel --output $(WHEELS)/pure

# ---------------------------------------------------------------------------- run

.PHONY: bench
bench: wheels ## Benchmark python vs rust-debug vs rust-release (N=, ALGORITHMS=, REPEATS=)
	$(POETRY) run benchmark --n $(N) --algorithm $(ALGORITHMS) --repeats $(REPEATS) \
	  --json $(BUILD)/benchmark.json --plot $(BUILD)/benchmark.png

# ---------------------------------------------------------------------------- tests

.PHONY: test
test: lint test-rust test-conformance test-benchmarks ## Everything CI runs

.PHONY: test-rust
test-rust: rust-tools ## cargo test for the workspace
	cargo test --workspace

# One suite, run once per build, each in its own interpreter with only that build importable.
.PHONY: test-conformance
test-conformance: wheels ## The conformance suite against fib-python, rust-debug, rust-release
	for variant in python rust-debug rust-release; do \
	  echo "== conformance: $$variant (native)"; \
	  $(PY) -m fib_benchmarks.builds exec $$variant -- \
	    $(PY) -m pytest -q -p no:cacheprovider conformance; \
	done

.PHONY: test-benchmarks
test-benchmarks: wheels ## Tests of the benchmark CLI (tiny n, checks the JSON)
	$(POETRY) run pytest -q -p no:cacheprovider benchmarks/tests

.PHONY: lint
lint: setup ## cargo fmt --check, clippy -D warnings, ruff check and format --check
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(POETRY) run ruff check .
	$(POETRY) run ruff format --check .

.PHONY: fmt
fmt: setup ## Format Rust and Python sources in place
	cargo fmt --all
	$(POETRY) run ruff format .
	$(POETRY) run ruff check --fix .

.PHONY: clean
clean: ## Remove build output (build/, target/); keeps the venv and caches
	rm -rf $(BUILD) target
