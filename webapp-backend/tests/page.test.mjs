// The page's pure parts (static/format.mjs, static/link.mjs): how it writes numbers, and
// what it takes from a link. The rest of the page is tested in Chromium (test_browser.py).

import assert from "node:assert/strict";
import { test } from "node:test";

import { compact, count, listed, ms, multiple, phase, ratio, speed, speedSure, warmupCalls, when, whereRan } from "../static/format.mjs";
import { readLink } from "../static/link.mjs";

test("durations in the unit that reads best", () => {
  assert.equal(ms(0.0345), "35 µs");
  assert.equal(ms(12.34), "12.3 ms");
  assert.equal(ms(1500), "1.50 s");
});

test("speed-ups in words, never '0.10×' (issue 21)", () => {
  assert.equal(speed(5.8), "5.8× faster");
  assert.equal(speed(0.1), "10× slower");
  assert.equal(speed(24.4), "24× faster");
  assert.equal(speed(1.02), "the same");
  for (const nothing of [null, 0, -1, Infinity, NaN]) assert.equal(speed(nothing), "—");
  assert.equal(ratio(null), "—");
  assert.equal(ratio(1.234), "1.23×");
  assert.equal(multiple(1234.4), "1,234");
});

test("a warm-up's calls: its samples' calls, one a sample where they are not recorded", () => {
  assert.equal(warmupCalls({ warmup: 3, warmup_loops: [1, 200, 500] }), 701);
  assert.equal(warmupCalls({ warmup: 4 }), 4); // a version 4 document, rust-core's timer
});

test("counts in a narrow column: the warm-up's calls", () => {
  assert.deepEqual([701, 9_072, 42_021, 1_234_567].map(compact), ["701", "9.1K", "42K", "1.2M"]);
});

test("counts with their nouns, dates without seconds, lists cut short", () => {
  assert.equal(count(1, "digit"), "1 digit");
  assert.equal(count(1209, "digit"), "1,209 digits");
  assert.equal(count(0, "build"), "0 builds");
  assert.equal(when("2026-12-06T18:20:31.5+00:00"), "2026-12-06 18:20");
  assert.equal(listed(["1", "2"]), "1, 2");
  assert.equal(listed(["1", "2", "3", "4", "5", "6"]), "1, 2, 3, 4 and 2 more");
});

const OFFERED = { algorithms: ["both", "iterative", "doubling"], variants: ["python", "rust-release", "javascript"] };
const read = (query) => readLink(new URLSearchParams(query), OFFERED);

test("a link's values are taken as the form offers them", () => {
  assert.deepEqual(read("n=1000&repeats=3&algorithm=doubling&variants=python,%20javascript&native=0"), {
    values: { n: "1000", repeats: "3", algorithm: "doubling", variants: ["python", "javascript"], native: false },
    notes: [],
  });
  assert.deepEqual(read("native=Yes").values, { native: true });
  assert.deepEqual(read(""), { values: {}, notes: [] });
  // `builds=`, what links said before `variants=` (a saved run's address keeps it).
  assert.deepEqual(read("builds=rust-release").values, { variants: ["rust-release"] });
});

test("every kind of bad value in a link is named, none is guessed (issue 21)", () => {
  // `?algorithm=fast` ran "both" and `?native=maybe` meant on.
  const { values, notes } = read("algorithm=fast&native=maybe&variants=python,cobol");
  assert.deepEqual(values, { variants: ["python"] });
  assert.deepEqual(notes, [
    "the link's algorithm “fast” is unknown",
    "the link's builds “cobol” are unknown",
    "the link's native “maybe” is neither on (1) nor off (0)",
  ]);
  // n and repeats are the form's to check, as typed: the form says what is wrong with them.
  assert.deepEqual(read("n=12x&repeats=0").values, { n: "12x", repeats: "0" });
});

test("where a row ran, in words: native said neither CPython nor Node.js (issue 21)", () => {
  const row = (runtime, interpreter) => ({ runtime, interpreter });
  assert.equal(whereRan(row("native", "CPython 3.11.7")), "natively, CPython");
  assert.equal(whereRan(row("native", "Node.js 20.20.2 (V8 11.3.244.8-node.38)")), "natively, Node.js");
  assert.equal(whereRan(row("browser", "Chrome 156.0.0.0")), "the browser");
  assert.equal(whereRan(row("pyodide", "Pyodide 314.0.7 (CPython 3.14.2)")), "Pyodide under Node.js");
  assert.equal(whereRan(row("somewhere", "x")), "somewhere");
});

test("start-up phases in words, not the worker's keys", () => {
  assert.equal(phase("loading-runtime"), "loading Pyodide");
  assert.equal(phase("loading-modules"), "loading its modules");
  assert.equal(phase("first-calls"), "compiling (first calls)");
  assert.equal(phase("something-new"), "something-new");
});

test("a speed-up with its interval, where a saved run has one (issue 20)", () => {
  assert.equal(speedSure(5.8, [5.55, 6.04]), "5.8× faster (5.5–6.0)");
  assert.equal(speedSure(1.02, [0.97, 1.08]), "no difference");
  assert.equal(speedSure(5.8, null), "5.8× faster");
  assert.equal(speedSure(1 / 4.6, [1 / 4.8, 1 / 4.4]), "4.6× slower (4.4–4.8)");
  // A sure difference too small for one decimal gets two (CI saw "the same (1.0–1.1)").
  assert.equal(speedSure(1.04, [1.01, 1.1]), "1.04× faster (1.01–1.10)");
  assert.equal(speedSure(1 / 1.04, [1 / 1.1, 1 / 1.01]), "1.04× slower (1.01–1.10)");
});
