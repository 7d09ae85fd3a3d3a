//! The kernels of the transforms, the point-by-point step and Garner's digits. They run
//! 16 lanes at a time with AVX-512F or 8 with AVX2 where the CPU has them (checked at run
//! time), 4 with WebAssembly's simd128 (Pyodide's build enables it) or aarch64's NEON,
//! portable Rust otherwise. The kernels without shuffles are written once (`generic`, over
//! `Lanes`); the shortest levels, which regroup lanes, are written per instruction set
//! (`avx512`, `avx2`, `simd128`, `neon`). The drivers that choose among them are in `super::transform` and
//! `super::crt`.

use super::field::Field;

#[cfg(target_arch = "x86_64")]
pub(super) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(super) mod avx512;
#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
pub(super) mod neon;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(super) mod simd128;

/// Runs a kernel of `lane_kernels!` with the widest lanes that divide `len` and that
/// this CPU (AVX-512F, AVX2: checked at run time) or build (simd128) has, else on
/// scalar lanes, and returns from the calling function. `len` is the length of the
/// kernel's first slice: every caller passes its other slices at least as long.
macro_rules! widest_lanes {
    ($len:expr, $kernel:ident::<$($constant:ident),*>($($argument:expr),*)) => {{
        use $crate::isa::Isa;
        use $crate::ntt::kernels::{generic, Scalar};
        #[cfg(target_arch = "x86_64")]
        use $crate::ntt::kernels::{avx2, avx512};
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        use $crate::ntt::kernels::simd128;
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
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        if $len % 4 == 0 && isa == Isa::Neon {
            // SAFETY: NEON is enabled at compile time; whole chunks of 4 lanes.
            return unsafe { $crate::ntt::kernels::neon::$kernel::<$($constant),*>($($argument),*) };
        }
        // SAFETY: scalar lanes have no requirement.
        return unsafe { generic::$kernel::<Scalar, $($constant),*>($($argument),*) };
    }};
}
pub(super) use widest_lanes;

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

/// One u32 as lanes: the portable fallback of every kernel.
#[derive(Clone, Copy)]
pub(super) struct Scalar(u32);

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

/// The kernels that need no shuffles, for any `Lanes`; every slice is whole chunks of
/// `WIDTH` lanes. Each instruction set instantiates them with `lane_kernels!`.
pub(super) mod generic {
    use super::Lanes;
    use crate::ntt::garner::Garner;

    /// The forward (decimation-in-frequency) butterfly: (x, y) -> (x + y, (x - y) w).
    ///
    /// # Safety
    /// The CPU runs `V`'s instruction set.
    #[inline(always)]
    unsafe fn forward_butterfly<V: Lanes, const P: u32>(x: V, y: V, w: V) -> (V, V) {
        // SAFETY: the caller guarantees `V`'s instruction set, all the lanes need.
        unsafe { (x.add::<P>(y), x.sub::<P>(y).mul::<P>(w)) }
    }

    /// The inverse (decimation-in-time) butterfly, `y` already multiplied by its
    /// twiddle: (x, y) -> (x + y, x - y).
    ///
    /// # Safety
    /// The CPU runs `V`'s instruction set.
    #[inline(always)]
    unsafe fn inverse_butterfly<V: Lanes, const P: u32>(x: V, y: V) -> (V, V) {
        // SAFETY: as in `forward_butterfly`.
        unsafe { (x.add::<P>(y), x.sub::<P>(y)) }
    }

