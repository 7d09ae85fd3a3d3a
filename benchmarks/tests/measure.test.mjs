// fib_measuring/measure.mjs: the warm-up rule and the calibration, describe against
// independent truths, and the shape and order of the events. (benchmarks/tests/test_javascript.py checks that it agrees
// with measure.py itself.)

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe as group, test } from "node:test";

import * as bigint from "../../fib-javascript/fib.mjs";
import {
  AUTO,
  WARMUP_MAX_SAMPLES,
  calibratedLoops,
  decimalDigits,
  describe,
  errorMessage,
  measureCase,
  runPlan,
  settled,
  timedCall,
  timerResolutionNs,
  warmUp,
} from "../measuring/fib_measuring/measure.mjs";

const EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// measure.measure_case's result keys, in its order.
const RESULT_KEYS = [
  "event", "algorithm", "n", "repeats", "warmup", "warmup_times_ns", "warmup_loops", "warmup_settled",
  "loops", "times_ns", "timer_resolution_ns", "digits", "leading", "trailing", "digest",
];

const collect = async (events) => {
  const all = [];
  for await (const event of events) all.push(event);
  return all;
};

/** Busy-waits about `ms` milliseconds: a call whose time we choose. */
const spin = (ms) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
  return 0n;
};

group("warm-up", () => {
  test("settled: the cold call left out, three samples within 5%, no faster than before", () => {
    assert.equal(settled([100, 104, 105]), false); // two samples after the cold call
    assert.equal(settled([500, 100, 104, 105]), true);
    assert.equal(settled([500, 100, 106, 100]), false);
    assert.equal(settled([100, 100]), false);
    assert.equal(settled([9000, 300, 200, 100, 101, 102]), false); // still falling: a JIT at work
    assert.equal(settled([9000, 103, 104, 100, 101, 102]), true);
    assert.equal(settled([9000, 90, 91, 100, 101, 102]), true);
  });

  test("a fixed count runs that many samples: the first one call, which may differ", () => {
    const calls = [];
    const warm = warmUp(() => calls.push("call"), 3, () => calls.push("first"), 5_000);
    assert.equal(calls[0], "first");
    assert.equal(warm.warmup, 3);
    assert.equal(warm.warmup_times_ns.length, 3);
    assert.equal(warm.warmup_loops[0], 1);
    // The later samples: as many calls as 1 000 ticks of a 5 µs clock take at the last pace.
    assert.deepEqual(warm.warmup_loops.slice(1), warm.warmup_times_ns.slice(0, 2).map((t) => calibratedLoops(t, 5_000)));
    assert.equal(calls.length, warm.warmup_loops.reduce((a, b) => a + b));
    assert.equal(warm.warmup_settled, null);
    assert.equal(warmUp(() => 0n, 0).warmup, 0);
  });

  test("auto stops once steady calls settle", () => {
    const warm = warmUp(() => spin(2), AUTO);
    assert.ok(warm.warmup >= 4 && warm.warmup < WARMUP_MAX_SAMPLES, `${warm.warmup} samples`);
    assert.equal(warm.warmup_settled, true);
  });

  test("auto gives up after WARMUP_MAX_SAMPLES samples that never settle", () => {
    let call = 0;
    const warm = warmUp(() => spin(++call % 2 ? 0.3 : 1), AUTO);
    assert.equal(warm.warmup, WARMUP_MAX_SAMPLES);
    assert.equal(warm.warmup_settled, false);
  });

  test("a warm-up that is neither auto nor a number is refused", () => {
    assert.throws(() => warmUp(() => 0n, "twice"), TypeError);
  });
});

group("timing", () => {
  test("timedCall returns integer nanoseconds and the value", () => {
    const [elapsed, value] = timedCall(() => spin(3) + 7n);
    assert.equal(value, 7n);
    assert.ok(Number.isInteger(elapsed), `${elapsed}`);
    assert.ok(elapsed >= 3_000_000 && elapsed < 1_000_000_000, `${elapsed}`);
  });

  test("the timer resolution is a positive whole number of nanoseconds", () => {
    const resolution = timerResolutionNs();
    assert.ok(Number.isInteger(resolution) && resolution > 0 && resolution < 1_000_000, `${resolution}`);
  });
});

