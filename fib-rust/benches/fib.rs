//! `cargo bench -p fib-rust`: both algorithms, and the cost of the progress hook.

use std::hint::black_box;
use std::ops::ControlFlow;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fib_rust::{fib, fib_with_progress, Algorithm};

fn algorithms(c: &mut Criterion) {
    let mut group = c.benchmark_group("fib");
    group.sample_size(10);
    for &n in &[10_000u64, 100_000] {
        group.bench_with_input(BenchmarkId::new("iterative_num_bigint", n), &n, |b, &n| {
            b.iter(|| fib_rust::fib_num_bigint(black_box(n)))
        });
    }
    for (algorithm, sizes) in [
        (Algorithm::Iterative, &[10_000u64, 100_000][..]),
        (Algorithm::Doubling, &[100_000, 1_000_000][..]),
    ] {
        for &n in sizes {
            group.bench_with_input(BenchmarkId::new(algorithm.name(), n), &n, |b, &n| {
                b.iter(|| fib(black_box(n), algorithm).unwrap())
            });
        }
    }
    group.finish();
}

/// The hook must cost nothing measurable: compare a counting hook with none at all.
fn progress_hook_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("progress_hook");
    group.sample_size(10);
    let n = 100_000;
    group.bench_function("iterative/no_hook", |b| {
        b.iter(|| fib(black_box(n), Algorithm::Iterative).unwrap())
    });
    group.bench_function("iterative/counting_hook", |b| {
        b.iter(|| {
            let mut calls = 0u64;
            let value = fib_with_progress(black_box(n), Algorithm::Iterative, |_| {
                calls += 1;
                ControlFlow::Continue(())
            });
            black_box(calls);
            value.unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, algorithms, progress_hook_cost);
criterion_main!(benches);