    /// # Safety
    /// The CPU runs `V`'s instruction set, `len` is a multiple of `V::WIDTH` and `tw`
    /// has at least `len` values.
    #[inline(always)]
    pub(in crate::ntt) unsafe fn forward_level<V: Lanes, const P: u32>(
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
                    let (sum, difference) = forward_butterfly::<V, P>(x, y, w);
                    sum.store(low, j);
                    difference.store(high, j);
                }
            }
        }
    }

    /// # Safety
    /// As for `forward_level`: the CPU runs `V`'s instruction set, `len` is a multiple
    /// of `V::WIDTH` and `tw` has at least `len` values.
    #[inline(always)]
    pub(in crate::ntt) unsafe fn inverse_level<V: Lanes, const P: u32>(
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
                    let (sum, difference) = inverse_butterfly::<V, P>(x, y);
                    sum.store(low, j);
                    difference.store(high, j);
                }
            }
        }
    }

    /// The forward levels with butterflies `len` and `len / 2` apart in one pass: each
    /// value is loaded and stored once for both (half the memory traffic of two levels).
    ///
    /// # Safety
    /// The CPU runs `V`'s instruction set, `len / 2` is a multiple of `V::WIDTH`, `tw`
    /// has at least `len` values and `half_tw` at least `len / 2`.
    #[inline(always)]
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(in crate::ntt) unsafe fn forward_two_levels<V: Lanes, const P: u32>(
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
            for j in (0..quarter).step_by(V::WIDTH) {
                // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety);
                // `quarter` is a multiple of `WIDTH`, so `j + WIDTH <= quarter`, the length
                // of `q0` to `q3` and of `half_tw` at least, and `quarter + j + WIDTH <= len
                // <= tw.len()`.
                unsafe {
                    let (x0, x1) = (V::load(q0, j), V::load(q1, j));
                    let (x2, x3) = (V::load(q2, j), V::load(q3, j));
                    let (w0, w1) = (V::load(tw, j), V::load(tw, quarter + j));
                    let (y0, y2) = forward_butterfly::<V, P>(x0, x2, w0);
                    let (y1, y3) = forward_butterfly::<V, P>(x1, x3, w1);
                    let v = V::load(half_tw, j);
                    let (z0, z1) = forward_butterfly::<V, P>(y0, y1, v);
                    let (z2, z3) = forward_butterfly::<V, P>(y2, y3, v);
                    z0.store(q0, j);
                    z1.store(q1, j);
                    z2.store(q2, j);
                    z3.store(q3, j);
                }
            }
        }
    }

    /// The inverse levels with butterflies `len` and `2 len` apart in one pass.
    ///
    /// # Safety
    /// The CPU runs `V`'s instruction set, `len` is a multiple of `V::WIDTH`, `tw` has
    /// at least `len` values and `double_tw` at least `2 len`.
    #[inline(always)]
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(in crate::ntt) unsafe fn inverse_two_levels<V: Lanes, const P: u32>(
        a: &mut [u32],
        len: usize,
        tw: &[u32],
        double_tw: &[u32],
    ) {
        for block in a.chunks_exact_mut(4 * len) {
            let (low, high) = block.split_at_mut(2 * len);
            let (q0, q1) = low.split_at_mut(len);
            let (q2, q3) = high.split_at_mut(len);
            for j in (0..len).step_by(V::WIDTH) {
                // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety);
                // `len` is a multiple of `WIDTH`, so `j + WIDTH <= len`, the length of `q0`
                // to `q3` and of `tw` at least, and `len + j + WIDTH <= 2 len <=
                // double_tw.len()`.
                unsafe {
                    let w = V::load(tw, j);
                    let (x0, x1) = (V::load(q0, j), V::load(q1, j).mul::<P>(w));
                    let (x2, x3) = (V::load(q2, j), V::load(q3, j).mul::<P>(w));
                    let (y0, y1) = inverse_butterfly::<V, P>(x0, x1);
                    let (y2, y3) = inverse_butterfly::<V, P>(x2, x3);
                    let y2 = y2.mul::<P>(V::load(double_tw, j));
                    let y3 = y3.mul::<P>(V::load(double_tw, len + j));
                    let (z0, z2) = inverse_butterfly::<V, P>(y0, y2);
                    let (z1, z3) = inverse_butterfly::<V, P>(y1, y3);
                    z0.store(q0, j);
                    z2.store(q2, j);
                    z1.store(q1, j);
                    z3.store(q3, j);
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
    pub(in crate::ntt) unsafe fn spread_level<V: Lanes, const P: u32>(
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

    /// The first forward level of a transform of 3m points whose last third is zero: the
    /// three residues modulo x^m - 1, x^m - w and x^m - w^2 (w a primitive cube root of
    /// unity), the second and third twisted by the powers of a 3m-th root z (`tw1[j]` =
    /// z^j, `tw2[j]` = z^2j) into cyclic ones, each then a transform of m points.
    ///
    /// # Safety
    /// The CPU runs `V`'s instruction set, `m` is a multiple of `V::WIDTH`, `a` has 3m
    /// values, and `tw1` and `tw2` at least `m`.
    #[inline(always)]
    pub(in crate::ntt) unsafe fn radix3_forward<V: Lanes, const P: u32>(
        a: &mut [u32],
        m: usize,
        omega: u32,
        tw1: &[u32],
        tw2: &[u32],
    ) {
        let (low, rest) = a.split_at_mut(m);
        let (middle, high) = rest.split_at_mut(m);
        // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety).
        let omega = unsafe { V::splat(omega) };
        for j in (0..m).step_by(V::WIDTH) {
            // SAFETY: as above; `j + WIDTH <= m`, and every slice has at least m values.
            unsafe {
                // (x0, x1, 0) -> (x0 + x1, x0 + w x1, x0 + w^2 x1), w^2 = -1 - w.
                let (x0, x1) = (V::load(low, j), V::load(middle, j));
                let w_x1 = x1.mul::<P>(omega);
                x0.add::<P>(x1).store(low, j);
                let second = x0.add::<P>(w_x1).mul::<P>(V::load(tw1, j));
                second.store(middle, j);
                let third = x0.sub::<P>(x1).sub::<P>(w_x1).mul::<P>(V::load(tw2, j));
                third.store(high, j);
            }
        }
    }

    /// The last inverse level of a transform of 3m points, after the inverse transforms of
    /// its thirds: untwists them (`tw1[j]` = z^-j, `tw2[j]` = z^-2j) and recombines them
    /// (an inverse DFT of 3 points, unscaled); `omega` is w, the forward's cube root.
    ///
    /// # Safety
    /// As for `radix3_forward`.
    #[inline(always)]
    pub(in crate::ntt) unsafe fn radix3_inverse<V: Lanes, const P: u32>(
        a: &mut [u32],
        m: usize,
        omega: u32,
        tw1: &[u32],
        tw2: &[u32],
    ) {
        let (low, rest) = a.split_at_mut(m);
        let (middle, high) = rest.split_at_mut(m);
        // SAFETY: the caller guarantees `V`'s instruction set (this fn's # Safety).
        let omega = unsafe { V::splat(omega) };
        for j in (0..m).step_by(V::WIDTH) {
            // SAFETY: as in `radix3_forward`.
            unsafe {
                let c0 = V::load(low, j);
                let c1 = V::load(middle, j).mul::<P>(V::load(tw1, j));
                let c2 = V::load(high, j).mul::<P>(V::load(tw2, j));
                // x0 = c0 + c1 + c2, x1 = c0 + w^2 c1 + w c2 = c0 - c1 - t and
                // x2 = c0 + w c1 + w^2 c2 = c0 - c2 + t, with t = w (c1 - c2).
                let t = c1.sub::<P>(c2).mul::<P>(omega);
                c0.add::<P>(c1).add::<P>(c2).store(low, j);
                c0.sub::<P>(c1).sub::<P>(t).store(middle, j);
                c0.sub::<P>(c2).add::<P>(t).store(high, j);
            }
        }
    }

    /// # Safety
    /// The CPU runs `V`'s instruction set, and `a.len()` is a multiple of `V::WIDTH`.
    #[inline(always)]
    pub(in crate::ntt) unsafe fn to_residues<V: Lanes, const P: u32>(a: &mut [u32]) {
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
    pub(in crate::ntt) unsafe fn doubling_pointwise<V: Lanes, const P: u32>(
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
    pub(in crate::ntt) unsafe fn garner<V: Lanes, const P2: u32, const P3: u32>(
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
        #[allow(unused_unsafe)] // simd128's and NEON's helpers are safe functions
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
        pub(in crate::ntt) unsafe fn forward_level<const P: u32>(a: &mut [u32], len: usize, tw: &[u32]) {
            // SAFETY: the caller guarantees what `generic::forward_level` requires
            // (this fn's # Safety).
            unsafe { super::generic::forward_level::<$lanes, P>(a, len, tw) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `len` is a multiple of their
        /// width and `tw` has at least `len` values.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn inverse_level<const P: u32>(a: &mut [u32], len: usize, tw: &[u32]) {
            // SAFETY: the caller guarantees what `generic::inverse_level` requires
            // (this fn's # Safety).
            unsafe { super::generic::inverse_level::<$lanes, P>(a, len, tw) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `len / 2` is a multiple of their
        /// width, `tw` has at least `len` values and `half_tw` at least `len / 2`.
        $(#[target_feature(enable = $feature)])?
        // simd128 takes its own, with Shoup's products (`simd128::forward_two_levels_shoup`).
        #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
        pub(in crate::ntt) unsafe fn forward_two_levels<const P: u32>(
            a: &mut [u32], len: usize, tw: &[u32], half_tw: &[u32],
        ) {
            // SAFETY: the caller guarantees what `generic::forward_two_levels` requires
            // (this fn's # Safety).
            unsafe { super::generic::forward_two_levels::<$lanes, P>(a, len, tw, half_tw) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `len` is a multiple of their width,
        /// `tw` has at least `len` values and `double_tw` at least `2 len`.
        $(#[target_feature(enable = $feature)])?
        // simd128 takes its own, with Shoup's products (`simd128::inverse_two_levels_shoup`).
        #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
        pub(in crate::ntt) unsafe fn inverse_two_levels<const P: u32>(
            a: &mut [u32], len: usize, tw: &[u32], double_tw: &[u32],
        ) {
            // SAFETY: the caller guarantees what `generic::inverse_two_levels` requires
            // (this fn's # Safety).
            unsafe { super::generic::inverse_two_levels::<$lanes, P>(a, len, tw, double_tw) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `low.len()` is a multiple of their
        /// width, and `high` and `tw` have at least `low.len()` values.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn spread_level<const P: u32>(low: &[u32], high: &mut [u32], tw: &[u32]) {
            // SAFETY: the caller guarantees what `generic::spread_level` requires
            // (this fn's # Safety).
            unsafe { super::generic::spread_level::<$lanes, P>(low, high, tw) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `m` is a multiple of their width,
        /// `a` has 3m values, and `tw1` and `tw2` at least `m`.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn radix3_forward<const P: u32>(
            a: &mut [u32], m: usize, omega: u32, tw1: &[u32], tw2: &[u32],
        ) {
            // SAFETY: the caller guarantees what `generic::radix3_forward` requires
            // (this fn's # Safety).
            unsafe { super::generic::radix3_forward::<$lanes, P>(a, m, omega, tw1, tw2) }
        }
        /// # Safety
        /// As for `radix3_forward`.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn radix3_inverse<const P: u32>(
            a: &mut [u32], m: usize, omega: u32, tw1: &[u32], tw2: &[u32],
        ) {
            // SAFETY: the caller guarantees what `generic::radix3_inverse` requires
            // (this fn's # Safety).
            unsafe { super::generic::radix3_inverse::<$lanes, P>(a, m, omega, tw1, tw2) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, and `a.len()` is a multiple of
        /// their width.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn to_residues<const P: u32>(a: &mut [u32]) {
            // SAFETY: the caller guarantees what `generic::to_residues` requires
            // (this fn's # Safety).
            unsafe { super::generic::to_residues::<$lanes, P>(a) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `fa.len()` is a multiple of their
        /// width, and `fb` has at least `fa.len()` values.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn doubling_pointwise<const P: u32>(fa: &mut [u32], fb: &mut [u32], scale: u32) {
            // SAFETY: the caller guarantees what `generic::doubling_pointwise` requires
            // (this fn's # Safety).
            unsafe { super::generic::doubling_pointwise::<$lanes, P>(fa, fb, scale) }
        }
        /// # Safety
        /// The CPU runs these lanes' instruction set, `x1.len()` is a multiple of their
        /// width, and `x2` and `x3` have at least `x1.len()` values.
        $(#[target_feature(enable = $feature)])?
        pub(in crate::ntt) unsafe fn garner<const P2: u32, const P3: u32>(
            x1: &[u32],
            x2: &mut [u32],
            x3: &mut [u32],
            c: crate::ntt::garner::Garner,
        ) {
            // SAFETY: the caller guarantees what `generic::garner` requires (this fn's
            // # Safety).
            unsafe { super::generic::garner::<$lanes, P2, P3>(x1, x2, x3, c) }
        }
    };
}
use lane_kernels;
