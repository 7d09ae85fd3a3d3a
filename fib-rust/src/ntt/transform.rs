//! The transforms and the point-by-point step: twiddle tables, and the drivers that walk
//! a transform's levels and pick, level by level, the kernel (`super::kernels`) of the
//! instruction set `Isa::current()` names.
//!
//! The forward transform leaves its points in bit-reversed order and the inverse takes them
//! so (see the `ntt` module documentation): there is no bit-reversal pass.

use super::field::Field;
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
use super::kernels::neon;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::kernels::simd128;
#[cfg(target_arch = "x86_64")]
use super::kernels::{avx2, avx512};
use super::kernels::{generic, widest_lanes, Scalar};
use crate::isa::Isa;

/// Twiddle factors for transforms of every size up to `n` points, in Montgomery form:
/// `forward[len + j] = w^j` and `inverse[len + j] = w^-j` for a primitive 2len-th root w,
/// for the powers of two; and for three times a power of two, 3m points, the twists
/// `thirds[k][m + j]` = z^j, z^2j, z^-j, z^-2j (k = 0 to 3) for a primitive 3m-th root z, and
/// the cube root of unity `omega` = z^m (the same for every m). A table made for n serves
/// every smaller transform.
pub(super) struct Twiddles {
    pub(super) forward: Vec<u32>,
    pub(super) inverse: Vec<u32>,
    thirds: [Vec<u32>; 4],
    omega: u32,
    /// `forward` and `inverse` again as Shoup's products take them (`ShoupTable`), for the
    /// kernels that multiply so: simd128's two-level passes. Empty on other targets.
    shoup: [ShoupTable; 2],
}

/// Twiddle factors as plain values and their quotients floor(w 2^32 / P), index for index
/// with a table in Montgomery form: a product by a known factor in two widening products
/// where Montgomery's takes four (wasm32 has no wider product than 32x32->64 bits).
#[derive(Default)]
#[cfg_attr(
    not(all(target_arch = "wasm32", target_feature = "simd128")),
    allow(dead_code)
)]
pub(super) struct ShoupTable {
    plain: Vec<u32>,
    quotient: Vec<u32>,
}

impl ShoupTable {
    fn new<const P: u32>(montgomery: &[u32]) -> Self {
        if !cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
            return ShoupTable::default();
        }
        let (plain, quotient) = montgomery
            .iter()
            .map(|&w| Field::<P>::shoup_pair(w))
            .unzip();
        ShoupTable { plain, quotient }
    }

    /// The values and quotients of `range`.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn slice(&self, range: std::ops::Range<usize>) -> (&[u32], &[u32]) {
        (&self.plain[range.clone()], &self.quotient[range])
    }
}

/// One direction's twiddle factors: in Montgomery form for every kernel, and as Shoup's
/// products take them for those that do.
type Table<'a> = (&'a [u32], &'a ShoupTable);

/// Transforms of 3m points take m from this on (m a power of two): whole chunks of the
/// widest lanes (16) in each third.
pub(super) const SMALLEST_THIRD: usize = 16;

/// The shortest transform for a product of `2 words` words: a power of two, or three
/// times one (the primes have both), so that a product pays for at most a third more
/// points than it has words, where a power of two alone may cost twice as many.
pub(crate) fn transform_len(words: usize) -> usize {
    let needed = (2 * words).max(8);
    let power = needed.next_power_of_two();
    let three_quarters = 3 * (power / 4);
    if three_quarters >= needed && power / 4 >= SMALLEST_THIRD {
        three_quarters
    } else {
        power
    }
}

