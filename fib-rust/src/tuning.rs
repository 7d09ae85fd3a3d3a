//! The sizes at which the doubling changes method, per path, with the measurements that
//! chose them; and a way to try others, one thread at a time, without rebuilding.
//!
//! From the smallest numbers up, a squaring is the schoolbook loop, then Karatsuba's
//! split in three, then Toom-3's in five, then Toom-4's in seven (`crate::limbs`); from F(k) of
//! [`CutOvers::ntt_from_bits`] bits on, a step's products go through NTTs (`crate::ntt`).
//! Each cut-over depends on the path: the NTT's kernels are per instruction set, and the
//! schoolbook loop is assembly where the CPU has BMI2 and ADX ([`Basecase`]).
//!
//! `cargo run --release -p fib-rust --example cut_overs` times the doubling under other
//! cut-overs against these, in turns in one process (`docs/performance.md`, "Cut-overs").

use std::cell::Cell;

use crate::isa::Isa;

/// How the schoolbook squaring multiplies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Basecase {
    /// Rust's double-width products (`u128` on 64-bit targets): every machine.
    Portable,
    /// x86-64 assembly with `mulx` (BMI2) and `adcx`/`adox` (ADX): Intel from Broadwell,
    /// AMD from Zen. Taken with the AVX2 and AVX-512 paths where the CPU has both
    /// extensions; `FIB_RUST_ISA=scalar` takes the portable loop, so that a machine with
    /// ADX runs and tests both (a Haswell, AVX2 without ADX, takes the portable one too).
    MulxAdx,
}

impl Basecase {
    /// The schoolbook loop of the path running on this thread.
    pub fn current() -> Basecase {
        Basecase::for_isa(Isa::current())
    }

    /// The schoolbook loop that runs with `isa`'s kernels on this machine.
    pub fn for_isa(isa: Isa) -> Basecase {
        if isa >= Isa::Avx2 && mulx_adx_runs_here() {
            Basecase::MulxAdx
        } else {
            Basecase::Portable
        }
    }

    /// The name used in tables and by `fib-pyrs`'s `build_info()`.
    pub fn name(self) -> &'static str {
        match self {
            Basecase::Portable => "portable",
            Basecase::MulxAdx => "mulx-adx",
        }
    }
}

