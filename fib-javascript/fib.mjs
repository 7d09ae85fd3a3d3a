// Fibonacci numbers on JavaScript BigInts: the "javascript" build of the fib API.
//
// The answer to "why not just JavaScript?": the same API as fib_python and fib_pyrs, on
// the engine's own big integers, with no Python and no WebAssembly in between. The rules
// are fib_python's (which repeats fib-rust's): the same MAX_N, the same checks in the same
// order with the same messages, progress reported at the same points. Python's ValueError
// becomes a RangeError here, its TypeError stays a TypeError; the messages name Python's
// types ("float", "str", "NoneType"), so that one row of the benchmark reads the same
// whichever build produced it.
//
// An ES module: it runs under Node.js and in a browser module worker.

// MAX_N and the algorithms' names come from contract.json (linked beside this file), the
// one source every implementation shares: read from disk under Node.js, fetched from the
// server in a browser, once, before anything else in the module runs.
const CONTRACT_URL = new URL("./contract.json", import.meta.url);
const contract =
  typeof process !== "undefined" && process.versions?.node
    ? JSON.parse((await import("node:fs")).readFileSync(CONTRACT_URL, "utf8"))
    : await (await fetch(CONTRACT_URL)).json();

export const ALGORITHMS = Object.freeze([...contract.algorithms]);

export const MAX_N = contract.max_n;

export const VERSION = "0.1.0";

// When the iterative algorithm reports progress: after about this many 64-bit limbs of
// additions, and at most this many steps (fib_python's _WORK_PER_REPORT, _STEPS_PER_REPORT_MAX).
const WORK_PER_REPORT = 2 ** 22;
const STEPS_PER_REPORT_MAX = 2 ** 14;

// log2 of the golden ratio: F(k) >= φ^(k-2) for k >= 1, so F(k) has more than
// (k - 2)·LOG2_PHI bits. A cheap lower bound for bitLength (see there).
const LOG2_PHI = Math.log2((1 + Math.sqrt(5)) / 2);

/**
 * F(n), the n-th Fibonacci number (F(0) = 0, F(1) = 1), as a BigInt.
 *
 * `n` is a BigInt or a Number that is a safe integer; `algorithm` is one of ALGORITHMS.
 * `progress(done, total)`, if given, is called at a bounded interval; an exception it
 * throws stops the computation and propagates.
 */
export function fib(n, algorithm = "iterative", { progress = null } = {}) {
  const count = checkN(n);
  checkAlgorithm(algorithm);
  if (progress !== null && progress !== undefined && typeof progress !== "function") {
    throw wrongType("progress", "callable or None", progress);
  }
  const report = typeof progress === "function" ? progress : null;
  return algorithm === "iterative" ? iterative(count, report) : doubling(count, report);
}

/** Which build this is: for fib-javascript, the JavaScript engine that runs it. */
export function buildInfo() {
  const node = nodeVersions();
  return {
    implementation: "fib-javascript",
    version: VERSION,
    profile: null,
    engine: node ? `V8 ${node.v8}` : browserName(globalThis.navigator?.userAgent),
  };
}

/** `Node.js 20.20.2 (V8 11.3.244.8-node.38)` under Node; `Chrome 156.0.8078.73` in a browser. */
export function interpreterName() {
  const node = nodeVersions();
  return node ? `Node.js ${node.node} (V8 ${node.v8})` : browserName(globalThis.navigator?.userAgent);
}

/**
 * The browser and its version from a user-agent string: "Chrome 156.0.8078.73".
 *
 * A browser does not tell a page its JavaScript engine's version; the browser's version
 * pins it down. The order matters: Edge and Opera also say "Chrome/", Chrome says "Safari/".
 */
