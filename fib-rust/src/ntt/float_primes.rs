//! The doubling step's products by NTTs modulo three primes below 2^50 held in doubles,
//! with AVX2 and FMA: the AVX2 path (FLINT's `fft_small` multiplies this way, the fastest
//! products known on such CPUs).
//!
//! Why doubles: AVX2 has no 32x32->64-bit product of 8 lanes, so the lane NTT's u32
//! Montgomery product (`super::kernels::avx2`) takes six 4-lane products for 8 lanes of
//! 30-bit residues. A double holds an integer below 2^53 exactly, and FMA gives a
//! product's rounding error exactly: `mulmod` below is a product of 50-bit residues modulo
//! a 50-bit prime in two products, two FMAs, one rounding and one addition, for 4 lanes.
//! Three primes of 50 bits then hold the coefficients of a product of 64-bit words
//! (below `words * 2^129`, under P / 2 = 2^149 for up to 2^19 words), where three of 30
//! bits hold those of 32-bit words: half the points, each cheaper.
//!
//! Residues are kept balanced, as integers in doubles: within [-2p, 2p] between the
//! passes of a transform (at most 8p < 2^53 inside one), brought back by `reduce` and
//! `mulmod`, whose bounds say which sums may wait. The plan is the lane NTT's (see the module `ntt`): a power of two or three
//! times one points, the forward transform by decimation in frequency, the inverse by
//! decimation in time, 2F(k+1) - F(k) formed in the transform domain, Garner's algorithm
//! (here in doubles too) and one pass of carries. The last two levels of a forward
//! transform work on groups of four neighbours transposed into the four lanes, and leave
//! them so: the point-by-point step does not mind the order, and the inverse transform's
//! first two levels read that order and transpose back.

use std::arch::x86_64::*;

#[cfg(test)]
use super::two_primes::prime_factors;
use super::two_primes::{inverse_length, Field, Twiddles as IntegerTwiddles};
use super::{step_words, transform_len, words_for, LimbWriter, Wanted};
use crate::limbs::{self, Limb};

/// 357 913 927, 357 913 922 and 357 913 905 times 3 * 2^20, plus one: each holds transforms
/// of 2^20 and 3 * 2^19 points; with generators 5, 5 and 7.
const P1: u64 = 1_125_899_861_753_857;
const P2: u64 = 1_125_899_846_025_217;
const P3: u64 = 1_125_899_792_547_841;
const GENERATORS: [u64; 3] = [5, 5, 7];
/// The bits of a number that one point carries.
pub(super) const WORD_BITS: u32 = 64;
/// The most 64-bit words a factor may have here: its products' coefficients stay below
/// `words * 2^129`, under P / 2 = 2^149 with room for Garner's balanced digits (F(n) for n
/// up to about 9.6 * 10^7). Larger numbers take the lane NTT.
pub(super) const MAX_WORDS: usize = 1 << 19;
/// Transforms longer than this run one level over the whole array, then each half on its
/// own, so that from this size down a transform's levels run in the L1 and L2 caches.
const BLOCK: usize = 1 << 11;
/// The fewest points of a transform: the last two levels work on blocks of 16.
const MIN_POINTS: usize = 16;

/// Whether this CPU has AVX2 and FMA.
pub(super) fn runs_here() -> bool {
    crate::isa::avx2_with_fma()
}

/// The points of the transform for factors of `words` words.
pub(super) fn points_for(words: usize) -> usize {
    transform_len(words).max(MIN_POINTS)
}

/// `x mod p` as a double in [-p/2, p/2].
const fn balanced(x: u64, p: u64) -> f64 {
    let x = x % p;
    if x > p / 2 {
        -((p - x) as f64)
    } else {
        x as f64
    }
}

/// One prime's tables: the roots of `IntegerTwiddles` (see there), balanced.
struct Twiddles {
    p: f64,
    forward: Vec<f64>,
    inverse: Vec<f64>,
    thirds: [Vec<f64>; 4],
    omega: f64,
    /// 2^32 mod p, for reading 64-bit words.
    two_to_32: f64,
    /// 1 / 2^k and 1 / (3 2^k) mod p at k: the scale of a transform's inverse
    /// (`two_primes::inverse_length`).
    inverse_lengths: [Vec<u64>; 2],
}