impl Twiddles {
    /// Made in O(n) products that do not wait on each other: built for every computation,
    /// the tables cost a tenth of F(10^6) when made one dependent product after another.
    pub(super) fn new<const P: u32>(n: usize, generator: u32) -> Self {
        let thirds = Self::thirds::<P>(n, generator);
        let omega = Field::<P>::to_montgomery(Field::<P>::pow(generator, u64::from(P - 1) / 3));
        // The longest power of two among the transforms up to n.
        let n = if n.is_power_of_two() { n } else { n / 3 * 2 }.max(2);
        let one = Field::<P>::to_montgomery(1);
        let mut forward = vec![0; n];
        // The largest level: w^j for j < n/2, w a primitive n-th root of unity, as eight
        // independent chains w^(j+8) = w^j w^8.
        let half = n / 2;
        let w = Field::<P>::to_montgomery(Field::<P>::pow(generator, u64::from(P - 1) / n as u64));
        let top = &mut forward[half..];
        let mut power = one;
        for slot in top.iter_mut().take(8) {
            *slot = power;
            power = Field::<P>::mul(power, w);
        }
        for j in 8..half {
            top[j] = Field::<P>::mul(top[j - 8], power);
        }
        // Each smaller level's root is the square of the one above: every other power.
        let mut len = half / 2;
        while len >= 1 {
            for j in 0..len {
                forward[len + j] = forward[2 * len + 2 * j];
            }
            len /= 2;
        }
        // w^-j = w^(2len - j) = -w^(len - j), as w^len = -1: no products at all.
        let mut inverse = vec![0; n];
        let mut len = 1;
        while len < n {
            inverse[len] = one;
            for j in 1..len {
                inverse[len + j] = P - forward[2 * len - j];
            }
            len *= 2;
        }
        Twiddles {
            shoup: [
                ShoupTable::new::<P>(&forward),
                ShoupTable::new::<P>(&inverse),
            ],
            forward,
            inverse,
            thirds,
            omega,
        }
    }

    /// The twists of the transforms of 3m points up to n, m = SMALLEST_THIRD.. (see
    /// `Twiddles`): each m's powers of its own root, one chain per table.
    fn thirds<const P: u32>(n: usize, generator: u32) -> [Vec<u32>; 4] {
        let largest = (n / 3).max(1).next_power_of_two();
        let largest = if 3 * largest > n {
            largest / 2
        } else {
            largest
        };
        let mut tables: [Vec<u32>; 4] = Default::default();
        for table in &mut tables {
            table.resize(2 * largest.max(1), 0);
        }
        let mut m = SMALLEST_THIRD;
        while m <= largest {
            let root = Field::<P>::pow(generator, u64::from(P - 1) / (3 * m as u64));
            let root_inv = Field::<P>::pow(root, u64::from(P - 2));
            let steps = [
                root,
                Field::<P>::pow(root, 2),
                root_inv,
                Field::<P>::pow(root_inv, 2),
            ];
            for (table, step) in tables.iter_mut().zip(steps) {
                // Eight independent chains, as for `forward`: slot j + 8 = slot j step^8.
                let step = Field::<P>::to_montgomery(step);
                let twists = &mut table[m..2 * m];
                let mut power = Field::<P>::to_montgomery(1);
                for slot in twists.iter_mut().take(8) {
                    *slot = power;
                    power = Field::<P>::mul(power, step);
                }
                for j in 8..m {
                    twists[j] = Field::<P>::mul(twists[j - 8], power);
                }
            }
            m *= 2;
        }
        tables
    }
}

/// The forward transform of a product's factor: at most the first half of `a` is not
/// zero, and `a.len()` is one of `transform_len`'s. Of a power of two, see
/// `forward_power_of_two`; of 3m points, the first level splits the points in three
/// (radix 3), the factor being in the first two thirds (which must be zeroed beyond it;
/// the last is neither read nor needs zeroing), then each third is a transform of m.
pub(super) fn forward_zero_padded<const P: u32>(a: &mut [u32], twiddles: &Twiddles) {
    if a.len().is_power_of_two() {
        return forward_power_of_two::<P>(a, (&twiddles.forward, &twiddles.shoup[0]));
    }
    let m = a.len() / 3;
    let [tw1, tw2, _, _] = &twiddles.thirds;
    radix3_forward::<P>(a, m, twiddles.omega, &tw1[m..2 * m], &tw2[m..2 * m]);
    for third in a.chunks_exact_mut(m) {
        forward_from::<P>(third, m / 2, (&twiddles.forward, &twiddles.shoup[0]));
    }
}

