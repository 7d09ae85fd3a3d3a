//! Fibonacci numbers on big integers.
//!
//! `fib-rust` is the computational core of py-rust-fib. It knows nothing of Python: the
//! `fib-pyrs` crate binds it with PyO3, and `fib-python` re-implements the same API in
//! pure Python so the two can be compared honestly.
//!
//! ```
//! use fib_rust::{fib, Algorithm};
//! let f100 = fib(100, Algorithm::Doubling).unwrap();
//! assert_eq!(f100.to_string(), "354224848179261915075");
//! ```
//!
//! Every implementation of this project shares the same contract:
//! * `n` is an integer in `0..=MAX_N`; anything else is refused with a message that says
//!   what was wrong and what is allowed ([`FibError`]);
//! * long computations report [`Progress`] to an optional hook at a bounded interval, and
//!   the hook may stop them ([`fib_with_progress`]).

use std::fmt;
use std::ops::ControlFlow;
use std::str::FromStr;

pub use num_bigint::{BigInt, BigUint};

mod carry_save;
mod doubling;
pub mod isa;
mod iterative;
mod limbs;
mod ntt;
pub mod tuning;

pub use isa::{with_isa, Isa};

/// The NTT of the path running on this thread, from the sizes where products go through
/// NTTs: "f64-fma" (three 50-bit primes in doubles: AVX2 with FMA, and AVX-512 in eight
/// lanes), "u64-scalar" (two 62-bit primes: the scalar path of 64-bit targets) or
/// "u32-lanes" (three 30-bit primes on SIMD lanes of u32: NEON, simd128, 32-bit targets). For the bindings'
/// `build_info()`, beside `Isa::current()` and `tuning::Basecase::current()`.
pub fn ntt_method() -> &'static str {
    ntt::Method::current().name()
}

/// The iterative algorithm written plainly on num-bigint (`a += &b`): the reference that
/// the carry-save engine behind [`Algorithm::Iterative`] is tested and benchmarked against.
pub use iterative::fib_num_bigint;

// MAX_N, the largest `n` any implementation accepts, and the algorithms' names come from
// `contract.json`, the one source every implementation, the benchmark, the server, the
// page and the Makefile read (see build.rs). F(10^7) has 2 089 877 decimal digits. The
// iterative algorithm needs about n²/2 limb additions, so 10^7 keeps its worst case to
// minutes (CPython: about 20 minutes), never hours, and the result to a few megabytes.
include!(concat!(env!("OUT_DIR"), "/contract.rs"));

/// How a Fibonacci number is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// n big-integer additions, `a, b = b, a + b`: O(n²) bit operations.
    Iterative,
    /// Fast doubling: F(2k) = F(k)(2F(k+1) − F(k)), F(2k+1) = F(k)² + F(k+1)²:
    /// log2(n) steps of big multiplications.
    Doubling,
}

impl Algorithm {
    /// Every algorithm, in the order the Python API lists them (`ALGORITHMS`).
    pub const ALL: [Algorithm; 2] = [Algorithm::Iterative, Algorithm::Doubling];

    /// The name used across the project (Python API, benchmark rows, the web page).
    pub fn name(self) -> &'static str {
        ALGORITHM_NAMES[self as usize]
    }
}

// contract.json names exactly the algorithms there are, in `Algorithm::ALL`'s order.
const _: () = assert!(ALGORITHM_NAMES.len() == Algorithm::ALL.len());
const _: () = assert!(Algorithm::Iterative as usize == 0 && Algorithm::Doubling as usize == 1);

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = FibError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Algorithm::ALL
            .into_iter()
            .find(|algorithm| algorithm.name() == name)
            .ok_or_else(|| FibError::UnknownAlgorithm {
                name: name.to_owned(),
            })
    }
}

/// How far a computation has got: `done` out of `total` steps of its algorithm.
///
/// Iterative: additions (`total == n`). Doubling: bits of `n` consumed
/// (`total == bit length of n`). The last report always has `done == total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// A refused `n` as error messages show it: its value while it fits in 64 bits, else its
/// size.
///
/// Writing out any integer a caller passes would take time quadratic in its length (a
/// 12.8-million-bit `n` took 1.4 s and made a 3.9 MB message); its bit length is known at
/// once. Every implementation words it the same way (`ShownN`'s `Display`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShownN {
    Value(i128),
    Size { negative: bool, bits: u64 },
}

impl ShownN {
    /// How `n` is shown, in constant time.
    pub fn of(n: &BigInt) -> Self {
        match i128::try_from(n) {
            Ok(value) if n.bits() <= 64 => ShownN::Value(value),
            _ => ShownN::Size {
                negative: n.sign() == num_bigint::Sign::Minus,
                bits: n.bits(),
            },
        }
    }
}

