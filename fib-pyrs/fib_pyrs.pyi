"""Fibonacci numbers computed in Rust (fib-rust) through PyO3."""

from typing import Callable, Optional

__all__ = ["ALGORITHMS", "MAX_N", "__version__", "_panic", "build_info", "fib"]

__version__: str
ALGORITHMS: tuple[str, ...]
MAX_N: int

def fib(
    n: int,
    algorithm: str = "iterative",
    *,
    progress: Optional[Callable[[int, int], object]] = None,
) -> int:
    """Return F(n). Raises TypeError/ValueError for bad arguments, as fib_python does.

    The computation runs without holding the GIL; ``progress(done, total)`` is called at a
    bounded interval, and an exception from it (or Ctrl-C) stops the computation.
    """

def build_info() -> dict[str, object]:
    """Build profile, crate versions, rustc version, target, and the SIMD kernels in use
    (``isa``: scalar, simd128, avx2 or avx512; FIB_RUST_ISA narrows it)."""

def _panic(message: str) -> None:
    """Not part of the API: panics in Rust, for the binding's tests (a panic must reach
    Python as ``pyo3_runtime.PanicException`` and leave the interpreter usable)."""
