//! Carry-save Fibonacci pairs: the fast engine of the iterative algorithm.
//!
//! The iterative algorithm is n additions, `(a, b) <- (b, a + b)`. A carry-propagating
//! big-integer adder is already at its limit (about one cycle per 64-bit limb: each limb
//! waits for the previous carry). This engine removes the carries from the inner loop:
//!
//! * **Radix 2^48 in u64 limbs.** A number is `sum(limb[i] * 2^(48 i))` where a limb may
//!   hold more than 48 bits: 16 bits of headroom per limb absorb many additions.
//! * **Batches of [`STEPS_PER_BATCH`] carry-free steps.** Within a batch every limb evolves
//!   on its own, `(x, y) <- (y, x + y)`, with plain lane-wise additions: no carry, no
//!   dependency between limbs, so a block of limbs stays in SIMD registers for the whole
//!   batch (AVX2 chosen at run time, wasm `simd128` at compile time, portable code
//!   otherwise) and memory is touched once per batch, not once per step.
//! * **One fused normalisation per batch.** Before a block starts a batch, each limb keeps
//!   its low 48 bits and receives the high bits of the limb below it:
//!   `limb[i] = (limb[i] & MASK) + (limb[i - 1] >> 48)`. This is a single parallel pass
//!   (no carry chain): limbs end up below `2^48 + 2^16`, not fully normalised, and that is
//!   enough, as the bound below shows. Blocks are processed from the top down so that each
//!   reads the pre-batch value of the limb below it.
//!
//! ## Why 22 steps cannot overflow a u64 limb
//!
//! After a normalisation every limb is at most `M = (2^48 - 1) + (2^16 - 1) < 2^48 + 2^16`
//! (48 low bits, plus the high bits of a u64, which are fewer than 16). After k steps
//! from `(x0, y0)` a limb pair is `(F(k-1) x0 + F(k) y0, F(k) x0 + F(k+1) y0)`, so every value
//! is at most `(F(k) + F(k+1)) M = F(k+2) M`. For k = 22: `F(24) M = 46368 (2^48 + 2^16)
//! < 1.31e19 < 2^64 = 1.84e19`. For k = 23: `F(25) 2^48 = 75025 * 2^48 > 2^64`. Hence
//! [`STEPS_PER_BATCH`] = 22; `tests::batch_bound_is_tight` checks both numbers.

use num_bigint::BigUint;

/// Bits of a limb after normalisation (the radix is 2^48).
const LIMB_BITS: u32 = 48;
const MASK: u64 = (1 << LIMB_BITS) - 1;
/// Carry-free additions between two normalisations (see the module documentation).
pub(crate) const STEPS_PER_BATCH: u32 = 22;
/// The widest block any kernel uses, in limbs: buffers are padded to a multiple of it.
const MAX_BLOCK: usize = 16;

/// `(F(k), F(k + 1))` in carry-save form, advanced by whole numbers of steps.
pub(crate) struct FibPair {
    // Limb i lives at index i + 1: index 0 is a zero limb, the "limb below" limb 0, so
    // that every block can load its neighbours with one unaligned load.
    a: Vec<u64>,
    b: Vec<u64>,
    /// Limbs that may be non-zero (in a or b); all limbs from `len` up are zero.
    len: usize,
}

impl FibPair {
    /// `(F(0), F(1))`, with room for F(n) so that the buffers never move.
    pub(crate) fn new(n: u64) -> Self {
        // F(n) < 2^(0.6943 n); one limb more for the limb being filled, then padding.
        let limbs = (n as f64 * 0.694_242 / f64::from(LIMB_BITS)) as usize + 3;
        let size = 1 + limbs.div_ceil(MAX_BLOCK) * MAX_BLOCK + MAX_BLOCK;
        let (a, mut b) = (vec![0; size], vec![0; size]);
        b[1] = 1;
        FibPair { a, b, len: 1 }
    }

