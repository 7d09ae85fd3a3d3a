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

/// x w mod P for a known twiddle factor w, given plain with its quotient
/// floor(w 2^32 / P) (Victor Shoup's product, `Field::shoup_pair`): q = the high half of
/// x quotient, and x w - q P, which lies in [0, 2P), from the low halves alone. Two
/// widening products where the Montgomery product (`mul`) takes four.
#[inline(always)]
fn mul_shoup<const P: u32>(x: v128, w: v128, quotient: v128) -> v128 {
    let (low, high) = (
        u64x2_extmul_low_u32x4(x, quotient),
        u64x2_extmul_high_u32x4(x, quotient),
    );
    let q = i32x4_shuffle::<1, 3, 5, 7>(low, high);
    let p = u32x4_splat(P);
    let r = i32x4_sub(i32x4_mul(x, w), i32x4_mul(q, p));
    u32x4_min(r, i32x4_sub(r, p))
}

/// `generic::forward_two_levels` with Shoup's products: the twiddles of the levels with
/// butterflies `len` and `len / 2` apart as (plain values, quotients), `len` and `len / 2`
/// of each; `len / 2` whole chunks of 4 lanes.
pub(in crate::ntt) fn forward_two_levels_shoup<const P: u32>(
    a: &mut [u32],
    len: usize,
    (tw, tw_quotient): (&[u32], &[u32]),
    (half_tw, half_quotient): (&[u32], &[u32]),
) {
    let quarter = len / 2;
    for block in a.chunks_exact_mut(2 * len) {
        let (low, high) = block.split_at_mut(len);
        let (q0, q1) = low.split_at_mut(quarter);
        let (q2, q3) = high.split_at_mut(quarter);
        for j in (0..quarter).step_by(4) {
            let (x0, x1, x2, x3) = (load(q0, j), load(q1, j), load(q2, j), load(q3, j));
            // (x, y) -> (x + y, (x - y) w), outer level then inner.
            let y0 = add::<P>(x0, x2);
            let y2 = mul_shoup::<P>(sub::<P>(x0, x2), load(tw, j), load(tw_quotient, j));
            let y1 = add::<P>(x1, x3);
            let (w1, w1_quotient) = (load(tw, quarter + j), load(tw_quotient, quarter + j));
            let y3 = mul_shoup::<P>(sub::<P>(x1, x3), w1, w1_quotient);
            let (v, v_quotient) = (load(half_tw, j), load(half_quotient, j));
            store(q0, j, add::<P>(y0, y1));
            store(q1, j, mul_shoup::<P>(sub::<P>(y0, y1), v, v_quotient));
            store(q2, j, add::<P>(y2, y3));
            store(q3, j, mul_shoup::<P>(sub::<P>(y2, y3), v, v_quotient));
        }
    }
}

/// `generic::inverse_two_levels` with Shoup's products: the twiddles of the levels with
/// butterflies `len` and `2 len` apart as (plain values, quotients), `len` and `2 len` of
/// each; `len` whole chunks of 4 lanes.
pub(in crate::ntt) fn inverse_two_levels_shoup<const P: u32>(
    a: &mut [u32],
    len: usize,
    (tw, tw_quotient): (&[u32], &[u32]),
    (double_tw, double_quotient): (&[u32], &[u32]),
) {
    for block in a.chunks_exact_mut(4 * len) {
        let (low, high) = block.split_at_mut(2 * len);
        let (q0, q1) = low.split_at_mut(len);
        let (q2, q3) = high.split_at_mut(len);
        for j in (0..len).step_by(4) {
            // (x, y) -> (x + y w, x - y w), inner level then outer.
            let (w, w_quotient) = (load(tw, j), load(tw_quotient, j));
            let (x0, x1) = (load(q0, j), mul_shoup::<P>(load(q1, j), w, w_quotient));
            let (x2, x3) = (load(q2, j), mul_shoup::<P>(load(q3, j), w, w_quotient));
            let (y0, y1) = (add::<P>(x0, x1), sub::<P>(x0, x1));
            let (y2, y3) = (add::<P>(x2, x3), sub::<P>(x2, x3));
            let (w2, w2_quotient) = (load(double_tw, j), load(double_quotient, j));
            let y2 = mul_shoup::<P>(y2, w2, w2_quotient);
            let (w3, w3_quotient) = (load(double_tw, len + j), load(double_quotient, len + j));
            let y3 = mul_shoup::<P>(y3, w3, w3_quotient);
            store(q0, j, add::<P>(y0, y2));
            store(q2, j, sub::<P>(y0, y2));
            store(q1, j, add::<P>(y1, y3));
            store(q3, j, sub::<P>(y1, y3));
        }
    }
}
