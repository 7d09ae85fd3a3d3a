"""The built wheels, their manifest, and one isolated install per build.

``make wheels`` puts every wheel under ``build/wheels/<kind>/`` and then runs
``python -m fib_benchmarks.builds manifest`` to describe them in
``build/wheels/manifest.json``. Everything else (the benchmark, the tests, the web server)
finds wheels through that manifest, never by guessing file names.

Two builds of ``fib_pyrs`` cannot be imported into one interpreter, so each build is
installed into its own folder under ``build/sites/`` and run with only that folder on
``PYTHONPATH`` (``python -m fib_benchmarks.builds exec rust-debug -- pytest ...``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("PY_RUST_FIB_BUILD", REPO_ROOT / "build"))
WHEELS_DIR = BUILD_DIR / "wheels"
MANIFEST = WHEELS_DIR / "manifest.json"
SITES_DIR = BUILD_DIR / "sites"
MANIFEST_SCHEMA = 1

#: Output folder of each kind of wheel -> (platform, profile).
KINDS = {
    "native-debug": ("native", "debug"),
    "native-release": ("native", "release"),
    "pyodide-debug": ("pyodide", "debug"),
    "pyodide-release": ("pyodide", "release"),
    "pure": ("any", None),
    # fib-wasmtime: pure Python, but it carries fib-wasm's release .wasm and needs wasmtime,
    # which runs natively only (not in Pyodide).
    "wasmtime": ("native", "release"),
    # Third-party wheels for Pyodide, from PyPI: micropip (the browser needs it too) and,
    # for the tests only, pytest and its dependencies.
    "pyodide-vendor": ("any", None),
    "pyodide-test": ("any", None),
}

#: The constants every implementation shares (`contract.json`, at the repository's root):
#: MAX_N, the algorithms, and the builds of the fib API with their labels.
CONTRACT = json.loads((REPO_ROOT / "contract.json").read_text())
MAX_N: int = CONTRACT["max_n"]
ALGORITHMS: tuple[str, ...] = tuple(CONTRACT["algorithms"])
LABELS: dict[str, str] = {variant["name"]: variant["label"] for variant in CONTRACT["variants"]}

#: Each build's colour in every chart.
COLOURS: dict[str, str] = {variant["name"]: variant["colour"] for variant in CONTRACT["variants"]}
#: Estimates of one call of F(n), in seconds: SECONDS_PER_CALL[variant][runtime]
#: [algorithm] * n ** CALL_GROWTH[algorithm] (see `call_estimate_s`).
SECONDS_PER_CALL: dict[str, dict[str, dict[str, float]]] = {
    variant["name"]: variant["seconds_per_call"] for variant in CONTRACT["variants"]
}
CALL_GROWTH: dict[str, float] = CONTRACT["call_growth"]


def call_estimate_s(variant: str, runtime: str, algorithm: str, n: int) -> float:
    """An estimate of one call of F(n) by this build in this runtime (native or browser)
    on a 2-core machine: the contract's figure (1.2x a measured median), grown with n."""
    return SECONDS_PER_CALL[variant][runtime][algorithm] * n ** CALL_GROWTH[algorithm]


#: Where each build runs: native, pyodide, browser, wasi, component.
RUNTIMES: dict[str, tuple[str, ...]] = {
    variant["name"]: tuple(variant["runtimes"]) for variant in CONTRACT["variants"]
}

#: The builds of the fib API that are wheels, in table order.
VARIANTS = tuple(v["name"] for v in CONTRACT["variants"] if v["package"] == "wheel")
#: The wheels that run inside Pyodide too.
PYODIDE_VARIANTS = tuple(v for v in VARIANTS if "pyodide" in RUNTIMES[v])