    /// An upper bound on the bits of the numbers, for progress accounting.
    pub(crate) fn bits(&self) -> u64 {
        self.len as u64 * u64::from(LIMB_BITS)
    }

    /// `steps` more additions: `(F(k), F(k+1))` becomes `(F(k+steps), F(k+steps+1))`.
    pub(crate) fn advance(&mut self, mut steps: u64) {
        while steps > 0 {
            let batch = steps.min(u64::from(STEPS_PER_BATCH)) as u32;
            // Limb `len` receives the high bits of limb `len - 1` in this batch.
            let active = self.len + 1;
            assert!(
                active + MAX_BLOCK < self.a.len(),
                "FibPair sized for a smaller n"
            );
            kernels::batch(&mut self.a, &mut self.b, active, batch);
            if self.a[active] != 0 || self.b[active] != 0 {
                self.len = active;
            }
            steps -= u64::from(batch);
        }
    }

    /// F(k), the first number of the pair, as an ordinary big integer.
    pub(crate) fn into_first(self) -> BigUint {
        let limbs = &self.a[1..=self.len + 1];
        let mut bytes = Vec::with_capacity(limbs.len() * 6 + 16);
        let mut carry: u128 = 0;
        for &limb in limbs {
            let value = u128::from(limb) + carry;
            bytes.extend_from_slice(&((value as u64) & MASK).to_le_bytes()[..6]);
            carry = value >> LIMB_BITS;
        }
        bytes.extend_from_slice(&carry.to_le_bytes());
        BigUint::from_bytes_le(&bytes)
    }
}

mod kernels {
    //! One batch: normalise, then `steps` carry-free steps, block by block from the top.
    //! `a` and `b` hold limbs at indices `1..`, with a zero at index 0; `active` limbs are
    //! processed, rounded up to whole blocks (the padding is zeros and stays zero).

    use super::{LIMB_BITS, MASK};
    use crate::isa::Isa;

