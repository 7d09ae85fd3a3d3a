//! `fib-rust` as a WebAssembly module with a C ABI: one `.wasm` file that wasmtime runs
//! from CPython (`fib-wasmtime/`) and the web page runs with no Pyodide (the `rust-wasm`
//! worker). Like fib-pyrs, this layer only converts and forwards: the algorithms, the
//! limits and the error texts are fib-rust's.
//!
//! Built for `wasm32-wasip1` with simd128 (`make wasm`). The calling convention, made for
//! a host that pays for every call and every argument (wasmtime-py converts each in
//! Python: 20 µs for a call with one argument, 67 µs with six), so that a call of `fib`
//! is one call with one argument, and everything else is memory:
//!
//! * `fib_input(capacity)` returns a buffer of at least that many bytes, kept until a
//!   larger one is asked for. The caller writes a call's arguments there ([`Arguments`]:
//!   n by its sign, its bit length and, within 64 bits, its magnitude; the output's form;
//!   which progress reports it wants; then the algorithm's name), and calls
//!   `fib(length)` with the number of bytes written.
//! * `fib` returns [`OK`], [`VALUE_ERROR`] or [`CANCELLED`]. The output is then at the
//!   place that the two little-endian u32s at `fib_output_location()` give (pointer and
//!   length, always up to date): F(n) as little-endian bytes, or as hexadecimal digits,
//!   most significant first (what JavaScript's `BigInt()` parses in linear time: it has
//!   no BigInt from bytes); or the error's message. It stays valid until the next call.
//!   `fib_check(length)` only checks the arguments, so that a host can raise its own
//!   errors in the contract's order.
//! * While computing, the module calls the host's `fib.progress(done, total)` as the
//!   arguments ask ([`Reports`]); a non-zero answer stops the computation ([`CANCELLED`]):
//!   how a host checks for Ctrl-C and runs a progress callback.
//! * `fib_build_info()` puts a JSON object describing this build in the output.
//!
//! A panic (a bug) aborts: the host sees a trap and must start a new instance.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU32, Ordering};

use fib_rust::{Algorithm, BigInt, BigUint, FibError, Progress};
use num_bigint::Sign;

mod built_info {
    include!(concat!(env!("OUT_DIR"), "/built.rs"));
}

/// `fib` computed F(n): the output is F(n), in the form the arguments asked for.
pub const OK: u32 = 0;
/// Bad input (an `n` out of range, an unknown algorithm): the output is the message.
pub const VALUE_ERROR: u32 = 1;
/// The host's `progress` asked to stop.
pub const CANCELLED: u32 = 2;

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "fib")]
extern "C" {
    /// The host's progress hook: `done` of `total` steps; non-zero to stop.
    #[link_name = "progress"]
    fn host_progress(done: u64, total: u64) -> u32;
}

/// Off WebAssembly (`cargo test` on the host) there is no host: never stop.
#[cfg(not(target_arch = "wasm32"))]
unsafe fn host_progress(_done: u64, _total: u64) -> u32 {
    0
}

thread_local! {
    /// Where the caller writes a call's arguments.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The last call's result or message.
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of at least `capacity` bytes for a call's arguments; it stays where it is
/// until a larger one is asked for.
#[no_mangle]
pub extern "C" fn fib_input(capacity: u32) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        if input.len() < capacity as usize {
            input.resize(capacity as usize, 0);
        }
        input.as_mut_ptr()
    })
}

/// The last call's output as (pointer, length), at an address that never changes.
static OUTPUT_LOCATION: [AtomicU32; 2] = [AtomicU32::new(0), AtomicU32::new(0)];

/// Where [`OUTPUT_LOCATION`] is.
#[no_mangle]
pub extern "C" fn fib_output_location() -> *const AtomicU32 {
    OUTPUT_LOCATION.as_ptr()
}

/// Makes `bytes` the output.
fn set_output(bytes: Vec<u8>) {
    // Addresses are 32-bit in wasm32; on the host (tests) only the module's own view matters.
    OUTPUT_LOCATION[0].store(bytes.as_ptr() as usize as u32, Ordering::Relaxed);
    OUTPUT_LOCATION[1].store(bytes.len() as u32, Ordering::Relaxed);
    OUTPUT.set(bytes);
}

/// A call's arguments, as the host writes them into the input buffer (little-endian):
///
/// | bytes | what |
/// |---|---|
/// | 0..8 | n's magnitude, when it fits in 64 bits (else 0) |
/// | 8..16 | n's bit length (`int.bit_length()`) |
/// | 16 | 1 if n is negative |
/// | 17 | 1 for the output in hexadecimal, 0 for little-endian bytes |
/// | 18 | which progress reports: [`Reports`] |
/// | 19 | 0 (reserved) |
/// | 20.. | the algorithm's name, UTF-8 |
struct Arguments {
    magnitude: u64,
    bits: u64,
    negative: bool,
    hex: bool,
    reports: Reports,
    algorithm: String,
}

const ARGUMENTS_HEADER: usize = 20;

