//! `fib-rust` as a WebAssembly module with a C ABI: one `.wasm` file that wasmtime runs
//! from CPython (`fib-wasmtime/`) and the web page runs with no Pyodide (the `rust-wasm`
//! worker). Like fib-pyrs, this layer only converts and forwards: the algorithms, the
//! limits and the error texts are fib-rust's.
//!
//! Built for `wasm32-wasip1` with simd128 (`make wasm`). The calling convention:
//!
//! * The caller writes the algorithm's name (UTF-8) into the buffer that
//!   `fib_input(length)` returns, then calls `fib(magnitude, negative, bits, length, hex)`,
//!   where `n` is given by its sign, its bit length and, when it fits in 64 bits, its
//!   magnitude (a wider `n` is refused by its size alone, as every implementation does).
//! * `fib` returns [`OK`], [`VALUE_ERROR`] or [`CANCELLED`]; then `fib_output()` and
//!   `fib_output_length()` locate the result: F(n) as little-endian bytes, or with `hex`
//!   non-zero as hexadecimal digits, most significant first (what JavaScript's `BigInt()`
//!   parses in linear time; it has no BigInt from bytes); or the error's message. The
//!   output stays valid until the next call. `fib_check(magnitude, negative, bits,
//!   length)` only checks, so that a host can report its own errors in the contract's order.
//! * While computing, the module calls the host's `fib.progress(done, total)`; a non-zero
//!   answer stops the computation ([`CANCELLED`]): how a host checks for Ctrl-C or a
//!   Cancel button and runs a progress callback.
//! * `fib_build_info()` puts a JSON object describing this build in the output.
//!
//! A panic (a bug) aborts: the host sees a trap and must start a new instance.

use std::cell::RefCell;
use std::ops::ControlFlow;

use fib_rust::{Algorithm, BigInt, BigUint, FibError, Progress};
use num_bigint::Sign;

mod built_info {
    include!(concat!(env!("OUT_DIR"), "/built.rs"));
}

/// `fib` computed F(n): the output is its little-endian bytes (none for 0).
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
    /// Where the caller writes the algorithm's name.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The last call's result or message; read by the host through `fib_output`.
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `length` bytes for the algorithm's name, valid until the next call.
#[no_mangle]
pub extern "C" fn fib_input(length: u32) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(length as usize, 0);
        input.as_mut_ptr()
    })
}

/// Where the last call's output starts.
#[no_mangle]
pub extern "C" fn fib_output() -> *const u8 {
    OUTPUT.with_borrow(|output| output.as_ptr())
}

/// How many bytes the last call's output has.
#[no_mangle]
pub extern "C" fn fib_output_length() -> u32 {
    OUTPUT.with_borrow(|output| output.len() as u32)
}

/// F(n) into the output; see the module's documentation for the arguments.
#[no_mangle]
pub extern "C" fn fib(
    magnitude: u64,
    negative: u32,
    bits: u64,
    algorithm_length: u32,
    hex: u32,
) -> u32 {
    let checked = check(magnitude, negative != 0, bits, algorithm_length);
    finish(checked.and_then(|(n, algorithm)| compute(n, algorithm, hex != 0)))
}

/// Checks the arguments of `fib` without computing: [`OK`] or [`VALUE_ERROR`].
#[no_mangle]
pub extern "C" fn fib_check(
    magnitude: u64,
    negative: u32,
    bits: u64,
    algorithm_length: u32,
) -> u32 {
    finish(check(magnitude, negative != 0, bits, algorithm_length).map(|_| Vec::new()))
}

/// The status of a call, with its output in place.
fn finish(outcome: Result<Vec<u8>, FibError>) -> u32 {
    let (status, output) = match outcome {
        Ok(bytes) => (OK, bytes),
        Err(FibError::Cancelled) => (CANCELLED, Vec::new()),
        Err(error) => (VALUE_ERROR, error.to_string().into_bytes()),
    };
    OUTPUT.set(output);
    status
}

fn check(
    magnitude: u64,
    negative: bool,
    bits: u64,
    algorithm_length: u32,
) -> Result<(u64, Algorithm), FibError> {
    // n first, then the algorithm: the order every implementation checks them in.
    if bits > 64 {
        return Err(fib_rust::refuse_wide_n(negative, bits));
    }
    let sign = if negative { Sign::Minus } else { Sign::Plus };
    let n = fib_rust::check_n(&BigInt::from_biguint(sign, magnitude.into()))?;
    let algorithm = INPUT.with_borrow(|input| {
        let name = &input[..(algorithm_length as usize).min(input.len())];
        // Bytes that are not UTF-8 name no algorithm: reported as the unknown name they are.
        String::from_utf8_lossy(name).parse()
    })?;
    Ok((n, algorithm))
}

fn compute(n: u64, algorithm: Algorithm, hex: bool) -> Result<Vec<u8>, FibError> {
    let on_progress = |report: Progress| {
        // SAFETY: the import takes two integers and returns one; the host keeps no pointer.
        match unsafe { host_progress(report.done, report.total) } {
            0 => ControlFlow::Continue(()),
            _ => ControlFlow::Break(()),
        }
    };
    let value = fib_rust::fib_with_progress(n, algorithm, on_progress)?;
    Ok(if hex {
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
        r#"{{"max_n": {}, "algorithms": [{}], "version": "{}", "profile": "{}", "opt_level": "{}", "rustc": "{}", "target": "{}", "isa": "{}", "dependencies": {{"fib-rust": "{}", "num-bigint": "{}"}}}}"#,
        fib_rust::MAX_N,
        algorithms.join(", "),
        built_info::PKG_VERSION,
        built_info::PROFILE,
        built_info::OPT_LEVEL,
        built_info::RUSTC_VERSION,
        built_info::TARGET,
        fib_rust::Isa::current().name(),
        dependency("fib-rust"),
        dependency("num-bigint"),
    );
    let length = info.len() as u32;
    OUTPUT.set(info.into_bytes());
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
