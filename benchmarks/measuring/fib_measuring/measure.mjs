// Time fib calls of the JavaScript build, and describe the results.
//
// The timing half of benchmarks/measuring/fib_measuring/measure.py, for builds that run where
// there is no Python: the same warm-up rule and calibration of samples, the same events
// with the same keys, the same description of F(n) (benchmarks/tests/test_javascript.py
// checks that the two agree). The timing has to run in the measured runtime; the
// statistics do not, so there are none here: a result carries its samples, and Python
// computes every row's statistics and warnings (measure.summarize, in the CLI's
// runtimes.measure_build and the site's /api/document, schema.summarized).
//
// Events (plain objects): those of fib_benchmarks/events.py, as measure.py says them
// (ready; per case warm, progress per timed sample, result; or error, whose message reads
// "RangeError: n must be non-negative, got -5").
//
// Standard library only (performance, crypto.subtle): runs under Node.js and in a browser
// module worker.

// The BigInt build's own bit length (the JavaScript builds live in fib-javascript/; the
// site serves both files at their paths in the repository, so this holds there too).
import { bitLength } from "../../../fib-javascript/fib.mjs";

const LOG10_2 = Math.log10(2);
const EDGE_DIGITS = 12;

// Adaptive warm-up (see measure.py): the first call alone, then samples calibrated as the
// timed ones, until the last SETTLED_WINDOW lie within SETTLED_SPREAD of each other and are
// no faster than the window before; at most WARMUP_MAX_SAMPLES samples and none started
// once WARMUP_MAX_SECONDS have gone on warm-up. In JavaScript this is where V8 moves the
// fib functions from its interpreter to optimised code (and fib_wasm.mjs's WebAssembly
// from its baseline compiler to the optimising one, function by function).
export const WARMUP_MAX_SAMPLES = 100;
export const WARMUP_MAX_SECONDS = 2.0;
export const SETTLED_WINDOW = 3;
export const SETTLED_SPREAD = 0.05;
export const AUTO = "auto";

// A timed sample lasts at least this many ticks: as many calls as that takes, timed
// together, each sample's time then divided by its calls (measure.py's calibration).
export const SAMPLE_TICKS = 1000;
export const MAX_LOOPS = 1_000_000;

class AssertionError extends Error {
  name = "AssertionError";
}

/** "RangeError: n must be non-negative, got -5": Python's `f"{type(error).__name__}: {error}"`. */
export function errorMessage(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// --- Describing F(n) ---------------------------------------------------------------------

/**
 * Facts that identify an integer and can be compared across implementations and runtimes:
 * {digits, leading, trailing, digest}, exactly as measure.describe gives them.
 *
 * Fast on F(10^7) (two million digits): `value.toString()` would cost V8 most of a
 * second there, so the decimal facts come from one division by a power of ten, and the
 * bytes from the (linear) hexadecimal form.
 */
export async function describe(value) {
  const integer = BigInt(value);
  if (integer < 0n) throw new RangeError(`describe needs a non-negative integer, got ${integer}`);
  const { digits, head } = decimalHead(integer);
  const trailing = String(integer % 10n ** BigInt(EDGE_DIGITS));
  const bytes = littleEndianBytes(integer);
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes));
  return {
    digits,
    leading: head.slice(0, EDGE_DIGITS),
    trailing: trailing.padStart(Math.min(EDGE_DIGITS, digits), "0"),
    digest: "sha256:" + Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join(""),
  };
}

/** The exact number of decimal digits of a non-negative integer (1 for 0). */
export function decimalDigits(value) {
  return decimalHead(BigInt(value)).digits;
}

/**
 * The number of decimal digits of `value`, and its first 13 or more of them as a string.
 *
 * A number of `bits` bits has `low` or `low + 1` digits (see below), so dividing by
 * 10^(low - 13) leaves 13 or 14 digits, the exact leading ones: even if the floating-point
 * estimate of `low` were one off, at least 12 remain. The power of ten (V8 squares its
 * way there with fast multiplication) and a division with so small a quotient take about
 * 0.1 s on F(10^7), where `value.toString()` takes 0.6 s.
 */