/// The forward transform of a power of two points whose upper half need not be zero: the
/// factors of a transform shorter than their product (`super::wrapped`).
pub(super) fn forward_power_of_two_whole<const P: u32>(a: &mut [u32], twiddles: &Twiddles) {
    debug_assert!(a.len().is_power_of_two());
    forward_from::<P>(a, a.len() / 2, (&twiddles.forward, &twiddles.shoup[0]));
}

fn radix3_forward<const P: u32>(a: &mut [u32], m: usize, omega: u32, tw1: &[u32], tw2: &[u32]) {
    widest_lanes!(m, radix3_forward::<P>(a, m, omega, tw1, tw2));
}

fn radix3_inverse<const P: u32>(a: &mut [u32], m: usize, omega: u32, tw1: &[u32], tw2: &[u32]) {
    widest_lanes!(m, radix3_inverse::<P>(a, m, omega, tw1, tw2));
}

/// The inverse of `forward_zero_padded` (unscaled: it multiplies by the number of points).
pub(super) fn inverse<const P: u32>(a: &mut [u32], twiddles: &Twiddles) {
    if a.len().is_power_of_two() {
        return inverse_power_of_two::<P>(a, (&twiddles.inverse, &twiddles.shoup[1]));
    }
    let m = a.len() / 3;
    for third in a.chunks_exact_mut(m) {
        inverse_power_of_two::<P>(third, (&twiddles.inverse, &twiddles.shoup[1]));
    }
    let [_, _, tw1, tw2] = &twiddles.thirds;
    radix3_inverse::<P>(a, m, twiddles.omega, &tw1[m..2 * m], &tw2[m..2 * m]);
}

/// The forward transform, decimation in frequency (natural order in, bit-reversed
/// order out), of a whose upper half is zero, which it neither reads nor needs zeroed:
/// the first level's butterflies are then (x, 0) -> (x, x w). A product's factors
/// always fill at most half of the points.
fn forward_power_of_two<const P: u32>(a: &mut [u32], table: Table) {
    let twiddles = table.0;
    let len = a.len() / 2;
    let (low, high) = a.split_at_mut(len);
    let tw = &twiddles[len..2 * len];
    spread_level::<P>(low, high, tw);
    forward_from::<P>(a, len / 2, table);
}

fn spread_level<const P: u32>(low: &[u32], high: &mut [u32], tw: &[u32]) {
    widest_lanes!(low.len(), spread_level::<P>(low, high, tw));
}

/// Transforms longer than this run their outer levels over the whole array, then all
/// the inner levels one block at a time: a block (16 kB) stays in the L1 cache through
/// its levels instead of streaming through it once per level.
const BLOCK: usize = 1 << 12;

/// The forward levels from butterflies `len` apart down.
fn forward_from<const P: u32>(a: &mut [u32], mut len: usize, table: Table) {
    while 2 * len > BLOCK {
        len = forward_levels::<P>(a, len, table);
    }
    if len == 0 {
        return;
    }
    for block in a.chunks_exact_mut(2 * len) {
        let mut len = len;
        while len >= 1 {
            len = forward_levels::<P>(block, len, table);
        }
    }
}