impl fmt::Display for ShownN {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShownN::Value(value) => write!(f, "{value}"),
            ShownN::Size { negative, bits } => {
                let sign = if *negative { "a negative" } else { "an" };
                write!(f, "{sign} integer of {bits} bits")
            }
        }
    }
}

/// Why a Fibonacci number was not computed.
///
/// The messages are part of the project's contract: `fib-python` raises the same text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FibError {
    /// `n` was below zero.
    Negative { n: ShownN },
    /// `n` was above [`MAX_N`].
    TooLarge { n: ShownN },
    /// No algorithm has that name.
    UnknownAlgorithm { name: String },
    /// The progress hook asked to stop.
    Cancelled,
}

impl fmt::Display for FibError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FibError::Negative { n } => write!(f, "n must be non-negative, got {n}"),
            FibError::TooLarge { n } => write!(f, "n must be at most {MAX_N}, got {n}"),
            FibError::UnknownAlgorithm { name } => {
                let names: Vec<String> = Algorithm::ALL
                    .iter()
                    .map(|algorithm| format!("'{algorithm}'"))
                    .collect();
                write!(
                    f,
                    "unknown algorithm '{name}': expected one of {}",
                    names.join(", ")
                )
            }
            FibError::Cancelled => f.write_str("cancelled by the progress hook"),
        }
    }
}

impl std::error::Error for FibError {}

/// Checks that an arbitrary integer is an `n` this project accepts, and narrows it.
///
/// Bindings receive `n` from languages with unbounded integers; this keeps the rule (and
/// the error text) in one place.
pub fn check_n(n: &BigInt) -> Result<u64, FibError> {
    if n.sign() == num_bigint::Sign::Minus {
        return Err(FibError::Negative { n: ShownN::of(n) });
    }
    match u64::try_from(n) {
        Ok(small) if small <= MAX_N => Ok(small),
        _ => Err(FibError::TooLarge { n: ShownN::of(n) }),
    }
}

/// The error for an `n` known only by its sign and its size, wider than 64 bits: what a
/// binding reports without converting a huge integer first (Python's `int.bit_length()`
/// is free; converting 12.8 million bits is not).
pub fn refuse_wide_n(negative: bool, bits: u64) -> FibError {
    let n = ShownN::Size { negative, bits };
    if negative {
        FibError::Negative { n }
    } else {
        FibError::TooLarge { n }
    }
}

/// F(n), computed with `algorithm`.
///
/// Fails only with [`FibError::TooLarge`] when `n > MAX_N`.
pub fn fib(n: u64, algorithm: Algorithm) -> Result<BigUint, FibError> {
    fib_with_progress(n, algorithm, |_| ControlFlow::Continue(()))
}

/// F(n), reporting [`Progress`] to `on_progress` as it goes.
///
/// The hook is called at a bounded interval, not on every step: the iterative algorithm
/// calls it after a chunk of additions whose total size is about [`WORK_PER_REPORT`] limbs,
/// the doubling algorithm after each bit of `n`. Returning `ControlFlow::Break(())` stops
/// the computation with [`FibError::Cancelled`]; this is how the Python binding honours
/// Ctrl-C and the browser its Cancel button.
pub fn fib_with_progress(
    n: u64,
    algorithm: Algorithm,
    on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Result<BigUint, FibError> {
    if n > MAX_N {
        return Err(FibError::TooLarge {
            n: ShownN::Value(n.into()),
        });
    }
    let result = match algorithm {
        Algorithm::Iterative => iterative::fib(n, on_progress),
        Algorithm::Doubling => doubling::fib(n, on_progress),
    };
    result.ok_or(FibError::Cancelled)
}

/// Work between two progress reports of the iterative algorithm, in 64-bit limbs added.
///
/// 2^22 limb additions take about a millisecond with num-bigint's adder (less with the
/// carry-save engine), so the hook costs nothing measurable and Ctrl-C is honoured within
/// milliseconds (a debug build: tens to hundreds). `fib-python` uses the same rule on its
/// own numbers' sizes, so both report at about the same points.
pub const WORK_PER_REPORT: u64 = 1 << 22;

/// The most additions between two progress reports of the iterative algorithm.
///
/// Numbers grow while a chunk runs; 2^14 steps starting from any size add at most
/// 2^14 · 2^14 · 0.69 / 64 / 2 ≈ 1.4 · 2^20 limbs of growth to the chunk's work.
pub const STEPS_PER_REPORT_MAX: u64 = 1 << 14;
