//! The doubling step's products by NTTs modulo three primes below 2^50 held in doubles,
//! with FMA: the AVX2 path in four lanes, the AVX-512 path in eight (FLINT's `fft_small`
//! multiplies this way, the fastest products known on such CPUs).
//!
//! Why doubles: AVX2 has no 32x32->64-bit product of 8 lanes, so the lane NTT's u32
//! Montgomery product (`super::kernels::avx2`) takes six 4-lane products for 8 lanes of
//! 30-bit residues. A double holds an integer below 2^53 exactly, and FMA gives a
//! product's rounding error exactly: `mulmod` below is a product of 50-bit residues modulo
//! a 50-bit prime in two products, two FMAs, one rounding and one addition, per vector.
//! Three primes of 50 bits then hold the coefficients of a product of 64-bit words
//! (below `words * 2^129`, under P / 2 = 2^149 for up to 2^19 words), where three of 30
//! bits hold those of 32-bit words: half the points, each cheaper. On AVX-512 too this
//! beat the lane NTT's 16 lanes of u32 (AMD EPYC, Zen 4: 0.44x GMP's time at F(10^6)
//! against 0.87x; docs/performance.md).
//!
//! Residues are kept balanced, as integers in doubles: within [-2p, 2p] between the
//! passes of a transform (at most 8p < 2^53 inside one), brought back by `reduce` and
//! `mulmod`, whose bounds say which sums may wait. The plan is the lane NTT's (see the
//! module `ntt`): a power of two or three times one points, the forward transform by
//! decimation in frequency, the inverse by decimation in time, 2F(k+1) - F(k) formed in
//! the transform domain, Garner's algorithm (here in doubles too) and one pass of carries.
//! The last two levels of a forward transform work on groups of four neighbours transposed
//! into four lanes, and leave them so: the point-by-point step does not mind the order,
//! and the inverse transform's first two levels read that order and transpose back. The
//! transforms are written once over a vector type ([`Doubles`]); those last levels, and
//! any level whose butterflies are closer than two vectors, take four lanes on both paths.

use std::arch::x86_64::*;

#[cfg(test)]
use super::two_primes::prime_factors;
use super::two_primes::{inverse_length, Field, Twiddles as IntegerTwiddles};
use super::wrapped::{self, Plan};
use super::{transform_len, words_for, LimbWriter, Wanted};
use crate::isa::Isa;
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

