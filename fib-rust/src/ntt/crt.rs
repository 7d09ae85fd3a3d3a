//! The Chinese remainder theorem: each product coefficient rebuilt from its residues
//! modulo the three primes by Garner's algorithm, then the carries propagated into
//! 32-bit words.

use super::garner::Garner;
use super::kernels::widest_lanes;
use super::{LimbWriter, P1, P2, P3};

/// The mixed-radix digits of Garner's algorithm, lane by lane: residues (x1, x2, x3)
/// in, (x1, t1, t2) out, with x = x1 + p1 t1 + p1 p2 t2 (see `Garner`).
fn garner<const P2: u32, const P3: u32>(x1: &[u32], x2: &mut [u32], x3: &mut [u32], c: Garner) {
    widest_lanes!(x1.len(), garner::<P2, P3>(x1, x2, x3, c));
}

/// Rebuilds the exact (signed) coefficients from their three residues and propagates the
/// carries, into `out` (32-bit words); `r2` and `r3` are used as scratch.
pub(super) fn combine(
    r1: &[u32],
    r2: &mut [u32],
    r3: &mut [u32],
    words: usize,
    mut out: LimbWriter,
) {
    let lanes = words.next_multiple_of(16).min(r1.len());
    let (r1, r2, r3) = (&r1[..lanes], &mut r2[..lanes], &mut r3[..lanes]);
    garner::<P2, P3>(r1, r2, r3, Garner::new());
    let p1 = u64::from(P1);
    let p1p2 = p1 * u64::from(P2);
    let (p1p2_high, p1p2_low) = ((p1p2 >> 32) as i64, (p1p2 & 0xFFFF_FFFF) as i64);
    let mut carry: i64 = 0;
    for ((&x1, &t1), &t2) in r1.iter().zip(&*r2).zip(&*r3).take(words) {
        // x = x1 + p1 t1 + p1 p2 t2 is the coefficient modulo P, in [0, P), to be read as
        // signed. It is negative when t2 > p3 / 2: decided by t2 alone, which is exact as
        // long as |x| stays p1 p2 away from P / 2 (checked in `tests`). Then t2 - p3 in
        // place of t2 gives x - P.
        let t2 = i64::from(t2) - if 2 * t2 > P3 { i64::from(P3) } else { 0 };
        // x = low + 2^32 p1p2_high t2, every part in an i64 (no i128: on wasm32 its
        // products are library calls).
        let low = (u64::from(x1) + p1 * u64::from(t1)) as i64 + p1p2_low * t2;
        let sum = carry + (low & 0xFFFF_FFFF);
        out.push(u64::from(sum as u32));
        carry = (sum >> 32) + (low >> 32) + p1p2_high * t2; // floor divisions
    }
    debug_assert!(carry >= 0, "a product of F(k)s is positive");
    out.finish(carry as u128);
}
