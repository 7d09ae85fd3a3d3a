//! Big-integer products by number-theoretic transforms (NTT), for the doubling algorithm.
//!
//! num-bigint multiplies with Karatsuba and Toom-3 at most, so its cost grows like
//! n^1.46; at F(10^7) most of the doubling algorithm's time is a handful of products of
//! multi-million-bit numbers. This module computes such products in O(n log n):
//!
//! * the numbers are cut into 32-bit words, the coefficients of two polynomials;
//! * their product's coefficients (a convolution) are computed by NTTs modulo three
//!   primes p < 2^30 of the form c 2^k + 1, with Montgomery multiplication on u32;
//! * 2F(k+1) - F(k) is formed in the transform domain (it is linear), so its coefficients
//!   `2 b_i - a_i` lie in (-2^32, 2^33) and the products' coefficients may be negative; in
//!   absolute value they stay below `words * 2^32 * 2^33 = words * 2^65`;
//! * the Chinese remainder theorem rebuilds each coefficient exactly as a residue in
//!   [0, P), P = p1 p2 p3 (about 2^86.02), read as signed: exact while `words * 2^65 < P / 2`,
//!   that is for fewer than [`MAX_WORDS`] = 2^20 words (F(10^7) needs about 2^17);
//! * carries are then propagated once, in i64 (see `combine`).
//!
//! The forward transform is decimation-in-frequency (natural order in, bit-reversed out)
//! and the inverse decimation-in-time (bit-reversed in, natural out), so no bit-reversal
//! pass is needed: products are taken point by point in bit-reversed order.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use num_bigint::BigUint;

/// Fewer words than this keeps every coefficient's absolute value below P / 2.
pub(crate) const MAX_WORDS: usize = 1 << 20;

/// Arithmetic modulo one NTT prime `P`, with values in Montgomery form where noted.
#[derive(Clone, Copy)]
struct Field<const P: u32>;

impl<const P: u32> Field<P> {
    /// -P^-1 mod 2^32, by Newton's iteration (each step doubles the correct low bits).
    const NEG_INV: u32 = {
        let mut inv: u32 = 1;
        let mut i = 0;
        while i < 5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(P.wrapping_mul(inv)));
            i += 1;
        }
        inv.wrapping_neg()
    };
    /// 2^64 mod P: turns a plain value into Montgomery form with one multiplication.
    const R2: u32 = ((1u128 << 64) % P as u128) as u32;

    /// a b / 2^32 mod P, for a, b < P (result < P).
    #[inline(always)]
    fn mul(a: u32, b: u32) -> u32 {
        let t = u64::from(a) * u64::from(b);
        let m = (t as u32).wrapping_mul(Self::NEG_INV);
        // t + m P < 2^60 + 2^62: no overflow; the sum is divisible by 2^32.
        let u = ((t + u64::from(m) * u64::from(P)) >> 32) as u32;
        u.min(u.wrapping_sub(P))
    }

    #[inline(always)]
    fn add(a: u32, b: u32) -> u32 {
        let s = a + b; // < 2P < 2^31
        s.min(s.wrapping_sub(P))
    }

    #[inline(always)]
    fn sub(a: u32, b: u32) -> u32 {
        let d = a.wrapping_sub(b);
        d.min(d.wrapping_add(P))
    }

    fn pow(mut base: u32, mut exp: u64) -> u32 {
        // Plain (not Montgomery) modular exponentiation; used only to build tables.
        let mut result = 1u64;
        let mut b = u64::from(base) % u64::from(P);
        while exp > 0 {
            if exp & 1 == 1 {
                result = result * b % u64::from(P);
            }
            b = b * b % u64::from(P);
            exp >>= 1;
        }
        base = result as u32;
        base
    }

    fn to_montgomery(x: u32) -> u32 {
        Self::mul(x % P, Self::R2)
    }
}

/// Twiddle factors for transforms of every size up to `n`, in Montgomery form:
/// `forward[len + j] = w^j` and `inverse[len + j] = w^-j` for a primitive 2len-th root w.
/// A table made for n serves every smaller power of two.
struct Twiddles {
    forward: Vec<u32>,
    inverse: Vec<u32>,
}

impl Twiddles {
    /// Made in O(n) products that do not wait on each other: built for every computation,
    /// the tables cost a tenth of F(10^6) when made one dependent product after another.
    fn new<const P: u32>(n: usize, generator: u32) -> Self {
        let n = n.max(2);
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
        Twiddles { forward, inverse }
    }
}

mod kernels {
    //! The transforms, the point-by-point step and Garner's digits. They run 16 lanes at a
    //! time with AVX-512F or 8 with AVX2 where the CPU has them (checked at run time), 4
    //! with WebAssembly's simd128 (Pyodide's build enables it), portable Rust otherwise.
    //! The kernels without shuffles are written once (`generic`, over `Lanes`); the
    //! shortest levels, which regroup lanes, are written per instruction set.

    use super::Field;
    use crate::isa::Isa;

    /// Runs a kernel of `lane_kernels!` with the widest lanes that divide `len` and that
    /// this CPU (AVX-512F, AVX2: checked at run time) or build (simd128) has, else on
    /// scalar lanes, and returns from the calling function. `len` is the length of the
    /// kernel's first slice: every caller passes its other slices at least as long.
    macro_rules! widest_lanes {
        ($len:expr, $kernel:ident::<$($constant:ident),*>($($argument:expr),*)) => {{
            #[allow(unused_variables)]
            let isa = Isa::current();
            #[cfg(target_arch = "x86_64")]
            if $len % 16 == 0 && isa >= Isa::Avx512 {
                // SAFETY: Isa::current() names only instruction sets this CPU runs, here
                // AVX-512F; the slices are whole chunks of 16 lanes (`$len` is a multiple of
                // 16 and the other slices are at least as long: see above).
                return unsafe { avx512::$kernel::<$($constant),*>($($argument),*) };
            }
            #[cfg(target_arch = "x86_64")]
            if $len % 8 == 0 && isa >= Isa::Avx2 {
                // SAFETY: AVX2 is present (as above); the slices are whole chunks of 8 lanes.
                return unsafe { avx2::$kernel::<$($constant),*>($($argument),*) };
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if $len % 4 == 0 && isa == Isa::Simd128 {
                // SAFETY: simd128 is enabled at compile time; whole chunks of 4 lanes.
                return unsafe { simd128::$kernel::<$($constant),*>($($argument),*) };
            }
            // SAFETY: scalar lanes have no requirement.
            return unsafe { generic::$kernel::<Scalar, $($constant),*>($($argument),*) };
        }};
    }

    /// One u32 as lanes: the portable fallback of every kernel.
    #[derive(Clone, Copy)]
    struct Scalar(u32);

    impl Lanes for Scalar {
        const WIDTH: usize = 1;
        /// # Safety
        /// None: plain Rust (the requirements of `Lanes` are the vector lanes').
        unsafe fn splat(x: u32) -> Self {
            Scalar(x)
        }
        /// # Safety
        /// None: `slice[at]` is bounds-checked.
        unsafe fn load(slice: &[u32], at: usize) -> Self {
            Scalar(slice[at])
        }
        /// # Safety
        /// None: `slice[at]` is bounds-checked.
        unsafe fn store(self, slice: &mut [u32], at: usize) {
            slice[at] = self.0;
        }
        /// # Safety
        /// None: plain Rust.
        unsafe fn mul<const P: u32>(self, other: Self) -> Self {
            Scalar(Field::<P>::mul(self.0, other.0))
        }
        /// # Safety
        /// None: plain Rust.
        unsafe fn add<const P: u32>(self, other: Self) -> Self {
            Scalar(Field::<P>::add(self.0, other.0))
        }
        /// # Safety
        /// None: plain Rust.
        unsafe fn sub<const P: u32>(self, other: Self) -> Self {
            Scalar(Field::<P>::sub(self.0, other.0))
        }
    }

    /// The forward transform, decimation in frequency (natural order in, bit-reversed
    /// order out), of a whose upper half is zero, which it neither reads nor needs zeroed:
    /// the first level's butterflies are then (x, 0) -> (x, x w). A product's factors
    /// always fill at most half of the points.
    pub(super) fn forward_zero_padded<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
        let len = a.len() / 2;
        let (low, high) = a.split_at_mut(len);
        let tw = &twiddles[len..2 * len];
        spread_level::<P>(low, high, tw);
        forward_from::<P>(a, len / 2, twiddles);
    }