/// The transform for a step whose longer factor has `longest` words: the shortest that
/// holds the products, or a shorter one whose wrapped coefficients a second transform
/// of the top words gives (`wrapped`).
pub(super) fn plan(longest: usize) -> Plan {
    Plan::for_factors(longest, |points| points_for(points.div_ceil(2)), |_| true)
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

/// A vector of doubles: AVX2's four lanes ([`F64x4`]) or AVX-512's eight ([`F64x8`]). The
/// transforms are written once for both (`float_kernels!`); each method is an intrinsic.
///
/// # Safety
/// Every method needs the CPU features of its vector (AVX2 and FMA; AVX-512F): they run
/// only inside the `#[target_feature]` functions `float_kernels!` makes, which are called
/// only where those features are present.
trait Doubles: Copy {
    const LANES: usize;
    unsafe fn splat(x: f64) -> Self;
    /// The `LANES` values from `at`, which must be in `slice`.
    unsafe fn load(slice: &[f64], at: usize) -> Self;
    unsafe fn store(self, slice: &mut [f64], at: usize);
    unsafe fn add(self, other: Self) -> Self;
    unsafe fn sub(self, other: Self) -> Self;
    unsafe fn mul(self, other: Self) -> Self;
    /// `self * b - c`, rounded once (FMA).
    unsafe fn mul_sub(self, b: Self, c: Self) -> Self;
    /// `c - self * b`, rounded once (FMA).
    unsafe fn negated_mul_add(self, b: Self, c: Self) -> Self;
    /// To the nearest integer.
    unsafe fn round(self) -> Self;
}

/// Four doubles (AVX2 with FMA).
#[derive(Clone, Copy)]
struct F64x4(__m256d);

/// Eight doubles (AVX-512F).
#[derive(Clone, Copy)]
struct F64x8(__m512d);

/// The methods of `Doubles` for one vector type, from its intrinsics' names.
macro_rules! doubles {
    ($vector:ident, $lanes:literal, $set1:ident, $loadu:ident, $storeu:ident, $add:ident,
     $sub:ident, $mul:ident, $fmsub:ident, $fnmadd:ident, $round:path) => {
        impl Doubles for $vector {
            const LANES: usize = $lanes;
            #[inline(always)]
            unsafe fn splat(x: f64) -> Self {
                // SAFETY: the caller guarantees the vector's features (`Doubles`).
                unsafe { $vector($set1(x)) }
            }
            #[inline(always)]
            unsafe fn load(slice: &[f64], at: usize) -> Self {
                debug_assert!(at + $lanes <= slice.len());
                // SAFETY: the values from `at` are in `slice` (asserted in debug builds,
                // and by every caller's loop bounds); features as above.
                unsafe { $vector($loadu(slice.as_ptr().add(at))) }
            }
            #[inline(always)]
            unsafe fn store(self, slice: &mut [f64], at: usize) {
                debug_assert!(at + $lanes <= slice.len());
                // SAFETY: as in `load`.
                unsafe { $storeu(slice.as_mut_ptr().add(at), self.0) }
            }
            #[inline(always)]
            unsafe fn add(self, other: Self) -> Self {
                // SAFETY: features as above.
                unsafe { $vector($add(self.0, other.0)) }
            }
            #[inline(always)]
            unsafe fn sub(self, other: Self) -> Self {
                // SAFETY: features as above.
                unsafe { $vector($sub(self.0, other.0)) }
            }
            #[inline(always)]
            unsafe fn mul(self, other: Self) -> Self {
                // SAFETY: features as above.
                unsafe { $vector($mul(self.0, other.0)) }
            }
            #[inline(always)]
            unsafe fn mul_sub(self, b: Self, c: Self) -> Self {
                // SAFETY: features as above.
                unsafe { $vector($fmsub(self.0, b.0, c.0)) }
            }
            #[inline(always)]
            unsafe fn negated_mul_add(self, b: Self, c: Self) -> Self {
                // SAFETY: features as above.
                unsafe { $vector($fnmadd(self.0, b.0, c.0)) }
            }
            #[inline(always)]
            unsafe fn round(self) -> Self {
                // SAFETY: features as above.
                unsafe { $vector($round(self.0)) }
            }
        }
    };
}

const NEAREST: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

doubles!(
    F64x4,
    4,
    _mm256_set1_pd,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_add_pd,
    _mm256_sub_pd,
    _mm256_mul_pd,
    _mm256_fmsub_pd,
    _mm256_fnmadd_pd,
    _mm256_round_pd::<NEAREST>
);
doubles!(
    F64x8,
    8,
    _mm512_set1_pd,
    _mm512_loadu_pd,
    _mm512_storeu_pd,
    _mm512_add_pd,
    _mm512_sub_pd,
    _mm512_mul_pd,
    _mm512_fmsub_pd,
    _mm512_fnmadd_pd,
    _mm512_roundscale_pd::<NEAREST>
);

/// A prime and its reciprocal in every lane.
#[derive(Clone, Copy)]
struct Modulus<V> {
    p: V,
    reciprocal: V,
}

// The arithmetic, for either vector. Each `#[inline(always)]` helper runs inside the
// `#[target_feature]` functions of `float_kernels!`, called only where their features are.

/// # Safety
/// The CPU has the vector's features (for every helper below).
#[inline(always)]
unsafe fn modulus<V: Doubles>(p: f64) -> Modulus<V> {
    // SAFETY: the caller guarantees the features (this fn's # Safety).
    unsafe {
        Modulus {
            p: V::splat(p),
            reciprocal: V::splat(1.0 / p),
        }
    }
}

/// `x mod p` in [-p/2, p/2] (up to a rounding at the half) for |x| <= 8p < 2^53: x - q p
/// is exact, an integer below 2^50.
#[inline(always)]
unsafe fn reduce<V: Doubles>(x: V, m: Modulus<V>) -> V {
    // SAFETY: the caller guarantees the features.
    unsafe { x.mul(m.reciprocal).round().negated_mul_add(m.p, x) }
}

/// `a b mod p`, for |a b| <= K p^2 with K <= 4 (2^49 < p < 2^50): within (1/2 + 3K/8) p,
/// so [-p, p] for K <= 4/3 and [-2p, 2p] for K <= 4. With h = a b rounded, l = a b - h
/// exactly (an FMA; |l| <= K 2^47 <= K p / 4), q = h / p rounded (h times the rounded
/// reciprocal: off by at most K/4 before the rounding), h - q p is exact (an integer) and
/// at most (1/2 + K/4) p; plus l.
#[inline(always)]
unsafe fn mulmod<V: Doubles>(a: V, b: V, m: Modulus<V>) -> V {
    // SAFETY: the caller guarantees the features.
    unsafe {
        let high = a.mul(b);
        let quotient = high.mul(m.reciprocal).round();
        let low = a.mul_sub(b, high);
        quotient.negated_mul_add(m.p, high).add(low)
    }
}

/// (x + y, (x - y) w), for |x|, |y| <= 4p and |w| <= p/2: results within [-p/2, p/2] and
/// [-2p, 2p].
#[inline(always)]
unsafe fn forward_butterfly<V: Doubles>(x: V, y: V, w: V, m: Modulus<V>) -> (V, V) {
    // SAFETY: the caller guarantees the features.
    unsafe { (reduce(x.add(y), m), mulmod(x.sub(y), w, m)) }
}

/// (x + y w, x - y w), for |x|, |y| <= 3p/2 and |w| <= p/2: results within [-p, p].
#[inline(always)]
unsafe fn inverse_butterfly<V: Doubles>(x: V, y: V, w: V, m: Modulus<V>) -> (V, V) {
    // SAFETY: the caller guarantees the features.
    unsafe {
        let t = mulmod(y, w, m);
        (reduce(x.add(t), m), reduce(x.sub(t), m))
    }
}

/// (x + y w, x - y w) unreduced, for |x| <= p/2, |y| <= p and |w| <= p/2: results within
/// [-3p/2, 3p/2].
#[inline(always)]
unsafe fn inverse_butterfly_unreduced<V: Doubles>(x: V, y: V, w: V, m: Modulus<V>) -> (V, V) {
    // SAFETY: the caller guarantees the features.
    unsafe {
        let t = mulmod(y, w, m);
        (x.add(t), x.sub(t))
    }
}

/// (x + y, (x - y) w) with the sum unreduced, for |x|, |y| <= 2p and |w| <= p/2: results
/// within [-4p, 4p] and [-5p/4, 5p/4].
#[inline(always)]
unsafe fn forward_butterfly_unreduced<V: Doubles>(x: V, y: V, w: V, m: Modulus<V>) -> (V, V) {
    // SAFETY: the caller guarantees the features.
    unsafe { (x.add(y), mulmod(x.sub(y), w, m)) }
}

/// One forward level, butterflies `half` apart (a multiple of the lanes).
#[inline(always)]
unsafe fn forward_level<V: Doubles>(a: &mut [f64], half: usize, tw: &[f64], m: Modulus<V>) {
    let tw = &tw[half..2 * half];
    for block in a.chunks_exact_mut(2 * half) {
        let (low, high) = block.split_at_mut(half);
        for j in (0..half).step_by(V::LANES) {
            // SAFETY: j + LANES <= half, the length of low, high and tw; the caller
            // guarantees the features.
            unsafe {
                let (x, y) =
                    forward_butterfly(V::load(low, j), V::load(high, j), V::load(tw, j), m);
                x.store(low, j);
                y.store(high, j);
            }
        }
    }
}

/// The forward levels with butterflies `half` and `half / 2` apart (`half / 2` a multiple
/// of the lanes), in one pass.
#[inline(always)]
unsafe fn forward_two_levels<V: Doubles>(a: &mut [f64], half: usize, tw: &[f64], m: Modulus<V>) {
    let quarter = half / 2;
    let (outer, inner) = (&tw[half..2 * half], &tw[quarter..half]);
    for block in a.chunks_exact_mut(2 * half) {
        let (low, high) = block.split_at_mut(half);
        let (q0, q1) = low.split_at_mut(quarter);
        let (q2, q3) = high.split_at_mut(quarter);
        for j in (0..quarter).step_by(V::LANES) {
            // SAFETY: j + LANES <= quarter, the length of q0..q3 and inner, half of outer's.
            unsafe {
                // The outer level's sums are left unreduced, within [-4p, 4p]: the inner
                // level reduces their sum (within 8p < 2^53, exact) and takes their
                // difference's product (|y w| <= 4 p^2), which is then within [-2p, 2p].
                // So values stay within [-2p, 2p] from pass to pass.
                let (y0, y2) = forward_butterfly_unreduced(
                    V::load(q0, j),
                    V::load(q2, j),
                    V::load(outer, j),
                    m,
                );
                let (y1, y3) = forward_butterfly_unreduced(
                    V::load(q1, j),
                    V::load(q3, j),
                    V::load(outer, quarter + j),
                    m,
                );
                let w = V::load(inner, j);
                let (z0, z1) = forward_butterfly(y0, y1, w, m);
                let (z2, z3) = forward_butterfly(y2, y3, w, m);
                z0.store(q0, j);
                z1.store(q1, j);
                z2.store(q2, j);
                z3.store(q3, j);
            }
        }
    }
}

/// One inverse level, butterflies `len` apart (a multiple of the lanes).
#[inline(always)]
unsafe fn inverse_level<V: Doubles>(a: &mut [f64], len: usize, itw: &[f64], m: Modulus<V>) {
    let itw = &itw[len..2 * len];
    for block in a.chunks_exact_mut(2 * len) {
        let (low, high) = block.split_at_mut(len);
        for j in (0..len).step_by(V::LANES) {
            // SAFETY: j + LANES <= len, the length of low, high and itw.
            unsafe {
                let (x, y) =
                    inverse_butterfly(V::load(low, j), V::load(high, j), V::load(itw, j), m);
                x.store(low, j);
                y.store(high, j);
            }
        }
    }
}

/// The inverse levels with butterflies `len` and `2 len` apart (`len` a multiple of the
/// lanes), in one pass.
#[inline(always)]
unsafe fn inverse_two_levels<V: Doubles>(a: &mut [f64], len: usize, itw: &[f64], m: Modulus<V>) {
    let (inner, outer) = (&itw[len..2 * len], &itw[2 * len..4 * len]);
    for block in a.chunks_exact_mut(4 * len) {
        let (low, high) = block.split_at_mut(2 * len);
        let (q0, q1) = low.split_at_mut(len);
        let (q2, q3) = high.split_at_mut(len);
        for j in (0..len).step_by(V::LANES) {
            // SAFETY: j + LANES <= len, the length of q0..q3 and inner, half of outer's.
            unsafe {
                // The inner level's results are left unreduced, within [-3p/2, 3p/2]: the
                // outer level's products take them (|y w| <= 3/4 p^2) and its sums
                // (within 5p/2) are reduced.
                let w = V::load(inner, j);
                let (y0, y1) = inverse_butterfly_unreduced(V::load(q0, j), V::load(q1, j), w, m);
                let (y2, y3) = inverse_butterfly_unreduced(V::load(q2, j), V::load(q3, j), w, m);
                let (z0, z2) = inverse_butterfly(y0, y2, V::load(outer, j), m);
                let (z1, z3) = inverse_butterfly(y1, y3, V::load(outer, len + j), m);
                z0.store(q0, j);
                z1.store(q1, j);
                z2.store(q2, j);
                z3.store(q3, j);
            }
        }
    }
}

/// Rows as columns: lane i of output k is lane k of input i.
#[inline(always)]
unsafe fn transpose(rows: [F64x4; 4]) -> [F64x4; 4] {
    let [a0, a1, a2, a3] = rows.map(|row| row.0);
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
        .map(F64x4)
    }
}

