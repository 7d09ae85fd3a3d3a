//! Python binding of `fib-rust`.
//!
//! This layer only converts Python values to Rust values and back, and forwards to
//! `fib_rust`: validation rules, algorithms and error texts all live in the core. The one
//! Python-specific job done here is running the core's progress hook with the interpreter
//! attached, so that Ctrl-C and a Python `progress` callback can stop the computation.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use fib_rust::{Algorithm, BigInt, FibError, Progress};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyString};

mod pylong;

mod built_info {
    include!(concat!(env!("OUT_DIR"), "/built.rs"));
}

// Each argument has a type of its own whose extraction does the conversion, so that PyO3
// converts them in order (n, then algorithm, then progress) before `fib` runs, and a
// wrong type reads "n must be an int, not float": the same text fib-python raises.

fn wrong_type(argument: &str, expected: &str, value: &Borrowed<'_, '_, PyAny>) -> PyErr {
    let type_name = value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string());
    PyTypeError::new_err(format!("{argument} must be {expected}, not {type_name}"))
}

fn value_error(error: FibError) -> PyErr {
    PyValueError::new_err(error.to_string())
}

/// `n`: an `int` (but not a `bool`, which Python counts as one) in `0..=MAX_N`.
struct NArg(u64);

impl<'a, 'py> FromPyObject<'a, 'py> for NArg {
    type Error = PyErr;

    fn extract(n: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if !n.is_instance_of::<PyInt>() || n.is_instance_of::<PyBool>() {
            return Err(wrong_type("n", "an int", &n));
        }
        // The common case first, an exact int in 0..2^64, read by one C call: fib_rust
        // refuses one above MAX_N itself, with the same message.
        if n.is_exact_instance_of::<PyInt>() {
            if let Ok(small) = n.extract::<u64>() {
                return Ok(NArg(small));
            }
        }
        // Its size first, in constant time: an n wider than 64 bits is refused by its size
        // without being converted. `int`'s own methods, not n's: a subclass may lie.
        let int = n.py().get_type::<PyInt>();
        let bits: u64 = int.call_method1("bit_length", (&n,))?.extract()?;
        if bits > 64 {
            let negative = int.call_method1("__lt__", (&n, 0))?.is_truthy()?;
            return Err(value_error(fib_rust::refuse_wide_n(negative, bits)));
        }
        let n: BigInt = n.extract()?;
        fib_rust::check_n(&n).map(NArg).map_err(value_error)
    }
}

/// `algorithm`: a `str` naming one of `fib_rust::Algorithm::ALL`.
struct AlgorithmArg(Algorithm);

impl<'a, 'py> FromPyObject<'a, 'py> for AlgorithmArg {
    type Error = PyErr;

    fn extract(algorithm: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let name = algorithm
            .cast::<PyString>()
            .map_err(|_| wrong_type("algorithm", "a str", &algorithm))?;
        name.to_str()?
            .parse()
            .map(AlgorithmArg)
            .map_err(value_error)
    }
}

/// `progress`: a callable taking `(done, total)`.
struct ProgressArg(Py<PyAny>);

impl<'a, 'py> FromPyObject<'a, 'py> for ProgressArg {
    type Error = PyErr;

    fn extract(callback: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if !callback.is_callable() {
            return Err(wrong_type("progress", "callable or None", &callback));
        }
        Ok(ProgressArg(callback.to_owned().unbind()))
    }
}

/// How often a computation with no progress hook looks for Ctrl-C (Python's signals).
const SIGNAL_LOOK_INTERVAL: Duration = Duration::from_millis(1);

/// Steps after which, with no hook, the clock is first read: the doubling's first 16 bits
/// reach F(2^16), about 50 µs in a release build and a millisecond in a debug one; the
/// iterative algorithm's first report comes after about a millisecond of additions anyway.
const UNWATCHED_STEPS: u64 = 16;

/// Whether F(n) takes so little time (a few µs at most) that it is computed attached to
/// the interpreter: detaching and attaching again cost about 0.1 µs, 3 % of F(10^4) by
/// doubling, and CPython's own calls keep the GIL far longer (its switch interval is 5 ms).
fn quick(n: u64, algorithm: Algorithm) -> bool {
    match algorithm {
        // F(2^14): about 5 µs in a release build.
        Algorithm::Doubling => n < 1 << 14,
        // F(1 000): about 5 µs of additions.
        Algorithm::Iterative => n < 1_000,
    }
}