impl Twiddles {
    fn new<const P: u64>(points: usize, generator: u64) -> Self {
        let integer = IntegerTwiddles::new::<P>(points, generator);
        let to_doubles = |table: &[super::two_primes::Shoup]| -> Vec<f64> {
            table.iter().map(|root| balanced(root.w, P)).collect()
        };
        Twiddles {
            p: P as f64,
            forward: to_doubles(&integer.forward),
            inverse: to_doubles(&integer.inverse),
            thirds: integer.thirds.each_ref().map(|table| to_doubles(table)),
            omega: balanced(integer.omega.w, P),
            two_to_32: balanced(1 << 32, P),
            inverse_lengths: integer.inverse_lengths,
        }
    }
}

/// A prime and its reciprocal in every lane.
#[derive(Clone, Copy)]
struct Modulus {
    p: __m256d,
    reciprocal: __m256d,
}

// The kernels. Each `#[inline(always)]` helper runs inside the `#[target_feature(enable =
// "avx2,fma")]` functions below, which are called only where `runs_here()`.

/// # Safety
/// The CPU has AVX2 and FMA (for every helper below).
#[inline(always)]
unsafe fn modulus(p: f64) -> Modulus {
    // SAFETY: the caller guarantees AVX (this fn's # Safety).
    unsafe {
        Modulus {
            p: _mm256_set1_pd(p),
            reciprocal: _mm256_set1_pd(1.0 / p),
        }
    }
}

/// `x mod p` in [-p/2, p/2] (up to a rounding at the half) for |x| <= 8p < 2^53: x - q p
/// is exact, an integer below 2^50.
#[inline(always)]
unsafe fn reduce(x: __m256d, m: Modulus) -> __m256d {
    // SAFETY: the caller guarantees AVX and FMA.
    unsafe {
        let quotient = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_pd(x, m.reciprocal),
        );
        _mm256_fnmadd_pd(quotient, m.p, x)
    }
}

/// `a b mod p`, for |a b| <= K p^2 with K <= 4 (2^49 < p < 2^50): within (1/2 + 3K/8) p,
/// so [-p, p] for K <= 4/3 and [-2p, 2p] for K <= 4. With h = a b rounded, l = a b - h
/// exactly (an FMA; |l| <= K 2^47 <= K p / 4), q = h / p rounded (h times the rounded
/// reciprocal: off by at most K/4 before the rounding), h - q p is exact (an integer) and
/// at most (1/2 + K/4) p; plus l.
#[inline(always)]
unsafe fn mulmod(a: __m256d, b: __m256d, m: Modulus) -> __m256d {
    // SAFETY: the caller guarantees AVX and FMA.
    unsafe {
        let high = _mm256_mul_pd(a, b);
        let quotient = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_pd(high, m.reciprocal),
        );
        let low = _mm256_fmsub_pd(a, b, high);
        _mm256_add_pd(_mm256_fnmadd_pd(quotient, m.p, high), low)
    }
}

#[inline(always)]
unsafe fn load(slice: &[f64], at: usize) -> __m256d {
    debug_assert!(at + 4 <= slice.len());
    // SAFETY: the 4 values from `at` are in `slice` (asserted in debug builds, and by
    // every caller's loop bounds); the caller guarantees AVX.
    unsafe { _mm256_loadu_pd(slice.as_ptr().add(at)) }
}

#[inline(always)]
unsafe fn store(slice: &mut [f64], at: usize, value: __m256d) {
    debug_assert!(at + 4 <= slice.len());
    // SAFETY: as in `load`.
    unsafe { _mm256_storeu_pd(slice.as_mut_ptr().add(at), value) }
}

/// (x + y, (x - y) w), for |x|, |y| <= 4p and |w| <= p/2: results within [-p/2, p/2] and
/// [-2p, 2p].
#[inline(always)]
unsafe fn forward_butterfly(x: __m256d, y: __m256d, w: __m256d, m: Modulus) -> (__m256d, __m256d) {
    // SAFETY: the caller guarantees AVX and FMA.
    unsafe {
        (
            reduce(_mm256_add_pd(x, y), m),
            mulmod(_mm256_sub_pd(x, y), w, m),
        )
    }
}

/// (x + y w, x - y w), for |x|, |y| <= 3p/2 and |w| <= p/2: results within [-p, p].
#[inline(always)]
unsafe fn inverse_butterfly(x: __m256d, y: __m256d, w: __m256d, m: Modulus) -> (__m256d, __m256d) {
    // SAFETY: the caller guarantees AVX and FMA.
    unsafe {
        let t = mulmod(y, w, m);
        (
            reduce(_mm256_add_pd(x, t), m),
            reduce(_mm256_sub_pd(x, t), m),
        )
    }
}

