// javascript_worker.mjs speaks the page's protocol. Node has no worker global scope, so the test
// stands in for it: `self` with a postMessage that records, and onmessage called directly.

import assert from "node:assert/strict";
import { test } from "node:test";

const posted = [];
globalThis.self = { postMessage: (message) => posted.push(structuredClone(message)) };
await import("../javascript_worker.mjs");

/** Sends a request; resolves with every message posted until `last` says it is done. */
function send(request, last = (message) => ["ready", "result", "error"].includes(message.event)) {
  const from = posted.length;
  self.onmessage({ data: request });
  return new Promise((resolve) => {
    const poll = () => {
      const messages = posted.slice(from);
      if (messages.some(last)) resolve(messages);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

test("init: ready with the build, its interpreter and the start-up time", async () => {
  const [ready] = await send({ type: "init", variant: "javascript" });
  assert.equal(ready.event, "ready");
  assert.equal(ready.variant, "javascript");
  assert.equal(ready.build_info.implementation, "fib-javascript");
  assert.match(ready.interpreter, /^Node\.js /);
  assert.ok(ready.startup["loading-modules"] > 0);
});

test("run: trace, warm, progress of the timed samples, then the result: measure.mjs's events", async () => {
  const request = { type: "run", id: 7, algorithm: "doubling", n: 100000, repeats: 3, warmup: 2 };
  const messages = await send(request);
  assert.ok(messages.every((message) => message.id === 7 && message.algorithm === "doubling" && message.n === 100000));
  const kinds = messages.map((message) => message.event);
  const traces = messages.filter((message) => message.event === "trace");
  const told = kinds.slice(traces.length);
  assert.deepEqual([told[0], ...new Set(told.slice(1, -1)), told.at(-1)], ["warm", "progress", "result"]);

  // The first warm-up call's progress, throttled, but always with its end.
  assert.ok(traces.length >= 1);
  assert.deepEqual(traces.at(-1).done, 17);
  assert.ok(traces.every((trace) => trace.total === 17 && Number.isInteger(trace.elapsed_ns) && trace.elapsed_ns >= 0));

  const result = messages.at(-1);
  const warm = messages.find((message) => message.event === "warm");
  // Two warm-up samples (the traced call, then as many calls as the clock needs), told as
  // the measuring core tells them.
  assert.deepEqual([result.warmup, result.warmup_loops[0]], [2, 1]);
  assert.deepEqual([warm.warmup_loops, warm.warmup_settled], [result.warmup_loops, null]);
  // Timed samples told at most every 100 ms (each message wakes the page), the last always.
  const progress = messages.filter((message) => message.event === "progress");
  assert.deepEqual(progress.at(-1).done, 3);
  assert.ok(progress.every(({ done, total }, i) => total === 3 && (i === 0 || done > progress[i - 1].done)));

  assert.deepEqual([result.algorithm, result.n, result.repeats, result.digits], ["doubling", 100000, 3, 20899]);
  assert.deepEqual(progress.map((message) => message.last_ns), progress.map(({ done }) => result.times_ns[done - 1]));
});

test("a failed run is one error message, and the worker stays usable", async () => {
  const [error] = await send({ type: "run", id: 8, algorithm: "iterative", n: -5, repeats: 1 });
  const message = "RangeError: n must be non-negative, got -5";
  assert.deepEqual(error, { event: "error", id: 8, stage: "run", message });

  const [unknown] = await send({ type: "stop", id: 9 });
  const complaint = "RangeError: unknown request type 'stop'";
  assert.deepEqual(unknown, { event: "error", id: 9, stage: "run", message: complaint });

  const messages = await send({ type: "run", id: 10, algorithm: "iterative", n: 10, repeats: 1 });
  assert.equal(messages.at(-1).event, "result");
  assert.equal(messages.at(-1).leading, "55");
  assert.equal(messages.at(-1).warmup_settled !== null, true); // warm-up defaults to "auto"
});

test("requests are handled one at a time, in order", async () => {
  const first = send({ type: "run", id: 11, algorithm: "doubling", n: 50000, repeats: 2, warmup: 1 });
  const secondDone = (message) => message.id === 12 && message.event === "result";
  const second = send({ type: "run", id: 12, algorithm: "iterative", n: 20, repeats: 1 }, secondDone);
  await Promise.all([first, second]);
  const ids = posted.map((message) => message.id).filter((id) => id === 11 || id === 12);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "the two runs interleaved");
});

test("?variant=rust-wasm: the same protocol over fib-rust's WebAssembly module", async () => {
  // A second instance of the worker's module (another URL), which takes over onmessage.
  await import("../javascript_worker.mjs?variant=rust-wasm");
  const [ready] = await send({ type: "init" });
  assert.equal(ready.variant, "rust-wasm");
  assert.equal(ready.build_info.implementation, "fib-wasm");
  const messages = await send({ type: "run", id: 20, algorithm: "doubling", n: 100000, repeats: 2, warmup: 1 });
  const result = messages.at(-1);
  assert.deepEqual([result.algorithm, result.n, result.digits], ["doubling", 100000, 20899]);
  const [error] = await send({ type: "run", id: 21, algorithm: "iterative", n: -5, repeats: 1 });
  assert.equal(error.message, "RangeError: n must be non-negative, got -5");
});