/// The last two forward levels (butterflies 2 and 1 apart, twiddles 1 and the fourth root
/// `tw[3]`, then 1), on blocks of 16: four groups of four neighbours, transposed so that
/// each lane holds a group, and left transposed. (Four lanes on either path: AVX-512 CPUs
/// have AVX2.)
#[inline(always)]
unsafe fn forward_last_two_levels(a: &mut [f64], tw: &[f64], m: Modulus<F64x4>) {
    // SAFETY: each block has 16 values, read and written 4 at a time; the caller
    // guarantees AVX2 and FMA.
    unsafe {
        let fourth_root = F64x4::splat(tw[3]);
        for block in a.chunks_exact_mut(16) {
            let [e0, e1, e2, e3] = transpose([0, 4, 8, 12].map(|at| F64x4::load(block, at)));
            let (s02, d02) = (reduce(e0.add(e2), m), reduce(e0.sub(e2), m));
            let (s13, d13) = forward_butterfly(e1, e3, fourth_root, m);
            reduce(s02.add(s13), m).store(block, 0);
            reduce(s02.sub(s13), m).store(block, 4);
            reduce(d02.add(d13), m).store(block, 8);
            reduce(d02.sub(d13), m).store(block, 12);
        }
    }
}

/// The inverse of `forward_last_two_levels` (times 4), back in natural order.
#[inline(always)]
unsafe fn inverse_first_two_levels(a: &mut [f64], itw: &[f64], m: Modulus<F64x4>) {
    // SAFETY: as in `forward_last_two_levels`.
    unsafe {
        let fourth_root = F64x4::splat(itw[3]);
        for block in a.chunks_exact_mut(16) {
            let [v0, v1, v2, v3] = [0, 4, 8, 12].map(|at| F64x4::load(block, at));
            let (s02, s13) = (reduce(v0.add(v1), m), reduce(v0.sub(v1), m));
            let (d02, d13) = (reduce(v2.add(v3), m), reduce(v2.sub(v3), m));
            let (e0, e2) = (reduce(s02.add(d02), m), reduce(s02.sub(d02), m));
            let (e1, e3) = inverse_butterfly(s13, d13, fourth_root, m);
            for (row, at) in transpose([e0, e1, e2, e3]).into_iter().zip([0, 4, 8, 12]) {
                row.store(block, at);
            }
        }
    }
}

