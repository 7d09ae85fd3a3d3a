//! Fast doubling: walks the bits of n from the top, doubling k at each step.

use std::ops::ControlFlow;

use num_bigint::BigUint;
use num_traits::{One, Zero};

use crate::Progress;

/// F(n), or `None` if `on_progress` asked to stop.
pub(crate) fn fib(
    n: u64,
    mut on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Option<BigUint> {
    let total = u64::from(u64::BITS - n.leading_zeros());
    // Invariant: a = F(k), b = F(k + 1), where k is the bits of n consumed so far.
    let (mut a, mut b) = (BigUint::zero(), BigUint::one());
    for done in 1..=total {
        // F(2k) = F(k)(2F(k+1) − F(k)) and F(2k+1) = F(k)² + F(k+1)².
        // 2F(k+1) ≥ F(k), so the subtraction cannot underflow.
        let f2k = &a * ((&b << 1u8) - &a);
        let f2k1 = &a * &a + &b * &b;
        if (n >> (total - done)) & 1 == 1 {
            b = f2k + &f2k1;
            a = f2k1;
        } else {
            a = f2k;
            b = f2k1;
        }
        if on_progress(Progress { done, total }).is_break() {
            return None;
        }
    }
    Some(a)
}
