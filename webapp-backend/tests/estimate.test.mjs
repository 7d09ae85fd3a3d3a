// The page's estimate of a run before it starts (static/estimate.mjs), from the contract's
// figures as /api/builds serves them (test_app.py checks that it serves these).

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { ASK_BEYOND_S, aboutSeconds, callSeconds, runEstimate } from "../static/estimate.mjs";

const CONTRACT = JSON.parse(readFileSync(new URL("../../contract.json", import.meta.url), "utf8"));
const PAGE = CONTRACT.variants.filter((variant) => variant.runtimes.includes("browser"));
// What /api/builds adds to the contract: fib_measuring.measure's warm-up bounds and the
// native start-up of fib_webapp.native.
const FACTS = {
  builds: PAGE.map((variant) => ({ variant: variant.name, seconds_per_call: variant.seconds_per_call })),
  call_growth: CONTRACT.call_growth,
  warmup_max_s: 2,
  settled_window: 3,
  sample_ticks: 1000,
  native: { startup_s: 1 },
};
const ALL = PAGE.map((variant) => variant.name);
const plan = (overrides) => ({ variants: ALL, algorithms: ["iterative", "doubling"], ns: [100_000], repeats: 5, native: true, ...overrides });

test("a call grows as the contract says: n^2 iterative, n^1.5 doubling", () => {
  const build = FACTS.builds.find((b) => b.variant === "python");
  const at = (algorithm, n) => callSeconds(build, "browser", algorithm, n, FACTS.call_growth);
  assert.equal(at("iterative", 2_000) / at("iterative", 1_000), 4);
  assert.ok(Math.abs(at("doubling", 4_000) / at("doubling", 1_000) - 8) < 1e-9);
});

test("a warm-up: the first call, then samples of 1 000 ticks (5 ms) until settled, none after 2 s", () => {
  const only = (variant, n) => runEstimate(plan({ variants: [variant], algorithms: ["iterative"], ns: [n], repeats: 1, native: false }), FACTS);
  const build = FACTS.builds.find((b) => b.variant === "rust-debug");
  const call = callSeconds(build, "browser", "iterative", 1_000_000, FACTS.call_growth);
  assert.ok(call > 2);
  // The race's call (the first of the warm-up: it alone lasts past 2 s), one timed call.
  assert.ok(Math.abs(only("rust-debug", 1_000_000).seconds - 2 * call) < 1e-6 * call);
  // A tiny call: two windows of three 5 ms samples to settle, one timed sample of 5 ms.
  const tiny = callSeconds(build, "browser", "iterative", 10, FACTS.call_growth);
  assert.ok(tiny < 5e-6);
  assert.ok(Math.abs(only("rust-debug", 10).seconds - (tiny + 7 * 5e-3)) < 1e-9);
  // A call of a second: samples of one call, none started after 2 s.
  const second = { variant: "slow", seconds_per_call: { browser: { iterative: 1e-12 } } };
  const slow = runEstimate({ variants: ["slow"], algorithms: ["iterative"], ns: [1_000_000], repeats: 1, native: false }, { ...FACTS, builds: [second] });
  assert.ok(Math.abs(slow.seconds - 3) < 1e-9, slow.seconds); // first call, 1 warm-up, 1 timed
});

test("the page's default run starts without asking", () => {
  assert.ok(runEstimate(plan({}), FACTS).seconds < ASK_BEYOND_S);
});

test("iterative F(10^6) with Rust debug is long, and Rust debug is named the longest", () => {
  // Issue 21: this run took 533 s, 312 s of them Rust debug in the browser, unannounced.
  const estimate = runEstimate(plan({ algorithms: ["iterative"], ns: [1_000_000], repeats: 1, native: false }), FACTS);
  assert.ok(estimate.seconds > 5 * ASK_BEYOND_S, estimate.seconds);
  assert.equal(estimate.slowest, "rust-debug");
  assert.equal(estimate.native, 0);
  assert.equal(estimate.seconds, [...estimate.byBuild.values()].reduce((a, b) => a + b));
});

test("the native phase adds a process per build and case, only when asked for", () => {
  const without = runEstimate(plan({ native: false }), FACTS);
  const withNative = runEstimate(plan({}), FACTS);
  assert.equal(without.native, 0);
  assert.ok(withNative.native >= ALL.length * 2 * FACTS.native.startup_s);
  assert.equal(withNative.browser, without.browser);
});

test("more timed calls, a larger n or more builds never make a run shorter", () => {
  const base = runEstimate(plan({}), FACTS).seconds;
  assert.ok(runEstimate(plan({ repeats: 6 }), FACTS).seconds > base);
  assert.ok(runEstimate(plan({ ns: [200_000] }), FACTS).seconds > base);
  assert.ok(runEstimate(plan({ variants: ALL.slice(1) }), FACTS).seconds < base);
});

test("durations read as estimates", () => {
  assert.equal(aboutSeconds(0.2), "under a second");
  assert.equal(aboutSeconds(8.4), "about 8 s");
  assert.equal(aboutSeconds(200), "about 3 min");
  assert.equal(aboutSeconds(9_000), "about 2.5 h");
});