/// A forward transform of a power of two points, at most `BLOCK`: two levels a pass in
/// `V`'s lanes while a pass's quarters hold whole vectors, then in four lanes.
#[inline(always)]
unsafe fn forward_within_block<V: Doubles>(a: &mut [f64], tw: &[f64], p: f64) {
    // SAFETY: the caller guarantees the features of V, and AVX2 and FMA.
    unsafe {
        let (wide, narrow) = (modulus::<V>(p), modulus::<F64x4>(p));
        let mut half = a.len() / 2;
        while half >= 2 * V::LANES {
            forward_two_levels(a, half, tw, wide);
            half /= 4;
        }
        while half >= 8 {
            forward_two_levels(a, half, tw, narrow);
            half /= 4;
        }
        if half == 4 {
            forward_level(a, 4, tw, narrow);
        }
        forward_last_two_levels(a, tw, narrow);
    }
}

/// The inverse of `forward_within_block`, times the number of points.
#[inline(always)]
unsafe fn inverse_within_block<V: Doubles>(a: &mut [f64], itw: &[f64], p: f64) {
    // SAFETY: as in `forward_within_block`.
    unsafe {
        let (wide, narrow) = (modulus::<V>(p), modulus::<F64x4>(p));
        let n = a.len();
        inverse_first_two_levels(a, itw, narrow);
        let mut len = 4;
        if n.trailing_zeros() % 2 == 1 {
            inverse_level(a, 4, itw, narrow);
            len = 8;
        }
        while len < n {
            if len >= V::LANES {
                inverse_two_levels(a, len, itw, wide);
            } else {
                inverse_two_levels(a, len, itw, narrow);
            }
            len *= 4;
        }
    }
}