impl Arguments {
    /// The first `length` bytes of the input buffer; `None` if they cannot be arguments.
    fn read(length: u32) -> Option<Self> {
        INPUT.with_borrow(|input| {
            let block = input.get(..length as usize)?;
            let (header, name) = block.split_at_checked(ARGUMENTS_HEADER)?;
            let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap());
            Some(Arguments {
                magnitude: word(0),
                bits: word(8),
                negative: header[16] != 0,
                hex: header[17] != 0,
                reports: Reports::from(header[18]),
                // Bytes that are not UTF-8 name no algorithm: refused as the name they are.
                algorithm: String::from_utf8_lossy(name).into_owned(),
            })
        })
    }

    /// n and the algorithm, checked in the order every implementation checks them.
    fn check(&self) -> Result<(u64, Algorithm), FibError> {
        if self.bits > 64 {
            return Err(fib_rust::refuse_wide_n(self.negative, self.bits));
        }
        let sign = if self.negative {
            Sign::Minus
        } else {
            Sign::Plus
        };
        let n = fib_rust::check_n(&BigInt::from_biguint(sign, self.magnitude.into()))?;
        Ok((n, self.algorithm.parse()?))
    }
}

/// F(n) into the output, for the arguments in the input buffer's first `length` bytes.
#[no_mangle]
pub extern "C" fn fib(length: u32) -> u32 {
    let Some(arguments) = Arguments::read(length) else {
        return malformed(length);
    };
    let checked = arguments.check();
    finish(checked.and_then(|(n, algorithm)| compute(n, algorithm, &arguments)))
}

/// Checks the arguments of `fib` without computing: [`OK`] or [`VALUE_ERROR`].
#[no_mangle]
pub extern "C" fn fib_check(length: u32) -> u32 {
    let Some(arguments) = Arguments::read(length) else {
        return malformed(length);
    };
    finish(arguments.check().map(|_| Vec::new()))
}

/// A host's mistake, not the user's: said as plainly as any other error.
fn malformed(length: u32) -> u32 {
    set_output(format!("fib-wasm: {length} bytes are not a call's arguments").into_bytes());
    VALUE_ERROR
}

/// Which progress reports reach the host.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reports {
    /// None (a page worker with no callback: nothing to show, and Cancel ends the worker).
    Never = 0,
    /// Only once the computation has grown past about a millisecond of work: a host that
    /// checks for Ctrl-C but has no callback (wasmtime) keeps small calls free of crossings.
    AfterWarmUp = 1,
    /// Every report fib-rust makes: the host runs a progress callback.
    All = 2,
}

impl From<u8> for Reports {
    fn from(code: u8) -> Self {
        match code {
            0 => Reports::Never,
            1 => Reports::AfterWarmUp,
            _ => Reports::All,
        }
    }
}

/// With [`Reports::AfterWarmUp`]: the iterative algorithm's reports from this step on (F(2^15)
/// by additions takes about a millisecond natively), the doubling algorithm's from the step
/// that reaches F(k) with k this large (all of F(2^16) by doubling takes less).
const WARM_UP_STEPS: u64 = 1 << 15;
const WARM_UP_INDEX: u64 = 1 << 16;

impl Reports {
    fn wanted(self, n: u64, algorithm: Algorithm, report: Progress) -> bool {
        match (self, algorithm) {
            (Reports::Never, _) => false,
            (Reports::All, _) => true,
            (Reports::AfterWarmUp, Algorithm::Iterative) => report.done >= WARM_UP_STEPS,
            // After `done` of its `total` bits, doubling has F(k) for k = n's leading bits.
            (Reports::AfterWarmUp, Algorithm::Doubling) => {
                n >> (report.total - report.done) >= WARM_UP_INDEX
            }
        }
    }
}

/// The status of a call, with its output in place.
fn finish(outcome: Result<Vec<u8>, FibError>) -> u32 {
    let (status, output) = match outcome {
        Ok(bytes) => (OK, bytes),
        Err(FibError::Cancelled) => (CANCELLED, Vec::new()),
        Err(error) => (VALUE_ERROR, error.to_string().into_bytes()),
    };
    set_output(output);
    status
}

fn compute(n: u64, algorithm: Algorithm, arguments: &Arguments) -> Result<Vec<u8>, FibError> {
    let reports = arguments.reports;
    let on_progress = |report: Progress| {
        if !reports.wanted(n, algorithm, report) {
            return ControlFlow::Continue(());
        }
        // SAFETY: the import takes two integers and returns one; the host keeps no pointer.
        match unsafe { host_progress(report.done, report.total) } {
            0 => ControlFlow::Continue(()),
            _ => ControlFlow::Break(()),
        }
    };
    let value = fib_rust::fib_with_progress(n, algorithm, on_progress)?;
    Ok(if arguments.hex {
        to_hex(&value)
    } else {
        value.to_bytes_le()
    })
}

