//! The iterative algorithm: n additions, every F(i) computed on the way.
//!
//! [`fib`] runs the additions on carry-save numbers ([`crate::carry_save`]): the same n
//! additions, without a carry chain in the inner loop. [`fib_num_bigint`] is the plain
//! version on num-bigint, in place: the reference the fast one is tested against, and the
//! baseline `cargo bench` compares it with.

use std::mem;
use std::ops::ControlFlow;

use num_bigint::BigUint;
use num_traits::{One, Zero};

use crate::carry_save::FibPair;
use crate::{Progress, STEPS_PER_REPORT_MAX, WORK_PER_REPORT};

/// F(n), or `None` if `on_progress` asked to stop.
pub(crate) fn fib(
    n: u64,
    mut on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Option<BigUint> {
    let mut pair = FibPair::new(n); // (F(done), F(done + 1))
    let mut done = 0;
    while done < n {
        let steps = steps_before_next_report(pair.bits(), n - done);
        pair.advance(steps);
        done += steps;
        if on_progress(Progress { done, total: n }).is_break() {
            return None;
        }
    }
    Some(pair.into_first())
}

/// F(n) with num-bigint's in-place addition: `a += &b`, then swap the names.
pub fn fib_num_bigint(n: u64) -> BigUint {
    let (mut a, mut b) = (BigUint::zero(), BigUint::one());
    for _ in 0..n {
        // `a` becomes F(i + 2) in its own buffer: no allocation per step, only growth.
        a += &b;
        mem::swap(&mut a, &mut b);
    }
    a
}

/// How many additions of numbers of about `bits` bits make up [`WORK_PER_REPORT`].
///
/// The numbers grow by 0.69 bits a step, so a chunk is also capped at
/// [`STEPS_PER_REPORT_MAX`] steps, over which small numbers cannot grow past the budget.
pub(crate) fn steps_before_next_report(bits: u64, remaining: u64) -> u64 {
    let limbs = bits / 64 + 1;
    (WORK_PER_REPORT / limbs).clamp(1, STEPS_PER_REPORT_MAX.min(remaining))
}