/// (x + y w, x - y w) unreduced, for |x| <= p/2, |y| <= p and |w| <= p/2: results within
/// [-3p/2, 3p/2].
#[inline(always)]
unsafe fn inverse_butterfly_unreduced(
    x: __m256d,
    y: __m256d,
    w: __m256d,
    m: Modulus,
) -> (__m256d, __m256d) {
    // SAFETY: the caller guarantees AVX and FMA.
    unsafe {
        let t = mulmod(y, w, m);
        (_mm256_add_pd(x, t), _mm256_sub_pd(x, t))
    }
}

/// (x + y, (x - y) w) with the sum unreduced, for |x|, |y| <= 2p and |w| <= p/2: results
/// within [-4p, 4p] and [-5p/4, 5p/4].
#[inline(always)]
unsafe fn forward_butterfly_unreduced(
    x: __m256d,
    y: __m256d,
    w: __m256d,
    m: Modulus,
) -> (__m256d, __m256d) {
    // SAFETY: the caller guarantees AVX and FMA.
    unsafe { (_mm256_add_pd(x, y), mulmod(_mm256_sub_pd(x, y), w, m)) }
}

/// Rows as columns: lane i of output k is lane k of input i.
#[inline(always)]
unsafe fn transpose([a0, a1, a2, a3]: [__m256d; 4]) -> [__m256d; 4] {
    // SAFETY: the caller guarantees AVX.
    unsafe {
        let (t0, t1) = (_mm256_unpacklo_pd(a0, a1), _mm256_unpackhi_pd(a0, a1));
        let (t2, t3) = (_mm256_unpacklo_pd(a2, a3), _mm256_unpackhi_pd(a2, a3));
        [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ]
    }
}

/// One forward level, butterflies `half` apart (a multiple of 4).
#[inline(always)]
unsafe fn forward_level(a: &mut [f64], half: usize, tw: &[f64], m: Modulus) {
    let tw = &tw[half..2 * half];
    for block in a.chunks_exact_mut(2 * half) {
        let (low, high) = block.split_at_mut(half);
        for j in (0..half).step_by(4) {
            // SAFETY: j + 4 <= half, the length of low, high and tw; the caller
            // guarantees AVX and FMA.
            unsafe {
                let (x, y) = forward_butterfly(load(low, j), load(high, j), load(tw, j), m);
                store(low, j, x);
                store(high, j, y);
            }
        }
    }
}

/// The forward levels with butterflies `half` and `half / 2` apart (`half` a multiple of
/// 8), in one pass.
#[inline(always)]
unsafe fn forward_two_levels(a: &mut [f64], half: usize, tw: &[f64], m: Modulus) {
    let quarter = half / 2;
    let (outer, inner) = (&tw[half..2 * half], &tw[quarter..half]);
    for block in a.chunks_exact_mut(2 * half) {
        let (low, high) = block.split_at_mut(half);
        let (q0, q1) = low.split_at_mut(quarter);
        let (q2, q3) = high.split_at_mut(quarter);
        for j in (0..quarter).step_by(4) {
            // SAFETY: j + 4 <= quarter, the length of q0..q3 and inner, half of outer's.
            unsafe {
                // The outer level's sums are left unreduced, within [-4p, 4p]: the inner
                // level reduces their sum (within 8p < 2^53, exact) and takes their
                // difference's product (|y w| <= 4 p^2), which is then within [-2p, 2p].
                // So values stay within [-2p, 2p] from pass to pass.
                let (y0, y2) =
                    forward_butterfly_unreduced(load(q0, j), load(q2, j), load(outer, j), m);
                let (y1, y3) = forward_butterfly_unreduced(
                    load(q1, j),
                    load(q3, j),
                    load(outer, quarter + j),
                    m,
                );
                let w = load(inner, j);
                let (z0, z1) = forward_butterfly(y0, y1, w, m);
                let (z2, z3) = forward_butterfly(y2, y3, w, m);
                store(q0, j, z0);
                store(q1, j, z1);
                store(q2, j, z2);
                store(q3, j, z3);
            }
        }
    }
}