/// The split in three that starts a forward transform of 3m points (radix 3, twisted):
/// each third is then transformed on its own.
#[inline(always)]
unsafe fn split_in_three<V: Doubles>(a: &mut [f64], twiddles: &Twiddles) {
    let third = a.len() / 3;
    let [z1, z2, _, _] = &twiddles.thirds;
    let (z1, z2) = (&z1[third..2 * third], &z2[third..2 * third]);
    let (first, rest) = a.split_at_mut(third);
    let (second, last) = rest.split_at_mut(third);
    // SAFETY: j + LANES <= third (a multiple of 16), the length of each third and of z1,
    // z2; the caller guarantees the features.
    unsafe {
        let m = modulus::<V>(twiddles.p);
        let omega = V::splat(twiddles.omega);
        for j in (0..third).step_by(V::LANES) {
            let (x0, x1, x2) = (V::load(first, j), V::load(second, j), V::load(last, j));
            // With omega^2 = -1 - omega: x0 + omega x1 + omega^2 x2 = x0 - x2 + t and
            // x0 + omega^2 x1 + omega x2 = x0 - x1 - t, where t = omega (x1 - x2).
            let t = mulmod(x1.sub(x2), omega, m);
            reduce(x0.add(x1.add(x2)), m).store(first, j);
            let y1 = reduce(x0.sub(x2).add(t), m);
            let y2 = reduce(x0.sub(x1).sub(t), m);
            mulmod(y1, V::load(z1, j), m).store(second, j);
            mulmod(y2, V::load(z2, j), m).store(last, j);
        }
    }
}

/// The inverse of `split_in_three`, after each third's inverse transform.
#[inline(always)]
unsafe fn join_thirds<V: Doubles>(a: &mut [f64], twiddles: &Twiddles) {
    let third = a.len() / 3;
    let [_, _, z1, z2] = &twiddles.thirds;
    let (z1, z2) = (&z1[third..2 * third], &z2[third..2 * third]);
    let (first, rest) = a.split_at_mut(third);
    let (second, last) = rest.split_at_mut(third);
    // SAFETY: as in `split_in_three`.
    unsafe {
        let m = modulus::<V>(twiddles.p);
        let omega = V::splat(twiddles.omega);
        for j in (0..third).step_by(V::LANES) {
            let u0 = V::load(first, j);
            let u1 = mulmod(V::load(second, j), V::load(z1, j), m);
            let u2 = mulmod(V::load(last, j), V::load(z2, j), m);
            // u0 + omega^2 u1 + omega u2 = u0 - u1 + t and u0 + omega u1 + omega^2 u2 =
            // u0 - u2 - t, where t = omega (u2 - u1).
            let t = mulmod(u2.sub(u1), omega, m);
            reduce(u0.add(u1.add(u2)), m).store(first, j);
            reduce(u0.sub(u1).add(t), m).store(second, j);
            reduce(u0.sub(u2).sub(t), m).store(last, j);
        }
    }
}