/// The forward level with butterflies `len` apart, or the last levels together;
/// returns the `len` of the next level (0: done).
fn forward_levels<const P: u32>(a: &mut [u32], len: usize, table: Table) -> usize {
    #[allow(unused_variables)]
    let (twiddles, shoup) = table;
    let tw = &twiddles[len..2 * len];
    #[allow(unused_variables)]
    let isa = Isa::current();
    #[cfg(target_arch = "x86_64")]
    if a.len() >= 16 && isa >= Isa::Avx2 {
        // SAFETY: Isa::current() names only instruction sets this CPU runs: AVX2 here,
        // AVX-512 where tested; levels work on whole chunks of 8 or 16 lanes.
        // (`len` is a power of two, as `forward_from` only halves one, and `tw` has
        // `len` values.)
        if len >= 32 && isa >= Isa::Avx512 {
            let half_tw = &twiddles[len / 2..len];
            // SAFETY: AVX-512F (see above); `len / 2`, a power of two >= 16, is whole
            // chunks of 16 lanes; `tw` has `len` values and `half_tw` `len / 2`.
            unsafe { avx512::forward_two_levels::<P>(a, len, tw, half_tw) };
            return len / 4;
        }
        if len >= 16 && isa >= Isa::Avx512 {
            // SAFETY: AVX-512F; `len`, a power of two >= 16, is whole chunks of 16
            // lanes, and `tw` has `len` values.
            unsafe { avx512::forward_level::<P>(a, len, tw) };
            return len / 2;
        }
        if len == 8 && a.len() >= 32 && isa >= Isa::Avx512 {
            // SAFETY: AVX-512F, the kernel's only requirement.
            unsafe { avx512::forward_last_levels::<P>(a, twiddles) };
            return 0;
        }
        if len >= 16 {
            let half_tw = &twiddles[len / 2..len];
            // SAFETY: AVX2; `len / 2`, a power of two >= 8, is whole chunks of 8 lanes;
            // `tw` has `len` values and `half_tw` `len / 2`.
            unsafe { avx2::forward_two_levels::<P>(a, len, tw, half_tw) };
            return len / 4;
        }
        if len >= 8 {
            // SAFETY: AVX2; `len`, a power of two >= 8, is whole chunks of 8 lanes, and
            // `tw` has `len` values.
            unsafe { avx2::forward_level::<P>(a, len, tw) };
            return len / 2;
        }
        // SAFETY: AVX2, the kernel's only requirement.
        unsafe { avx2::forward_last_levels::<P>(a, twiddles) };
        return 0;
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if isa == Isa::Simd128 && len >= 8 {
        // `len / 2` is whole chunks of 4 lanes; the tables have `len` and `len / 2` values.
        let (tw, half_tw) = (shoup.slice(len..2 * len), shoup.slice(len / 2..len));
        simd128::forward_two_levels_shoup::<P>(a, len, tw, half_tw);
        return len / 4;
    } else if isa == Isa::Simd128 && len >= 4 {
        // SAFETY: simd128 is enabled at compile time; whole chunks of 4 lanes.
        unsafe { simd128::forward_level::<P>(a, len, tw) };
        return len / 2;
    } else if isa == Isa::Simd128 && len == 2 && a.len().is_multiple_of(8) {
        simd128::forward_last_levels::<P>(a, twiddles);
        return 0;
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    if isa == Isa::Neon && len >= 8 {
        // SAFETY: NEON is enabled at compile time; `len / 2` is whole chunks of 4 lanes,
        // `tw` has `len` values and the half table `len / 2`.
        unsafe { neon::forward_two_levels::<P>(a, len, tw, &twiddles[len / 2..len]) };
        return len / 4;
    } else if isa == Isa::Neon && len >= 4 {
        // SAFETY: NEON is enabled at compile time; whole chunks of 4 lanes.
        unsafe { neon::forward_level::<P>(a, len, tw) };
        return len / 2;
    } else if isa == Isa::Neon && len == 2 && a.len().is_multiple_of(8) {
        // SAFETY: NEON is enabled at compile time, the kernel's only requirement.
        unsafe { neon::forward_last_levels::<P>(a, twiddles) };
        return 0;
    }
    // SAFETY: scalar lanes have no requirement.
    unsafe { generic::forward_level::<Scalar, P>(a, len, tw) };
    len / 2
}

/// Decimation in time: bit-reversed order in, natural order out (unscaled).
fn inverse_power_of_two<const P: u32>(a: &mut [u32], table: Table) {
    let block_len = a.len().min(BLOCK);
    for block in a.chunks_exact_mut(block_len) {
        let mut len = 1;
        while len < block_len {
            len = inverse_levels::<P>(block, len, table);
        }
    }
    let mut len = block_len;
    while len < a.len() {
        len = inverse_levels::<P>(a, len, table);
    }
}

/// The inverse level with butterflies `len` apart, or the first levels together;
/// returns the `len` of the next level.
fn inverse_levels<const P: u32>(a: &mut [u32], len: usize, table: Table) -> usize {
    #[allow(unused_variables)]
    let (twiddles, shoup) = table;
    let tw = &twiddles[len..2 * len];
    #[allow(unused_variables)]
    let isa = Isa::current();
    #[cfg(target_arch = "x86_64")]
    if a.len() >= 16 && isa >= Isa::Avx2 {
        // SAFETY: as in `forward_levels`. (`len` is a power of two: `inverse` starts it
        // at 1 or at `BLOCK`, and every level returns a power of two.)
        if len == 1 && a.len() >= 32 && isa >= Isa::Avx512 {
            // SAFETY: AVX-512F, the kernel's only requirement.
            unsafe { avx512::inverse_first_levels::<P>(a, twiddles) };
            return 16;
        }
        if len == 1 {
            // SAFETY: AVX2, the kernel's only requirement.
            unsafe { avx2::inverse_first_levels::<P>(a, twiddles) };
            return 8;
        }
        if len >= 16 && 4 * len <= a.len() && isa >= Isa::Avx512 {
            let double_tw = &twiddles[2 * len..4 * len];
            // SAFETY: AVX-512F; `len`, a power of two >= 16, is whole chunks of 16
            // lanes; `tw` has `len` values and `double_tw` `2 len`.
            unsafe { avx512::inverse_two_levels::<P>(a, len, tw, double_tw) };
            return len * 4;
        }
        if len >= 16 && isa >= Isa::Avx512 {
            // SAFETY: as just above; `tw` has `len` values.
            unsafe { avx512::inverse_level::<P>(a, len, tw) };
            return len * 2;
        }
        // AVX2 from here: `len` >= 8, so whole chunks of 8 lanes: `inverse` starts it at
        // `BLOCK` or at 1, which took a first-levels kernel above (same array, same
        // thread's `Isa`) and returned 8 or 16.
        if 4 * len <= a.len() {
            let double_tw = &twiddles[2 * len..4 * len];
            // SAFETY: AVX2 (as above); `tw` has `len` values and `double_tw` `2 len`.
            unsafe { avx2::inverse_two_levels::<P>(a, len, tw, double_tw) };
            return len * 4;
        }
        // SAFETY: AVX2 (as above); `tw` has `len` values.
        unsafe { avx2::inverse_level::<P>(a, len, tw) };
        return len * 2;
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if isa == Isa::Simd128 && len >= 4 && 4 * len <= a.len() {
        // Whole chunks of 4 lanes; the tables have `len` and `2 len` values.
        let (tw, double_tw) = (shoup.slice(len..2 * len), shoup.slice(2 * len..4 * len));
        simd128::inverse_two_levels_shoup::<P>(a, len, tw, double_tw);
        return len * 4;
    } else if isa == Isa::Simd128 && len >= 4 {
        // SAFETY: simd128 is enabled at compile time; whole chunks of 4 lanes.
        unsafe { simd128::inverse_level::<P>(a, len, tw) };
        return len * 2;
    } else if isa == Isa::Simd128 && len == 1 && a.len().is_multiple_of(8) {
        simd128::inverse_first_levels::<P>(a, twiddles);
        return 4;
    }
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    if isa == Isa::Neon && len >= 4 && 4 * len <= a.len() {
        let double_tw = &twiddles[2 * len..4 * len];
        // SAFETY: NEON is enabled at compile time; whole chunks of 4 lanes; `tw` has
        // `len` values and `double_tw` `2 len`.
        unsafe { neon::inverse_two_levels::<P>(a, len, tw, double_tw) };
        return len * 4;
    } else if isa == Isa::Neon && len >= 4 {
        // SAFETY: NEON is enabled at compile time; whole chunks of 4 lanes.
        unsafe { neon::inverse_level::<P>(a, len, tw) };
        return len * 2;
    } else if isa == Isa::Neon && len == 1 && a.len().is_multiple_of(8) {
        // SAFETY: NEON is enabled at compile time, the kernel's only requirement.
        unsafe { neon::inverse_first_levels::<P>(a, twiddles) };
        return 4;
    }
    // SAFETY: as above.
    unsafe { generic::inverse_level::<Scalar, P>(a, len, tw) };
    len * 2
}

/// Plain words in, their residues out, in place, divided by 2^32 (a Montgomery
/// reduction, valid for any u32: the factor is undone with the transform's scale).
pub(super) fn to_residues<const P: u32>(a: &mut [u32]) {
    widest_lanes!(a.len(), to_residues::<P>(a));
}

/// Transforms of a = F(k) and b = F(k+1) in; transforms of a (2b - a) and a^2 + b^2,
/// multiplied by `scale`, out, in place.
pub(super) fn doubling_pointwise<const P: u32>(fa: &mut [u32], fb: &mut [u32], scale: u32) {
    widest_lanes!(fa.len(), doubling_pointwise::<P>(fa, fb, scale));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntt::{GENERATORS, P2, P3};

    #[test]
    fn twiddles_are_the_powers_of_the_roots() {
        let g3 = GENERATORS[2];
        for n in [2, 8, 64, 4096, 3 * 1024] {
            let table = Twiddles::new::<P3>(n, g3);
            let plain = |x: u32| Field::<P3>::mul(x, 1); // out of Montgomery form
            let mut len = 1;
            while 2 * len <= n {
                let root = Field::<P3>::pow(g3, u64::from(P3 - 1) / (2 * len as u64));
                let root_inv = Field::<P3>::pow(root, u64::from(P3 - 2));
                for j in 0..len {
                    assert_eq!(
                        plain(table.forward[len + j]),
                        Field::<P3>::pow(root, j as u64)
                    );
                    assert_eq!(
                        plain(table.inverse[len + j]),
                        Field::<P3>::pow(root_inv, j as u64)
                    );
                }
                len *= 2;
            }
            // The twists of 3m points: powers of a primitive 3m-th root z, with z^m the
            // same cube root of unity for every m.
            let omega = plain(table.omega);
            assert_ne!(omega, 1);
            assert_eq!(Field::<P3>::pow(omega, 3), 1);
            let mut m = SMALLEST_THIRD;
            while 3 * m <= n {
                let z = plain(table.thirds[0][m + 1]);
                assert_eq!(Field::<P3>::pow(z, m as u64), omega, "m = {m}");
                for j in [0, 1, 7, 8, 9, m - 1] {
                    let z_j = Field::<P3>::pow(z, j as u64);
                    let z_2j = Field::<P3>::pow(z, 2 * j as u64);
                    let inverse = |x: u32| Field::<P3>::pow(x, u64::from(P3 - 2));
                    let got: Vec<u32> = table.thirds.iter().map(|t| plain(t[m + j])).collect();
                    assert_eq!(
                        got,
                        [z_j, z_2j, inverse(z_j), inverse(z_2j)],
                        "m = {m}, j = {j}"
                    );
                }
                m *= 2;
            }
        }
    }

    #[test]
    fn transform_lengths_are_the_shortest_that_hold_the_product() {
        let mut previous = 0;
        for words in 1..20_000 {
            let points = transform_len(words);
            assert!(points >= 2 * words && points >= previous, "{words} words");
            let m = points / 3;
            assert!(
                points.is_power_of_two() || (3 * m == points && m.is_power_of_two() && m >= 16)
            );
            // Neither a shorter power of two nor a shorter 3 2^j would do.
            let shorter = [points / 2, points / 4 * 3, points / 3 * 2, points / 6 * 4];
            for other in shorter.into_iter().filter(|&o| o < points && o >= 48) {
                let usable =
                    other.is_power_of_two() || (other % 3 == 0 && (other / 3).is_power_of_two());
                assert!(
                    !usable || other < 2 * words,
                    "{words} words: {other} points would do"
                );
            }
            previous = points;
        }
        assert_eq!(transform_len(1000), 2048);
        assert_eq!(transform_len(1100), 3 * 1024);
        assert_eq!(transform_len(24), 48); // 3 * 16, the smallest of 3m points
        assert_eq!(transform_len(25), 64);
        assert_eq!(transform_len(16), 32); // 3 * 8 would hold it: too short a third
        assert_eq!(transform_len(2), 8);
    }

    #[test]
    fn transforms_invert_each_other() {
        for n in [64, 48, 96, 3 * 4096, 3 * 8192] {
            let table = Twiddles::new::<P2>(n, GENERATORS[1]);
            let filled = if n.is_power_of_two() {
                n / 2
            } else {
                n / 3 * 2
            };
            let original: Vec<u32> = (0..n as u32)
                .map(|i| {
                    if (i as usize) < n / 2 {
                        i.wrapping_mul(2_654_435_761) % P2
                    } else {
                        0
                    }
                })
                .collect();
            let mut v = original.clone();
            v[filled..].fill(u32::MAX); // not read: taken as zero
            forward_zero_padded::<P2>(&mut v, &table);
            assert_ne!(v[..n / 2], original[..n / 2]);
            inverse::<P2>(&mut v, &table);
            let scale = Field::<P2>::to_montgomery(Field::<P2>::pow(n as u32, u64::from(P2 - 2)));
            let back: Vec<u32> = v.iter().map(|&x| Field::<P2>::mul(x, scale)).collect();
            assert_eq!(back, original, "{n} points");
        }
    }

    #[test]
    fn products_of_three_m_points_are_cyclic_convolutions() {
        // x^a * x^b = x^(a+b) for one-word factors: the transform of 3m points computes
        // the product modulo x^(3m) - 1, exactly.
        let (n, g) = (48, GENERATORS[1]);
        let table = Twiddles::new::<P2>(n, g);
        let scale = Field::<P2>::to_montgomery(Field::<P2>::pow(n as u32, u64::from(P2 - 2)));
        for (a, b) in [(0, 0), (1, 5), (23, 23), (10, 17)] {
            let monomial = |k: usize| -> Vec<u32> {
                (0..n)
                    .map(|i| {
                        if i == k {
                            Field::<P2>::to_montgomery(1)
                        } else {
                            0
                        }
                    })
                    .collect()
            };
            let (mut x, mut y) = (monomial(a), monomial(b));
            forward_zero_padded::<P2>(&mut x, &table);
            forward_zero_padded::<P2>(&mut y, &table);
            let mut z: Vec<u32> = x
                .iter()
                .zip(&y)
                .map(|(&p, &q)| Field::<P2>::mul(p, q))
                .collect();
            inverse::<P2>(&mut z, &table);
            let plain: Vec<u32> = z
                .iter()
                .map(|&v| Field::<P2>::mul(Field::<P2>::mul(v, scale), 1))
                .collect();
            let expected: Vec<u32> = (0..n).map(|i| u32::from(i == (a + b) % n)).collect();
            assert_eq!(plain, expected, "x^{a} x^{b}");
        }
    }
}
