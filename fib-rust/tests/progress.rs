//! The progress hook: called, bounded, monotonic, and able to stop a computation.

use std::ops::ControlFlow;

use fib_rust::{fib, fib_with_progress, Algorithm, FibError, Progress, MAX_N};

fn reports(n: u64, algorithm: Algorithm) -> Vec<Progress> {
    let mut seen = Vec::new();
    let value = fib_with_progress(n, algorithm, |p| {
        seen.push(p);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(value, fib(n, algorithm).unwrap());
    seen
}

#[test]
fn reports_are_monotonic_and_end_at_total() {
    for algorithm in Algorithm::ALL {
        for n in [1, 2, 93, 5_000, 40_000] {
            let seen = reports(n, algorithm);
            assert!(!seen.is_empty(), "{algorithm} F({n}) never reported");
            assert!(seen.windows(2).all(|w| w[0].done < w[1].done));
            let last = seen.last().unwrap();
            assert_eq!(last.done, last.total);
            assert!(seen.iter().all(|p| p.total == last.total));
        }
    }
}

#[test]
fn reports_are_bounded_not_per_step() {
    // 100 000 additions, reported in chunks of at most STEPS_PER_REPORT_MAX.
    let iterative = reports(100_000, Algorithm::Iterative);
    assert_eq!(iterative.last().unwrap().total, 100_000);
    assert!(
        (7..=40).contains(&iterative.len()),
        "{} reports",
        iterative.len()
    );
    // Doubling reports once per bit of n: 100 000 < 2^17.
    assert_eq!(reports(100_000, Algorithm::Doubling).len(), 17);
    assert!(reports(0, Algorithm::Iterative).is_empty());
}

#[test]
fn the_hook_can_cancel() {
    for algorithm in Algorithm::ALL {
        let mut calls = 0;
        let result = fib_with_progress(MAX_N, algorithm, |_| {
            calls += 1;
            ControlFlow::Break(())
        });
        assert_eq!(result, Err(FibError::Cancelled));
        assert_eq!(calls, 1, "{algorithm} went on after Break");
    }
}
