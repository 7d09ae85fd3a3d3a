//! The same arithmetic as `Field`, on 4 lanes of u32 with aarch64's NEON (Advanced SIMD):
//! `simd128`'s kernels, instruction for instruction, where NEON has the same operation
//! (widening 32x32->64 products, lane-wise minimum, and the unzip and transpose shuffles).
//!
//! Besides the `generic` kernels (`lane_kernels!`), the levels whose butterflies are 2
//! and 1 apart, which regroup lanes with shuffles.

use crate::ntt::field::Field;
use std::arch::aarch64::*;

#[derive(Clone, Copy)]
pub(super) struct Neon(uint32x4_t);

super::lanes_from_helpers!(Neon, 4);

// Every aarch64 target enables NEON at compile time, but Rust still counts its intrinsics
// as needing the feature: the kernels and helpers name it, and their callers say why
// calling them is sound (the build's target has it).
super::lane_kernels!(Neon, "neon");

/// Montgomery product of 4 lanes: 32x32->64 products of the low and high halves.
#[inline]
#[target_feature(enable = "neon")]
fn mul<const P: u32>(a: uint32x4_t, b: uint32x4_t) -> uint32x4_t {
    let (p, neg_inv) = (vdupq_n_u32(P), vdupq_n_u32(Field::<P>::NEG_INV));
    let (t_low, t_high) = (
        vmull_u32(vget_low_u32(a), vget_low_u32(b)),
        vmull_high_u32(a, b),
    );
    // The low 32 bits of each 64-bit product are its even u32 lanes.
    let t_mod = vuzp1q_u32(vreinterpretq_u32_u64(t_low), vreinterpretq_u32_u64(t_high));
    let m = vmulq_u32(t_mod, neg_inv);
    let s_low = vmlal_u32(t_low, vget_low_u32(m), vget_low_u32(p));
    let s_high = vmlal_high_u32(t_high, m, p);
    // t + m p < 2 P 2^32 < 2^64; its high halves, the odd u32 lanes, are the product.
    let u = vuzp2q_u32(vreinterpretq_u32_u64(s_low), vreinterpretq_u32_u64(s_high));
    vminq_u32(u, vsubq_u32(u, p))
}

#[inline]
#[target_feature(enable = "neon")]
fn splat(x: u32) -> uint32x4_t {
    vdupq_n_u32(x)
}

#[inline]
#[target_feature(enable = "neon")]
fn add<const P: u32>(a: uint32x4_t, b: uint32x4_t) -> uint32x4_t {
    let s = vaddq_u32(a, b);
    vminq_u32(s, vsubq_u32(s, vdupq_n_u32(P)))
}

#[inline]
#[target_feature(enable = "neon")]
fn sub<const P: u32>(a: uint32x4_t, b: uint32x4_t) -> uint32x4_t {
    let d = vsubq_u32(a, b);
    vminq_u32(d, vaddq_u32(d, vdupq_n_u32(P)))
}

#[inline]
#[target_feature(enable = "neon")]
fn load(slice: &[u32], at: usize) -> uint32x4_t {
    let lanes = &slice[at..at + 4];
    // SAFETY: `lanes` is four u32s; vld1q_u32 has no alignment requirement beyond u32's.
    unsafe { vld1q_u32(lanes.as_ptr()) }
}

#[inline]
#[target_feature(enable = "neon")]
fn store(slice: &mut [u32], at: usize, value: uint32x4_t) {
    let lanes = &mut slice[at..at + 4];
    // SAFETY: as in `load`.
    unsafe { vst1q_u32(lanes.as_mut_ptr(), value) }
}

/// Lanes 0 1 of `x` then 0 1 of `y` (simd128's shuffle 0 1 4 5).
#[inline]
#[target_feature(enable = "neon")]
fn low_halves(x: uint32x4_t, y: uint32x4_t) -> uint32x4_t {
    vcombine_u32(vget_low_u32(x), vget_low_u32(y))
}

/// Lanes 2 3 of `x` then 2 3 of `y` (simd128's shuffle 2 3 6 7).
#[inline]
#[target_feature(enable = "neon")]
fn high_halves(x: uint32x4_t, y: uint32x4_t) -> uint32x4_t {
    vcombine_u32(vget_high_u32(x), vget_high_u32(y))
}

/// The twiddles of the level 2 apart, for both halves of 4 lanes.
#[inline]
#[target_feature(enable = "neon")]
fn level_two_twiddles(twiddles: &[u32]) -> uint32x4_t {
    load(&[twiddles[2], twiddles[3], twiddles[2], twiddles[3]], 0)
}

/// The forward levels with butterflies 2 and 1 apart, 8 values at a time, lanes
/// regrouped by shuffles so that each butterfly's two values share a lane.
/// (The level 1 apart multiplies by w^0 = 1: no product.)
#[target_feature(enable = "neon")]
pub(in crate::ntt) fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
    let t2 = level_two_twiddles(twiddles);
    for j in (0..a.len()).step_by(8) {
        let (x, y) = (load(a, j), load(a, j + 4));
        // 2 apart: (0 2) (1 3) (4 6) (5 7).
        let (u, v) = (low_halves(x, y), high_halves(x, y));
        let (u, v) = (add::<P>(u, v), mul::<P>(sub::<P>(u, v), t2));
        // Now u = values 0 1 4 5, v = 2 3 6 7; 1 apart: (0 1) (2 3) (4 5) (6 7).
        let (p, q) = (vuzp1q_u32(u, v), vuzp2q_u32(u, v));
        let (p, q) = (add::<P>(p, q), sub::<P>(p, q));
        // p = values 0 4 2 6, q = 1 5 3 7.
        store(a, j, vtrn1q_u32(p, q));
        store(a, j + 4, vtrn2q_u32(p, q));
    }
}

/// The inverse levels with butterflies 1 and 2 apart: `forward_last_levels` undone.
#[target_feature(enable = "neon")]
pub(in crate::ntt) fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
    let t2 = level_two_twiddles(twiddles);
    for j in (0..a.len()).step_by(8) {
        let (x, y) = (load(a, j), load(a, j + 4));
        // 1 apart: (0 1) (2 3) (4 5) (6 7).
        let (p, q) = (vuzp1q_u32(x, y), vuzp2q_u32(x, y));
        let (p, q) = (add::<P>(p, q), sub::<P>(p, q));
        // p = values 0 2 4 6, q = 1 3 5 7; 2 apart: (0 2) (1 3) (4 6) (5 7).
        let (u, v) = (vtrn1q_u32(p, q), vtrn2q_u32(p, q));
        let v = mul::<P>(v, t2);
        let (u, v) = (add::<P>(u, v), sub::<P>(u, v));
        // u = values 0 1 4 5, v = 2 3 6 7.
        store(a, j, low_halves(u, v));
        store(a, j + 4, high_halves(u, v));
    }
}
