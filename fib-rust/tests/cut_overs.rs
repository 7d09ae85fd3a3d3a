//! The doubling is right whatever its cut-overs (`fib_rust::tuning`): the squarings split
//! down to two limbs, never split, and the NTT takes over from tiny or never, on every
//! path this machine runs, against the iterative algorithm on num-bigint (no products).

use fib_rust::tuning::{with_cut_overs, Basecase, CutOvers};
use fib_rust::{fib, fib_num_bigint, with_isa, Algorithm, Isa};

#[test]
fn doubling_matches_num_bigint_under_extreme_cut_overs() {
    let ns: Vec<u64> = (0..120).chain([1_000, 5_003, 12_000, 24_681]).collect();
    let expected: Vec<_> = ns.iter().map(|&n| fib_num_bigint(n)).collect();
    // Karatsuba for squares, for products, Toom-3, Toom-4, the NTT.
    let max = usize::MAX;
    let cut_overs = [
        (2, 2, 3, 16, 64),              // every split as early as it goes, NTT from F(~93)
        (5, 7, 9, 17, 1 << 10),         // small odd cut-overs
        (2, 2, 3, max, 1 << 12),        // Toom-3 at most
        (max, max, max, max, u64::MAX), // schoolbook only, no NTT
        (2, 2, max, max, 1 << 30),      // Karatsuba all the way down
        (max, 3, max, max, u64::MAX),   // products split, squares never
        (max, max, max, 20, u64::MAX),  // Toom-4 straight over the schoolbook
    ];
    for isa in Isa::available() {
        for (karatsuba_from, product_karatsuba_from, toom3_from, toom4_from, ntt_from_bits) in
            cut_overs
        {
            let cut_overs = CutOvers {
                karatsuba_from,
                product_karatsuba_from,
                toom3_from,
                toom4_from,
                ntt_from_bits,
            };
            with_isa(isa, || {
                with_cut_overs(cut_overs, || {
                    assert_eq!(CutOvers::current(), cut_overs);
                    for (&n, expected) in ns.iter().zip(&expected) {
                        let got = fib(n, Algorithm::Doubling).unwrap();
                        assert_eq!(&got, expected, "F({n}) on {isa} with {cut_overs:?}");
                    }
                });
            });
        }
        assert_eq!(CutOvers::current(), CutOvers::default_for(Isa::current()));
    }
}

#[test]
fn the_scalar_path_takes_the_portable_basecase() {
    // So that a machine with ADX also runs, and tests, the loop other machines run.
    assert_eq!(Basecase::for_isa(Isa::Scalar), Basecase::Portable);
    with_isa(Isa::Scalar, || {
        assert_eq!(Basecase::current(), Basecase::Portable)
    });
    #[cfg(target_arch = "x86_64")]
    if Isa::available().contains(&Isa::Avx2) && std::is_x86_feature_detected!("adx") {
        assert_eq!(Basecase::for_isa(Isa::Avx2), Basecase::MulxAdx);
    }
}
