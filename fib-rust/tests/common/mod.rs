//! Independent truths the tests compare fib-rust against. None of them uses big integers.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

/// The conformance suite's cases (`conformance/cases.json`: known values and the messages
/// of bad input), which pytest and `node --test` read too.
pub fn cases() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../conformance/cases.json"))
        .expect("conformance/cases.json is JSON")
}

/// A string field of the cases, by its JSON pointer.
pub fn case_str(cases: &serde_json::Value, pointer: &str) -> String {
    cases
        .pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("conformance/cases.json has no string at {pointer}"))
        .to_owned()
}

/// F(n) mod m by fast doubling on u128: a different algorithm on machine integers.
pub fn fib_mod(n: u64, m: u64) -> u64 {
    let m = u128::from(m);
    let (mut a, mut b) = (0u128, 1u128 % m);
    for bit in (0..u64::BITS).rev() {
        let c = a * ((2 * b + m - a) % m) % m;
        let d = (a * a % m + b * b % m) % m;
        (a, b) = if (n >> bit) & 1 == 1 {
            (d, (c + d) % m)
        } else {
            (c, d)
        };
    }
    a as u64
}

/// Number of decimal digits of F(n) for n >= 2, from Binet's formula:
/// F(n) = round(φ^n / √5), so digits = ⌊n·log10 φ − log10 √5⌋ + 1.
pub fn binet_digits(n: u64) -> usize {
    let phi = (1.0 + 5f64.sqrt()) / 2.0;
    let log = n as f64 * phi.log10() - 5f64.sqrt().log10();
    // Guard against f64 rounding deciding the answer: the fractional part must be clear.
    let frac = log - log.floor();
    assert!(
        frac > 1e-6 && frac < 1.0 - 1e-6,
        "Binet digit count ambiguous for n = {n}"
    );
    log.floor() as usize + 1
}
