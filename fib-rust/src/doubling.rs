//! Fast doubling: walks the bits of n from the top, doubling k at each step.

use std::ops::ControlFlow;

use num_bigint::BigUint;
use num_traits::{One, Zero};

use crate::ntt::{LentMultiplier, Wanted};
use crate::Progress;

/// From this size of F(k) on, a step's products go through NTTs (`crate::ntt`) rather
/// than num-bigint's Karatsuba/Toom-3: at F(10^6), 2^16/2^14/2^12/2^10 bits took
/// 100M/89.5M/88.8M/88.9M instructions (callgrind, three calls), 2^12 also the fastest.
pub(crate) const NTT_FROM_BITS: u64 = 1 << 12;

/// F(n), or `None` if `on_progress` asked to stop.
pub(crate) fn fib(
    n: u64,
    mut on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Option<BigUint> {
    let total = u64::from(u64::BITS - n.leading_zeros());
    // The largest step starts from F(k + 1) with k <= n / 2: F(m) < 2^(0.6943 m).
    let largest_words = ((n / 2 + 2) as f64 * 0.694_242 / 32.0) as usize + 3;
    let mut multiplier =
        (largest_words * 32 >= NTT_FROM_BITS as usize).then(|| LentMultiplier::new(largest_words));
    // Invariant: a = F(k), b = F(k + 1), where k is the bits of n consumed so far.
    let (mut a, mut b) = (BigUint::zero(), BigUint::one());
    for done in 1..=total {
        let odd = (n >> (total - done)) & 1 == 1;
        // The last step needs only F(n): one product instead of two, in the largest step.
        let wanted = match (done == total, odd) {
            (false, _) => Wanted::Both,
            (true, false) => Wanted::Even,
            (true, true) => Wanted::Odd,
        };
        // F(2k) = F(k)(2F(k+1) - F(k)) and F(2k+1) = F(k)^2 + F(k+1)^2.
        // 2F(k+1) >= F(k), so the subtraction cannot underflow.
        let (f2k, f2k1) = match &mut multiplier {
            Some(multiplier) if b.bits() >= NTT_FROM_BITS => {
                multiplier.doubling_step(&a, &b, wanted)
            }
            _ => (
                (wanted != Wanted::Odd).then(|| &a * ((&b << 1u8) - &a)),
                (wanted != Wanted::Even).then(|| &a * &a + &b * &b),
            ),
        };
        (a, b) = match (f2k, f2k1, odd) {
            (Some(f2k), Some(f2k1), true) => {
                let f2k2 = f2k + &f2k1;
                (f2k1, f2k2)
            }
            (Some(f2k), Some(f2k1), false) => (f2k, f2k1),
            // The last step: F(n) alone, and b is not needed any more.
            (Some(f_n), None, _) | (None, Some(f_n), _) => (f_n, BigUint::zero()),
            (None, None, _) => unreachable!("a step computes at least one product"),
        };
        if on_progress(Progress { done, total }).is_break() {
            return None;
        }
    }
    Some(a)
}