#: Not a build of the fib API: GMP through gmpy2, a reference column (native, doubling only).
GMP_REFERENCE = "gmp"
#: Not a Python build either: fib-rust timed from Rust itself (`fib-rust/examples/fib_timer.rs`,
#: release profile), to show what the binding costs. Native only.
RUST_CORE = "rust-core"
RUST_CORE_TIMER = REPO_ROOT / "target" / "release" / "examples" / "fib_timer"
#: The builds that JavaScript runs (`fib-javascript/`), under Node.js natively and in a page
#: worker of their own, with no Python: the same algorithms on BigInt ("why not just
#: JavaScript?") and fib-rust's WebAssembly module with no Pyodide (what Pyodide costs).
JAVASCRIPT_VARIANTS = tuple(v["name"] for v in CONTRACT["variants"] if v["package"] == "javascript")
#: fib-rust's WebAssembly module (fib-wasm), which the Makefile copies beside its hosts.
FIB_WASM = REPO_ROOT / "fib-javascript" / "fib_wasm.wasm"
#: What the web page measures, in its table order: every build that runs in Chromium.
PAGE_VARIANTS = tuple(v for v in LABELS if "browser" in RUNTIMES[v])


class BuildError(Exception):
    """A wheel the user asked for is not built, or a manifest is missing or stale."""


@dataclass(frozen=True)
class Wheel:
    file: str  # relative to the wheels folder
    package: str  # distribution name, e.g. fib-pyrs
    module: str  # import name, e.g. fib_pyrs
    variant: Optional[str]  # python / rust-debug / rust-release; None for support wheels
    platform: str  # native / pyodide / any
    profile: Optional[str]  # debug / release; None for pure Python
    tag: str  # the wheel's compatibility tag, e.g. cp311-cp311-manylinux_2_34_x86_64
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        return WHEELS_DIR / self.file

    def runs_on(self, platform: str) -> bool:
        return self.platform in (platform, "any")


def describe_wheel(path: Path, kind: str) -> Wheel:
    """Manifest entry for one wheel file, from its folder and its name (PEP 427)."""
    platform, profile = KINDS[kind]
    distribution, _version, *_build, python, abi, platform_tag = path.stem.split("-")
    package = distribution.replace("_", "-")
    if package == "fib-pyrs":
        variant = f"rust-{profile}"
    elif package == "fib-wasmtime":
        variant = "rust-wasmtime"
    elif package == "fib-python":
        variant = "python"
    else:
        variant = None
    return Wheel(
        file=f"{kind}/{path.name}",
        package=package,
        module=distribution,
        variant=variant,
        platform=platform,
        profile=profile,
        tag=f"{python}-{abi}-{platform_tag}",
        size=path.stat().st_size,
        sha256=file_sha256(path),
    )


# Each file's SHA-256 with the (modification time, size) it was computed for: the server
# asks for the wheels on every page load and serves them by hash, but reads each file
# again only when it has changed.
_hashes: dict[Path, tuple[int, int, str]] = {}


def file_sha256(path: Path) -> str:
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    known = _hashes.get(path)
    if known is None or known[:2] != version:
        known = (*version, hashlib.sha256(path.read_bytes()).hexdigest())
        _hashes[path] = known
    return known[2]


def write_manifest() -> list[Wheel]:
    """Describe every wheel under the wheels folder; one wheel per package and kind."""
    wheels = []
    for kind in KINDS:
        found = sorted((WHEELS_DIR / kind).glob("*.whl"), key=lambda p: p.stat().st_mtime)
        latest = {}
        for path in found:  # an older version left behind loses to the newest build
            latest[path.name.split("-")[0]] = path
        wheels += [describe_wheel(path, kind) for path in latest.values()]
    document = {"schema": MANIFEST_SCHEMA, "wheels": [asdict(wheel) for wheel in wheels]}
    # Whole or not at all: the server may read the manifest while a build rewrites it.
    partial = MANIFEST.with_name(MANIFEST.name + ".partial")
    partial.write_text(json.dumps(document, indent=2) + "\n")
    os.replace(partial, MANIFEST)
    return wheels


