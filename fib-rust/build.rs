//! Records the compiler's version, which the `fib_timer` example reports with its timings
//! (cargo itself only exposes the minimum supported version), and turns the constants that
//! every implementation shares (`contract.json` at the repository's root) into Rust.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "(unknown version)".into());
    println!("cargo:rustc-env=FIB_RUST_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
    write_contract();
}

/// `$OUT_DIR/contract.rs`: `MAX_N` and the algorithms' names, from `../contract.json`.
fn write_contract() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let path = manifest.join("..").join("contract.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let contract: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let max_n = contract["max_n"]
        .as_u64()
        .expect("contract.json: max_n, an integer");
    let names: Vec<String> = contract["algorithms"]
        .as_array()
        .expect("contract.json: algorithms, a list")
        .iter()
        .map(|name| {
            format!(
                "{:?}",
                name.as_str().expect("contract.json: algorithm names")
            )
        })
        .collect();
    let source = format!(
        "/// The largest `n` any implementation accepts (`contract.json`).\n\
         pub const MAX_N: u64 = {max_n};\n\
         /// The algorithms' names, in `Algorithm::ALL`'s order (`contract.json`).\n\
         const ALGORITHM_NAMES: [&str; {}] = [{}];\n",
        names.len(),
        names.join(", ")
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("contract.rs");
    std::fs::write(out, source).expect("write contract.rs");
}