/// The last two forward levels (butterflies 2 and 1 apart, twiddles 1 and the fourth root
/// `tw[3]`, then 1), on blocks of 16: four groups of four neighbours, transposed so that
/// each lane holds a group, and left transposed.
#[inline(always)]
unsafe fn forward_last_two_levels(a: &mut [f64], tw: &[f64], m: Modulus) {
    // SAFETY: each block has 16 values, read and written 4 at a time; the caller
    // guarantees AVX and FMA.
    unsafe {
        let fourth_root = _mm256_set1_pd(tw[3]);
        for block in a.chunks_exact_mut(16) {
            let [e0, e1, e2, e3] = transpose([
                load(block, 0),
                load(block, 4),
                load(block, 8),
                load(block, 12),
            ]);
            let (s02, d02) = (
                reduce(_mm256_add_pd(e0, e2), m),
                reduce(_mm256_sub_pd(e0, e2), m),
            );
            let (s13, d13) = forward_butterfly(e1, e3, fourth_root, m);
            store(block, 0, reduce(_mm256_add_pd(s02, s13), m));
            store(block, 4, reduce(_mm256_sub_pd(s02, s13), m));
            store(block, 8, reduce(_mm256_add_pd(d02, d13), m));
            store(block, 12, reduce(_mm256_sub_pd(d02, d13), m));
        }
    }
}

/// The inverse of `forward_last_two_levels` (times 4), back in natural order.
#[inline(always)]
unsafe fn inverse_first_two_levels(a: &mut [f64], itw: &[f64], m: Modulus) {
    // SAFETY: as in `forward_last_two_levels`.
    unsafe {
        let fourth_root = _mm256_set1_pd(itw[3]);
        for block in a.chunks_exact_mut(16) {
            let (v0, v1, v2, v3) = (
                load(block, 0),
                load(block, 4),
                load(block, 8),
                load(block, 12),
            );
            let (s02, s13) = (
                reduce(_mm256_add_pd(v0, v1), m),
                reduce(_mm256_sub_pd(v0, v1), m),
            );
            let (d02, d13) = (
                reduce(_mm256_add_pd(v2, v3), m),
                reduce(_mm256_sub_pd(v2, v3), m),
            );
            let (e0, e2) = (
                reduce(_mm256_add_pd(s02, d02), m),
                reduce(_mm256_sub_pd(s02, d02), m),
            );
            let (e1, e3) = inverse_butterfly(s13, d13, fourth_root, m);
            let [x0, x1, x2, x3] = transpose([e0, e1, e2, e3]);
            store(block, 0, x0);
            store(block, 4, x1);
            store(block, 8, x2);
            store(block, 12, x3);
        }
    }
}

/// One inverse level, butterflies `len` apart (a multiple of 4).
#[inline(always)]
unsafe fn inverse_level(a: &mut [f64], len: usize, itw: &[f64], m: Modulus) {
    let itw = &itw[len..2 * len];
    for block in a.chunks_exact_mut(2 * len) {
        let (low, high) = block.split_at_mut(len);
        for j in (0..len).step_by(4) {
            // SAFETY: j + 4 <= len, the length of low, high and itw.
            unsafe {
                let (x, y) = inverse_butterfly(load(low, j), load(high, j), load(itw, j), m);
                store(low, j, x);
                store(high, j, y);
            }
        }
    }
}

/// The inverse levels with butterflies `len` and `2 len` apart (`len` a multiple of 4),
/// in one pass.
#[inline(always)]
unsafe fn inverse_two_levels(a: &mut [f64], len: usize, itw: &[f64], m: Modulus) {
    let (inner, outer) = (&itw[len..2 * len], &itw[2 * len..4 * len]);
    for block in a.chunks_exact_mut(4 * len) {
        let (low, high) = block.split_at_mut(2 * len);
        let (q0, q1) = low.split_at_mut(len);
        let (q2, q3) = high.split_at_mut(len);
        for j in (0..len).step_by(4) {
            // SAFETY: j + 4 <= len, the length of q0..q3 and inner, half of outer's.
            unsafe {
                // The inner level's results are left unreduced, within [-3p/2, 3p/2]: the
                // outer level's products take them (|y w| <= 3/4 p^2) and its sums
                // (within 5p/2) are reduced.
                let w = load(inner, j);
                let (y0, y1) = inverse_butterfly_unreduced(load(q0, j), load(q1, j), w, m);
                let (y2, y3) = inverse_butterfly_unreduced(load(q2, j), load(q3, j), w, m);
                let (z0, z2) = inverse_butterfly(y0, y2, load(outer, j), m);
                let (z1, z3) = inverse_butterfly(y1, y3, load(outer, len + j), m);
                store(q0, j, z0);
                store(q1, j, z1);
                store(q2, j, z2);
                store(q3, j, z3);
            }
        }
    }
}