/// Residues of 64-bit words (word = high 2^32 + low, both exact in doubles) into `out`,
/// zeros after them. (Four lanes on either path.)
#[inline(always)]
unsafe fn to_residues(words: &[u64], out: &mut [f64], twiddles: &Twiddles) {
    let whole = words.len() / 4 * 4;
    // SAFETY: j + 4 <= whole <= words.len() <= out.len(); the caller guarantees AVX2 and
    // FMA.
    unsafe {
        let m = modulus::<F64x4>(twiddles.p);
        let two_to_32 = F64x4::splat(twiddles.two_to_32);
        // A 52-bit integer's bits under the exponent of 2^52 make the double 2^52 + it.
        let exponent = _mm256_set1_epi64x(0x4330_0000_0000_0000);
        let two_to_52 = F64x4::splat(4_503_599_627_370_496.0);
        let low_half = _mm256_set1_epi64x(0xFFFF_FFFF);
        let as_double =
            |x: __m256i| F64x4(_mm256_castsi256_pd(_mm256_or_si256(x, exponent))).sub(two_to_52);
        for j in (0..whole).step_by(4) {
            let word = _mm256_loadu_si256(words.as_ptr().add(j).cast());
            let low = as_double(_mm256_and_si256(word, low_half));
            let high = as_double(_mm256_srli_epi64::<32>(word));
            reduce(mulmod(high, two_to_32, m).add(low), m).store(out, j);
        }
    }
    let p = twiddles.p as u64;
    for (slot, &word) in out[whole..].iter_mut().zip(&words[whole..]) {
        *slot = balanced(word, p);
    }
    out[words.len()..].fill(0.0);
}

/// The doubling step's products point by point, scaled by 1/points: `products` gets
/// a (2b - a), `squares` a^2 + b^2, from the transforms of a and b in them; only those
/// `wanted` (the last step needs one).
#[inline(always)]
unsafe fn doubling_pointwise<V: Doubles>(
    products: &mut [f64],
    squares: &mut [f64],
    wanted: Wanted,
    twiddles: &Twiddles,
) {
    let p = twiddles.p as u64;
    let scale = balanced(inverse_length(&twiddles.inverse_lengths, products.len()), p);
    // SAFETY: j + LANES <= the length of both (a multiple of 16); the caller guarantees
    // the features.
    unsafe {
        let m = modulus::<V>(twiddles.p);
        let scale = V::splat(scale);
        for j in (0..products.len()).step_by(V::LANES) {
            let (a, b) = (V::load(products, j), V::load(squares, j));
            if wanted != Wanted::Odd {
                let twice_b_minus_a = reduce(b.add(b).sub(a), m);
                mulmod(mulmod(a, twice_b_minus_a, m), scale, m).store(products, j);
            }
            if wanted != Wanted::Even {
                let sum = mulmod(a, a, m).add(mulmod(b, b, m));
                mulmod(sum, scale, m).store(squares, j);
            }
        }
    }
}

/// Garner's mixed-radix digits: residues (x1, x2, x3) in, (x1, t1, t2) out, with x = x1 +
/// p1 t1 + p1 p2 t2 and t2 balanced (|t2| <= p3 / 2); lengths a multiple of the lanes.
#[inline(always)]
unsafe fn garner<V: Doubles>(x1: &[f64], x2: &mut [f64], x3: &mut [f64]) {
    const INVERSE_P1: f64 = balanced(Field::<P2>::inverse(P1 % P2), P2);
    const INVERSE_P1P2: f64 = balanced(
        Field::<P3>::inverse((P1 as u128 * P2 as u128 % P3 as u128) as u64),
        P3,
    );
    const INVERSE_P2: f64 = balanced(Field::<P3>::inverse(P2 % P3), P3);
    // SAFETY: j + LANES <= the length of all three; the caller guarantees the features.
    unsafe {
        let (m2, m3) = (modulus::<V>(P2 as f64), modulus::<V>(P3 as f64));
        let (inverse_p1, inverse_p1p2, inverse_p2) = (
            V::splat(INVERSE_P1),
            V::splat(INVERSE_P1P2),
            V::splat(INVERSE_P2),
        );
        for j in (0..x1.len()).step_by(V::LANES) {
            let (r1, r2, r3) = (V::load(x1, j), V::load(x2, j), V::load(x3, j));
            // t1 = (x2 - x1) / p1 mod p2; t2 = (x3 - x1) / (p1 p2) - t1 / p2 mod p3.
            let t1 = mulmod(r2.sub(r1), inverse_p1, m2);
            let t2 = mulmod(r3.sub(r1), inverse_p1p2, m3).sub(mulmod(t1, inverse_p2, m3));
            t1.store(x2, j);
            reduce(t2, m3).store(x3, j);
        }
    }
}