def load_manifest() -> list[Wheel]:
    if not MANIFEST.exists():
        raise BuildError(f"no wheels built yet ({MANIFEST} is missing): run `make wheels`")
    document = json.loads(MANIFEST.read_text())
    if document.get("schema") != MANIFEST_SCHEMA:
        raise BuildError(f"{MANIFEST} has an unknown schema: run `make wheels` again")
    return [Wheel(**entry) for entry in document["wheels"]]


def find_wheel(variant: str, platform: str = "native") -> Wheel:
    """The wheel of one variant for one platform, or a BuildError that says what to do."""
    for wheel in load_manifest():
        if wheel.variant == variant and wheel.runs_on(platform):
            if not wheel.path.exists():
                raise BuildError(f"{wheel.path} is listed but missing: run `make wheels`")
            # Measuring an older build than the one on disk would be a silent lie.
            if file_sha256(wheel.path) != wheel.sha256:
                raise BuildError(
                    f"{wheel.path} changed after {MANIFEST.name} was written: run `make wheels`"
                )
            return wheel
    raise BuildError(f"no {platform} wheel for {variant!r} in {MANIFEST}: run `make wheels`")


def find_package(package: str) -> Wheel:
    """A pure wheel by distribution name (e.g. micropip, fib-benchmarks)."""
    for wheel in load_manifest():
        if wheel.package == package and wheel.platform == "any":
            return wheel
    raise BuildError(f"no wheel of {package} in {MANIFEST}: run `make wheels`")


def test_wheels() -> list[Wheel]:
    """pytest and its dependencies, pure wheels: for the tests in Pyodide and in WASI."""
    return [wheel for wheel in load_manifest() if wheel.file.startswith("pyodide-test/")]


def isolated_site(wheel: Wheel) -> Path:
    """A folder where exactly this wheel is installed; reinstalled when the wheel changes."""
    return installed_site(f"{wheel.variant or wheel.module}-{wheel.platform}", [wheel])


def installed_site(name: str, wheels: list[Wheel]) -> Path:
    """``build/sites/<name>``, where exactly ``wheels`` are installed (no dependencies);
    reinstalled when one of them changes."""
    site = SITES_DIR / name
    stamp = site / ".installed-sha256"
    expected = " ".join(wheel.sha256 for wheel in wheels)
    if not stamp.exists() or stamp.read_text() != expected:
        shutil.rmtree(site, ignore_errors=True)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
        command += ["--no-index", "--disable-pip-version-check", "--target", str(site)]
        subprocess.run([*command, *(str(wheel.path) for wheel in wheels)], check=True)
        stamp.write_text(expected)
    return site


def variant_environment(variant: str) -> dict[str, str]:
    """Environment for a process that must see exactly one build of the fib API.

    ``FIB_IMPL`` names the module to import and ``FIB_EXPECT_PROFILE`` the build profile it
    must report, so a test run can prove that it measured the build it meant to.
    """
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if variant == GMP_REFERENCE:  # gmpy2 is installed in this environment itself
        env.pop("PYTHONPATH", None)
        return env | {"FIB_IMPL": "fib_benchmarks.gmp_reference", "FIB_EXPECT_PROFILE": ""}
    wheel = find_wheel(variant)
    env["PYTHONPATH"] = str(isolated_site(wheel))
    env["FIB_IMPL"] = wheel.module
    env["FIB_EXPECT_PROFILE"] = wheel.profile or ""
    return env


def main(argv: list[str]) -> int:
    """``manifest`` | ``exec VARIANT -- COMMAND...``"""
    if argv[1:2] == ["manifest"]:
        for wheel in write_manifest():
            print(f"{wheel.file:80} {wheel.size:>10,} B  {wheel.sha256[:12]}")
        return 0
    if argv[1:2] == ["exec"] and len(argv) > 4 and argv[3] == "--":
        try:
            env = variant_environment(argv[2])
        except BuildError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return subprocess.run(argv[4:], env=env).returncode
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
