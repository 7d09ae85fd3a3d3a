//! Validation and error messages: the contract every implementation repeats word for word.

use fib_rust::{check_n, refuse_wide_n, Algorithm, BigInt, FibError, MAX_N};

#[test]
fn check_n_accepts_the_documented_range() {
    assert_eq!(check_n(&BigInt::from(0)), Ok(0));
    assert_eq!(check_n(&BigInt::from(MAX_N)), Ok(MAX_N));
}

#[test]
fn check_n_refuses_negative_and_too_large() {
    assert_eq!(
        check_n(&BigInt::from(-5)).unwrap_err().to_string(),
        "n must be non-negative, got -5"
    );
    assert_eq!(
        check_n(&BigInt::from(u64::MAX)).unwrap_err().to_string(),
        "n must be at most 10000000, got 18446744073709551615"
    );
    // Beyond 64 bits, the size: constant time, a short message, whatever the integer.
    assert_eq!(
        check_n(&(BigInt::from(u64::MAX) + 1))
            .unwrap_err()
            .to_string(),
        "n must be at most 10000000, got an integer of 65 bits"
    );
    assert_eq!(
        check_n(&-BigInt::from(2).pow(80)).unwrap_err().to_string(),
        "n must be non-negative, got a negative integer of 81 bits"
    );
    assert_eq!(
        check_n(&-(BigInt::from(u64::MAX))).unwrap_err().to_string(),
        "n must be non-negative, got -18446744073709551615"
    );
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
}

#[test]
fn algorithms_parse_by_name_only() {
    for algorithm in Algorithm::ALL {
        assert_eq!(algorithm.name().parse::<Algorithm>(), Ok(algorithm));
    }
    assert_eq!(
        "Iterative".parse::<Algorithm>().unwrap_err().to_string(),
        "unknown algorithm 'Iterative': expected one of 'iterative', 'doubling'"
    );
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