/// One doubling step's transforms and Garner's digits for one vector type, as
/// `#[target_feature]` functions (`Kernels`): the transforms above `BLOCK` recurse, which
/// `#[inline(always)]` functions cannot.
macro_rules! float_kernels {
    ($name:ident, $vector:ty, $features:literal) => {
        mod $name {
            use super::*;

            /// The forward transform of a power of two points (at least 16), depth first
            /// above `BLOCK`.
            #[target_feature(enable = $features)]
            unsafe fn forward_power_of_two(a: &mut [f64], tw: &[f64], p: f64) {
                // SAFETY: the caller guarantees the features (`Kernels`).
                unsafe {
                    let n = a.len();
                    if n > BLOCK {
                        // Two levels over the whole array, then each quarter: half the
                        // passes over memory that one level and each half would take.
                        forward_two_levels(a, n / 2, tw, modulus::<$vector>(p));
                        for quarter in a.chunks_exact_mut(n / 4) {
                            forward_power_of_two(quarter, tw, p);
                        }
                    } else {
                        forward_within_block::<$vector>(a, tw, p);
                    }
                }
            }

            /// The inverse of `forward_power_of_two`, times the number of points.
            #[target_feature(enable = $features)]
            unsafe fn inverse_power_of_two(a: &mut [f64], itw: &[f64], p: f64) {
                // SAFETY: as in `forward_power_of_two`.
                unsafe {
                    let n = a.len();
                    if n > BLOCK {
                        for quarter in a.chunks_exact_mut(n / 4) {
                            inverse_power_of_two(quarter, itw, p);
                        }
                        inverse_two_levels(a, n / 4, itw, modulus::<$vector>(p));
                    } else {
                        inverse_within_block::<$vector>(a, itw, p);
                    }
                }
            }

            /// The forward transform (a power of two or three times one points).
            #[target_feature(enable = $features)]
            unsafe fn forward(a: &mut [f64], twiddles: &Twiddles) {
                // SAFETY: as in `forward_power_of_two`.
                unsafe {
                    if a.len().is_power_of_two() {
                        return forward_power_of_two(a, &twiddles.forward, twiddles.p);
                    }
                    split_in_three::<$vector>(a, twiddles);
                    for part in a.chunks_exact_mut(a.len() / 3) {
                        forward_power_of_two(part, &twiddles.forward, twiddles.p);
                    }
                }
            }

            /// The inverse of `forward`, times the number of points.
            #[target_feature(enable = $features)]
            unsafe fn inverse(a: &mut [f64], twiddles: &Twiddles) {
                // SAFETY: as in `forward_power_of_two`.
                unsafe {
                    if a.len().is_power_of_two() {
                        return inverse_power_of_two(a, &twiddles.inverse, twiddles.p);
                    }
                    for part in a.chunks_exact_mut(a.len() / 3) {
                        inverse_power_of_two(part, &twiddles.inverse, twiddles.p);
                    }
                    join_thirds::<$vector>(a, twiddles);
                }
            }

            /// One doubling step modulo one prime: residues of a (2b - a) into `products`
            /// and of a^2 + b^2 into `squares`, for those `wanted`.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn doubling_products_mod(
                (a, b): (&[u64], &[u64]),
                wanted: Wanted,
                twiddles: &Twiddles,
                products: &mut [f64],
                squares: &mut [f64],
            ) {
                // SAFETY: as in `forward_power_of_two`.
                unsafe {
                    to_residues(a, products, twiddles);
                    to_residues(b, squares, twiddles);
                    forward(products, twiddles);
                    forward(squares, twiddles);
                    doubling_pointwise::<$vector>(products, squares, wanted, twiddles);
                    if wanted != Wanted::Odd {
                        inverse(products, twiddles);
                    }
                    if wanted != Wanted::Even {
                        inverse(squares, twiddles);
                    }
                }
            }

            /// Garner's digits (see `garner`).
            #[target_feature(enable = $features)]
            pub(super) unsafe fn garner(x1: &[f64], x2: &mut [f64], x3: &mut [f64]) {
                // SAFETY: as in `forward_power_of_two`.
                unsafe { super::garner::<$vector>(x1, x2, x3) }
            }

            pub(super) const KERNELS: Kernels = Kernels {
                doubling_products_mod,
                garner,
            };
        }
    };
}

