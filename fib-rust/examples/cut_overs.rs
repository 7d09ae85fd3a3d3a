//! Times the doubling under other cut-overs than the defaults, in one process, in turns:
//! how the cut-overs in `fib_rust::tuning` were chosen, and how to check them on another
//! machine.
//!
//! ```text
//! cargo run --release -p fib-rust --example cut_overs -- \
//!     --n 10000,24681,100000 --karatsuba 32,48,64,80 --product-karatsuba 24,32 \
//!     --toom3 96,128 --toom4 256,384 --ntt-from 8000,16384 [--isa avx2]
//! ```
//!
//! Each option varies one cut-over from the path's defaults. Each round times every
//! setting once at every n (a sample is a loop of calls lasting at least 2 ms); the table
//! gives, per setting and n, the median over rounds of its time divided by the default's
//! in the same round (below 1: faster than the default), so a machine whose speed drifts
//! between rounds (a shared VM's does) still compares like with like.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clap::{Arg, Command};
use fib_rust::tuning::{with_cut_overs, Basecase, CutOvers};
use fib_rust::{fib, with_isa, Algorithm, Isa};

fn list<T: std::str::FromStr>(text: &str) -> Result<Vec<T>, String> {
    text.split(',')
        .map(|item| {
            item.trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("not a number: {item:?}"))
        })
        .collect()
}

/// Seconds per call of F(n) under `cut_overs`, from a loop lasting at least `at_least`.
fn seconds_per_call(n: u64, cut_overs: CutOvers, at_least: Duration) -> f64 {
    with_cut_overs(cut_overs, || {
        let (mut calls, start) = (0u32, Instant::now());
        while start.elapsed() < at_least {
            black_box(fib(black_box(n), Algorithm::Doubling).unwrap());
            calls += 1;
        }
        start.elapsed().as_secs_f64() / f64::from(calls)
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> Result<(), String> {
    let options = Command::new("cut_overs")
        .about("Times fib-rust's doubling under other cut-overs, against the defaults")
        .arg(
            Arg::new("n")
                .long("n")
                .default_value("10000,24681,100000,300000"),
        )
        .arg(
            Arg::new("karatsuba")
                .long("karatsuba")
                .help("limbs, e.g. 32,48,64"),
        )
        .arg(
            Arg::new("product-karatsuba")
                .long("product-karatsuba")
                .help("limbs, for the last step's product, e.g. 24,32,48"),
        )
        .arg(
            Arg::new("toom3")
                .long("toom3")
                .help("limbs, e.g. 96,128,192"),
        )
        .arg(
            Arg::new("toom4")
                .long("toom4")
                .help("limbs, e.g. 192,256,384"),
        )
        .arg(
            Arg::new("ntt-from")
                .long("ntt-from")
                .help("bits, e.g. 8000,16384"),
        )
        .arg(
            Arg::new("isa")
                .long("isa")
                .help("the path to time (default: the widest)"),
        )
        .arg(Arg::new("rounds").long("rounds").default_value("9"))
        .get_matches();
    let text = |name: &str| options.get_one::<String>(name).map(String::as_str);
    let ns: Vec<u64> = list(text("n").unwrap_or_default())?;
    let rounds: usize = text("rounds")
        .unwrap_or("9")
        .parse()
        .map_err(|_| "--rounds: a count")?;
    let isa = match text("isa") {
        None => Isa::detected(),
        Some(name) => Isa::from_name(name)
            .filter(|isa| isa.runs_here())
            .ok_or(format!(
                "--isa {name}: this machine runs {:?}",
                Isa::available()
            ))?,
    };
    let default = CutOvers::default_for(isa);
    let mut settings = vec![("default".to_string(), default)];
    for value in list::<usize>(text("karatsuba").unwrap_or_default()).unwrap_or_default() {
        settings.push((
            format!("karatsuba {value}"),
            CutOvers {
                karatsuba_from: value,
                ..default
            },
        ));
    }
    for value in list::<usize>(text("product-karatsuba").unwrap_or_default()).unwrap_or_default() {
        settings.push((
            format!("product karatsuba {value}"),
            CutOvers {
                product_karatsuba_from: value,
                ..default
            },
        ));
    }
    for value in list::<usize>(text("toom3").unwrap_or_default()).unwrap_or_default() {
        settings.push((
            format!("toom3 {value}"),
            CutOvers {
                toom3_from: value,
                ..default
            },
        ));
    }
    for value in list::<usize>(text("toom4").unwrap_or_default()).unwrap_or_default() {
        settings.push((
            format!("toom4 {value}"),
            CutOvers {
                toom4_from: value,
                ..default
            },
        ));
    }
    for bits in list::<u64>(text("ntt-from").unwrap_or_default()).unwrap_or_default() {
        settings.push((
            format!("ntt {bits}"),
            CutOvers {
                ntt_from_bits: bits,
                ..default
            },
        ));
    }
    println!(
        "path {isa}, basecase {}, defaults: Karatsuba from {} limbs ({} for products), Toom-3 from {}, Toom-4 from {}, NTT from {} bits (full transforms); {rounds} rounds",
        Basecase::for_isa(isa).name(),
        default.karatsuba_from,
        default.product_karatsuba_from,
        default.toom3_from,
        default.toom4_from,
        default.ntt_from_bits,
    );
    let at_least = Duration::from_millis(2);
    // ratios[setting][n]: one ratio to the default per round.
    let mut ratios = vec![vec![Vec::new(); ns.len()]; settings.len()];
    let mut default_times = vec![Vec::new(); ns.len()];
    with_isa(isa, || {
        for _ in 0..rounds {
            for (column, &n) in ns.iter().enumerate() {
                let times: Vec<f64> = settings
                    .iter()
                    .map(|(_, cut_overs)| seconds_per_call(n, *cut_overs, at_least))
                    .collect();
                default_times[column].push(times[0]);
                for (row, time) in times.iter().enumerate() {
                    ratios[row][column].push(time / times[0]);
                }
            }
        }
    });
    print!("\n| setting |");
    ns.iter().for_each(|n| print!(" F({n}) |"));
    print!("\n|---|");
    ns.iter().for_each(|_| print!("---:|"));
    print!("\n| default (median time) |");
    for times in default_times {
        print!(" {:.1} µs |", median(times) * 1e6);
    }
    for ((name, _), row) in settings.iter().zip(ratios).skip(1) {
        print!("\n| {name} |");
        for column in row {
            print!(" {:.3}x |", median(column));
        }
    }
    println!();
    Ok(())
}