    pub(super) fn batch(a: &mut [u64], b: &mut [u64], active: usize, steps: u32) {
        #[allow(unused_variables)]
        let isa = Isa::current();
        #[cfg(target_arch = "x86_64")]
        if isa >= Isa::Avx2 {
            // SAFETY: Isa::current() names only instruction sets this CPU runs, here AVX2
            // or wider; the caller leaves at least MAX_BLOCK limbs of padding, so every
            // block load and store is in bounds.
            unsafe { avx2::batch(a, b, active, steps) };
            return;
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if isa == Isa::Simd128 {
            simd128::batch(a, b, active, steps);
            return;
        }
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        if isa == Isa::Neon {
            // SAFETY: NEON is enabled at compile time, the kernel's only requirement.
            unsafe { neon::batch(a, b, active, steps) };
            return;
        }
        #[allow(unreachable_code)]
        portable::batch::<8>(a, b, active, steps);
    }

    pub(super) mod portable {
        use super::{LIMB_BITS, MASK};

        /// Plain Rust over fixed-size arrays: the reference the SIMD kernels must match.
        pub(crate) fn batch<const W: usize>(
            a: &mut [u64],
            b: &mut [u64],
            active: usize,
            steps: u32,
        ) {
            for block in (0..active.div_ceil(W)).rev() {
                let base = 1 + block * W;
                let mut x = [0u64; W];
                let mut y = [0u64; W];
                for i in 0..W {
                    x[i] = (a[base + i] & MASK) + (a[base + i - 1] >> LIMB_BITS);
                    y[i] = (b[base + i] & MASK) + (b[base + i - 1] >> LIMB_BITS);
                }
                for _ in 0..steps / 2 {
                    for i in 0..W {
                        x[i] += y[i];
                        y[i] += x[i];
                    }
                }
                if steps % 2 == 1 {
                    for i in 0..W {
                        (x[i], y[i]) = (y[i], x[i] + y[i]);
                    }
                }
                a[base..base + W].copy_from_slice(&x);
                b[base..base + W].copy_from_slice(&y);
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod avx2 {
        use super::{LIMB_BITS, MASK};
        use std::arch::x86_64::*;

        const VECTORS: usize = 4; // 4 x 4 limbs per block: 8 ymm registers for x and y
        const W: usize = 4 * VECTORS;

        /// # Safety
        /// The CPU must support AVX2 (the caller checks `Isa::current()`), and `a` and `b`
        /// must each hold at least `1 + active.div_ceil(16) * 16` limbs: the blocks of 16
        /// limbs cover indices `1..` up to that bound, and each also reads the limb below it.
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn batch(a: &mut [u64], b: &mut [u64], active: usize, steps: u32) {
            let mask = _mm256_set1_epi64x(MASK as i64);
            let normalised = |limbs: *const u64| {
                // SAFETY: in bounds by the caller's padding; unaligned loads are allowed.
                // (`limbs` is `base + 4 v` with `base >= 1`, so the limb below is in bounds
                // too; the closure runs only in this fn, whose caller guarantees AVX2.)
                unsafe {
                    let own = _mm256_loadu_si256(limbs.cast());
                    let below = _mm256_loadu_si256(limbs.sub(1).cast());
                    _mm256_add_epi64(
                        _mm256_and_si256(own, mask),
                        _mm256_srli_epi64::<{ LIMB_BITS as i32 }>(below),
                    )
                }
            };
            let (pa, pb) = (a.as_mut_ptr(), b.as_mut_ptr());
            for block in (0..active.div_ceil(W)).rev() {
                let base = 1 + block * W;
                let mut x = [_mm256_setzero_si256(); VECTORS];
                let mut y = [_mm256_setzero_si256(); VECTORS];
                for v in 0..VECTORS {
                    // SAFETY: `base + 4 v + 4 <= 1 + active.div_ceil(W) * W`, which the caller
                    // guarantees is within `a` and `b` (this fn's # Safety).
                    x[v] = normalised(unsafe { pa.add(base + 4 * v) });
                    // SAFETY: as for `a` just above.
                    y[v] = normalised(unsafe { pb.add(base + 4 * v) });
                }
                for _ in 0..steps / 2 {
                    for v in 0..VECTORS {
                        x[v] = _mm256_add_epi64(x[v], y[v]);
                        y[v] = _mm256_add_epi64(y[v], x[v]);
                    }
                }
                if steps % 2 == 1 {
                    for v in 0..VECTORS {
                        (x[v], y[v]) = (y[v], _mm256_add_epi64(x[v], y[v]));
                    }
                }
                for v in 0..VECTORS {
                    // SAFETY: the same four limbs as the loads above, in bounds by the caller's
                    // padding (this fn's # Safety); unaligned stores are allowed.
                    unsafe {
                        _mm256_storeu_si256(pa.add(base + 4 * v).cast(), x[v]);
                        _mm256_storeu_si256(pb.add(base + 4 * v).cast(), y[v]);
                    }
                }
            }
        }
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod simd128 {
        use super::super::STEPS_PER_BATCH;
        use super::{LIMB_BITS, MASK};
        use std::arch::wasm32::*;

        const VECTORS: usize = 4; // 4 x 2 limbs per block
        const W: usize = 2 * VECTORS;

        pub(super) fn batch(a: &mut [u64], b: &mut [u64], active: usize, steps: u32) {
            let mask = u64x2_splat(MASK);
            let normalised = |limbs: &[u64], at: usize| {
                let window = &limbs[at - 1..at + 2];
                // SAFETY: `at - 1 .. at + 2` is in bounds (checked by the slice above): both
                // loads read two u64s within `window`; v128_load has no alignment requirement.
                unsafe {
                    let own = v128_load(window[1..].as_ptr().cast());
                    let below = v128_load(window.as_ptr().cast());
                    u64x2_add(v128_and(own, mask), u64x2_shr(below, LIMB_BITS))
                }
            };
            for block in (0..active.div_ceil(W)).rev() {
                let base = 1 + block * W;
                let mut x = [u64x2_splat(0); VECTORS];
                let mut y = [u64x2_splat(0); VECTORS];
                for v in 0..VECTORS {
                    x[v] = normalised(a, base + 2 * v);
                    y[v] = normalised(b, base + 2 * v);
                }
                let double_step = |x: &mut [v128; VECTORS], y: &mut [v128; VECTORS]| {
                    for v in 0..VECTORS {
                        x[v] = u64x2_add(x[v], y[v]);
                        y[v] = u64x2_add(y[v], x[v]);
                    }
                };
                // A full batch as a loop of constant length, which LLVM unrolls: V8 does
                // not, and the loop's own counting cost 10% under Node.
                if steps == STEPS_PER_BATCH {
                    for _ in 0..STEPS_PER_BATCH / 2 {
                        double_step(&mut x, &mut y);
                    }
                } else {
                    for _ in 0..steps / 2 {
                        double_step(&mut x, &mut y);
                    }
                }
                if steps % 2 == 1 {
                    for v in 0..VECTORS {
                        (x[v], y[v]) = (y[v], u64x2_add(x[v], y[v]));
                    }
                }
                for v in 0..VECTORS {
                    let (xa, yb) = (
                        &mut a[base + 2 * v..base + 2 * v + 2],
                        &mut b[base + 2 * v..base + 2 * v + 2],
                    );
                    // SAFETY: each slice is exactly two u64s.
                    unsafe {
                        v128_store(xa.as_mut_ptr().cast(), x[v]);
                        v128_store(yb.as_mut_ptr().cast(), y[v]);
                    }
                }
            }
        }
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    mod neon {
        //! simd128's batch with NEON's instructions: the same 2 limbs per vector.
        use super::{LIMB_BITS, MASK};
        use std::arch::aarch64::*;

        const VECTORS: usize = 4; // 4 x 2 limbs per block
        const W: usize = 2 * VECTORS;

        /// Two limbs with the bits above LIMB_BITS of the limb below added: the carries.
        #[inline]
        #[target_feature(enable = "neon")]
        fn normalised(limbs: &[u64], at: usize) -> uint64x2_t {
            let window = &limbs[at - 1..at + 2];
            // SAFETY: `at - 1 .. at + 2` is in bounds (checked by the slice above): both
            // loads read two u64s within `window`.
            let (own, below) =
                unsafe { (vld1q_u64(window[1..].as_ptr()), vld1q_u64(window.as_ptr())) };
            vaddq_u64(
                vandq_u64(own, vdupq_n_u64(MASK)),
                vshrq_n_u64::<{ LIMB_BITS as i32 }>(below),
            )
        }

        #[target_feature(enable = "neon")]
        pub(super) fn batch(a: &mut [u64], b: &mut [u64], active: usize, steps: u32) {
            for block in (0..active.div_ceil(W)).rev() {
                let base = 1 + block * W;
                let mut x = [vdupq_n_u64(0); VECTORS];
                let mut y = [vdupq_n_u64(0); VECTORS];
                for v in 0..VECTORS {
                    x[v] = normalised(a, base + 2 * v);
                    y[v] = normalised(b, base + 2 * v);
                }
                for _ in 0..steps / 2 {
                    for v in 0..VECTORS {
                        x[v] = vaddq_u64(x[v], y[v]);
                        y[v] = vaddq_u64(y[v], x[v]);
                    }
                }
                if steps % 2 == 1 {
                    for v in 0..VECTORS {
                        (x[v], y[v]) = (y[v], vaddq_u64(x[v], y[v]));
                    }
                }
                for v in 0..VECTORS {
                    let (xa, yb) = (
                        &mut a[base + 2 * v..base + 2 * v + 2],
                        &mut b[base + 2 * v..base + 2 * v + 2],
                    );
                    // SAFETY: each slice is exactly two u64s.
                    unsafe {
                        vst1q_u64(xa.as_mut_ptr(), x[v]);
                        vst1q_u64(yb.as_mut_ptr(), y[v]);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::{One, Zero};

    fn fib_u128(k: u32) -> u128 {
        let (mut a, mut b) = (0u128, 1u128);
        for _ in 0..k {
            (a, b) = (b, a + b);
        }
        a
    }

    #[test]
    fn batch_bound_is_tight() {
        let most_after_normalisation = u128::from(MASK) + u128::from(u64::MAX >> LIMB_BITS);
        let k = u128::from(STEPS_PER_BATCH);
        assert!(fib_u128(k as u32 + 2) * most_after_normalisation <= u128::from(u64::MAX));
        assert!(fib_u128(k as u32 + 3) * (1u128 << LIMB_BITS) > u128::from(u64::MAX));
    }

    /// Worst case for the bound: every limb at its largest normalised value.
    #[test]
    fn full_limbs_do_not_overflow_in_a_batch() {
        for kernel_width in [1usize, 8] {
            let size = 1 + 64 + MAX_BLOCK;
            let mut a = vec![u64::MAX; size];
            let mut b = vec![u64::MAX; size];
            a[0] = 0;
            b[0] = 0;
            // Normalised values are (x & MASK) + (below >> 48) <= 2^48 - 1 + 2^16 - 1.
            if kernel_width == 1 {
                kernels::portable::batch::<1>(&mut a, &mut b, 64, STEPS_PER_BATCH);
            } else {
                kernels::portable::batch::<8>(&mut a, &mut b, 64, STEPS_PER_BATCH);
            }
        }
    }

    fn reference(n: u64) -> (BigUint, BigUint) {
        let (mut a, mut b) = (BigUint::zero(), BigUint::one());
        for _ in 0..n {
            let next = &a + &b;
            a = std::mem::replace(&mut b, next);
        }
        (a, b)
    }

    #[test]
    fn matches_num_bigint_across_batch_and_limb_boundaries() {
        // Around multiples of the batch length and where numbers cross 48-bit limbs
        // (F(70) ~ 2^48, F(139) ~ 2^96, ...), in uneven advances.
        for n in [
            0u64, 1, 2, 21, 22, 23, 43, 44, 45, 69, 70, 71, 138, 139, 140, 1000, 4321,
        ] {
            for chunk in [1u64, 7, 22, 23, 1000] {
                let mut pair = FibPair::new(n);
                let mut done = 0;
                while done < n {
                    let steps = chunk.min(n - done);
                    pair.advance(steps);
                    done += steps;
                }
                assert_eq!(
                    pair.into_first(),
                    reference(n).0,
                    "F({n}) in chunks of {chunk}"
                );
            }
        }
    }

    #[test]
    fn simd_and_portable_kernels_agree() {
        // Random limbs below the normalised bound, several batches, all widths.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // Limbs 0..199 random; limb 199 and up zero, as in a real pair (limb `active - 1`
        // only receives a carry), so kernels of every width see the same numbers.
        let size = 1 + 200 + MAX_BLOCK;
        let mut limbs = || -> Vec<u64> {
            (0..size)
                .map(|i| {
                    if (1..200).contains(&i) {
                        random() & MASK
                    } else {
                        0
                    }
                })
                .collect()
        };
        let start = (limbs(), limbs());
        let (mut a1, mut b1) = start.clone();
        let (mut a2, mut b2) = start;
        for steps in [22, 5, 22, 1] {
            kernels::portable::batch::<1>(&mut a1, &mut b1, 200, steps);
            kernels::batch(&mut a2, &mut b2, 200, steps);
            assert_eq!((&a1, &b1), (&a2, &b2));
        }
    }
}
