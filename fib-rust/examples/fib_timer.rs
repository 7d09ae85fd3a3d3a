//! Times `fib_rust::fib` with no Python at all: the "rust-core" row of the benchmark.
//!
//! `fib_timer REPEATS WARMUP|auto ALGORITHM:N...` prints the same JSON-line events as
//! `python -m fib_measuring.measure` (ready, progress, result), so the benchmark shows
//! the cost of the Python binding as the ratio between this row and rust-release's.
//! Built by `make wheels` with the release profile, like the release wheel.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use fib_rust::{fib, Algorithm, BigUint};
use num_traits::{ToPrimitive, Zero};
use sha2::{Digest, Sha256};

const EDGE_DIGITS: u32 = 12;

/// The same facts as `fib_measuring.measure.describe`, computed the same way.
fn describe(value: &BigUint) -> String {
    let ten = BigUint::from(10u32);
    let mut digits = if value.is_zero() {
        1
    } else {
        ((value.bits() - 1) as f64 * std::f64::consts::LOG10_2) as u32 + 1
    };
    while *value >= ten.pow(digits) {
        digits += 1;
    }
    while digits > 1 && *value < ten.pow(digits - 1) {
        digits -= 1;
    }
    let leading = value / ten.pow(digits.saturating_sub(EDGE_DIGITS));
    let trailing = (value % ten.pow(EDGE_DIGITS)).to_u64().unwrap_or(0);
    let width = EDGE_DIGITS.min(digits) as usize;
    let bytes = if value.is_zero() {
        Vec::new()
    } else {
        value.to_bytes_le()
    };
    format!(
        r#""digits": {digits}, "leading": "{leading}", "trailing": "{trailing:0width$}", "digest": "sha256:{:x}""#,
        Sha256::digest(bytes)
    )
}

/// How many untimed calls come first: a fixed count, or `auto`, the rule of
/// `fib_measuring.measure.warm_up` (its constants are repeated here, and the benchmark's
/// tests check that this timer follows it). Every sample here is one call: Rust's clock
/// reads in about 20 ns natively, and no JIT compiles this code while it runs.
#[derive(Clone, Copy)]
enum Warmup {
    Fixed(usize),
    Auto,
}

const WARMUP_MAX_SAMPLES: usize = 100;
const WARMUP_MAX_SECONDS: f64 = 2.0;
const SETTLED_WINDOW: usize = 3;
const SETTLED_SPREAD: f64 = 0.05;

/// `measure.settled`: the first, cold call left out, the last SETTLED_WINDOW samples agree
/// within SETTLED_SPREAD and their median is not SETTLED_SPREAD below the window's before.
fn settled(times: &[u64]) -> bool {
    let samples = times.get(1..).unwrap_or_default();
    if samples.len() < SETTLED_WINDOW {
        return false;
    }
    let (before, last) = samples.split_at(samples.len() - SETTLED_WINDOW);
    let (low, high) = (last.iter().min().unwrap(), last.iter().max().unwrap());
    let before = &before[before.len().saturating_sub(SETTLED_WINDOW)..];
    (high - low) as f64 <= SETTLED_SPREAD * *low as f64
        && (before.is_empty() || median(last) >= (1.0 - SETTLED_SPREAD) * median(before))
}

/// The median of a few times, as Python's `statistics.median` takes it.
fn median(times: &[u64]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle] as f64
    } else {
        (sorted[middle - 1] + sorted[middle]) as f64 / 2.0
    }
}

fn list(times: &[u64]) -> String {
    let items: Vec<String> = times.iter().map(u64::to_string).collect();
    items.join(", ")
}

/// Prints the case's events; statistics are left to the benchmark, which summarises the
/// raw times of every build in one place.
fn run(repeats: usize, warmup: Warmup, algorithm: Algorithm, n: u64) -> Result<(), String> {
    let call = || fib(n, algorithm).map_err(|error| format!("ValueError: {error}"));
    let timed = || -> Result<(u64, BigUint), String> {
        let start = Instant::now();
        let value = black_box(call()?);
        Ok((start.elapsed().as_nanos() as u64, value))
    };
    let mut warm = Vec::new();
    loop {
        let limit = match warmup {
            Warmup::Fixed(count) => count,
            Warmup::Auto => WARMUP_MAX_SAMPLES,
        };
        if warm.len() >= limit {
            break;
        }
        warm.push(timed()?.0);
        let spent = warm.iter().sum::<u64>() as f64 / 1e9;
        if matches!(warmup, Warmup::Auto) && (settled(&warm) || spent >= WARMUP_MAX_SECONDS) {
            break;
        }
    }
    let warmup_settled = match warmup {
        Warmup::Fixed(_) => "null",
        Warmup::Auto if settled(&warm) => "true",
        Warmup::Auto => "false",
    };
    println!(
        r#"{{"event": "warm", "algorithm": "{algorithm}", "n": {n}, "warmup": {}, "warmup_times_ns": [{}], "warmup_settled": {warmup_settled}}}"#,
        warm.len(),
        list(&warm),
    );
    let mut times = Vec::with_capacity(repeats);
    let mut value = BigUint::zero();
    for done in 1..=repeats {
        let elapsed;
        (elapsed, value) = timed()?;
        times.push(elapsed);
        println!(
            r#"{{"event": "progress", "algorithm": "{algorithm}", "n": {n}, "done": {done}, "total": {repeats}, "last_ns": {elapsed}}}"#
        );
    }
    println!(
        r#"{{"event": "result", "algorithm": "{algorithm}", "n": {n}, "repeats": {repeats}, "warmup": {}, "warmup_times_ns": [{}], "warmup_settled": {warmup_settled}, "times_ns": [{}], {}}}"#,
        warm.len(),
        list(&warm),
        list(&times),
        describe(&value),
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = (|| -> Result<_, String> {
        let number = |text: &str| text.parse::<usize>().map_err(|e| format!("{text}: {e}"));
        let (repeats, warmup) = (
            number(args.first().ok_or("usage")?)?,
            match args.get(1).ok_or("usage")?.as_str() {
                "auto" => Warmup::Auto,
                count => Warmup::Fixed(number(count)?),
            },
        );
        let mut cases = Vec::new();
        for case in &args[2..] {
            let (algorithm, n) = case
                .split_once(':')
                .ok_or(format!("{case}: want ALGORITHM:N"))?;
            let algorithm: Algorithm = algorithm.parse().map_err(|e| format!("ValueError: {e}"))?;
            cases.push((
                algorithm,
                n.parse::<u64>().map_err(|e| format!("{n}: {e}"))?,
            ));
        }
        Ok((repeats.max(1), warmup, cases))
    })();
    let result = parsed.and_then(|(repeats, warmup, cases)| {
        println!(
            r#"{{"event": "ready", "interpreter": "Rust {} (no Python)", "build_info": {{"implementation": "fib-rust", "version": "{}", "profile": "release"}}}}"#,
            env!("FIB_RUST_RUSTC_VERSION"),
            env!("CARGO_PKG_VERSION"),
        );
        cases.into_iter().try_for_each(|(algorithm, n)| run(repeats, warmup, algorithm, n))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            println!(
                r#"{{"event": "error", "message": "{}"}}"#,
                message.replace('"', "'")
            );
            ExitCode::FAILURE
        }
    }
}
