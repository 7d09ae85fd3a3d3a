//! Every SIMD path this machine can run, checked one after another in one process.
//!
//! `with_isa` narrows the kernels of the carry-save adder and of the NTT for a closure;
//! each path must agree with the plain num-bigint algorithm and with identities computed
//! by num-bigint's own multiplication, at sizes around the boundaries where the kernels
//! change their work: carry-save batches and blocks, the NTT cut-over and its transform
//! lengths. Paths the CPU lacks are covered by CI under qemu-user (`make test-isa`, and
//! `make test-aarch64` for NEON).

mod common;

use fib_rust::{fib, fib_num_bigint, with_isa, Algorithm, BigUint, Isa};

fn iterative(n: u64) -> BigUint {
    fib(n, Algorithm::Iterative).unwrap()
}

fn doubling(n: u64) -> BigUint {
    fib(n, Algorithm::Doubling).unwrap()
}

#[test]
fn the_machine_runs_scalar_and_its_widest_set_last() {
    let available = Isa::available();
    assert_eq!(available[0], Isa::Scalar);
    assert_eq!(*available.last().unwrap(), Isa::detected());
    for isa in Isa::ALL {
        assert_eq!(Isa::from_name(isa.name()), Some(isa));
    }
    assert_eq!(Isa::from_name("sse9"), None);
}

#[test]
fn the_path_this_run_means_to_test_is_the_one_detected() {
    // `make test-aarch64` sets FIB_EXPECT_ISA=neon: the NEON kernels, not the scalar
    // fallback, must be what the tests below run as the widest path.
    if let Ok(expected) = std::env::var("FIB_EXPECT_ISA") {
        assert_eq!(Isa::detected().name(), expected);
    }
}

#[test]
fn with_isa_narrows_this_thread_and_restores_it() {
    let before = Isa::current();
    for isa in Isa::available() {
        with_isa(isa, || assert_eq!(Isa::current(), isa));
        assert_eq!(Isa::current(), before);
    }
}

/// Carry-save batches are 22 steps over blocks of up to 16 limbs of 48 bits: n around
/// multiples of 22, and sizes where F(n) crosses whole blocks (768 bits, at n ≈ 1106 k).
fn carry_save_boundaries() -> Vec<u64> {
    let mut ns: Vec<u64> = (0..=70).collect();
    for batch in [1u64, 2, 5, 45, 100] {
        ns.extend([22 * batch - 1, 22 * batch, 22 * batch + 1]);
    }
    for blocks in [1u64, 2, 3, 8] {
        let n = (blocks as f64 * 768.0 / 0.694_242) as u64;
        ns.extend(n.saturating_sub(30)..n + 30);
    }
    ns
}

#[test]
fn every_carry_save_path_matches_num_bigint() {
    let ns = carry_save_boundaries();
    let expected: Vec<BigUint> = ns.iter().map(|&n| fib_num_bigint(n)).collect();
    for isa in Isa::available() {
        with_isa(isa, || {
            for (&n, expected) in ns.iter().zip(&expected) {
                assert_eq!(&iterative(n), expected, "iterative F({n}) on {isa}");
            }
        });
    }
}

/// Doubling squares limbs below a cut-over and hands products to the NTT from it on
/// (2^14 bits with SIMD, 2^18 scalar); transform lengths are powers of two, so each
/// step's size class changes where F(n) doubles in size.
fn ntt_boundaries() -> Vec<u64> {
    let mut ns = Vec::new();
    for bits in [1u64 << 12, 1 << 13, 1 << 14, 1 << 15, 1 << 16] {
        // F(k) has about 0.694 k bits: k around the one whose F(k) has `bits` bits.
        let k = (bits as f64 / 0.694_242) as u64;
        ns.extend([k - 1, k, k + 1]);
    }
    ns
}

#[test]
fn every_ntt_path_agrees_with_num_bigint_products() {
    for isa in Isa::available() {
        with_isa(isa, || {
            for k in ntt_boundaries() {
                // F(k) and F(k+1) from the iterative algorithm (no products at all), then
                // the doubling step's identities with num-bigint's multiplication.
                let (fk, fk1) = (iterative(k), iterative(k + 1));
                let f2k = &fk * ((&fk1 << 1u8) - &fk);
                let f2k1 = &fk * &fk + &fk1 * &fk1;
                assert_eq!(doubling(2 * k), f2k, "doubling F({}) on {isa}", 2 * k);
                assert_eq!(
                    doubling(2 * k + 1),
                    f2k1,
                    "doubling F({}) on {isa}",
                    2 * k + 1
                );
            }
        });
    }
}

#[test]
fn the_scalar_paths_hand_over_to_the_ntt_agrees_with_every_path() {
    // Around F(k) of 2^18 bits, where the scalar path starts its NTTs: too large for
    // num-bigint's products in a debug test, so every path must agree and have F(n)'s
    // residues.
    let k = ((1u64 << 18) as f64 / 0.694_242) as u64;
    for n in [2 * k - 1, 2 * k, 2 * k + 1, 2 * k + 3] {
        let results: Vec<BigUint> = Isa::available()
            .into_iter()
            .map(|isa| with_isa(isa, || doubling(n)))
            .collect();
        assert!(results.iter().all(|result| *result == results[0]), "F({n})");
        let residue = (&results[0] % BigUint::from(1_000_000_007u64))
            .to_u64_digits()
            .first()
            .copied()
            .unwrap_or(0);
        assert_eq!(
            residue,
            common::fib_mod(n, 1_000_000_007),
            "F({n}) mod 10^9+7"
        );
    }
}

#[test]
fn large_results_agree_across_paths_and_with_residues() {
    // Too large for num-bigint's products in a debug test: every path must give the same
    // number, and that number must have F(n)'s residues.
    let n = 1_000_003;
    let results: Vec<(Isa, BigUint)> = Isa::available()
        .into_iter()
        .map(|isa| (isa, with_isa(isa, || doubling(n))))
        .collect();
    let (_, first) = &results[0];
    for (isa, result) in &results {
        assert_eq!(
            result, first,
            "doubling F({n}) on {isa} differs from scalar"
        );
    }
    for m in [1_000_000_007u64, 998_244_353, (1 << 61) - 1] {
        let residue = (first % BigUint::from(m))
            .to_u64_digits()
            .first()
            .copied()
            .unwrap_or(0);
        assert_eq!(residue, common::fib_mod(n, m), "F({n}) mod {m}");
    }
}