group("describe", () => {
  test("edges", async () => {
    const zero = await describe(0n);
    assert.deepEqual(zero, { digits: 1, leading: "0", trailing: "0", digest: EMPTY_SHA256 });
    const small = await describe(55n);
    assert.deepEqual([small.leading, small.trailing, small.digits], ["55", "55", 2]);
    const twenty = await describe(12345678901234567890n);
    assert.equal(twenty.digits, 20);
    assert.equal(twenty.leading, "123456789012");
    assert.equal(twenty.trailing, "901234567890");
    const power = await describe(10n ** 40n);
    assert.deepEqual(
      [power.digits, power.leading, power.trailing],
      [41, "100000000000", "000000000000"],
    );
  });

  test("digits, leading and trailing agree with the decimal string", async () => {
    const values = [1n, 9n, 10n, 999_999_999_999n, 10n ** 12n, 10n ** 13n + 7n, 2n ** 64n];
    values.push(3n ** 5000n, bigint.fib(20000));
    for (let k = 1n; k < 400n; k += 37n) values.push(10n ** k - 1n, 10n ** k, 2n ** k);
    for (const value of values) {
      const text = value.toString();
      const facts = await describe(value);
      assert.equal(facts.digits, text.length, `digits of ${text}`);
      assert.equal(decimalDigits(value), text.length);
      assert.equal(facts.leading, text.slice(0, 12));
      assert.equal(facts.trailing, text.slice(-12));
    }
  });

  test("the digest is SHA-256 of the little-endian bytes", async () => {
    for (const value of [1n, 255n, 256n, 0x0102n, 0x10203n, bigint.fib(1000), 2n ** 4096n]) {
      const hex = value.toString(16);
      const bigEndian = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
      const expected = createHash("sha256").update(bigEndian.reverse()).digest("hex");
      assert.equal((await describe(value)).digest, `sha256:${expected}`, `${value}`);
    }
  });
});

group("measureCase and runPlan", () => {
  test("measure.py's events and keys; progress on the first warm-up call only", async () => {
    const calls = [];
    const spy = (n, algorithm, options) => {
      calls.push(options?.progress ? "traced" : "plain");
      return bigint.fib(n, algorithm, options);
    };
    const reports = [];
    const progress = (done, total) => reports.push([done, total]);
    const events = await collect(measureCase(spy, "doubling", 1000, 3, 2, progress));
    assert.deepEqual(
      events.map((event) => event.event),
      ["warm", "progress", "progress", "progress", "result"],
    );
    // The traced warm-up call, a warm-up sample, then 3 samples of `loops` calls each.
    const loops = events.at(-1).loops;
    const warmed = events[0].warmup_loops;
    assert.ok(Number.isInteger(loops) && loops >= 1);
    assert.equal(warmed.length, 2);
    assert.deepEqual(calls, ["traced", ...Array(warmed[1] + 3 * loops).fill("plain")]);
    assert.deepEqual(reports.at(-1), [10, 10]);
    const warmKeys = ["event", "algorithm", "n", "warmup", "warmup_times_ns", "warmup_loops", "warmup_settled"];
    assert.deepEqual(Object.keys(events[0]), warmKeys);
    assert.deepEqual(
      events.slice(1, 4).map(({ done, total }) => [done, total]),
      [[1, 3], [2, 3], [3, 3]],
    );
    const result = events.at(-1);
    assert.deepEqual(Object.keys(result), RESULT_KEYS);
    assert.deepEqual(result.times_ns, events.slice(1, 4).map((event) => event.last_ns));
    assert.equal(result.warmup, 2);
    assert.equal(result.leading, "434665576869");
    assert.equal(result.digits, 209);
  });

  test("a result that changes between repeats is an error", async () => {
    let call = 0;
    const fickle = () => BigInt(call++);
    await assert.rejects(collect(measureCase(fickle, "iterative", 5, 3, 0)), {
      name: "AssertionError",
      message: "fib(5, 'iterative') changed between repeats",
    });
  });

  test("runPlan: ready, then every case; an exception ends the stream with an error event", async () => {
    const plan = { algorithms: ["iterative", "doubling"], ns: [10, -5, 20], repeats: 1, warmup: 0 };
    const events = await collect(runPlan(plan, bigint));
    assert.equal(events[0].event, "ready");
    assert.equal(events[0].build_info.implementation, "fib-javascript");
    // With no warm-up call, the bad n's first call is a timed one: its warm event comes first.
    assert.deepEqual(
      events.slice(1).map((event) => event.event),
      ["warm", "progress", "result", "warm", "error"],
    );
    const message = "RangeError: n must be non-negative, got -5";
    assert.deepEqual(events.at(-1), { event: "error", message });
  });

  test("errorMessage: the type, then the message", () => {
    assert.equal(errorMessage(new TypeError("not str")), "TypeError: not str");
    assert.equal(errorMessage("plain"), "plain");
  });
});

test("short calls are timed many to a sample of at least 1,000 ticks (issue 20)", async () => {
  const { calibratedLoops, timedSample, SAMPLE_TICKS, MAX_LOOPS } = await import("../measuring/fib_measuring/measure.mjs");
  assert.equal(calibratedLoops(20_000, 5_000), 500); // 20 µs calls, Chromium's 5 µs ticks
  assert.equal(calibratedLoops(100_000, 60), 1);
  for (const callNs of [1, 7, 99, 1_234, 80_000]) {
    const loops = calibratedLoops(callNs, 5_000);
    assert.ok(loops * callNs >= SAMPLE_TICKS * 5_000 || loops === MAX_LOOPS, String(callNs));
  }
  let made = 0;
  const [perCall, value] = timedSample(() => ++made, 40);
  assert.deepEqual([made, value], [40, 40]);
  assert.ok(perCall >= 0);
});