/// `value` in hexadecimal, most significant digit first ("0" for zero; leading zeros
/// allowed): eight digits per 32-bit word, from a table.
fn to_hex(value: &BigUint) -> Vec<u8> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let words = value.to_u32_digits();
    if words.is_empty() {
        return b"0".to_vec();
    }
    let mut text = Vec::with_capacity(words.len() * 8);
    for word in words.iter().rev() {
        text.extend(
            (0..8)
                .rev()
                .map(|digit| DIGITS[(word >> (4 * digit)) as usize & 15]),
        );
    }
    text
}

/// This build's description into the output, as a JSON object; returns its length.
#[no_mangle]
pub extern "C" fn fib_build_info() -> u32 {
    let dependency = |name: &str| {
        built_info::DEPENDENCIES
            .iter()
            .find(|(dependency, _)| *dependency == name)
            .map_or("?", |(_, version)| *version)
    };
    let algorithms: Vec<String> = Algorithm::ALL
        .iter()
        .map(|algorithm| format!(r#""{algorithm}""#))
        .collect();
    let info = format!(
        r#"{{"max_n": {}, "algorithms": [{}], "version": "{}", "profile": "{}", "opt_level": "{}", "rustc": "{}", "target": "{}", "isa": "{}", "basecase": "{}", "ntt": "{}", "dependencies": {{"fib-rust": "{}", "num-bigint": "{}"}}}}"#,
        fib_rust::MAX_N,
        algorithms.join(", "),
        built_info::PKG_VERSION,
        built_info::PROFILE,
        built_info::OPT_LEVEL,
        built_info::RUSTC_VERSION,
        built_info::TARGET,
        fib_rust::Isa::current().name(),
        fib_rust::tuning::Basecase::current().name(),
        fib_rust::ntt_method(),
        dependency("fib-rust"),
        dependency("num-bigint"),
    );
    let length = info.len() as u32;
    set_output(info.into_bytes());
    length
}

/// Panics. Not part of the API: the host's tests check that a panic reaches them as a trap
/// that the host survives, with a fresh instance for the next call.
#[no_mangle]
pub extern "C" fn fib_test_panic() {
    panic!("fib_test_panic was called")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `fib` as a host does: the arguments block in the input buffer.
    fn call(magnitude: u64, negative: bool, hex: bool, name: &str) -> (u32, Vec<u8>) {
        let mut block = magnitude.to_le_bytes().to_vec();
        block.extend(u64::from(64 - magnitude.leading_zeros()).to_le_bytes());
        block.extend([u8::from(negative), u8::from(hex), Reports::Never as u8, 0]);
        block.extend(name.as_bytes());
        fib_input(block.len() as u32);
        INPUT.with_borrow_mut(|input| input[..block.len()].copy_from_slice(&block));
        let status = fib(block.len() as u32);
        (status, OUTPUT.with_borrow(Clone::clone))
    }

    #[test]
    fn a_call_reads_its_arguments_from_the_input_block() {
        assert_eq!(
            call(10, false, true, "doubling"),
            (OK, b"00000037".to_vec())
        ); // 55
        assert_eq!(call(300, false, false, "iterative").1.len(), 26); // F(300): 208 bits
        let (status, message) = call(5, true, false, "doubling");
        assert_eq!(status, VALUE_ERROR);
        assert_eq!(message, b"n must be non-negative, got -5");
        let (status, message) = call(5, false, false, "fast");
        assert_eq!(status, VALUE_ERROR);
        assert!(message.starts_with(b"unknown algorithm 'fast'"));
        assert_eq!(fib(3), VALUE_ERROR); // shorter than the header: the host's mistake
        assert_eq!(
            OUTPUT.with_borrow(Clone::clone),
            b"fib-wasm: 3 bytes are not a call's arguments"
        );
    }

    #[test]
    fn reports_after_warm_up_skip_only_the_small_steps() {
        let report = |done, total| Progress { done, total };
        let quiet = Reports::AfterWarmUp;
        assert!(!quiet.wanted(1 << 20, Algorithm::Iterative, report(1 << 14, 1 << 20)));
        assert!(quiet.wanted(1 << 20, Algorithm::Iterative, report(1 << 15, 1 << 20)));
        // n = 2^20: 21 bits; after 17 of them, F(2^16).
        assert!(!quiet.wanted(1 << 20, Algorithm::Doubling, report(16, 21)));
        assert!(quiet.wanted(1 << 20, Algorithm::Doubling, report(17, 21)));
        assert!(!Reports::Never.wanted(1 << 20, Algorithm::Doubling, report(21, 21)));
        assert!(Reports::All.wanted(10, Algorithm::Doubling, report(1, 4)));
    }

    #[test]
    fn hex_is_the_value_in_base_16() {
        for value in [0u128, 1, 0xf, 0x10, 0xdead_beef, u128::MAX, 1 << 100] {
            let text = to_hex(&BigUint::from(value));
            let parsed = u128::from_str_radix(std::str::from_utf8(&text).unwrap(), 16).unwrap();
            assert_eq!(parsed, value);
        }
        let big = fib_rust::fib(10_000, Algorithm::Doubling).unwrap();
        let text = to_hex(&big);
        assert_eq!(BigUint::parse_bytes(&text, 16).unwrap(), big);
    }
}