/// The forward transform of a power of two points (at least 16), depth first above
/// `BLOCK`, two levels a pass below it.
#[target_feature(enable = "avx2,fma")]
unsafe fn forward_power_of_two(a: &mut [f64], tw: &[f64], p: f64) {
    // SAFETY: the caller guarantees AVX2 and FMA (this fn's # Safety, `runs_here`).
    unsafe {
        let m = modulus(p);
        let n = a.len();
        if n > BLOCK {
            // Two levels over the whole array, then each quarter: half the passes over
            // memory that one level and each half would take.
            forward_two_levels(a, n / 2, tw, m);
            for quarter in a.chunks_exact_mut(n / 4) {
                forward_power_of_two(quarter, tw, p);
            }
            return;
        }
        let mut half = n / 2;
        while half >= 8 {
            forward_two_levels(a, half, tw, m);
            half /= 4;
        }
        if half == 4 {
            forward_level(a, 4, tw, m);
        }
        forward_last_two_levels(a, tw, m);
    }
}

/// The inverse of `forward_power_of_two`, times the number of points.
#[target_feature(enable = "avx2,fma")]
unsafe fn inverse_power_of_two(a: &mut [f64], itw: &[f64], p: f64) {
    // SAFETY: as in `forward_power_of_two`.
    unsafe {
        let m = modulus(p);
        let n = a.len();
        if n > BLOCK {
            for quarter in a.chunks_exact_mut(n / 4) {
                inverse_power_of_two(quarter, itw, p);
            }
            inverse_two_levels(a, n / 4, itw, m);
            return;
        }
        inverse_first_two_levels(a, itw, m);
        let mut len = 4;
        if n.trailing_zeros() % 2 == 1 {
            inverse_level(a, 4, itw, m);
            len = 8;
        }
        while len < n {
            inverse_two_levels(a, len, itw, m);
            len *= 4;
        }
    }
}

/// The forward transform (a power of two or three times one points): for 3m points, a
/// split in three (radix 3, twisted) and then each third's transform.
#[target_feature(enable = "avx2,fma")]
unsafe fn forward(a: &mut [f64], twiddles: &Twiddles) {
    let n = a.len();
    if n.is_power_of_two() {
        // SAFETY: the caller guarantees AVX2 and FMA.
        return unsafe { forward_power_of_two(a, &twiddles.forward, twiddles.p) };
    }
    let third = n / 3;
    let [z1, z2, _, _] = &twiddles.thirds;
    let (z1, z2) = (&z1[third..2 * third], &z2[third..2 * third]);
    let (first, rest) = a.split_at_mut(third);
    let (second, last) = rest.split_at_mut(third);
    // SAFETY: j + 4 <= third, the length of each third and of z1, z2; AVX2 and FMA as above.
    unsafe {
        let m = modulus(twiddles.p);
        let omega = _mm256_set1_pd(twiddles.omega);
        for j in (0..third).step_by(4) {
            let (x0, x1, x2) = (load(first, j), load(second, j), load(last, j));
            // With omega^2 = -1 - omega: x0 + omega x1 + omega^2 x2 = x0 - x2 + t and
            // x0 + omega^2 x1 + omega x2 = x0 - x1 - t, where t = omega (x1 - x2).
            let t = mulmod(_mm256_sub_pd(x1, x2), omega, m);
            store(
                first,
                j,
                reduce(_mm256_add_pd(x0, _mm256_add_pd(x1, x2)), m),
            );
            let y1 = reduce(_mm256_add_pd(_mm256_sub_pd(x0, x2), t), m);
            let y2 = reduce(_mm256_sub_pd(_mm256_sub_pd(x0, x1), t), m);
            store(second, j, mulmod(y1, load(z1, j), m));
            store(last, j, mulmod(y2, load(z2, j), m));
        }
        for part in [first, second, last] {
            forward_power_of_two(part, &twiddles.forward, twiddles.p);
        }
    }
}

/// The inverse of `forward`, times the number of points.
#[target_feature(enable = "avx2,fma")]
unsafe fn inverse(a: &mut [f64], twiddles: &Twiddles) {
    let n = a.len();
    if n.is_power_of_two() {
        // SAFETY: the caller guarantees AVX2 and FMA.
        return unsafe { inverse_power_of_two(a, &twiddles.inverse, twiddles.p) };
    }
    let third = n / 3;
    let [_, _, z1, z2] = &twiddles.thirds;
    let (z1, z2) = (&z1[third..2 * third], &z2[third..2 * third]);
    let (first, rest) = a.split_at_mut(third);
    let (second, last) = rest.split_at_mut(third);
    // SAFETY: as in `forward`.
    unsafe {
        for part in [&mut *first, &mut *second, &mut *last] {
            inverse_power_of_two(part, &twiddles.inverse, twiddles.p);
        }
        let m = modulus(twiddles.p);
        let omega = _mm256_set1_pd(twiddles.omega);
        for j in (0..third).step_by(4) {
            let u0 = load(first, j);
            let u1 = mulmod(load(second, j), load(z1, j), m);
            let u2 = mulmod(load(last, j), load(z2, j), m);
            // u0 + omega^2 u1 + omega u2 = u0 - u1 + t and u0 + omega u1 + omega^2 u2 =
            // u0 - u2 - t, where t = omega (u2 - u1).
            let t = mulmod(_mm256_sub_pd(u2, u1), omega, m);
            store(
                first,
                j,
                reduce(_mm256_add_pd(u0, _mm256_add_pd(u1, u2)), m),
            );
            store(
                second,
                j,
                reduce(_mm256_add_pd(_mm256_sub_pd(u0, u1), t), m),
            );
            store(last, j, reduce(_mm256_sub_pd(_mm256_sub_pd(u0, u2), t), m));
        }
    }
}

