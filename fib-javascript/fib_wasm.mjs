// The "rust-wasm" build: fib-rust's WebAssembly module (fib-wasm: the very .wasm file that
// wasmtime runs from CPython as rust-wasmtime) instantiated by plain JavaScript, with no
// Pyodide. Beside the Pyodide builds it shows what Pyodide's layer costs, and beside the
// BigInt build what Rust's arithmetic buys in a browser.
//
// The same API as fib.mjs (fib, buildInfo, interpreterName, ALGORITHMS, MAX_N, VERSION). The
// module checks the values of n and the algorithm, with fib-rust's messages; this host
// checks the types, as fib.mjs does and with its words, drives the module's C ABI
// (fib-wasm/src/lib.rs), answers its progress import, and turns F(n)'s bytes into a BigInt.
//
// The module is built for WASI (wasm32-wasip1) and imports four WASI calls, which Rust's
// standard library links in: the environment (for FIB_RUST_ISA, empty here), writing to
// stderr (a panic's message) and exiting. Those four are answered below rather than by a
// WASI library: there are no files, clocks or arguments to provide.
//
// An ES module with a top-level await (the module is compiled as this file loads): under
// Node.js it reads fib_wasm.wasm from beside this file (`make wasm` copies it there), in a
// browser it streams it from the server, which sends it as application/wasm.

import { bitLength, checkNType, interpreterName, wrongType } from "./fib.mjs";

export { interpreterName };

export const VERSION = "0.1.0";

// fib-wasm's statuses (fib-wasm/src/lib.rs: OK, VALUE_ERROR, CANCELLED).
const OK = 0;
const VALUE_ERROR = 1;
const CANCELLED = 2;

const WASM_URL = new URL("./fib_wasm.wasm", import.meta.url);
const IN_NODE = Boolean(globalThis.process?.versions?.node);

const compileStarted = performance.now();
const compiled = IN_NODE
  ? await WebAssembly.compile((await import("node:fs")).readFileSync(WASM_URL))
  : await WebAssembly.compileStreaming(fetch(WASM_URL));
/** Seconds spent fetching and compiling the module. */
export const COMPILE_SECONDS = (performance.now() - compileStarted) / 1000;

/** A failed WASI call, or the module asking to exit: never expected, always reported. */
class WasiExit extends Error {}

/** One instance of the module with its progress hook; replaced after a trap. */
function instantiate() {
  const state = { callback: null, interruption: null, memory: null };
  const bytes = (pointer, length) => new Uint8Array(state.memory.buffer, pointer, length);
  const view = () => new DataView(state.memory.buffer);
  const wasi = {
    environ_sizes_get(countPointer, sizePointer) {
      view().setUint32(countPointer, 0, true);
      view().setUint32(sizePointer, 0, true);
      return 0;
    },
    environ_get: () => 0,
    fd_write(fd, iovecs, count, writtenPointer) {
      let text = "";
      let written = 0;
      for (let i = 0; i < count; i++) {
        const start = view().getUint32(iovecs + 8 * i, true);
        const length = view().getUint32(iovecs + 8 * i + 4, true);
        text += new TextDecoder().decode(bytes(start, length));
        written += length;
      }
      console.error(`fib-wasm (fd ${fd}): ${text.trimEnd()}`);
      view().setUint32(writtenPointer, written, true);
      return 0;
    },
    proc_exit(code) {
      throw new WasiExit(`fib-wasm exited with status ${code}`);
    },
  };
  const progress = (done, total) => {
    // The callback's exception stops the computation; it is thrown once the module returns.
    try {
      state.callback?.(Number(done), Number(total));
      return 0;
    } catch (error) {
      state.interruption = error;
      return 1;
    }
  };
  const instance = new WebAssembly.Instance(compiled, {
    fib: { progress },
    wasi_snapshot_preview1: wasi,
  });
  state.memory = instance.exports.memory;
  return { state, bytes, exports: instance.exports };
}

let current = instantiate();

/** Calls an export; after a trap (a panic in Rust) the next call gets a new instance. */
function call(name, ...args) {
  try {
    return current.exports[name](...args);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError || error instanceof WasiExit) {
      current = instantiate();
      throw new Error(`fib-wasm stopped with a trap: ${error.message}`);
    }
    throw error;
  }
}