    fn spread_level<const P: u32>(low: &[u32], high: &mut [u32], tw: &[u32]) {
        widest_lanes!(low.len(), spread_level::<P>(low, high, tw));
    }

    /// Transforms longer than this run their outer levels over the whole array, then all
    /// the inner levels one block at a time: a block (16 kB) stays in the L1 cache through
    /// its levels instead of streaming through it once per level.
    const BLOCK: usize = 1 << 12;

    /// The forward levels from butterflies `len` apart down.
    fn forward_from<const P: u32>(a: &mut [u32], mut len: usize, twiddles: &[u32]) {
        while 2 * len > BLOCK {
            len = forward_levels::<P>(a, len, twiddles);
        }
        if len == 0 {
            return;
        }
        for block in a.chunks_exact_mut(2 * len) {
            let mut len = len;
            while len >= 1 {
                len = forward_levels::<P>(block, len, twiddles);
            }
        }
    }

    /// The forward level with butterflies `len` apart, or the last levels together;
    /// returns the `len` of the next level (0: done).
    fn forward_levels<const P: u32>(a: &mut [u32], len: usize, twiddles: &[u32]) -> usize {
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
        if isa == Isa::Simd128 && len >= 4 {
            // SAFETY: simd128 is enabled at compile time; whole chunks of 4 lanes.
            unsafe { simd128::forward_level::<P>(a, len, tw) };
            return len / 2;
        } else if isa == Isa::Simd128 && len == 2 && a.len().is_multiple_of(8) {
            simd128::forward_last_levels::<P>(a, twiddles);
            return 0;
        }
        // SAFETY: scalar lanes have no requirement.
        unsafe { generic::forward_level::<Scalar, P>(a, len, tw) };
        len / 2
    }

