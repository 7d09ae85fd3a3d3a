//! Identities and cross-algorithm agreement on random n.

mod common;

use fib_rust::{fib, Algorithm, BigUint};
use proptest::prelude::*;

fn both(n: u64) -> (BigUint, BigUint) {
    (
        fib(n, Algorithm::Iterative).unwrap(),
        fib(n, Algorithm::Doubling).unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn algorithms_agree(n in 0u64..20_000) {
        let (iterative, doubling) = both(n);
        prop_assert_eq!(iterative, doubling);
    }

    #[test]
    fn carry_save_engine_matches_plain_num_bigint(n in 0u64..6_000) {
        prop_assert_eq!(fib(n, Algorithm::Iterative).unwrap(), fib_rust::fib_num_bigint(n));
    }

    #[test]
    fn doubling_identity_holds_for_iterative_results(k in 0u64..5_000) {
        // F(2k) = F(k)(2F(k+1) − F(k)) and F(2k+1) = F(k)² + F(k+1)², checked on the
        // algorithm that does not use them.
        let f = |n| fib(n, Algorithm::Iterative).unwrap();
        let (fk, fk1) = (f(k), f(k + 1));
        prop_assert_eq!(f(2 * k), &fk * ((&fk1 << 1u8) - &fk));
        prop_assert_eq!(f(2 * k + 1), &fk * &fk + &fk1 * &fk1);
    }

    #[test]
    fn cassini_identity(n in 1u64..20_000) {
        // F(n−1)·F(n+1) − F(n)² = (−1)^n
        let f = |n| fib(n, Algorithm::Doubling).unwrap();
        let (left, right) = (f(n - 1) * f(n + 1), f(n).pow(2));
        if n % 2 == 0 {
            prop_assert_eq!(left, right + 1u8);
        } else {
            prop_assert_eq!(left + 1u8, right);
        }
    }

    #[test]
    fn residues_match_machine_integer_computation(n in 0u64..300_000, m in 2u64..u64::MAX) {
        let value = fib(n, Algorithm::Doubling).unwrap();
        prop_assert_eq!(value % m, BigUint::from(common::fib_mod(n, m)));
    }
}
