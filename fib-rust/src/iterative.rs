//! The iterative algorithm: n additions, every F(i) computed on the way.

use std::mem;
use std::ops::ControlFlow;

use num_bigint::BigUint;
use num_traits::{One, Zero};

use crate::{Progress, STEPS_PER_REPORT_MAX, WORK_PER_REPORT};

/// F(n), or `None` if `on_progress` asked to stop.
pub(crate) fn fib(
    n: u64,
    mut on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Option<BigUint> {
    // Invariant: a = F(done), b = F(done + 1).
    let (mut a, mut b) = (BigUint::zero(), BigUint::one());
    let mut done = 0;
    while done < n {
        let steps = steps_before_next_report(b.bits(), n - done);
        for _ in 0..steps {
            // In place: `a` becomes F(i + 2) in its own buffer, then the names swap. No
            // allocation per step, only the buffer's amortised growth.
            a += &b;
            mem::swap(&mut a, &mut b);
        }
        done += steps;
        if on_progress(Progress { done, total: n }).is_break() {
            return None;
        }
    }
    Some(a)
}

/// How many additions of numbers of about `bits` bits make up [`WORK_PER_REPORT`].
///
/// The numbers grow by 0.69 bits a step, so a chunk is also capped at
/// [`STEPS_PER_REPORT_MAX`] steps, over which small numbers cannot grow past the budget.
pub(crate) fn steps_before_next_report(bits: u64, remaining: u64) -> u64 {
    let limbs = bits / 64 + 1;
    (WORK_PER_REPORT / limbs).clamp(1, STEPS_PER_REPORT_MAX.min(remaining))
}