function decimalHead(value) {
  const bits = bitLength(value);
  // 2^(bits-1) <= value < 2^bits, so value has between ⌊(bits-1)·log10 2⌋ + 1 digits and one more.
  const low = Math.floor((bits - 1) * LOG10_2) + 1;
  const cut = Math.max(low - (EDGE_DIGITS + 1), 0);
  const head = String(cut > 0 ? value / 10n ** BigInt(cut) : value);
  return { digits: cut + head.length, head };
}

/**
 * The shortest little-endian byte string of a non-negative integer, empty for zero:
 * Python's `value.to_bytes((value.bit_length() + 7) // 8, "little")`.
 */
function littleEndianBytes(value) {
  if (value === 0n) return new Uint8Array(0);
  const hex = value.toString(16); // most significant digit first, no leading zeros
  const nibble = (index) => {
    if (index < 0) return 0; // the missing high half of an odd-length number's top byte
    const code = hex.charCodeAt(index); // "0"-"9" or "a"-"f"
    return code <= 57 ? code - 48 : code - 87;
  };
  const bytes = new Uint8Array(Math.ceil(hex.length / 2));
  for (let i = 0, low = hex.length - 1; i < bytes.length; i++, low -= 2) {
    bytes[i] = (nibble(low - 1) << 4) | nibble(low);
  }
  return bytes;
}

// --- Timing ------------------------------------------------------------------------------

const nowNs = () => performance.now() * 1e6;

/**
 * [nanoseconds, result] of one call.
 *
 * measure.py collects garbage first and turns the collector off during the call. V8's
 * collector cannot be turned off, and the garbage a call makes is part of what a
 * JavaScript user pays. Forcing a collection before each call (`node --expose-gc`) was
 * tried: it made calls of a few microseconds ten times slower (the next call starts on
 * cold caches) and did not steady the long ones, so the heap is left as it is.
 */
export function timedCall(call) {
  const start = nowNs();
  const value = call();
  const elapsed = nowNs() - start;
  return [Math.round(elapsed), value];
}

/**
 * Calls per timed sample (1, 2, 5, 10, 20, 50, ...): the fewest with which calls that take
 * `callNs` each last SAMPLE_TICKS ticks of a clock of `resolutionNs` (measure.py's).
 */
export function calibratedLoops(callNs, resolutionNs) {
  const target = SAMPLE_TICKS * resolutionNs;
  let loops = 1;
  while (loops * Math.max(callNs, 1) < target && loops < MAX_LOOPS) {
    const scale = 10 ** (String(loops).length - 1);
    loops = [2, 5, 10].map((step) => scale * step).find((next) => next > loops);
  }
  return Math.min(loops, MAX_LOOPS);
}

/** [nanoseconds a call, result] of `loops` calls timed together, rounded down. */
export function timedSample(call, loops) {
  if (loops === 1) return timedCall(call);
  const [elapsed, value] = timedCall(() => {
    for (let i = 1; i < loops; i++) call();
    return call();
  });
  return [Math.floor(elapsed / loops), value];
}

/**
 * Whether warm-up samples (time a call; the first, cold call left out) have settled: the
 * last SETTLED_WINDOW agree within SETTLED_SPREAD, and their median is not SETTLED_SPREAD
 * below that of the (up to SETTLED_WINDOW) samples before them (measure.py's `settled`).
 */
export function settled(timesNs) {
  const samples = timesNs.slice(1);
  if (samples.length < SETTLED_WINDOW) return false;
  const last = samples.slice(-SETTLED_WINDOW);
  if (Math.max(...last) - Math.min(...last) > SETTLED_SPREAD * Math.min(...last)) return false;
  const before = samples.slice(Math.max(samples.length - 2 * SETTLED_WINDOW, 0), -SETTLED_WINDOW);
  return before.length === 0 || median(last) >= (1 - SETTLED_SPREAD) * median(before);
}

/**
 * Untimed samples before the timed ones: `warmup` of them, or "auto" (see above). The
 * first is one call; each later one as many calls as a clock of `resolutionNs` needs at
 * the last one's pace.
 *
 * `first`, if given, replaces `call` for that first call: the browser worker passes the
 * progress hook there, so a person sees a long call advance while no timed call ever
 * carries the hook. Returns the record every row keeps.
 */