/// Residues of 64-bit words (word = high 2^32 + low, both exact in doubles) into `out`,
/// zeros after them.
#[target_feature(enable = "avx2,fma")]
unsafe fn to_residues(words: &[u64], out: &mut [f64], twiddles: &Twiddles) {
    let whole = words.len() / 4 * 4;
    // SAFETY: j + 4 <= whole <= words.len() <= out.len(); AVX2 and FMA as above.
    unsafe {
        let m = modulus(twiddles.p);
        let two_to_32 = _mm256_set1_pd(twiddles.two_to_32);
        // A 52-bit integer's bits under the exponent of 2^52 make the double 2^52 + it.
        let exponent = _mm256_set1_epi64x(0x4330_0000_0000_0000);
        let two_to_52 = _mm256_set1_pd(4_503_599_627_370_496.0);
        let low_half = _mm256_set1_epi64x(0xFFFF_FFFF);
        let as_double = |x: __m256i| {
            _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(x, exponent)), two_to_52)
        };
        for j in (0..whole).step_by(4) {
            let word = _mm256_loadu_si256(words.as_ptr().add(j).cast());
            let low = as_double(_mm256_and_si256(word, low_half));
            let high = as_double(_mm256_srli_epi64::<32>(word));
            store(
                out,
                j,
                reduce(_mm256_add_pd(mulmod(high, two_to_32, m), low), m),
            );
        }
    }
    let p = twiddles.p as u64;
    for (slot, &word) in out[whole..].iter_mut().zip(&words[whole..]) {
        *slot = balanced(word, p);
    }
    out[words.len()..].fill(0.0);
}

/// The doubling step's products point by point, scaled by 1/points: `products` gets
/// a (2b - a), `squares` a^2 + b^2, from the transforms of a and b in them.
#[target_feature(enable = "avx2,fma")]
unsafe fn doubling_pointwise<const P: u64>(
    products: &mut [f64],
    squares: &mut [f64],
    twiddles: &Twiddles,
) {
    let scale = balanced(inverse_length(&twiddles.inverse_lengths, products.len()), P);
    // SAFETY: j + 4 <= the length of both; AVX2 and FMA as above.
    unsafe {
        let m = modulus(twiddles.p);
        let scale = _mm256_set1_pd(scale);
        for j in (0..products.len()).step_by(4) {
            let (a, b) = (load(products, j), load(squares, j));
            let twice_b_minus_a = reduce(_mm256_sub_pd(_mm256_add_pd(b, b), a), m);
            store(products, j, mulmod(mulmod(a, twice_b_minus_a, m), scale, m));
            let sum = _mm256_add_pd(mulmod(a, a, m), mulmod(b, b, m));
            store(squares, j, mulmod(sum, scale, m));
        }
    }
}