    /// Decimation in time: bit-reversed order in, natural order out (unscaled).
    pub(super) fn inverse<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
        let block_len = a.len().min(BLOCK);
        for block in a.chunks_exact_mut(block_len) {
            let mut len = 1;
            while len < block_len {
                len = inverse_levels::<P>(block, len, twiddles);
            }
        }
        let mut len = block_len;
        while len < a.len() {
            len = inverse_levels::<P>(a, len, twiddles);
        }
    }

    /// The inverse level with butterflies `len` apart, or the first levels together;
    /// returns the `len` of the next level.
    fn inverse_levels<const P: u32>(a: &mut [u32], len: usize, twiddles: &[u32]) -> usize {
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
            // SAFETY: AVX2; `len` >= 8, so whole chunks of 8 lanes: `inverse` starts it at
            // `BLOCK` or at 1, which took a first-levels kernel above (same array, same
            // thread's `Isa`) and returned 8 or 16. `tw` has `len` values.
            unsafe { avx2::inverse_level::<P>(a, len, tw) };
            return len * 2;
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if isa == Isa::Simd128 && len >= 4 {
            // SAFETY: simd128 is enabled at compile time; whole chunks of 4 lanes.
            unsafe { simd128::inverse_level::<P>(a, len, tw) };
            return len * 2;
        } else if isa == Isa::Simd128 && len == 1 && a.len().is_multiple_of(8) {
            simd128::inverse_first_levels::<P>(a, twiddles);
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

    /// The mixed-radix digits of Garner's algorithm, lane by lane: residues (x1, x2, x3)
    /// in, (x1, t1, t2) out, with x = x1 + p1 t1 + p1 p2 t2 (see `super::Garner`).
    pub(super) fn garner<const P2: u32, const P3: u32>(
        x1: &[u32],
        x2: &mut [u32],
        x3: &mut [u32],
        c: super::Garner,
    ) {
        widest_lanes!(x1.len(), garner::<P2, P3>(x1, x2, x3, c));
    }

    /// The u32 lanes of one instruction set, with `Field`'s arithmetic on every lane:
    /// the kernels of `generic` are written once over them.
    ///
    /// Every method requires that the CPU runs the instruction set of the implementing
    /// lanes (AVX2 or AVX-512F, as `Isa::current()` tells; simd128 is enabled at compile
    /// time and scalar lanes need nothing), and `load` and `store` that the `WIDTH` values
    /// from `at` are in bounds: the AVX2 and AVX-512F lanes use raw pointers.
    pub(super) trait Lanes: Copy {
        const WIDTH: usize;
        /// `x` in every lane.
        ///
        /// # Safety
        /// The CPU runs these lanes' instruction set.
        unsafe fn splat(x: u32) -> Self;
        /// `slice[at..at + WIDTH]`.
        ///
        /// # Safety
        /// The CPU runs these lanes' instruction set, and `at + WIDTH <= slice.len()`.
        unsafe fn load(slice: &[u32], at: usize) -> Self;
        /// Into `slice[at..at + WIDTH]`.
        ///
        /// # Safety
        /// The CPU runs these lanes' instruction set, and `at + WIDTH <= slice.len()`.
        unsafe fn store(self, slice: &mut [u32], at: usize);
        /// `Field::mul`, lane by lane.
        ///
        /// # Safety
        /// The CPU runs these lanes' instruction set.
        unsafe fn mul<const P: u32>(self, other: Self) -> Self;
        /// `Field::add`, lane by lane.
        ///
        /// # Safety
        /// The CPU runs these lanes' instruction set.
        unsafe fn add<const P: u32>(self, other: Self) -> Self;
        /// `Field::sub`, lane by lane.
        ///
        /// # Safety
        /// The CPU runs these lanes' instruction set.
        unsafe fn sub<const P: u32>(self, other: Self) -> Self;
    }

    /// The kernels that need no shuffles, for any `Lanes`; every slice is whole chunks of
    /// `WIDTH` lanes. Each instruction set instantiates them with `lane_kernels!`.
    mod generic {
        use super::Lanes;
        use crate::ntt::Garner;

        /// # Safety
        /// The CPU runs `V`'s instruction set, `len` is a multiple of `V::WIDTH` and `tw`
        /// has at least `len` values.
        #[inline(always)]
        pub(super) unsafe fn forward_level<V: Lanes, const P: u32>(
            a: &mut [u32],
            len: usize,
            tw: &[u32],
        ) {
            for block in a.chunks_exact_mut(2 * len) {
                let (low, high) = block.split_at_mut(len);
                for j in (0..len).step_by(V::WIDTH) {
                    // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety);
                    // `j + WIDTH <= len` as `len` is a multiple of `WIDTH`, and `low`, `high`
                    // and `tw` have at least `len` values.
                    unsafe {
                        let (x, y, w) = (V::load(low, j), V::load(high, j), V::load(tw, j));
                        x.add::<P>(y).store(low, j);
                        x.sub::<P>(y).mul::<P>(w).store(high, j);
                    }
                }
            }
        }

        /// # Safety
        /// As for `forward_level`: the CPU runs `V`'s instruction set, `len` is a multiple
        /// of `V::WIDTH` and `tw` has at least `len` values.
        #[inline(always)]
        pub(super) unsafe fn inverse_level<V: Lanes, const P: u32>(
            a: &mut [u32],
            len: usize,
            tw: &[u32],
        ) {
            for block in a.chunks_exact_mut(2 * len) {
                let (low, high) = block.split_at_mut(len);
                for j in (0..len).step_by(V::WIDTH) {
                    // SAFETY: as in `forward_level`.
                    unsafe {
                        let (x, y) = (V::load(low, j), V::load(high, j).mul::<P>(V::load(tw, j)));
                        x.add::<P>(y).store(low, j);
                        x.sub::<P>(y).store(high, j);
                    }
                }
            }
        }

        /// The first forward level of a zero-padded array: (x, 0) -> (x, x w).
        ///
        /// # Safety
        /// The CPU runs `V`'s instruction set, `low.len()` is a multiple of `V::WIDTH`, and
        /// `high` and `tw` have at least `low.len()` values.
        #[inline(always)]
        pub(super) unsafe fn spread_level<V: Lanes, const P: u32>(
            low: &[u32],
            high: &mut [u32],
            tw: &[u32],
        ) {
            for j in (0..low.len()).step_by(V::WIDTH) {
                // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety);
                // `j + WIDTH <= low.len()`, and `high` and `tw` are at least as long.
                unsafe { V::load(low, j).mul::<P>(V::load(tw, j)).store(high, j) };
            }
        }

        /// # Safety
        /// The CPU runs `V`'s instruction set, and `a.len()` is a multiple of `V::WIDTH`.
        #[inline(always)]
        pub(super) unsafe fn to_residues<V: Lanes, const P: u32>(a: &mut [u32]) {
            for j in (0..a.len()).step_by(V::WIDTH) {
                // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety);
                // `j + WIDTH <= a.len()`.
                unsafe { V::load(a, j).mul::<P>(V::splat(1)).store(a, j) };
            }
        }

        /// # Safety
        /// The CPU runs `V`'s instruction set, `fa.len()` is a multiple of `V::WIDTH`, and
        /// `fb` has at least `fa.len()` values.
        #[inline(always)]
        pub(super) unsafe fn doubling_pointwise<V: Lanes, const P: u32>(
            fa: &mut [u32],
            fb: &mut [u32],
            scale: u32,
        ) {
            // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety).
            let scale = unsafe { V::splat(scale) };
            for j in (0..fa.len()).step_by(V::WIDTH) {
                // SAFETY: as above; `j + WIDTH <= fa.len() <= fb.len()`.
                unsafe {
                    let (a, b) = (V::load(fa, j), V::load(fb, j));
                    let c = b.add::<P>(b).sub::<P>(a);
                    let (a_scaled, b_scaled) = (a.mul::<P>(scale), b.mul::<P>(scale));
                    a_scaled.mul::<P>(c).store(fa, j);
                    let squares = a_scaled.mul::<P>(a).add::<P>(b_scaled.mul::<P>(b));
                    squares.store(fb, j);
                }
            }
        }

        /// # Safety
        /// The CPU runs `V`'s instruction set, `x1.len()` is a multiple of `V::WIDTH`, and
        /// `x2` and `x3` have at least `x1.len()` values.
        #[inline(always)]
        pub(super) unsafe fn garner<V: Lanes, const P2: u32, const P3: u32>(
            x1: &[u32],
            x2: &mut [u32],
            x3: &mut [u32],
            c: Garner,
        ) {
            // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety).
            let (inv1, inv2, p1_inv2) =
                unsafe { (V::splat(c.inv1), V::splat(c.inv2), V::splat(c.p1_inv2)) };
            for j in (0..x1.len()).step_by(V::WIDTH) {
                // SAFETY: as above; `j + WIDTH <= x1.len()`, and `x2` and `x3` are at least
                // as long.
                unsafe {
                    let x = V::load(x1, j);
                    let t1 = V::load(x2, j).mul::<P2>(inv1).sub::<P2>(x.mul::<P2>(inv1));
                    let y3 = x.mul::<P3>(inv2).add::<P3>(t1.mul::<P3>(p1_inv2));
                    t1.store(x2, j);
                    V::load(x3, j).mul::<P3>(inv2).sub::<P3>(y3).store(x3, j);
                }
            }
        }
    }

    /// `Lanes` for a newtype over one instruction set's vector, from the module's own
    /// helpers `splat`, `load`, `store`, `mul`, `add` and `sub` on the bare vector.
    macro_rules! lanes_from_helpers {
        ($lanes:ident, $width:literal) => {
            #[allow(unused_unsafe)] // simd128's helpers are safe functions
            impl super::Lanes for $lanes {
                const WIDTH: usize = $width;
                /// # Safety
                /// The CPU runs this module's instruction set (see `Lanes`).
                #[inline(always)]
                unsafe fn splat(x: u32) -> Self {
                    // SAFETY: the caller guarantees the instruction set, all `splat` needs.
                    $lanes(unsafe { splat(x) })
                }
                /// # Safety
                /// The CPU runs this module's instruction set, and `at + WIDTH <= slice.len()`.
                #[inline(always)]
                unsafe fn load(slice: &[u32], at: usize) -> Self {
                    // SAFETY: the caller guarantees the instruction set and that the `WIDTH`
                    // values from `at` are in bounds (this fn's # Safety), all `load` needs.
                    $lanes(unsafe { load(slice, at) })
                }
                /// # Safety
                /// The CPU runs this module's instruction set, and `at + WIDTH <= slice.len()`.
                #[inline(always)]
                unsafe fn store(self, slice: &mut [u32], at: usize) {
                    // SAFETY: as in `load`.
                    unsafe { store(slice, at, self.0) }
                }
                /// # Safety
                /// The CPU runs this module's instruction set.
                #[inline(always)]
                unsafe fn mul<const P: u32>(self, other: Self) -> Self {
                    // SAFETY: the caller guarantees the instruction set, all `mul` needs.
                    $lanes(unsafe { mul::<P>(self.0, other.0) })
                }
                /// # Safety
                /// The CPU runs this module's instruction set.
                #[inline(always)]
                unsafe fn add<const P: u32>(self, other: Self) -> Self {
                    // SAFETY: the caller guarantees the instruction set, all `add` needs.
                    $lanes(unsafe { add::<P>(self.0, other.0) })
                }
                /// # Safety
                /// The CPU runs this module's instruction set.
                #[inline(always)]
                unsafe fn sub<const P: u32>(self, other: Self) -> Self {
                    // SAFETY: the caller guarantees the instruction set, all `sub` needs.
                    $lanes(unsafe { sub::<P>(self.0, other.0) })
                }
            }
        };
    }
    use lanes_from_helpers;

    /// The kernels of `generic` for one `Lanes` type, compiled with its target feature.
    ///
    /// Each requires what its `generic` kernel does: that the CPU runs the lanes'
    /// instruction set (the `target_feature` if any, checked with `Isa::current()`;
    /// simd128 is enabled at compile time), and the slice lengths stated there.
    macro_rules! lane_kernels {
        ($lanes:ty $(, $feature:literal)?) => {
            /// # Safety
            /// The CPU runs these lanes' instruction set, `len` is a multiple of their
            /// width and `tw` has at least `len` values.
            $(#[target_feature(enable = $feature)])?
            pub(super) unsafe fn forward_level<const P: u32>(a: &mut [u32], len: usize, tw: &[u32]) {
                // SAFETY: the caller guarantees what `generic::forward_level` requires
                // (this fn's # Safety).
                unsafe { super::generic::forward_level::<$lanes, P>(a, len, tw) }
            }
            /// # Safety
            /// The CPU runs these lanes' instruction set, `len` is a multiple of their
            /// width and `tw` has at least `len` values.
            $(#[target_feature(enable = $feature)])?
            pub(super) unsafe fn inverse_level<const P: u32>(a: &mut [u32], len: usize, tw: &[u32]) {
                // SAFETY: the caller guarantees what `generic::inverse_level` requires
                // (this fn's # Safety).
                unsafe { super::generic::inverse_level::<$lanes, P>(a, len, tw) }
            }
            /// # Safety
            /// The CPU runs these lanes' instruction set, `low.len()` is a multiple of their
            /// width, and `high` and `tw` have at least `low.len()` values.
            $(#[target_feature(enable = $feature)])?
            pub(super) unsafe fn spread_level<const P: u32>(low: &[u32], high: &mut [u32], tw: &[u32]) {
                // SAFETY: the caller guarantees what `generic::spread_level` requires
                // (this fn's # Safety).
                unsafe { super::generic::spread_level::<$lanes, P>(low, high, tw) }
            }
            /// # Safety
            /// The CPU runs these lanes' instruction set, and `a.len()` is a multiple of
            /// their width.
            $(#[target_feature(enable = $feature)])?
            pub(super) unsafe fn to_residues<const P: u32>(a: &mut [u32]) {
                // SAFETY: the caller guarantees what `generic::to_residues` requires
                // (this fn's # Safety).
                unsafe { super::generic::to_residues::<$lanes, P>(a) }
            }
            /// # Safety
            /// The CPU runs these lanes' instruction set, `fa.len()` is a multiple of their
            /// width, and `fb` has at least `fa.len()` values.
            $(#[target_feature(enable = $feature)])?
            pub(super) unsafe fn doubling_pointwise<const P: u32>(fa: &mut [u32], fb: &mut [u32], scale: u32) {
                // SAFETY: the caller guarantees what `generic::doubling_pointwise` requires
                // (this fn's # Safety).
                unsafe { super::generic::doubling_pointwise::<$lanes, P>(fa, fb, scale) }
            }
            /// # Safety
            /// The CPU runs these lanes' instruction set, `x1.len()` is a multiple of their
            /// width, and `x2` and `x3` have at least `x1.len()` values.
            $(#[target_feature(enable = $feature)])?
            pub(super) unsafe fn garner<const P2: u32, const P3: u32>(
                x1: &[u32],
                x2: &mut [u32],
                x3: &mut [u32],
                c: crate::ntt::Garner,
            ) {
                // SAFETY: the caller guarantees what `generic::garner` requires (this fn's
                // # Safety).
                unsafe { super::generic::garner::<$lanes, P2, P3>(x1, x2, x3, c) }
            }
        };
    }
    use lane_kernels;

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    mod simd128 {
        //! The same arithmetic as `Field`, on 4 lanes of u32.

        use super::super::Field;
        use std::arch::wasm32::*;

        #[derive(Clone, Copy)]
        pub(super) struct Simd128(v128);

        super::lanes_from_helpers!(Simd128, 4);

        // simd128 is a compile-time feature here: no `target_feature` to enable.
        super::lane_kernels!(Simd128);

        /// Montgomery product of 4 lanes: 32x32->64 products of the low and high halves.
        #[inline(always)]
        fn mul<const P: u32>(a: v128, b: v128) -> v128 {
            let (p, neg_inv) = (u32x4_splat(P), u32x4_splat(Field::<P>::NEG_INV));
            let (t_low, t_high) = (u64x2_extmul_low_u32x4(a, b), u64x2_extmul_high_u32x4(a, b));
            let m = i32x4_mul(i32x4_shuffle::<0, 2, 4, 6>(t_low, t_high), neg_inv);
            let s_low = i64x2_add(t_low, u64x2_extmul_low_u32x4(m, p));
            let s_high = i64x2_add(t_high, u64x2_extmul_high_u32x4(m, p));
            let u = i32x4_shuffle::<1, 3, 5, 7>(s_low, s_high);
            u32x4_min(u, i32x4_sub(u, p))
        }

        #[inline(always)]
        fn splat(x: u32) -> v128 {
            u32x4_splat(x)
        }

        #[inline(always)]
        fn add<const P: u32>(a: v128, b: v128) -> v128 {
            let s = i32x4_add(a, b);
            u32x4_min(s, i32x4_sub(s, u32x4_splat(P)))
        }

        #[inline(always)]
        fn sub<const P: u32>(a: v128, b: v128) -> v128 {
            let d = i32x4_sub(a, b);
            u32x4_min(d, i32x4_add(d, u32x4_splat(P)))
        }

        #[inline(always)]
        fn load(slice: &[u32], at: usize) -> v128 {
            let lanes = &slice[at..at + 4];
            // SAFETY: `lanes` is four u32s; v128_load has no alignment requirement.
            unsafe { v128_load(lanes.as_ptr().cast()) }
        }

        #[inline(always)]
        fn store(slice: &mut [u32], at: usize, value: v128) {
            let lanes = &mut slice[at..at + 4];
            // SAFETY: as in `load`.
            unsafe { v128_store(lanes.as_mut_ptr().cast(), value) }
        }

        /// The forward levels with butterflies 2 and 1 apart, 8 values at a time, lanes
        /// regrouped by shuffles so that each butterfly's two values share a lane.
        /// (The level 1 apart multiplies by w^0 = 1: no product.)
        pub(super) fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
            let t2 = u32x4(twiddles[2], twiddles[3], twiddles[2], twiddles[3]);
            for j in (0..a.len()).step_by(8) {
                let (x, y) = (load(a, j), load(a, j + 4));
                // 2 apart: (0 2) (1 3) (4 6) (5 7).
                let (u, v) = (
                    i32x4_shuffle::<0, 1, 4, 5>(x, y),
                    i32x4_shuffle::<2, 3, 6, 7>(x, y),
                );
                let (u, v) = (add::<P>(u, v), mul::<P>(sub::<P>(u, v), t2));
                // Now u = values 0 1 4 5, v = 2 3 6 7; 1 apart: (0 1) (2 3) (4 5) (6 7).
                let (p, q) = (
                    i32x4_shuffle::<0, 2, 4, 6>(u, v),
                    i32x4_shuffle::<1, 3, 5, 7>(u, v),
                );
                let (p, q) = (add::<P>(p, q), sub::<P>(p, q));
                // p = values 0 4 2 6, q = 1 5 3 7.
                store(a, j, i32x4_shuffle::<0, 4, 2, 6>(p, q));
                store(a, j + 4, i32x4_shuffle::<1, 5, 3, 7>(p, q));
            }
        }

        /// The inverse levels with butterflies 1 and 2 apart: `forward_last_levels` undone.
        pub(super) fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
            let t2 = u32x4(twiddles[2], twiddles[3], twiddles[2], twiddles[3]);
            for j in (0..a.len()).step_by(8) {
                let (x, y) = (load(a, j), load(a, j + 4));
                // 1 apart: (0 1) (2 3) (4 5) (6 7).
                let (p, q) = (
                    i32x4_shuffle::<0, 2, 4, 6>(x, y),
                    i32x4_shuffle::<1, 3, 5, 7>(x, y),
                );
                let (p, q) = (add::<P>(p, q), sub::<P>(p, q));
                // p = values 0 2 4 6, q = 1 3 5 7; 2 apart: (0 2) (1 3) (4 6) (5 7).
                let (u, v) = (
                    i32x4_shuffle::<0, 4, 2, 6>(p, q),
                    i32x4_shuffle::<1, 5, 3, 7>(p, q),
                );
                let v = mul::<P>(v, t2);
                let (u, v) = (add::<P>(u, v), sub::<P>(u, v));
                // u = values 0 1 4 5, v = 2 3 6 7.
                store(a, j, i32x4_shuffle::<0, 1, 4, 5>(u, v));
                store(a, j + 4, i32x4_shuffle::<2, 3, 6, 7>(u, v));
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod avx512 {
        //! The same arithmetic as `Field`, on 16 lanes of u32.

        use super::super::Field;
        use std::arch::x86_64::*;

        #[derive(Clone, Copy)]
        pub(super) struct Avx512(__m512i);

        super::lanes_from_helpers!(Avx512, 16);

        super::lane_kernels!(Avx512, "avx512f");

        /// # Safety
        /// The CPU supports AVX-512F.
        #[inline(always)]
        unsafe fn splat(x: u32) -> __m512i {
            // SAFETY: the caller guarantees AVX-512F (this fn's # Safety).
            unsafe { _mm512_set1_epi32(x as i32) }
        }

        /// # Safety
        /// The CPU supports AVX-512F.
        #[inline(always)]
        unsafe fn mul<const P: u32>(a: __m512i, b: __m512i) -> __m512i {
            // SAFETY: the caller guarantees AVX-512F (this fn's # Safety), all that these
            // intrinsics and `splat` need.
            unsafe {
                let (p, neg_inv) = (splat(P), splat(Field::<P>::NEG_INV));
                let t_even = _mm512_mul_epu32(a, b);
                let t_odd =
                    _mm512_mul_epu32(_mm512_srli_epi64::<32>(a), _mm512_srli_epi64::<32>(b));
                let m_even = _mm512_mul_epu32(t_even, neg_inv);
                let m_odd = _mm512_mul_epu32(t_odd, neg_inv);
                let s_even = _mm512_add_epi64(t_even, _mm512_mul_epu32(m_even, p));
                let s_odd = _mm512_add_epi64(t_odd, _mm512_mul_epu32(m_odd, p));
                let odd_lanes = 0b1010_1010_1010_1010;
                let u = _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64::<32>(s_even), s_odd);
                _mm512_min_epu32(u, _mm512_sub_epi32(u, p))
            }
        }

        /// # Safety
        /// The CPU supports AVX-512F.
        #[inline(always)]
        unsafe fn add<const P: u32>(a: __m512i, b: __m512i) -> __m512i {
            // SAFETY: the caller guarantees AVX-512F (this fn's # Safety).
            unsafe {
                let s = _mm512_add_epi32(a, b);
                _mm512_min_epu32(s, _mm512_sub_epi32(s, splat(P)))
            }
        }

        /// # Safety
        /// The CPU supports AVX-512F.
        #[inline(always)]
        unsafe fn sub<const P: u32>(a: __m512i, b: __m512i) -> __m512i {
            // SAFETY: the caller guarantees AVX-512F (this fn's # Safety).
            unsafe {
                let d = _mm512_sub_epi32(a, b);
                _mm512_min_epu32(d, _mm512_add_epi32(d, splat(P)))
            }
        }

        /// `slice[at..at + 16]`.
        ///
        /// # Safety
        /// The CPU supports AVX-512F, and `at + 16 <= slice.len()`.
        #[inline(always)]
        unsafe fn load(slice: &[u32], at: usize) -> __m512i {
            debug_assert!(at + 16 <= slice.len());
            // SAFETY: the caller guarantees AVX-512F and that the 16 values from `at` are in
            // `slice` (this fn's # Safety); the load is unaligned.
            unsafe { _mm512_loadu_si512(slice.as_ptr().add(at).cast()) }
        }

        /// Into `slice[at..at + 16]`.
        ///
        /// # Safety
        /// The CPU supports AVX-512F, and `at + 16 <= slice.len()`.
        #[inline(always)]
        unsafe fn store(slice: &mut [u32], at: usize, value: __m512i) {
            debug_assert!(at + 16 <= slice.len());
            // SAFETY: as in `load`; the store is unaligned.
            unsafe { _mm512_storeu_si512(slice.as_mut_ptr().add(at).cast(), value) }
        }

        /// Lanes for `_mm512_permutex2var_epi32` on 32 values (x: 0..16, y: 16..32) for the
        /// butterflies `d` apart: where their first and second values come from, and
        /// where x and y take theirs back from (lane m of the first values is 0 + m, of
        /// the second 16 + m).
        const fn butterfly_lanes(d: usize) -> [[u32; 16]; 4] {
            let (mut first, mut second) = ([0; 16], [0; 16]);
            let (mut back_x, mut back_y) = ([0; 16], [0; 16]);
            let (mut i, mut m) = (0, 0);
            while i < 32 {
                if i & d == 0 {
                    (first[m], second[m]) = (i as u32, (i + d) as u32);
                    m += 1;
                }
                i += 1;
            }
            let mut m = 0;
            while m < 16 {
                let (f, g) = (first[m] as usize, second[m] as usize);
                if f < 16 {
                    back_x[f] = m as u32;
                } else {
                    back_y[f - 16] = m as u32;
                }
                if g < 16 {
                    back_x[g] = 16 + m as u32;
                } else {
                    back_y[g - 16] = 16 + m as u32;
                }
                m += 1;
            }
            [first, second, back_x, back_y]
        }

        /// The permutations and twiddles of the levels with butterflies 8, 4, 2 and 1 apart.
        struct ShortLevels {
            lanes: [[__m512i; 4]; 4],
            twiddles: [__m512i; 4],
        }

        /// # Safety
        /// The CPU supports AVX-512F. (`twiddles` is indexed with bounds checks.)
        #[inline(always)]
        unsafe fn short_levels(twiddles: &[u32]) -> ShortLevels {
            const LANES: [[[u32; 16]; 4]; 4] = [
                butterfly_lanes(8),
                butterfly_lanes(4),
                butterfly_lanes(2),
                butterfly_lanes(1),
            ];
            // SAFETY: the caller guarantees AVX-512F (this fn's # Safety).
            let mut levels = unsafe {
                ShortLevels {
                    lanes: [[_mm512_setzero_si512(); 4]; 4],
                    twiddles: [_mm512_setzero_si512(); 4],
                }
            };
            for (level, d) in [8usize, 4, 2, 1].into_iter().enumerate() {
                for (k, lanes) in LANES[level].iter().enumerate() {
                    // SAFETY: AVX-512F, as above; `lanes` is 16 u32s, the 64 bytes loaded
                    // (unaligned).
                    levels.lanes[level][k] = unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) };
                }
                // The butterfly of a first value at i uses w^(i mod 2d) of the level's root.
                let mut tw = [0u32; 16];
                for (w, &i) in tw.iter_mut().zip(&LANES[level][0]) {
                    *w = twiddles[d + i as usize % (2 * d)];
                }
                // SAFETY: as above: `tw` is 16 u32s.
                levels.twiddles[level] = unsafe { _mm512_loadu_si512(tw.as_ptr().cast()) };
            }
            levels
        }

        /// The forward levels with butterflies 8, 4, 2 and 1 apart, 32 values at a time:
        /// each level gathers its butterflies' values into two vectors and puts them back.
        ///
        /// # Safety
        /// The CPU supports AVX-512F. (Any `a` is safe: only its whole chunks of 32 values
        /// are transformed; `twiddles` is indexed with bounds checks.)
        #[target_feature(enable = "avx512f")]
        pub(super) unsafe fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
            // SAFETY: the caller guarantees AVX-512F (this fn's # Safety), all that
            // `short_levels` and the arithmetic need; the loads and stores at 0 and 16 of a
            // chunk of 32 values are in bounds.
            unsafe {
                let levels = short_levels(twiddles);
                for chunk in a.chunks_exact_mut(32) {
                    let (mut x, mut y) = (load(chunk, 0), load(chunk, 16));
                    for level in 0..4 {
                        let [first, second, back_x, back_y] = levels.lanes[level];
                        let u = _mm512_permutex2var_epi32(x, first, y);
                        let v = _mm512_permutex2var_epi32(x, second, y);
                        let (u, v) = (
                            add::<P>(u, v),
                            mul::<P>(sub::<P>(u, v), levels.twiddles[level]),
                        );
                        x = _mm512_permutex2var_epi32(u, back_x, v);
                        y = _mm512_permutex2var_epi32(u, back_y, v);
                    }
                    store(chunk, 0, x);
                    store(chunk, 16, y);
                }
            }
        }

        /// The inverse levels with butterflies 1, 2, 4 and 8 apart: `forward_last_levels`
        /// undone, level by level.
        ///
        /// # Safety
        /// As for `forward_last_levels`: the CPU supports AVX-512F.
        #[target_feature(enable = "avx512f")]
        pub(super) unsafe fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
            // SAFETY: as in `forward_last_levels`.
            unsafe {
                let levels = short_levels(twiddles);
                for chunk in a.chunks_exact_mut(32) {
                    let (mut x, mut y) = (load(chunk, 0), load(chunk, 16));
                    for level in (0..4).rev() {
                        let [first, second, back_x, back_y] = levels.lanes[level];
                        let u = _mm512_permutex2var_epi32(x, first, y);
                        let v = _mm512_permutex2var_epi32(x, second, y);
                        let v = mul::<P>(v, levels.twiddles[level]);
                        let (u, v) = (add::<P>(u, v), sub::<P>(u, v));
                        x = _mm512_permutex2var_epi32(u, back_x, v);
                        y = _mm512_permutex2var_epi32(u, back_y, v);
                    }
                    store(chunk, 0, x);
                    store(chunk, 16, y);
                }
            }
        }

        /// The forward levels with butterflies `len` and `len / 2` apart in one pass: each
        /// value is loaded and stored once for both (half the memory traffic).
        ///
        /// # Safety
        /// The CPU supports AVX-512F, `len` is a multiple of 32 (so that each quarter of a
        /// block, `len / 2` values, is whole chunks of 16 lanes), `tw` has at least `len`
        /// values and `half_tw` at least `len / 2`.
        #[target_feature(enable = "avx512f")]
        pub(super) unsafe fn forward_two_levels<const P: u32>(
            a: &mut [u32],
            len: usize,
            tw: &[u32],
            half_tw: &[u32],
        ) {
            let quarter = len / 2;
            for block in a.chunks_exact_mut(2 * len) {
                let (low, high) = block.split_at_mut(len);
                let (q0, q1) = low.split_at_mut(quarter);
                let (q2, q3) = high.split_at_mut(quarter);
                for j in (0..quarter).step_by(16) {
                    // SAFETY: the caller guarantees AVX-512F (this fn's # Safety); `quarter`
                    // is a multiple of 16, so `j + 16 <= quarter`, the length of `q0` to `q3`
                    // and of `half_tw` at least, and `quarter + j + 16 <= len <= tw.len()`.
                    unsafe {
                        let (x0, x1, x2, x3) = (load(q0, j), load(q1, j), load(q2, j), load(q3, j));
                        let (w0, w1) = (load(tw, j), load(tw, quarter + j));
                        let (y0, y2) = (add::<P>(x0, x2), mul::<P>(sub::<P>(x0, x2), w0));
                        let (y1, y3) = (add::<P>(x1, x3), mul::<P>(sub::<P>(x1, x3), w1));
                        let v = load(half_tw, j);
                        store(q0, j, add::<P>(y0, y1));
                        store(q1, j, mul::<P>(sub::<P>(y0, y1), v));
                        store(q2, j, add::<P>(y2, y3));
                        store(q3, j, mul::<P>(sub::<P>(y2, y3), v));
                    }
                }
            }
        }

        /// The inverse levels with butterflies `len` and `2 len` apart in one pass.
        ///
        /// # Safety
        /// The CPU supports AVX-512F, `len` is a multiple of 16, `tw` has at least `len`
        /// values and `double_tw` at least `2 len`.
        #[target_feature(enable = "avx512f")]
        pub(super) unsafe fn inverse_two_levels<const P: u32>(
            a: &mut [u32],
            len: usize,
            tw: &[u32],
            double_tw: &[u32],
        ) {
            for block in a.chunks_exact_mut(4 * len) {
                let (low, high) = block.split_at_mut(2 * len);
                let (q0, q1) = low.split_at_mut(len);
                let (q2, q3) = high.split_at_mut(len);
                for j in (0..len).step_by(16) {
                    // SAFETY: the caller guarantees AVX-512F (this fn's # Safety); `len` is a
                    // multiple of 16, so `j + 16 <= len`, the length of `q0` to `q3` and of
                    // `tw` at least, and `len + j + 16 <= 2 len <= double_tw.len()`.
                    unsafe {
                        let w = load(tw, j);
                        let (x0, x1) = (load(q0, j), mul::<P>(load(q1, j), w));
                        let (x2, x3) = (load(q2, j), mul::<P>(load(q3, j), w));
                        let (y0, y1) = (add::<P>(x0, x1), sub::<P>(x0, x1));
                        let y2 = mul::<P>(add::<P>(x2, x3), load(double_tw, j));
                        let y3 = mul::<P>(sub::<P>(x2, x3), load(double_tw, len + j));
                        store(q0, j, add::<P>(y0, y2));
                        store(q2, j, sub::<P>(y0, y2));
                        store(q1, j, add::<P>(y1, y3));
                        store(q3, j, sub::<P>(y1, y3));
                    }
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    mod avx2 {
        //! The same arithmetic as `Field`, on 8 lanes of u32.

        use super::super::Field;
        use std::arch::x86_64::*;

        #[derive(Clone, Copy)]
        pub(super) struct Avx2(__m256i);

        super::lanes_from_helpers!(Avx2, 8);

        super::lane_kernels!(Avx2, "avx2");

        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn splat(x: u32) -> __m256i {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe { _mm256_set1_epi32(x as i32) }
        }

        /// Montgomery product of 8 lanes: even and odd lanes through 32x32->64 products.
        ///
        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn mul<const P: u32>(a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety), all that these
            // intrinsics and `splat` need.
            unsafe {
                let (p, neg_inv) = (splat(P), splat(Field::<P>::NEG_INV));
                let t_even = _mm256_mul_epu32(a, b);
                let t_odd =
                    _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), _mm256_srli_epi64::<32>(b));
                let m_even = _mm256_mul_epu32(t_even, neg_inv);
                let m_odd = _mm256_mul_epu32(t_odd, neg_inv);
                let s_even = _mm256_add_epi64(t_even, _mm256_mul_epu32(m_even, p));
                let s_odd = _mm256_add_epi64(t_odd, _mm256_mul_epu32(m_odd, p));
                // The results are the high halves of the 64-bit sums.
                let u = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(s_even), s_odd);
                _mm256_min_epu32(u, _mm256_sub_epi32(u, p))
            }
        }

        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn add<const P: u32>(a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe {
                let s = _mm256_add_epi32(a, b);
                _mm256_min_epu32(s, _mm256_sub_epi32(s, splat(P)))
            }
        }

        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn sub<const P: u32>(a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe {
                let d = _mm256_sub_epi32(a, b);
                _mm256_min_epu32(d, _mm256_add_epi32(d, splat(P)))
            }
        }

        /// `slice[at..at + 8]`.
        ///
        /// # Safety
        /// The CPU supports AVX2, and `at + 8 <= slice.len()`.
        #[inline(always)]
        unsafe fn load(slice: &[u32], at: usize) -> __m256i {
            debug_assert!(at + 8 <= slice.len());
            // SAFETY: the caller guarantees AVX2 and that the 8 values from `at` are in
            // `slice` (this fn's # Safety); the load is unaligned.
            unsafe { _mm256_loadu_si256(slice.as_ptr().add(at).cast()) }
        }

        /// Into `slice[at..at + 8]`.
        ///
        /// # Safety
        /// The CPU supports AVX2, and `at + 8 <= slice.len()`.
        #[inline(always)]
        unsafe fn store(slice: &mut [u32], at: usize, value: __m256i) {
            debug_assert!(at + 8 <= slice.len());
            // SAFETY: as in `load`; the store is unaligned.
            unsafe { _mm256_storeu_si256(slice.as_mut_ptr().add(at).cast(), value) }
        }

        /// The twiddles of the levels whose butterflies are 4 and 2 apart, as 8 lanes.
        ///
        /// # Safety
        /// The CPU supports AVX2. (`tw` is indexed with bounds checks.)
        #[inline(always)]
        unsafe fn short_twiddles(tw: &[u32]) -> (__m256i, __m256i) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe {
                let four = _mm256_setr_epi32(
                    tw[4] as i32,
                    tw[5] as i32,
                    tw[6] as i32,
                    tw[7] as i32,
                    tw[4] as i32,
                    tw[5] as i32,
                    tw[6] as i32,
                    tw[7] as i32,
                );
                let two = _mm256_setr_epi32(
                    tw[2] as i32,
                    tw[3] as i32,
                    tw[2] as i32,
                    tw[3] as i32,
                    tw[2] as i32,
                    tw[3] as i32,
                    tw[2] as i32,
                    tw[3] as i32,
                );
                (four, two)
            }
        }

        /// Butterflies 4 apart within x and within y: (lows, highs) of both, and back.
        ///
        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn split4(x: __m256i, y: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe {
                (
                    _mm256_permute2x128_si256::<0x20>(x, y),
                    _mm256_permute2x128_si256::<0x31>(x, y),
                )
            }
        }
        /// Butterflies 2 apart: lanes 0,1 and 2,3 of each group of four.
        ///
        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn split2(x: __m256i, y: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe { (_mm256_unpacklo_epi64(x, y), _mm256_unpackhi_epi64(x, y)) }
        }
        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn join2(u: __m256i, v: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe { split2(u, v) }
        }
        /// Butterflies 1 apart: even and odd lanes.
        ///
        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn split1(x: __m256i, y: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe {
                let (x, y) = (_mm256_castsi256_ps(x), _mm256_castsi256_ps(y));
                (
                    _mm256_castps_si256(_mm256_shuffle_ps::<0b10_00_10_00>(x, y)),
                    _mm256_castps_si256(_mm256_shuffle_ps::<0b11_01_11_01>(x, y)),
                )
            }
        }
        /// # Safety
        /// The CPU supports AVX2.
        #[inline(always)]
        unsafe fn join1(u: __m256i, v: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety).
            unsafe { (_mm256_unpacklo_epi32(u, v), _mm256_unpackhi_epi32(u, v)) }
        }

        /// The forward levels with butterflies 4, 2 and 1 apart, 16 values at a time.
        /// (The level 1 apart multiplies by w^0 = 1: no product.)
        ///
        /// # Safety
        /// The CPU supports AVX2. (Any `a` is safe: only its whole chunks of 16 values are
        /// transformed; `twiddles` is indexed with bounds checks.)
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
            // SAFETY: the caller guarantees AVX2 (this fn's # Safety), all that the helpers
            // need besides bounds; the loads and stores at 0 and 8 of a chunk of 16 values
            // are in bounds.
            unsafe {
                let (t4, t2) = short_twiddles(twiddles);
                for chunk in a.chunks_exact_mut(16) {
                    let (u, v) = split4(load(chunk, 0), load(chunk, 8));
                    let (x, y) = split4(add::<P>(u, v), mul::<P>(sub::<P>(u, v), t4));
                    let (u, v) = split2(x, y);
                    let (x, y) = join2(add::<P>(u, v), mul::<P>(sub::<P>(u, v), t2));
                    let (u, v) = split1(x, y);
                    let (x, y) = join1(add::<P>(u, v), sub::<P>(u, v));
                    store(chunk, 0, x);
                    store(chunk, 8, y);
                }
            }
        }

        /// The inverse levels with butterflies 1, 2 and 4 apart, 16 values at a time.
        ///
        /// # Safety
        /// As for `forward_last_levels`: the CPU supports AVX2.
        #[target_feature(enable = "avx2")]
        pub(super) unsafe fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
            // SAFETY: as in `forward_last_levels`.
            unsafe {
                let (t4, t2) = short_twiddles(twiddles);
                for chunk in a.chunks_exact_mut(16) {
                    let (u, v) = split1(load(chunk, 0), load(chunk, 8));
                    let (x, y) = join1(add::<P>(u, v), sub::<P>(u, v));
                    let (u, v) = split2(x, y);
                    let v = mul::<P>(v, t2);
                    let (x, y) = join2(add::<P>(u, v), sub::<P>(u, v));
                    let (u, v) = split4(x, y);
                    let v = mul::<P>(v, t4);
                    let (x, y) = split4(add::<P>(u, v), sub::<P>(u, v));
                    store(chunk, 0, x);
                    store(chunk, 8, y);
                }
            }
        }
    }
}