export function warmUp(call, warmup, first = null, resolutionNs = 1) {
  const times = [];
  const loops = [];
  const auto = warmup === AUTO;
  const limit = auto ? WARMUP_MAX_SAMPLES : Math.trunc(Number(warmup));
  if (!Number.isFinite(limit)) {
    throw new TypeError(`warmup must be '${AUTO}' or a number of samples, not ${JSON.stringify(warmup)}`);
  }
  let spent = 0;
  while (times.length < limit) {
    const calls = times.length === 0 ? 1 : calibratedLoops(times.at(-1), resolutionNs);
    const [elapsed] = times.length === 0 ? timedCall(first ?? call) : timedSample(call, calls);
    times.push(elapsed);
    loops.push(calls);
    spent += elapsed * calls;
    if (auto && (settled(times) || spent >= WARMUP_MAX_SECONDS * 1e9)) break;
  }
  return {
    warmup: times.length,
    warmup_times_ns: times,
    warmup_loops: loops,
    warmup_settled: auto ? settled(times) : null,
  };
}

/**
 * The smallest step of the clock seen: 100 µs in a browser page that is not cross-origin
 * isolated, 5 µs in one that is, well under a microsecond under Node.
 */
export function timerResolutionNs() {
  let smallest = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = nowNs();
    let now;
    while ((now = nowNs()) === start);
    smallest = Math.min(smallest, Math.round(now - start));
  }
  return smallest;
}

/** statistics.median of a few integers: the middle one, or the mean of the middle two. */
function median(data) {
  const sorted = [...data].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// --- Cases and plans ---------------------------------------------------------------------

/**
 * Warm up, then time `repeats` calls of `fib(n, algorithm)`: the events of
 * measure.measure_case, as an async generator (describing the result is asynchronous).
 *
 * The timed span is the call and nothing else. `progress`, if given, follows the first
 * warm-up call from inside (the browser draws it), never a timed one.
 */
export async function* measureCase(fib, algorithm, n, repeats, warmup = AUTO, progress = null) {
  const call = () => fib(n, algorithm);
  const traced = progress === null ? null : () => fib(n, algorithm, { progress });
  const resolution = timerResolutionNs();
  const warm = warmUp(call, warmup, traced, resolution);
  yield { event: "warm", algorithm, n, ...warm };
  // Calls a sample, from the last warm-up call (one if there was no warm-up).
  const last = warm.warmup_times_ns.at(-1);
  const loops = last === undefined ? 1 : calibratedLoops(last, resolution);
  const times = [];
  let value = null;
  for (let done = 1; done <= repeats; done++) {
    const [elapsed, result] = timedSample(call, loops);
    if (value !== null && result !== value) {
      throw new AssertionError(`fib(${n}, '${algorithm}') changed between repeats`);
    }
    value = result;
    times.push(elapsed);
    yield { event: "progress", algorithm, n, done, total: repeats, last_ns: elapsed };
  }
  yield {
    event: "result",
    algorithm,
    n,
    repeats,
    ...warm,
    loops,
    times_ns: times,
    timer_resolution_ns: resolution,
    ...(await describe(value)),
  };
}

/**
 * Every (algorithm, n) of `plan` against one build: measure.run_plan's events.
 *
 * `plan`: {algorithms: [...], ns: [...], repeats: 5, warmup: "auto"} (or a number of
 * warm-up samples; "auto" if absent). `implementation`: a build's module with fib,
 * buildInfo and interpreterName (fib-javascript's fib.mjs or fib_wasm.mjs). Any exception
 * ends the stream with an error event.
 */
export async function* runPlan(plan, implementation) {
  try {
    yield { event: "ready", build_info: implementation.buildInfo(), interpreter: implementation.interpreterName() };
    for (const algorithm of plan.algorithms) {
      for (const n of plan.ns) {
        yield* measureCase(implementation.fib, algorithm, n, plan.repeats, plan.warmup ?? AUTO);
      }
    }
  } catch (error) {
    yield { event: "error", message: errorMessage(error) };
  }
}