export function browserName(userAgent) {
  const brands = [
    ["Edge", /Edg\/([\d.]+)/],
    ["Opera", /OPR\/([\d.]+)/],
    ["Chrome", /Chrome\/([\d.]+)/],
    ["Firefox", /Firefox\/([\d.]+)/],
    ["Safari", /Version\/([\d.]+).*Safari\//],
  ];
  for (const [name, pattern] of brands) {
    const match = pattern.exec(userAgent ?? "");
    if (match) return `${name} ${match[1]}`;
  }
  return userAgent ? `unknown browser (${userAgent})` : "unknown JavaScript runtime";
}

/**
 * The exact number of bits of a non-negative BigInt (0 for 0): Python's int.bit_length().
 *
 * BigInt has no bit length, and `value.toString(16)` costs time in proportion to the
 * size. `value >> atLeast` copies only the bits above `atLeast`, so a caller that knows
 * a lower bound close to the answer gets it in constant time. A wrong bound (one at or
 * above the true length) costs the linear way, never a wrong answer.
 */
export function bitLength(value, atLeast = 0) {
  const top = atLeast > 0 ? value >> BigInt(atLeast) : value;
  if (top === 0n) return atLeast > 0 ? bitLength(value) : 0;
  const hex = top.toString(16);
  // Four bits per hex digit, less the leading zero bits of the first digit (1 to 15).
  return atLeast + 4 * hex.length - (Math.clz32(parseInt(hex[0], 16)) - 28);
}

function iterative(n, progress) {
  let a = 0n; // F(done)
  let b = 1n; // F(done + 1)
  let done = 0;
  while (done < n) {
    // b = F(done + 1) has more than (done - 1)·log2 φ bits: with that bound (less one for
    // rounding), bitLength costs constant time, as Python's int.bit_length() does.
    const bits = bitLength(b, Math.max(0, Math.floor((done - 1) * LOG2_PHI) - 1));
    const limbs = Math.floor(bits / 64) + 1;
    const steps = Math.max(
      1,
      Math.min(Math.floor(WORK_PER_REPORT / limbs), STEPS_PER_REPORT_MAX, n - done),
    );
    for (let step = 0; step < steps; step++) {
      // a, b = b, a + b, without the array a destructuring swap allocates until V8 optimises it.
      const next = a + b;
      a = b;
      b = next;
    }
    done += steps;
    if (progress !== null) progress(done, n);
  }
  return a;
}

function doubling(n, progress) {
  // n <= MAX_N < 2^31, so the 32-bit bitwise operators are exact on it.
  const total = 32 - Math.clz32(n);
  let a = 0n; // F(k) for k = the leading bits of n consumed so far
  let b = 1n; // F(k + 1)
  for (let done = 1; done <= total; done++) {
    // F(2k) = F(k)(2F(k+1) - F(k)) and F(2k+1) = F(k)^2 + F(k+1)^2
    const f2k = a * ((b << 1n) - a);
    const f2k1 = a * a + b * b;
    if ((n >> (total - done)) & 1) {
      [a, b] = [f2k1, f2k + f2k1];
    } else {
      [a, b] = [f2k, f2k1];
    }
    if (progress !== null) progress(done, total);
  }
  return a;
}

// The checks, in fib_python's order: n, then algorithm, then progress.

/** The contract's TypeError unless n is an integer: a BigInt, or a Number that is a safe
 * integer. (fib_wasm.mjs checks n's type here too, and leaves its value to the module.) */
export function checkNType(n) {
  // Booleans are not numbers here, unlike in Python, but the message is the same. An
  // integral Number beyond 2^53 is not a safe integer: it stands for many integers at
  // once, so it is refused as a float would be.
  if (typeof n !== "bigint" && !Number.isSafeInteger(n)) throw wrongType("n", "an int", n);
}

/** n as a Number, once it is known to be an integer in 0..MAX_N. */
function checkN(n) {
  checkNType(n);
  if (n < 0) throw new RangeError(`n must be non-negative, got ${shownN(n)}`);
  if (n > MAX_N) throw new RangeError(`n must be at most ${MAX_N}, got ${shownN(n)}`);
  return Number(n);
}

/** A refused n as every implementation shows it: its value while it fits in 64 bits,
 * else its size (fib-rust's ShownN: writing out a huge integer is slow and useless). */
function shownN(n) {
  if (typeof n !== "bigint") return String(n);
  const bits = bitLength(n < 0n ? -n : n);
  return bits <= 64 ? String(n) : `${n < 0n ? "a negative" : "an"} integer of ${bits} bits`;
}

function checkAlgorithm(algorithm) {
  if (typeof algorithm !== "string") throw wrongType("algorithm", "a str", algorithm);
  if (!ALGORITHMS.includes(algorithm)) {
    const expected = ALGORITHMS.map((name) => `'${name}'`).join(", ");
    throw new RangeError(`unknown algorithm '${algorithm}': expected one of ${expected}`);
  }
}

export function wrongType(argument, expected, value) {
  return new TypeError(`${argument} must be ${expected}, not ${pythonTypeName(value)}`);
}

/** What Python calls the type of the same value, as it would arrive through JSON. */
function pythonTypeName(value) {
  if (value === null || value === undefined) return "NoneType";
  switch (typeof value) {
    case "bigint":
      return "int";
    case "number":
      return Number.isSafeInteger(value) ? "int" : "float";
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "function":
      return "function";
    case "symbol":
      return "symbol";
  }
  if (Array.isArray(value)) return "list";
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return "bytes";
  if (value instanceof Map) return "dict";
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null ? "dict" : "object";
}

function nodeVersions() {
  const versions = globalThis.process?.versions;
  return versions?.node ? versions : null;
}