const P1: u32 = 998_244_353; // 119 * 2^23 + 1, generator 3
const P2: u32 = 167_772_161; // 5 * 2^25 + 1, generator 3
const P3: u32 = 469_762_049; // 7 * 2^26 + 1, generator 3
/// Transforms longer than 2^23 points are not possible with P1.
const MAX_POINTS: usize = 1 << 23;

/// Which of a doubling step's two products to compute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wanted {
    /// F(2k) = a (2b - a) and F(2k+1) = a^2 + b^2.
    Both,
    /// F(2k) only.
    Even,
    /// F(2k+1) only.
    Odd,
}

/// One doubling step for one prime: residues of the wanted products, left in `products`
/// (F(2k)) and `squares` (F(2k+1)).
///
/// Only F(k) and F(k+1) are transformed: 2F(k+1) - F(k) is formed in the transform
/// domain, which is linear.
fn doubling_products_mod<const P: u32>(
    (a, b): (&[u32], &[u32]),
    wanted: Wanted,
    twiddles: &Twiddles,
    products: &mut [u32],
    squares: &mut [u32],
) {
    let points = products.len();
    for (words, out) in [(a, &mut *products), (b, &mut *squares)] {
        // The words fill at most the lower half: the upper half is left to the transform.
        let half = &mut out[..points / 2];
        half[..words.len()].copy_from_slice(words);
        half[words.len()..].fill(0);
        let whole_lanes = words.len().next_multiple_of(8).min(half.len());
        kernels::to_residues::<P>(&mut half[..whole_lanes]);
        kernels::forward_zero_padded::<P>(out, &twiddles.forward);
    }
    // The residues carry a factor 2^-32 from `to_residues`, the pointwise products two
    // more from their Montgomery products (one for the scale) and the inverse transform
    // a factor `points`: the scale undoes them all, so the inverse gives plain residues.
    let n_inv = Field::<P>::pow(points as u32 % P, u64::from(P - 2));
    let scale = (0..4).fold(n_inv, |x, _| Field::<P>::to_montgomery(x));
    kernels::doubling_pointwise::<P>(products, squares, scale);
    if wanted != Wanted::Odd {
        kernels::inverse::<P>(products, &twiddles.inverse);
    }
    if wanted != Wanted::Even {
        kernels::inverse::<P>(squares, &twiddles.inverse);
    }
}