float_kernels!(avx2, F64x4, "avx2,fma");
float_kernels!(avx512, F64x8, "avx512f,avx2,fma");

/// One doubling step modulo one prime: from a and b (64-bit words), the residues of the
/// products `wanted`, into the buffers of a (2b - a) and of a^2 + b^2.
type DoublingProductsMod = unsafe fn((&[u64], &[u64]), Wanted, &Twiddles, &mut [f64], &mut [f64]);

/// One vector type's kernels. Called only where the CPU has its features.
struct Kernels {
    doubling_products_mod: DoublingProductsMod,
    garner: unsafe fn(&[f64], &mut [f64], &mut [f64]),
}

impl Kernels {
    /// The kernels of the path running on this thread: eight lanes on the AVX-512 path,
    /// else four.
    fn current() -> &'static Kernels {
        if Isa::current() == Isa::Avx512 {
            &avx512::KERNELS
        } else {
            &avx2::KERNELS
        }
    }
}

/// Rebuilds the first `coefficients` coefficients from Garner's digits (x1, t1, t2),
/// exact integers in doubles, and adds them up with their carries, 64 bits apart: the
/// limbs of the product (x86-64's limbs are these words), into `out`.
fn combine(x1: &[f64], t1: &[f64], t2: &[f64], coefficients: usize, out: &mut Vec<Limb>) {
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
            .take(coefficients)
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
    /// Two products' residues for each prime, reused from step to step: in each buffer,
    /// the transform's points, then its tail's (at most half as many, `wrapped`).
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
            scratch: vec![0.0; 6 * (points + points / 2)],
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
        // The limbs are the 64-bit words (x86-64).
        let (a, b) = (limbs::trimmed(a), limbs::trimmed(b));
        let longest = a.len().max(b.len()).max(1);
        let plan = plan(longest);
        let (points, wrapped) = (plan.points, plan.wrapped());
        assert!(points <= self.points, "Multiplier made for smaller numbers");
        let top = |x| wrapped::top_words(x, longest, wrapped);
        let (a_top, b_top) = (top(a), top(b));
        let span = points + plan.tail_points;
        let mut buffers = self.scratch[..6 * span].chunks_exact_mut(span);
        let mut next = || buffers.next().expect("six buffers");
        let (c1, s1, c2, s2, c3, s3) = (next(), next(), next(), next(), next(), next());
        // Chosen at each step: a spare multiplier may come from a thread on another path.
        let kernels = Kernels::current();
        for (twiddles, products, squares) in [
            (&self.tables[0], &mut *c1, &mut *s1),
            (&self.tables[1], &mut *c2, &mut *s2),
            (&self.tables[2], &mut *c3, &mut *s3),
        ] {
            let (products, products_tail) = products.split_at_mut(points);
            let (squares, squares_tail) = squares.split_at_mut(points);
            // SAFETY: a Multiplier is made only where `runs_here()` (asserted in `new`),
            // and `Kernels::current` takes AVX-512 only on the AVX-512 path.
            unsafe {
                (kernels.doubling_products_mod)((a, b), wanted, twiddles, products, squares);
                if wrapped == 0 {
                    continue;
                }
                let tails = (&mut *products_tail, &mut *squares_tail);
                (kernels.doubling_products_mod)((a_top, b_top), wanted, twiddles, tails.0, tails.1);
            }
            let buffers = [(products, products_tail), (squares, squares_tail)];
            wrapped::unwrap(wanted, wrapped, buffers, |low: f64, high| {
                // Balanced again, as Garner's algorithm takes them: |low - high| <= 2p < 2^53.
                let difference = low - high;
                difference - (difference / twiddles.p).round() * twiddles.p
            });
        }
        // Whole vectors of either width (`points`, and a tail's, are multiples of 16).
        let coefficients = plan.coefficients.min(points + wrapped);
        let lanes = coefficients.next_multiple_of(8).min(span);
        wanted.write_into(
            (even, odd),
            [(c1, c2, c3), (s1, s2, s3)],
            |(x1, x2, x3), out| {
                // SAFETY: as above.
                unsafe { (kernels.garner)(&x1[..lanes], &mut x2[..lanes], &mut x3[..lanes]) };
                combine(x1, x2, x3, coefficients, out);
            },
        );
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
            let lanes = mulmod(F64x4::splat(a), F64x4::splat(b), modulus(p));
            _mm256_cvtsd_f64(lanes.0)
        }
    }
}