/// Whether this CPU has BMI2 and ADX (checked once).
fn mulx_adx_runs_here() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static DETECTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *DETECTED.get_or_init(|| {
            std::is_x86_feature_detected!("bmi2") && std::is_x86_feature_detected!("adx")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Where the doubling changes method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CutOvers {
    /// Squarings of this many limbs or more split in three (Karatsuba).
    pub karatsuba_from: usize,
    /// Products (the squaring phase's last step) of this many limbs or more split in
    /// three: sooner than squarings, whose schoolbook loop does half the work.
    pub product_karatsuba_from: usize,
    /// Squarings of this many limbs or more split in five (Toom-3).
    pub toom3_from: usize,
    /// Squarings and products of this many limbs or more split in seven (Toom-4).
    pub toom4_from: usize,
    /// The size of F(k), in bits, from which a step's products go through NTTs when
    /// the transform is full; a transform only partly used (its length is a power of
    /// two or three times one) takes over later: see `crate::doubling::ntt_pays_off`.
    pub ntt_from_bits: u64,
}

thread_local! {
    static FORCED: Cell<Option<CutOvers>> = const { Cell::new(None) };
}

impl CutOvers {
    /// The cut-overs in force on this thread: [`with_cut_overs`]'s, else the defaults
    /// of the path running.
    pub fn current() -> CutOvers {
        FORCED
            .with(Cell::get)
            .unwrap_or_else(|| CutOvers::default_for(Isa::current()))
    }

    /// The cut-overs chosen for `isa`'s path on this machine.
    pub fn default_for(isa: Isa) -> CutOvers {
        let (karatsuba_from, product_karatsuba_from, toom3_from, toom4_from) =
            match Basecase::for_isa(isa) {
                // On x86-64's scalar path, Karatsuba from 16, 28, 40 and 64 limbs gave the
                // doubling at F(10^4) within the machine's noise of one another; Toom-3 from
                // 64, 128, 256 and never gave 2.1-2.2x / 2.0-2.1x / 2.1x / 2.8x GMP's time at
                // F(10^5).
                // Products (the last step's): from 24 limbs, 0.92-1.0x the time of 32 at F(10^4)
                // to F(10^5) (`--product-karatsuba 16,24`; 16: 0.96-1.05x).
                // Toom-4 (`--isa scalar --toom4 96,160,192,256,320,384`, two runs of 7 rounds):
                // from 256 limbs, 0.92-0.96x the time of Toom-3 alone at F(10^5) to F(3*10^5)
                // in one run, 0.92-1.0x at F(5*10^4) to F(10^6) in the other; 192 and 320
                // about the same, 96 and 384 less.
                Basecase::Portable if cfg!(target_pointer_width = "64") => (32, 24, 128, 256),
                // 32-bit limbs (wasm32), the example built for wasm32-wasip1 with simd128 and run
                // under Node 20's WASI (V8), two runs: squarings split from 64 limbs, 0.88-0.96x
                // the time of 32 at F(10^4) to F(10^5) (56 to 96 about the same); products
                // from 48, 0.93-0.98x (24: the reference; 16: up to 1.15x). Toom-4 not measured
                // there: not taken.
                Basecase::Portable => (64, 48, 128, usize::MAX),
                // Squarings: the assembly loop is faster than Karatsuba's split for longer (80
                // limbs). Products: from 40 limbs, 0.94-1.0x the time of 80 at F(10^4) to F(10^5)
                // in two runs (32 and 48: 0.95-1.0x; 16: 1.01-1.13x): GMP's product at F(10^4)
                // is Karatsuba's too (toom22), where ours was the schoolbook of 54 limbs.
                // Toom-4 (`--toom4 160,256,384,512,768`, three runs of 7 rounds) hardly matters
                // here: from 512 limbs 0.97-0.99x the time of Toom-3 alone at F(10^5) to
                // F(10^6), every value 0.96-1.01x.
                Basecase::MulxAdx => (80, 40, 128, 512),
            };
        let ntt_from_bits = match (isa, Basecase::for_isa(isa)) {
            // AVX2 with FMA, the NTT in doubles (`ntt::float_primes`): `cut_overs --ntt-from
            // 9000,12000,14000 --rounds 9` against 20 000 (the lane NTT's), F(5*10^4) to
            // F(10^6): 12 000 bits gave 0.86-0.99x (9 000 0.89-1.01x, 14 000 0.94-1.0x).
            // AVX-512 takes the same NTT in eight lanes: its cut-over was measured on its own
            // (below).
            (Isa::Avx2 | Isa::Avx512, Basecase::MulxAdx) if crate::isa::avx2_with_fma() => 12_000,
            // The lane NTT (AVX2 without FMA; AVX-512 before it took the float NTT):
            // `cargo run --release -p fib-rust --example cut_overs -- --ntt-from ...` at n
            // from 24 681 to 10^6, with transforms of 3 2^k points too: 20 000 bits gave
            // 0.93x the time of 9 000 at F(75 000) and F(10^5), 0.97-0.99x at F(1.5*10^5) to
            // F(10^6); 16 000 and 24 000 about the same, 32 000 1.06-1.09x above F(10^5).
            // (With powers of two alone, 9 000 had been the best.) AVX-512 was not
            // measurable on the machine that chose this (no AVX-512): it takes AVX2's, its
            // NTT being the faster.
            (Isa::Avx512 | Isa::Avx2, Basecase::MulxAdx) => 20_000,
            // AVX2 without ADX (Haswell), with the portable squarings: 2^14 was the best
            // power of two when the cut-over was a size alone, at n = 24 681 .. 10^6.
            (Isa::Avx512 | Isa::Avx2, Basecase::Portable) => 1 << 14,
            // wasm32, rust-wasm against JavaScript's BigInt under Node 20 (`benchmark
            // --variant rust-wasm,javascript --runtime native`), fib-wasm rebuilt per value:
            // 12 000 bits: 0.96x / 1.15x / 0.88x / 0.49x BigInt's time at F(24 681) / F(5*10^4) /
            // F(10^5) / F(3*10^5); 8 000: 1.28x / 1.34x / 0.95x / 0.50x; 16 000: 1.79x / 0.92x /
            // 1.38x / 0.69x; 2^15: 1.34x at F(5*10^4), 1.25x at F(10^5), 0.89x at F(3*10^5).
            (Isa::Simd128, _) => 12_000,
            // aarch64: not measurable on an x86-64 machine (qemu-user's speed says nothing
            // of a real CPU's). Between the 4-lane simd128's and the scalar path's, until
            // someone measures it on an aarch64 machine (`python -m fib_benchmarks.versus_gmp`).
            (Isa::Neon, _) => 1 << 16,
            // The scalar path of 64-bit targets, two 62-bit primes on u64 (`ntt::two_primes`),
            // with Toom-4 squarings: `cut_overs --isa scalar --ntt-from 98304,131072,196608
            // --rounds 7` against 2^16, F(10^5) to F(3*10^6): 98 304 bits gave 0.96-0.97x up
            // to F(10^6) and 1.03x at F(3*10^6), 2^17 0.95-1.03x, 196 608 0.94-1.07x; 2^15
            // up to 1.25x. (Before Toom-4, 2^16 had been the best.)
            (Isa::Scalar, _) if cfg!(target_pointer_width = "64") => 98_304,
            // The three-prime NTT with one lane (32-bit targets without simd128). With powers
            // of two alone it lost to the squarings up to 2^18 bits; with 3 2^k points too,
            // 2^17 gave 0.93-0.99x the time of 2^18 at F(10^5) to F(10^6) (2^16: 0.96-1.0x).
            (Isa::Scalar, _) => 1 << 17,
        };
        CutOvers {
            karatsuba_from,
            product_karatsuba_from,
            toom3_from,
            toom4_from,
            ntt_from_bits,
        }
    }
}

/// Runs `work` with `cut_overs` on this thread, then restores what was there: for
/// measuring other cut-overs in one process. Any values give the same results (the tests
/// check extreme ones); a Karatsuba cut-over below 2 limbs is taken as 2, Toom-3's below
/// 3 as 3, since smaller numbers cannot be split.
pub fn with_cut_overs<T>(cut_overs: CutOvers, work: impl FnOnce() -> T) -> T {
    crate::isa::with_thread_setting(&FORCED, cut_overs, work)
}