/// Constants of Garner's algorithm for the three primes, in Montgomery form so that
/// `Field::mul` by them multiplies by the plain value.
#[derive(Clone, Copy)]
struct Garner {
    /// p1^-1 mod p2.
    inv1: u32,
    /// (p1 p2)^-1 mod p3.
    inv2: u32,
    /// p1 (p1 p2)^-1 mod p3.
    p1_inv2: u32,
}

impl Garner {
    const fn new() -> Self {
        const fn mont(x: u64, p: u32) -> u32 {
            (((x % p as u64) << 32) % p as u64) as u32
        }
        const INV1: u64 = 47_450_712; // p1^-1 mod p2
        const INV2: u64 = 115_990_628; // (p1 p2)^-1 mod p3
        Garner {
            inv1: mont(INV1, P2),
            inv2: mont(INV2, P3),
            p1_inv2: mont(P1 as u64 % P3 as u64 * INV2 % P3 as u64, P3),
        }
    }
}

/// Rebuilds the exact (signed) coefficients from their three residues and propagates the
/// carries; `r2` and `r3` are used as scratch.
fn combine(r1: &[u32], r2: &mut [u32], r3: &mut [u32], words: usize) -> BigUint {
    let lanes = words.next_multiple_of(16).min(r1.len());
    let (r1, r2, r3) = (&r1[..lanes], &mut r2[..lanes], &mut r3[..lanes]);
    kernels::garner::<P2, P3>(r1, r2, r3, Garner::new());
    let p1 = u64::from(P1);
    let p1p2 = p1 * u64::from(P2);
    let (p1p2_high, p1p2_low) = ((p1p2 >> 32) as i64, (p1p2 & 0xFFFF_FFFF) as i64);
    // The value is positive and the carry below fits an i64: two words beyond `words`.
    let mut out = vec![0u32; words + 2];
    let mut carry: i64 = 0;
    for (((&x1, &t1), &t2), digit) in r1.iter().zip(&*r2).zip(&*r3).zip(&mut out).take(words) {
        // x = x1 + p1 t1 + p1 p2 t2 is the coefficient modulo P, in [0, P), to be read as
        // signed. It is negative when t2 > p3 / 2: decided by t2 alone, which is exact as
        // long as |x| stays p1 p2 away from P / 2 (checked in `tests`). Then t2 - p3 in
        // place of t2 gives x - P.
        let t2 = i64::from(t2) - if 2 * t2 > P3 { i64::from(P3) } else { 0 };
        // x = low + 2^32 p1p2_high t2, every part in an i64 (no i128: on wasm32 its
        // products are library calls).
        let low = (u64::from(x1) + p1 * u64::from(t1)) as i64 + p1p2_low * t2;
        let sum = carry + (low & 0xFFFF_FFFF);
        *digit = sum as u32;
        carry = (sum >> 32) + (low >> 32) + p1p2_high * t2; // floor divisions
    }
    debug_assert!(carry >= 0, "a product of F(k)s is positive");
    for digit in &mut out[words..] {
        *digit = carry as u32;
        carry >>= 32;
    }
    BigUint::new(out)
}

