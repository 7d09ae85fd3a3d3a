// How the page writes numbers: durations, ratios, speed-ups in words, counts, dates. Pure
// functions, tested by node --test (webapp-backend/tests/page.test.mjs).

export const ms = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;

export const ratio = (value) => (value == null ? "—" : `${value.toFixed(2)}×`);

/** A speed-up in words: 5.8 reads "5.8× faster", 0.10 "10× slower" (was "0.10×"). */
export const speed = (value) => {
  if (value == null || !Number.isFinite(value) || value <= 0) return "—";
  const shown = multiple(value >= 1 ? value : 1 / value);
  return shown === "1.0" ? "the same" : `${shown}× ${value >= 1 ? "faster" : "slower"}`;
};

/** A speed-up with its 95 % interval, where the document has one (schema.add_ratios, on the
 * server): "5.8× faster (5.6–6.0)", or "no difference" when it holds 1. A difference the
 * interval is sure of, too small for one decimal, gets two: "1.04× faster (1.01–1.10)",
 * never "the same (1.0–1.1)" (export.speed_against says the same). */
export const speedSure = (value, interval) => {
  if (!interval || value == null) return speed(value);
  const [low, high] = interval;
  if (low <= 1 && 1 <= high) return "no difference";
  // "4.6× slower (4.4–4.8)": a slow-down's interval in the same words, as multiples.
  const [from, to] = value >= 1 ? [low, high] : [1 / high, 1 / low];
  const times = value >= 1 ? value : 1 / value;
  const decimals = multiple(times) === "1.0" ? 2 : 1;
  return `${multiple(times, decimals)}× ${value >= 1 ? "faster" : "slower"} (${multiple(from, decimals)}–${multiple(to, decimals)})`;
};

/** A multiple as it reads: one decimal below 10 ("4.6"), whole above ("24"). */
export const multiple = (value, decimals = 1) => (value < 10 ? value.toFixed(decimals) : Math.round(value).toLocaleString("en"));

/** A count in a narrow column: 701, 9.1K, 42K, 1.2M (the exact count in the JSON). */
export const compact = (value) => new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 }).format(value);

/** Untimed calls before a row's (or a warm event's) timed ones: its warm-up samples'
 * calls, one each where it records none (before version 5 of the document, and in
 * rust-core's timer): fib_measuring.measure.warmup_loops. */
export const warmupCalls = (row) => (row.warmup_loops ?? Array(row.warmup).fill(1)).reduce((a, b) => a + b, 0);

/** "1 digit", "209 digits": a count and its noun. */
export const count = (value, noun) => `${value.toLocaleString("en")} ${noun}${value === 1 ? "" : "s"}`;

export const when = (iso) => iso.slice(0, 16).replace("T", " ");

/** A list for a table cell: its first values, and how many more ("1,000, 10,000 and 3 more"). */
export const listed = (values, shown = 4) =>
  values.length <= shown ? values.join(", ") : `${values.slice(0, shown).join(", ")} and ${values.length - shown} more`;

/** A worker's start-up phase in words (the worker's keys: fib_worker/protocol.py). */
const PHASES = {
  "loading-runtime": "loading Pyodide",
  "loading-modules": "loading its modules", // the workers with no Pyodide
  installing: "installing wheels",
  importing: "importing",
  "first-calls": "compiling (first calls)",
  run: "running",
};
export const phase = (key) => PHASES[key] ?? key;

/** Where a row was measured (its runtime), in words: "the browser", or natively on the
 * server and by what (its interpreter: CPython for the wheels, Node.js for the JavaScript
 * builds: "native" alone said nothing of which). Saved CLI runs name their runtimes too. */
export const ELSEWHERE = { browser: "the browser", pyodide: "Pyodide under Node.js", wasi: "CPython for WASI", component: "a WASI component" };
export function whereRan(row) {
  if (row.runtime !== "native") return ELSEWHERE[row.runtime] ?? row.runtime;
  const engine = /^node/i.test(row.interpreter) ? "Node.js" : /^(c?python)/i.test(row.interpreter) ? "CPython" : row.interpreter.split(" ")[0];
  return `natively, ${engine}`;
}