/** The last call's output, where the module's output location says it is. */
function output() {
  const location = new DataView(current.state.memory.buffer, call("fib_output_location"), 8);
  return current.bytes(location.getUint32(0, true), location.getUint32(4, true));
}

// fib-wasm's arguments (fib-wasm/src/lib.rs, `Arguments`): n's magnitude within 64 bits,
// its bit length, negative, hex, reports, a reserved byte; then the algorithm's name.
const ARGUMENTS_HEADER = 20;
const HEX = 1; // the output's form: hexadecimal digits, which BigInt() parses in linear time
// Which progress reports the module sends: none without a callback (nothing to check:
// a page's Cancel ends the whole worker), every one with.
const REPORTS_NEVER = 0;
const REPORTS_ALL = 2;

/** `fib` or `fib_check` on (n, algorithm): the status, with a value error thrown. */
function callWith(name, n, algorithm, reports = REPORTS_NEVER) {
  const big = BigInt(n);
  const magnitude = big < 0n ? -big : big;
  const bits = bitLength(magnitude);
  const encoded = new TextEncoder().encode(algorithm);
  const length = ARGUMENTS_HEADER + encoded.length;
  const block = new DataView(current.state.memory.buffer, call("fib_input", length), length);
  block.setBigUint64(0, bits <= 64 ? magnitude : 0n, true);
  block.setBigUint64(8, BigInt(bits), true);
  block.setUint8(16, big < 0n ? 1 : 0);
  block.setUint8(17, HEX);
  block.setUint8(18, reports);
  block.setUint8(19, 0);
  new Uint8Array(block.buffer, block.byteOffset + ARGUMENTS_HEADER, encoded.length).set(encoded);
  const status = call(name, length);
  if (status === VALUE_ERROR) throw new RangeError(new TextDecoder().decode(output()));
  return status;
}

/**
 * F(n) as a BigInt, computed by fib-rust in WebAssembly: the same contract as fib.mjs's.
 */
export function fib(n, algorithm = "iterative", { progress = null } = {}) {
  // The contract's order: n (type, value), algorithm (type, value), progress.
  checkNType(n);
  if (typeof algorithm !== "string") {
    callWith("fib_check", n, ALGORITHMS[0]); // an error in n comes first
    throw wrongType("algorithm", "a str", algorithm);
  }
  if (progress !== null && progress !== undefined && typeof progress !== "function") {
    callWith("fib_check", n, algorithm);
    throw wrongType("progress", "callable or None", progress);
  }
  const { state } = current;
  state.callback = progress ?? null;
  state.interruption = null;
  let status;
  try {
    status = callWith("fib", n, algorithm, progress ? REPORTS_ALL : REPORTS_NEVER);
  } finally {
    state.callback = null;
  }
  if (status === CANCELLED) throw state.interruption ?? new Error("fib-wasm stopped without a reason");
  if (status !== OK) throw new Error(`fib-wasm answered with an unknown status ${status}`);
  // The module's hex digits: 4 ms for F(10^7), where making the text from bytes in
  // JavaScript took 40 ms.
  return BigInt(`0x${new TextDecoder().decode(output())}`);
}

/** fib-wasm's own description of its build. */
function moduleInfo() {
  call("fib_build_info");
  return JSON.parse(new TextDecoder().decode(output()));
}

const MODULE_INFO = moduleInfo();

/** Every algorithm, by name, as the module knows them. */
export const ALGORITHMS = Object.freeze([...MODULE_INFO.algorithms]);

/** The largest n the module accepts (fib-rust's MAX_N). */
export const MAX_N = MODULE_INFO.max_n;

/** Which build this is: the module's description, and how long compiling it took. */
export function buildInfo() {
  const { profile, opt_level, rustc, target, isa, basecase, ntt, dependencies } = MODULE_INFO;
  return {
    implementation: "fib-wasm",
    version: VERSION,
    profile,
    opt_level,
    rustc,
    target,
    isa,
    basecase,
    ntt,
    dependencies,
    engine: interpreterName(),
    // As fib_wasmtime reports it; V8 may reuse its own cache of the compiled code.
    module: { file: "fib_wasm.wasm", compiled: true, load_s: COMPILE_SECONDS },
  };
}

/** Panics in Rust. Not part of the API: the tests check that the next call still works. */
export function _panic() {
  call("fib_test_panic");
}