/// Garner's mixed-radix digits, 4 lanes at a time: residues (x1, x2, x3) in, (x1, t1, t2)
/// out, with x = x1 + p1 t1 + p1 p2 t2 and t2 balanced (|t2| <= p3 / 2).
#[target_feature(enable = "avx2,fma")]
unsafe fn garner(x1: &[f64], x2: &mut [f64], x3: &mut [f64]) {
    const INVERSE_P1: f64 = balanced(Field::<P2>::inverse(P1 % P2), P2);
    const INVERSE_P1P2: f64 = balanced(
        Field::<P3>::inverse((P1 as u128 * P2 as u128 % P3 as u128) as u64),
        P3,
    );
    const INVERSE_P2: f64 = balanced(Field::<P3>::inverse(P2 % P3), P3);
    // SAFETY: j + 4 <= the length of all three; AVX2 and FMA as above.
    unsafe {
        let (m2, m3) = (modulus(P2 as f64), modulus(P3 as f64));
        let (inverse_p1, inverse_p1p2, inverse_p2) = (
            _mm256_set1_pd(INVERSE_P1),
            _mm256_set1_pd(INVERSE_P1P2),
            _mm256_set1_pd(INVERSE_P2),
        );
        for j in (0..x1.len()).step_by(4) {
            let (r1, r2, r3) = (load(x1, j), load(x2, j), load(x3, j));
            // t1 = (x2 - x1) / p1 mod p2; t2 = (x3 - x1) / (p1 p2) - t1 / p2 mod p3.
            let t1 = mulmod(_mm256_sub_pd(r2, r1), inverse_p1, m2);
            let t2 = _mm256_sub_pd(
                mulmod(_mm256_sub_pd(r3, r1), inverse_p1p2, m3),
                mulmod(t1, inverse_p2, m3),
            );
            store(x2, j, t1);
            store(x3, j, reduce(t2, m3));
        }
    }
}

/// Rebuilds the first `words` coefficients from Garner's digits (x1, t1, t2), exact
/// integers in doubles, and adds them up with their carries, 64 bits apart: the limbs of
/// the product (x86-64's limbs are these words), into `out`.
fn combine(x1: &[f64], t1: &[f64], t2: &[f64], words: usize, out: &mut Vec<Limb>) {
    // p1 p2 = 2^64 high + low with low in [-2^63, 2^63): p1 p2 t2 = 2^64 (high t2) + low t2,
    // and each of the three products below is one signed 64x64-bit multiplication.
    let p1p2 = u128::from(P1) * u128::from(P2);
    let low = p1p2 as u64 as i64;
    let high = ((p1p2 as i128 - i128::from(low)) >> 64) as i64;
    let mut carry: i128 = 0;
    out.clear();
    out.extend(
        x1.iter()
            .zip(t1)
            .zip(t2)
            .take(words)
            .map(|((&x1, &t1), &t2)| {
                // Exact: the doubles hold integers below 2^50.
                let (x1, t1, t2) = (x1 as i64, t1 as i64, t2 as i64);
                // |x1 + p1 t1 + low t2| < 2^114, and the carry stays below 2^87.
                let sum = carry
                    + i128::from(x1)
                    + i128::from(P1 as i64) * i128::from(t1)
                    + i128::from(low) * i128::from(t2);
                carry = (sum >> 64) + i128::from(high) * i128::from(t2);
                sum as u64
            }),
    );
    debug_assert!(carry >= 0, "a product of F(k)s is positive");
    LimbWriter::new(out, WORD_BITS).finish(carry as u128);
}

/// The three primes' tables and buffers, for factors up to a size.
pub(crate) struct Multiplier {
    pub(super) points: usize,
    tables: [Twiddles; 3],
    /// Two products' residues for each prime, reused from step to step.
    scratch: Vec<f64>,
}

impl Multiplier {
    /// Ready for factors of up to `max_bits` bits each (at most `MAX_WORDS` words).
    pub(super) fn new(max_bits: u64) -> Self {
        assert!(runs_here(), "the float NTT needs AVX2 and FMA");
        let words = words_for(max_bits, WORD_BITS);
        assert!(words <= MAX_WORDS, "too large for the float NTT's primes");
        let points = points_for(words);
        let [g1, g2, g3] = GENERATORS;
        Multiplier {
            points,
            tables: [
                Twiddles::new::<P1>(points, g1),
                Twiddles::new::<P2>(points, g2),
                Twiddles::new::<P3>(points, g3),
            ],
            scratch: vec![0.0; 6 * points],
        }
    }

    /// `even` = a (2b - a) and `odd` = a^2 + b^2 for a = F(k), b = F(k+1), or only the
    /// one `wanted` (the other is left empty).
    pub(super) fn doubling_step(
        &mut self,
        (a, b): (&[Limb], &[Limb]),
        wanted: Wanted,
        (even, odd): (&mut Vec<Limb>, &mut Vec<Limb>),
    ) {
        let words = step_words((a, b), WORD_BITS);
        let points = points_for(words);
        assert!(points <= self.points, "Multiplier made for smaller numbers");
        // The limbs are the 64-bit words (x86-64).
        let (a, b) = (limbs::trimmed(a), limbs::trimmed(b));
        let mut buffers = self.scratch[..6 * points].chunks_exact_mut(points);
        let mut next = || buffers.next().expect("six buffers");
        let (c1, s1, c2, s2, c3, s3) = (next(), next(), next(), next(), next(), next());
        let [t1, t2, t3] = &self.tables;
        // SAFETY: a Multiplier is made only where `runs_here()` (asserted in `new`).
        unsafe {
            doubling_products_mod::<P1>((a, b), wanted, t1, c1, s1);
            doubling_products_mod::<P2>((a, b), wanted, t2, c2, s2);
            doubling_products_mod::<P3>((a, b), wanted, t3, c3, s3);
        }
        let lanes = (2 * words).next_multiple_of(4).min(points);
        wanted.write_into(
            (even, odd),
            [(c1, c2, c3), (s1, s2, s3)],
            |(x1, x2, x3), out| {
                // SAFETY: as above.
                unsafe { garner(&x1[..lanes], &mut x2[..lanes], &mut x3[..lanes]) };
                combine(x1, x2, x3, 2 * words, out);
            },
        );
    }
}