/// Tables and buffers for every transform up to a size.
pub(crate) struct Multiplier {
    points: usize,
    tables: [Twiddles; 3],
    /// Residues of the two products for each prime, reused from step to step: fresh
    /// buffers of megabytes each step would cost page faults, not only allocations.
    scratch: Vec<u32>,
    /// The 32-bit words of a and b, read out of their `BigUint`s once for all primes.
    words: Vec<u32>,
}

impl Multiplier {
    /// Ready for factors of up to `max_words` 32-bit words each.
    pub(crate) fn new(max_words: usize) -> Self {
        let points = (2 * max_words).next_power_of_two().max(8);
        assert!(
            points <= MAX_POINTS && max_words < MAX_WORDS,
            "too large for the NTT primes"
        );
        Multiplier {
            points,
            tables: [
                Twiddles::new::<P1>(points, 3),
                Twiddles::new::<P2>(points, 3),
                Twiddles::new::<P3>(points, 3),
            ],
            scratch: vec![0; 6 * points],
            words: Vec::with_capacity(points),
        }
    }

    /// One doubling step from a = F(k), b = F(k+1): `(a (2b - a), a^2 + b^2)`, that is
    /// `(F(2k), F(2k+1))`, or only the one `wanted` (the other is then `None`).
    pub(crate) fn doubling_step(
        &mut self,
        a: &BigUint,
        b: &BigUint,
        wanted: Wanted,
    ) -> (Option<BigUint>, Option<BigUint>) {
        // 2b - a has at most one bit more than b: room for it in `words`.
        let words = (a.bits().max(b.bits()) as usize).div_ceil(32) + 1;
        let points = (2 * words).next_power_of_two().max(8);
        assert!(points <= self.points, "Multiplier made for smaller numbers");
        let mut buffers = self.scratch[..6 * points].chunks_exact_mut(points);
        let mut next = || buffers.next().expect("six buffers");
        let (c1, s1, c2, s2, c3, s3) = (next(), next(), next(), next(), next(), next());
        self.words.clear();
        for number in [a, b] {
            for digit in number.iter_u64_digits() {
                self.words.extend([digit as u32, (digit >> 32) as u32]);
            }
        }
        // A final zero word from a 64-bit digit is harmless: it is a zero coefficient.
        let ab = self.words.split_at(2 * a.iter_u64_digits().len());
        doubling_products_mod::<P1>(ab, wanted, &self.tables[0], c1, s1);
        doubling_products_mod::<P2>(ab, wanted, &self.tables[1], c2, s2);
        doubling_products_mod::<P3>(ab, wanted, &self.tables[2], c3, s3);
        (
            (wanted != Wanted::Odd).then(|| combine(c1, c2, c3, 2 * words)),
            (wanted != Wanted::Even).then(|| combine(s1, s2, s3, 2 * words)),
        )
    }
}

