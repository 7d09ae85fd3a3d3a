//! The result, a `BigUint`, as a Python `int`, with one pass over its words.
//!
//! PyO3's own conversion reaches CPython before 3.14 through bytes: num-bigint writes the
//! value out byte by byte (`to_bytes_le`) and CPython packs those bytes again into its
//! 30-bit digits (`_PyLong_FromByteArray`). For F(10^7) (867 803 bytes) the two passes
//! cost about 5% of computing it (docs/performance.md). Here the 64-bit words are cut
//! straight into the digits of a new int, the way gmpy2 converts GMP's integers
//! (`mpz_export` into the digits of `_PyLong_New`).
//!
//! That needs the int's layout, which CPython kept private before 3.14: CPython 3.11 (the
//! host build) takes this path; 3.14 (Pyodide) has a public API for the same job, which
//! PyO3 uses (`PyLongWriter`), and any other interpreter keeps PyO3's conversion.

use num_bigint::BigUint;
use pyo3::prelude::*;
use pyo3::types::PyInt;

/// `value` as a Python `int`.
pub(crate) fn to_python_int<'py>(py: Python<'py>, value: &BigUint) -> PyResult<Bound<'py, PyInt>> {
    #[cfg(not(any(Py_LIMITED_API, Py_3_12, PyPy, GraalPy, RustPython)))]
    if cpython_311::has_30_bit_digits(py)? {
        return cpython_311::new_int(py, value);
    }
    value.into_pyobject(py)
}

/// CPython 3.11's `int`: a variable-size object whose `ob_size` is the signed count of
/// digits, followed by the digits, least significant first (Include/cpython/longintrepr.h).
#[cfg(not(any(Py_LIMITED_API, Py_3_12, PyPy, GraalPy, RustPython)))]
mod cpython_311 {
    use num_bigint::BigUint;
    use pyo3::ffi;
    use pyo3::prelude::*;
    use pyo3::types::PyInt;

    /// Bits in one digit of a CPython int, as CPython is built by default since 3.11.
    const DIGIT_BITS: u32 = 30;
    const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;

    /// Digits needed for a value of `bits` bits.
    fn digit_count(bits: u64) -> usize {
        usize::try_from(bits.div_ceil(u64::from(DIGIT_BITS))).expect("fits: the value is in memory")
    }

    /// Cuts the little-endian 64-bit `words` into 30-bit digits, filling `digits`: one pass,
    /// each word read once (0.17 ms for F(10^7)'s 289 268 digits, against 0.52 ms for
    /// `int.from_bytes` of its bytes).
    fn write_digits(words: impl Iterator<Item = u64>, digits: &mut [u32]) {
        let mut digits = digits.iter_mut();
        // The bits of the previous words not yet in a digit: fewer than 30.
        let (mut carry, mut carry_bits) = (0_u64, 0_u32);
        for word in words {
            let Some(digit) = digits.next() else { return };
            *digit = ((carry | (word << carry_bits)) & DIGIT_MASK) as u32;
            let used = DIGIT_BITS - carry_bits;
            (carry, carry_bits) = (word >> used, 64 - used);
            while carry_bits >= DIGIT_BITS {
                let Some(digit) = digits.next() else { return };
                *digit = (carry & DIGIT_MASK) as u32;
                (carry, carry_bits) = (carry >> DIGIT_BITS, carry_bits - DIGIT_BITS);
            }
        }
        if let Some(digit) = digits.next() {
            *digit = carry as u32;
        }
    }

    /// Whether this interpreter's ints are made of 30-bit digits stored in 32 bits, the default
    /// build (a CPython configured with `--enable-big-digits=15` is not).
    pub(super) fn has_30_bit_digits(py: Python<'_>) -> PyResult<bool> {
        static ANSWER: pyo3::sync::PyOnceLock<bool> = pyo3::sync::PyOnceLock::new();
        ANSWER
            .get_or_try_init(py, || {
                let info = py.import("sys")?.getattr("int_info")?;
                let bits: u32 = info.getattr("bits_per_digit")?.extract()?;
                let size: usize = info.getattr("sizeof_digit")?.extract()?;
                Ok(bits == DIGIT_BITS && size == std::mem::size_of::<u32>())
            })
            .copied()
    }

    extern "C" {
        /// Allocates an int of `size` digits (not yet written) with `ob_size = size`;
        /// exported by CPython for extensions such as gmpy2. NULL, with an exception set,
        /// when `size` is over CPython's limit.
        fn _PyLong_New(size: ffi::Py_ssize_t) -> *mut ffi::PyObject;
    }

    /// `value` as a new int, its digits written by `write_digits`.
    pub(super) fn new_int<'py>(py: Python<'py>, value: &BigUint) -> PyResult<Bound<'py, PyInt>> {
        let digit_count = digit_count(value.bits());
        let size = ffi::Py_ssize_t::try_from(digit_count)
            .map_err(|_| pyo3::exceptions::PyOverflowError::new_err("too many digits"))?;
        // SAFETY: the interpreter is attached (`py`), and `size` is non-negative.
        let raw = unsafe { _PyLong_New(size) };
        // SAFETY: `raw` is NULL (an exception is set) or a new reference to an int.
        let int = unsafe { Bound::from_owned_ptr_or_err(py, raw)? };
        // SAFETY: the digits start right after the variable-size header, and the object
        // was allocated with room for `digit_count` of them; nothing else holds it yet,
        // so the slice is the only access until it is returned.
        let digits = unsafe {
            let first = raw
                .cast::<u8>()
                .add(std::mem::size_of::<ffi::PyVarObject>())
                .cast::<u32>();
            std::slice::from_raw_parts_mut(first, digit_count)
        };
        write_digits(value.iter_u64_digits(), digits);
        // SAFETY: `_PyLong_New` returns an int.
        Ok(unsafe { int.cast_into_unchecked() })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The value the digits stand for, summed back digit by digit.
        fn from_digits(digits: &[u32]) -> BigUint {
            digits.iter().rev().fold(BigUint::default(), |acc, &digit| {
                (acc << DIGIT_BITS) + BigUint::from(digit)
            })
        }

        #[test]
        fn digits_round_trip_at_every_length_around_the_group_boundaries() {
            // Every bit length from 0 to 3 000 (15 words make 32 digits: the pattern of shifts
            // repeats every 960 bits), with all bits set (every digit full) and a pattern.
            for bits in 0..3_000u64 {
                let ones = (BigUint::from(1u8) << bits) - 1u8;
                let pattern = BigUint::from_bytes_le(&vec![0xA5; bits.div_ceil(8) as usize]);
                for value in [ones, pattern] {
                    let mut digits = vec![u32::MAX; digit_count(value.bits())];
                    write_digits(value.iter_u64_digits(), &mut digits);
                    assert!(digits.iter().all(|&digit| u64::from(digit) <= DIGIT_MASK));
                    assert_ne!(digits.last(), Some(&0), "the top digit is never zero");
                    assert_eq!(from_digits(&digits), value, "{bits} bits");
                }
            }
        }
    }
}
