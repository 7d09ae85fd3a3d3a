// The builds this folder runs, by variant name (contract.json), and the module of each:
// the BigInt build, and the host of fib-rust's WebAssembly module. Relative to this file.
export const IMPLEMENTATIONS = Object.freeze({
  javascript: "./fib.mjs",
  "rust-wasm": "./fib_wasm.mjs",
});
