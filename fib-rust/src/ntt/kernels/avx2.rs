//! The same arithmetic as `Field`, on 8 lanes of u32.
//!
//! Besides the `generic` kernels (`lane_kernels!`), the levels whose butterflies are 4,
//! 2 and 1 apart, which regroup lanes with shuffles.

use crate::ntt::field::Field;
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
        let t_odd = _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), _mm256_srli_epi64::<32>(b));
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
pub(in crate::ntt) unsafe fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
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
pub(in crate::ntt) unsafe fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
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