/// The largest multiplier a finished computation left, for the next one: its tables and
/// buffers (12 MB for F(10^7)) took more time to make and to fault into memory than a
/// tenth of the computation, every time. FFT libraries keep their plans the same way.
static SPARE: Mutex<Option<Multiplier>> = Mutex::new(None);

/// A multiplier for one computation: the spare one if it is large enough, else a new one.
/// Dropped (also when a computation stops early), it becomes the spare if it is the larger.
/// Computations running at the same time each have their own.
pub(crate) struct LentMultiplier(Option<Multiplier>);

impl LentMultiplier {
    pub(crate) fn new(max_words: usize) -> Self {
        let points = (2 * max_words).next_power_of_two().max(8);
        // A poisoned lock only means another computation panicked: its spare is fine.
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        let multiplier = match spare.take() {
            Some(multiplier) if multiplier.points >= points => multiplier,
            too_small => {
                *spare = too_small;
                drop(spare);
                Multiplier::new(max_words)
            }
        };
        LentMultiplier(Some(multiplier))
    }
}

impl Deref for LentMultiplier {
    type Target = Multiplier;
    fn deref(&self) -> &Multiplier {
        self.0.as_ref().expect("lent until dropped")
    }
}

impl DerefMut for LentMultiplier {
    fn deref_mut(&mut self) -> &mut Multiplier {
        self.0.as_mut().expect("lent until dropped")
    }
}

