//! Independent truths the tests compare fib-rust against. None of them uses big integers.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

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
