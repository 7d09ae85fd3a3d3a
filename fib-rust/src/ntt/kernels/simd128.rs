//! The same arithmetic as `Field`, on 4 lanes of u32.
//!
//! Besides the `generic` kernels (`lane_kernels!`), the levels whose butterflies are 2
//! and 1 apart, which regroup lanes with shuffles.

use crate::ntt::field::Field;
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
pub(in crate::ntt) fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
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
pub(in crate::ntt) fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
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
