//! fib-rust against values that come from outside it.

mod common;

use fib_rust::{fib, Algorithm, BigUint, FibError, MAX_N};
use sha2::{Digest, Sha256};

fn decimal_sha256(value: &BigUint) -> String {
    format!("{:x}", Sha256::digest(value.to_string().as_bytes()))
}

#[test]
fn every_fibonacci_number_that_fits_in_u64() {
    // Generate F(0), F(1), ... with checked u64 additions until one overflows: F(93) is
    // the largest Fibonacci number below 2^64.
    let mut small = vec![0u64, 1];
    while let Some(next) = small[small.len() - 1].checked_add(small[small.len() - 2]) {
        small.push(next);
    }
    assert_eq!(small.len(), 94);
    for (n, &expected) in (0u64..).zip(&small) {
        for algorithm in Algorithm::ALL {
            let value = fib(n, algorithm).unwrap();
            assert_eq!(value, BigUint::from(expected), "F({n}) {algorithm}");
        }
    }
}

#[test]
fn f100_and_f1000() {
    let cases = common::cases();
    let f1000_digits = cases["decimal_ends"]["1000"]["digits"].as_u64().unwrap() as usize;
    for algorithm in Algorithm::ALL {
        assert_eq!(
            fib(100, algorithm).unwrap().to_string(),
            common::case_str(&cases, "/exact/100")
        );
        let f1000 = fib(1000, algorithm).unwrap().to_string();
        assert_eq!(f1000.len(), f1000_digits);
        assert_eq!(f1000.len(), common::binet_digits(1000));
        assert!(f1000.starts_with(&common::case_str(&cases, "/decimal_ends/1000/head")));
        assert!(f1000.ends_with(&common::case_str(&cases, "/decimal_ends/1000/tail")));
    }
}

#[test]
fn large_values_by_digest_and_digit_count() {
    // SHA-256 of the decimal expansion (how it was made: the cases' $comment).
    let cases = common::cases();
    let known: Vec<(u64, String)> = cases["decimal_sha256"]
        .as_object()
        .expect("decimal_sha256 is an object")
        .iter()
        .map(|(n, digest)| (n.parse().unwrap(), digest.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(known.len(), 3);
    for (n, digest) in &known {
        let n = *n;
        for algorithm in Algorithm::ALL {
            let value = fib(n, algorithm).unwrap();
            assert_eq!(
                value.to_string().len(),
                common::binet_digits(n),
                "{algorithm} F({n})"
            );
            assert_eq!(decimal_sha256(&value), *digest, "{algorithm} F({n})");
        }
    }
}

#[test]
fn a_million_by_doubling_matches_digits_and_last_digits() {
    let n = 1_000_000;
    let value = fib(n, Algorithm::Doubling).unwrap();
    let decimal = value.to_string();
    assert_eq!(decimal.len(), 208_988);
    assert_eq!(decimal.len(), common::binet_digits(n));
    let modulus = 1_000_000_000_000_000_000u64; // 10^18
    let last18: u64 = decimal[decimal.len() - 18..].parse().unwrap();
    assert_eq!(last18, common::fib_mod(n, modulus));
}

#[test]
fn max_n_is_the_limit() {
    assert!(matches!(
        fib(MAX_N + 1, Algorithm::Doubling),
        Err(FibError::TooLarge { .. })
    ));
    assert_eq!(
        fib(u64::MAX, Algorithm::Iterative).unwrap_err().to_string(),
        format!("n must be at most 10000000, got {}", u64::MAX)
    );
}
