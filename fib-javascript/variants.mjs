// The builds this folder holds, by variant name (contract.json), and the module of each:
// the BigInt build, and the host of fib-rust's WebAssembly module. Full URLs, resolved
// from this file, so that an import() from anywhere (the Node runner, the page's worker)
// finds them.
export const IMPLEMENTATIONS = Object.freeze({
  javascript: new URL("./fib.mjs", import.meta.url).href,
  "rust-wasm": new URL("./fib_wasm.mjs", import.meta.url).href,
});
