//! Validation and error messages: the contract every implementation repeats word for word.

mod common;

use fib_rust::{check_n, refuse_wide_n, Algorithm, BigInt, FibError, MAX_N};

#[test]
fn check_n_accepts_the_documented_range() {
    assert_eq!(check_n(&BigInt::from(0)), Ok(0));
    assert_eq!(check_n(&BigInt::from(MAX_N)), Ok(MAX_N));
}

#[test]
fn check_n_refuses_a_huge_n_by_its_size() {
    // Beyond 64 bits, the size: constant time, a short message, whatever the integer (the
    // other out-of-range cases are the shared ones below).
    let huge = BigInt::from(1) << 12_800_000u32;
    let message = check_n(&huge).unwrap_err().to_string();
    assert_eq!(
        message,
        "n must be at most 10000000, got an integer of 12800001 bits"
    );
    assert!(matches!(
        check_n(&BigInt::from(MAX_N + 1)),
        Err(FibError::TooLarge { .. })
    ));
    assert!(matches!(
        check_n(&BigInt::from(-5)),
        Err(FibError::Negative { .. })
    ));
}

/// The out-of-range n and unknown algorithms every language's suite shares.
#[test]
fn the_shared_bad_input_cases_have_the_shared_messages() {
    let cases = common::cases();
    for case in cases["n_out_of_range"].as_array().unwrap() {
        let n: BigInt = case["n"].as_str().unwrap().parse().unwrap();
        let message = check_n(&n).unwrap_err().to_string();
        assert_eq!(message, case["message"].as_str().unwrap(), "n = {n}");
    }
    for case in cases["unknown_algorithms"].as_array().unwrap() {
        let name = case["algorithm"].as_str().unwrap();
        let message = name.parse::<Algorithm>().unwrap_err().to_string();
        assert_eq!(message, case["message"].as_str().unwrap(), "{name:?}");
    }
}

#[test]
fn algorithms_parse_by_name_only() {
    for algorithm in Algorithm::ALL {
        assert_eq!(algorithm.name().parse::<Algorithm>(), Ok(algorithm));
    }
}

#[test]
fn a_wide_n_is_refused_by_its_size_alike() {
    // What a binding says from the sign and the size alone is what check_n says.
    for (negative, bits) in [(false, 65u64), (true, 81), (false, 12_800_001)] {
        let magnitude: BigInt = BigInt::from(1) << (bits - 1);
        let n = if negative { -magnitude } else { magnitude };
        assert_eq!(refuse_wide_n(negative, bits), check_n(&n).unwrap_err());
    }
}
