"""The build under test is the one the runner meant to test, and says what it is."""

import os


def test_build_info_names_the_build(impl):
    info = impl.build_info()
    assert info["implementation"] in ("fib-python", "fib-pyrs", "fib-wasmtime")
    assert info["version"] == impl.__version__
    expected = os.environ.get("FIB_EXPECT_PROFILE") or None
    assert info["profile"] == expected


# What carries fib-rust into Python, beside fib-rust and num-bigint, in each Rust build.
RUST_BUILDS = {"fib-pyrs": "pyo3", "fib-wasmtime": "wasmtime"}


def test_rust_builds_say_how_they_were_built(impl):
    info = impl.build_info()
    if info["implementation"] not in RUST_BUILDS:
        return
    assert info["rustc"].startswith("rustc ")
    assert info["target"]
    expected = {"fib-rust", "num-bigint", RUST_BUILDS[info["implementation"]]}
    assert set(info["dependencies"]) == expected
    assert all(info["dependencies"].values())


def test_rust_builds_say_which_simd_kernels_run(impl):
    """FIB_EXPECT_ISA (set by `make test-isa`) is the path the run meant to test: forced with
    FIB_RUST_ISA, or the widest of the CPU qemu-user emulates; FIB_EXPECT_BASECASE the
    squarings' loop (an emulated Haswell has AVX2 but no ADX: the portable loop)."""
    info = impl.build_info()
    if info["implementation"] not in RUST_BUILDS:
        return
    assert info["isa"] in ("scalar", "simd128", "neon", "avx2", "avx512")
    assert info["basecase"] in ("portable", "mulx-adx")
    if info["isa"] not in ("avx2", "avx512"):
        # The assembly squarings come only with the x86-64 paths that have SIMD.
        assert info["basecase"] == "portable"
    expected = os.environ.get("FIB_EXPECT_ISA")
    if expected:
        assert info["isa"] == expected
    expected = os.environ.get("FIB_EXPECT_BASECASE")
    if expected:
        assert info["basecase"] == expected
    # The NTT follows from the path and the target: doubles with AVX2 and AVX-512 (whose
    # CPUs all have FMA here, the emulated Haswell too), u64 on the scalar path of a 64-bit
    # target, u32 lanes elsewhere.
    scalar_64 = info["isa"] == "scalar" and not info["target"].startswith("wasm32")
    in_doubles = {"avx2": "f64-fma", "avx512": "f64-fma"}
    expected_ntt = in_doubles.get(info["isa"], "u64-scalar" if scalar_64 else "u32-lanes")
    assert info["ntt"] == expected_ntt, info