impl Drop for LentMultiplier {
    fn drop(&mut self) {
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(multiplier) = self.0.take() {
            if spare
                .as_ref()
                .is_none_or(|kept| kept.points < multiplier.points)
            {
                *spare = Some(multiplier);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_constants() {
        fn check<const P: u32>() {
            assert_eq!(P.wrapping_mul(Field::<P>::NEG_INV.wrapping_neg()), 1);
            assert_eq!(Field::<P>::mul(Field::<P>::to_montgomery(12345), 1), 12345);
            assert_eq!(Field::<P>::pow(3, u64::from(P - 1)), 1);
            assert_ne!(Field::<P>::pow(3, u64::from(P - 1) / 2), 1, "3 generates");
        }
        check::<P1>();
        check::<P2>();
        check::<P3>();
        let (p1, p2, p3) = (u128::from(P1), u128::from(P2), u128::from(P3));
        let garner = Garner::new();
        // Out of Montgomery form: x / 2^32 mod p.
        let (inv1, inv2) = (
            Field::<P2>::mul(garner.inv1, 1),
            Field::<P3>::mul(garner.inv2, 1),
        );
        assert_eq!(p1 * u128::from(inv1) % p2, 1);
        assert_eq!(p1 * p2 * u128::from(inv2) % p3, 1);
        let p1_inv2 = Field::<P3>::mul(garner.p1_inv2, 1);
        assert_eq!(u128::from(p1_inv2), p1 * u128::from(inv2) % p3);
        // The coefficient bound of the module documentation, with the margin `combine`
        // needs to tell negative coefficients by their last Garner digit alone.
        assert!(((MAX_WORDS as u128) << 65) + p1 * p2 < p1 * p2 * p3 / 2);
    }

    #[test]
    fn twiddles_are_the_powers_of_the_roots() {
        for n in [2, 8, 64, 4096] {
            let table = Twiddles::new::<P3>(n, 3);
            let mut len = 1;
            while len < n {
                let root = Field::<P3>::pow(3, u64::from(P3 - 1) / (2 * len as u64));
                let root_inv = Field::<P3>::pow(root, u64::from(P3 - 2));
                for j in 0..len {
                    let plain = |x: u32| Field::<P3>::mul(x, 1); // out of Montgomery form
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
        }
    }

    #[test]
    fn transforms_invert_each_other() {
        let table = Twiddles::new::<P2>(64, 3);
        let original: Vec<u32> = (0..64u32)
            .map(|i| if i < 32 { i * 2_654_435 % P2 } else { 0 })
            .collect();
        let mut v = original.clone();
        v[32..].fill(u32::MAX); // not read: taken as zero
        kernels::forward_zero_padded::<P2>(&mut v, &table.forward);
        assert_ne!(v, original);
        kernels::inverse::<P2>(&mut v, &table.inverse);
        let scale = Field::<P2>::to_montgomery(Field::<P2>::pow(64, u64::from(P2 - 2)));
        let back: Vec<u32> = v.iter().map(|&x| Field::<P2>::mul(x, scale)).collect();
        assert_eq!(back, original);
    }

    #[test]
    fn doubling_step_matches_num_bigint() {
        // Worst-case words (all ones) and irregular lengths.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut words = |n: usize| -> Vec<u32> {
            (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u32
                })
                .collect()
        };
        let mut multiplier = Multiplier::new(5000);
        for (len_a, len_b) in [(1, 1), (3, 3), (7, 8), (100, 101), (4999, 5000)] {
            for all_ones in [false, true] {
                let (wa, wb) = if all_ones {
                    (vec![u32::MAX; len_a], vec![u32::MAX; len_b])
                } else {
                    (words(len_a), words(len_b))
                };
                let (a, b) = (BigUint::new(wa), BigUint::new(wb));
                let b = if b < a { &a + &b } else { b }; // F(k+1) >= F(k)
                let (f2k, f2k1) = (&a * ((&b << 1u8) - &a), &a * &a + &b * &b);
                let both = multiplier.doubling_step(&a, &b, Wanted::Both);
                assert_eq!(
                    both,
                    (Some(f2k.clone()), Some(f2k1.clone())),
                    "{len_a} x {len_b}"
                );
                let even = multiplier.doubling_step(&a, &b, Wanted::Even);
                assert_eq!(even, (Some(f2k), None), "F(2k) only, {len_a} x {len_b}");
                let odd = multiplier.doubling_step(&a, &b, Wanted::Odd);
                assert_eq!(odd, (None, Some(f2k1)), "F(2k+1) only, {len_a} x {len_b}");
            }
        }
    }
}