/// One doubling step modulo `P`: residues of a (2b - a) into `products` and of a^2 + b^2
/// into `squares`, for those `wanted`.
///
/// # Safety
/// The CPU has AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
unsafe fn doubling_products_mod<const P: u64>(
    (a, b): (&[u64], &[u64]),
    wanted: Wanted,
    twiddles: &Twiddles,
    products: &mut [f64],
    squares: &mut [f64],
) {
    // SAFETY: the caller guarantees AVX2 and FMA.
    unsafe {
        to_residues(a, products, twiddles);
        to_residues(b, squares, twiddles);
        forward(products, twiddles);
        forward(squares, twiddles);
        doubling_pointwise::<P>(products, squares, twiddles);
        if wanted != Wanted::Odd {
            inverse(products, twiddles);
        }
        if wanted != Wanted::Even {
            inverse(squares, twiddles);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_primes_hold_the_transforms_and_the_products() {
        for (p, generator) in [P1, P2, P3].into_iter().zip(GENERATORS) {
            assert_eq!((p - 1) % (3 << 20), 0);
            assert!(p > 1 << 49 && p < 1 << 50, "mulmod's bounds");
            // The generator's powers by (p - 1) / f are not one, for each prime factor f.
            for f in prime_factors(p - 1) {
                let power = match p {
                    P1 => Field::<P1>::pow(generator, (p - 1) / f),
                    P2 => Field::<P2>::pow(generator, (p - 1) / f),
                    _ => Field::<P3>::pow(generator, (p - 1) / f),
                };
                assert_ne!(power, 1, "{p}: {generator}'s order divides (p-1)/{f}");
            }
        }
        // Garner's value x1 + p1 t1 + p1 p2 t2 with |t2| <= p3 / 2 lies within P / 2 +
        // 2 p1 p2 of zero; a coefficient, below MAX_WORDS 2^129, is then the only integer
        // of its class modulo P there.
        let (p1, p2, p3) = (P1 as f64, P2 as f64, P3 as f64);
        let largest = MAX_WORDS as f64 * 2f64.powi(129);
        assert!(largest + 2.0 * p1 * p2 + p1 < p1 * p2 * p3 / 2.0);
    }

    #[test]
    fn modular_products_in_doubles_stay_within_p() {
        if !runs_here() {
            return;
        }
        // The largest operands a transform gives mulmod: |a| <= 8p with |b| <= p / 2 (a
        // difference of unreduced sums, K = 4: within 2p), and |a| <= 2p (K = 1: within p).
        let p = P1 as f64;
        let half = (p - 1.0) / 2.0;
        let cases = [
            (8.0 * p, half, 2.0),
            (-8.0 * p, half, 2.0),
            (8.0 * p - 1.0, -half, 2.0),
            (2.0 * p, half, 1.0),
            (-2.0 * p, half, 1.0),
            (p, -half, 1.0),
            (123_456_789.0, 987_654_321_012.0, 1.0),
            (p - 1.0, p - 1.0, 1.0),
        ];
        for (a, b, bound) in cases {
            let expected = (a as i128 * b as i128).rem_euclid(P1 as i128);
            // SAFETY: runs_here().
            let got = unsafe { mulmod_lanes(a, b, p) };
            assert!(got.abs() <= bound * p, "{a} * {b}: {got}");
            assert_eq!((got as i128).rem_euclid(P1 as i128), expected, "{a} * {b}");
        }
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn mulmod_lanes(a: f64, b: f64, p: f64) -> f64 {
        // SAFETY: the caller checks `runs_here()`.
        unsafe {
            let lanes = mulmod(_mm256_set1_pd(a), _mm256_set1_pd(b), modulus(p));
            _mm256_cvtsd_f64(lanes)
        }
    }
}