/// F(n) as a Python int.
///
/// Unless it is quick, the computation runs detached from the interpreter (other Python
/// threads go on); a progress report re-attaches briefly to check for Ctrl-C and to call
/// `progress(done, total)`: every report when there is a hook, else at most every
/// millisecond. An exception from either stops the computation and is raised here.
#[pyfunction]
#[pyo3(
    signature = (n, algorithm = AlgorithmArg(Algorithm::Iterative), *, progress = None),
    text_signature = "(n, algorithm='iterative', *, progress=None)"
)]
fn fib(
    py: Python<'_>,
    n: NArg,
    algorithm: AlgorithmArg,
    progress: Option<ProgressArg>,
) -> PyResult<Bound<'_, PyInt>> {
    let (NArg(n), AlgorithmArg(algorithm)) = (n, algorithm);

    let mut interruption: Option<PyErr> = None;
    // The clock is first read at the first look (a quick F(n) never reads it).
    let mut last_look: Option<Instant> = None;
    let on_progress = |report: Progress| {
        // With no hook to call, a report is only a chance to see Ctrl-C, which needs the
        // GIL: taking it back on every step of a small F(n) cost more than the step (a
        // third of F(10^4)'s time), and a look every millisecond is instant to a person.
        // Nor is a clock read free (40 ns here, a call out to JavaScript in Pyodide): 14 a
        // call at F(10^4). The first steps are too short to need a look at all.
        let looked_lately = last_look.is_some_and(|at| at.elapsed() < SIGNAL_LOOK_INTERVAL);
        if progress.is_none() && (report.done < UNWATCHED_STEPS || looked_lately) {
            return ControlFlow::Continue(());
        }
        last_look = Some(Instant::now());
        Python::attach(|py| {
            let outcome = py.check_signals().and_then(|()| match &progress {
                Some(ProgressArg(callback)) => {
                    callback.call1(py, (report.done, report.total)).map(drop)
                }
                None => Ok(()),
            });
            outcome.map_or_else(
                |error| {
                    interruption = Some(error);
                    ControlFlow::Break(())
                },
                ControlFlow::Continue,
            )
        })
    };
    let computed = if quick(n, algorithm) {
        fib_rust::fib_with_progress(n, algorithm, on_progress)
    } else {
        py.detach(|| fib_rust::fib_with_progress(n, algorithm, on_progress))
    };
    match computed {
        Ok(value) => pylong::to_python_int(py, &value),
        Err(FibError::Cancelled) => Err(interruption.expect("the hook records why it stopped")),
        Err(error) => Err(value_error(error)),
    }
}

/// Which build of fib-pyrs this is: every benchmark row records it.
#[pyfunction]
fn build_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let dependency = |name: &str| {
        built_info::DEPENDENCIES
            .iter()
            .find(|(dependency, _)| *dependency == name)
            .map(|(_, version)| *version)
    };
    let info = PyDict::new(py);
    info.set_item("implementation", "fib-pyrs")?;
    info.set_item("version", built_info::PKG_VERSION)?;
    info.set_item("profile", built_info::PROFILE)?;
    info.set_item("opt_level", built_info::OPT_LEVEL)?;
    info.set_item("rustc", built_info::RUSTC_VERSION)?;
    info.set_item("target", built_info::TARGET)?;
    // The SIMD kernels in use: the widest this CPU has, or what FIB_RUST_ISA narrowed it to.
    info.set_item("isa", fib_rust::Isa::current().name())?;
    // The schoolbook squaring's loop on that path: x86-64 assembly (mulx-adx) or portable.
    info.set_item("basecase", fib_rust::tuning::Basecase::current().name())?;
    // The NTT that multiplies from the sizes where products go through NTTs.
    info.set_item("ntt", fib_rust::ntt_method())?;
    let dependencies = PyDict::new(py);
    for name in ["fib-rust", "num-bigint", "pyo3"] {
        dependencies.set_item(name, dependency(name))?;
    }
    info.set_item("dependencies", dependencies)?;
    Ok(info)
}

/// Panics with `message`. Not part of the API: the binding's tests call it to check that a
/// Rust panic reaches Python as `pyo3_runtime.PanicException` and leaves the interpreter
/// usable, natively and in WebAssembly, where that depends on how the wheel was built
/// (Pyodide 314 needs wasm exception handling).
#[pyfunction]
fn _panic(message: &str) {
    panic!("{message}")
}

#[pymodule]
fn fib_pyrs(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(fib, module)?)?;
    module.add_function(wrap_pyfunction!(build_info, module)?)?;
    module.add_function(wrap_pyfunction!(_panic, module)?)?;
    let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
    module.add("ALGORITHMS", pyo3::types::PyTuple::new(module.py(), names)?)?;
    module.add("MAX_N", fib_rust::MAX_N)?;
    module.add("__version__", built_info::PKG_VERSION)?;
    Ok(())
}
