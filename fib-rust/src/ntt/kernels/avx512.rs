//! The same arithmetic as `Field`, on 16 lanes of u32.
//!
//! Besides the `generic` kernels (`lane_kernels!`, pairs of longer levels in one pass
//! among them), the levels whose butterflies are 8, 4, 2 and 1 apart, which regroup lanes
//! with permutations.

use crate::ntt::field::Field;
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
        let t_odd = _mm512_mul_epu32(_mm512_srli_epi64::<32>(a), _mm512_srli_epi64::<32>(b));
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
pub(in crate::ntt) unsafe fn forward_last_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
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
pub(in crate::ntt) unsafe fn inverse_first_levels<const P: u32>(a: &mut [u32], twiddles: &[u32]) {
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
