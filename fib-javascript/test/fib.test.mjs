// A JavaScript build of the fib API against truths that do not come from it: known
// values, identities, the other algorithm, and fib_python's exact error messages. The
// conformance suite of the builds that JavaScript runs: fib.mjs by default, fib_wasm.mjs
// (fib-rust's WebAssembly module) with FIB_JS_IMPL=rust-wasm, as `make test-javascript`
// runs it.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe as group, test } from "node:test";

import { bitLength, browserName } from "../fib.mjs";
import { IMPLEMENTATIONS } from "../variants.mjs";

const VARIANT = process.env.FIB_JS_IMPL ?? "javascript";
const { ALGORITHMS, MAX_N, VERSION, buildInfo, fib, interpreterName, _panic } = await import(
  new URL(IMPLEMENTATIONS[VARIANT], new URL("../", import.meta.url)).href
);

// The conformance suite's cases, shared with pytest and cargo test (how they were made:
// its $comment). Integers are decimal strings there.
const CASES = JSON.parse(readFileSync(new URL("../../conformance/cases.json", import.meta.url), "utf8"));
const F100 = BigInt(CASES.exact["100"]);
const { digits: F1000_DIGITS, head: F1000_HEAD, tail: F1000_TAIL } = CASES.decimal_ends["1000"];
const DECIMAL_SHA256 = CASES.decimal_sha256;

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** For assert.throws: exactly this class (not a subclass) with exactly this message. */
const exactly = (type, message) => (error) => error.constructor === type && error.message === message;

group("known values", () => {
  for (const algorithm of ALGORITHMS) {
    test(`${algorithm}: small n, F(100), F(1000)`, () => {
      assert.equal(fib(0, algorithm), 0n);
      assert.equal(fib(1, algorithm), 1n);
      assert.equal(fib(2, algorithm), 1n);
      assert.equal(fib(10, algorithm), 55n);
      assert.equal(fib(100, algorithm), F100);
      const f1000 = fib(1000, algorithm).toString();
      assert.equal(f1000.length, F1000_DIGITS);
      assert.ok(f1000.startsWith(F1000_HEAD) && f1000.endsWith(F1000_TAIL));
    });

    test(`${algorithm}: every F(n) that fits a double exactly, by Number arithmetic`, () => {
      let [a, b] = [0, 1];
      for (let n = 0; n <= 78; n++) {
        assert.equal(fib(n, algorithm), BigInt(a), `F(${n})`);
        [a, b] = [b, a + b];
      }
    });

    test(`${algorithm}: SHA-256 of the decimal expansion of large F(n)`, () => {
      for (const [n, digest] of Object.entries(DECIMAL_SHA256)) {
        assert.equal(sha256(fib(Number(n), algorithm).toString()), digest, `F(${n})`);
      }
    });
  }

  test("n may be a BigInt", () => {
    assert.equal(fib(100n, "iterative"), F100);
    assert.equal(fib(100n, "doubling"), F100);
  });
});

group("identities", () => {
  const ns = [1, 2, 3, 10, 99, 1000, 4097, 30001];

  test("F(2k) = F(k)(2F(k+1) - F(k)) and F(2k+1) = F(k)^2 + F(k+1)^2, across algorithms", () => {
    for (const k of ns) {
      const [fk, fk1] = [fib(k, "iterative"), fib(k + 1, "iterative")];
      assert.equal(fib(2 * k, "doubling"), fk * (2n * fk1 - fk), `k = ${k}`);
      assert.equal(fib(2 * k + 1, "doubling"), fk * fk + fk1 * fk1, `k = ${k}`);
    }
  });

  for (const algorithm of ALGORITHMS) {
    test(`${algorithm}: Cassini, F(n-1)F(n+1) - F(n)^2 = (-1)^n`, () => {
      for (const n of ns) {
        const cassini = fib(n - 1, algorithm) * fib(n + 1, algorithm) - fib(n, algorithm) ** 2n;
        assert.equal(cassini, n % 2 === 0 ? 1n : -1n, `n = ${n}`);
      }
    });
  }

  test("iterative and doubling agree", () => {
    for (let n = 0; n <= 300; n++) assert.equal(fib(n, "iterative"), fib(n, "doubling"), `n = ${n}`);
    for (const n of [1024, 4095, 65537, 100000]) {
      assert.equal(fib(n, "iterative"), fib(n, "doubling"), `n = ${n}`);
    }
  });
});

group("bad input: fib_python's messages", () => {
  const badN = [
    [1.5, TypeError, "n must be an int, not float"],
    [NaN, TypeError, "n must be an int, not float"],
    [Infinity, TypeError, "n must be an int, not float"],
    [2 ** 53, TypeError, "n must be an int, not float"], // no longer one integer
    ["10", TypeError, "n must be an int, not str"],
    [null, TypeError, "n must be an int, not NoneType"],
    [undefined, TypeError, "n must be an int, not NoneType"],
    [true, TypeError, "n must be an int, not bool"],
    [[1], TypeError, "n must be an int, not list"],
    [{ n: 1 }, TypeError, "n must be an int, not dict"],
    [-5, RangeError, "n must be non-negative, got -5"], // a Number as well as a BigInt
    [MAX_N + 1, RangeError, "n must be at most 10000000, got 10000001"],
    [1n << 12_800_000n, RangeError, "n must be at most 10000000, got an integer of 12800001 bits"],
    // Out of range: the cases every language's suite shares.
    ...CASES.n_out_of_range.map(({ n, message }) => [BigInt(n), RangeError, message]),
  ];
  for (const algorithm of ALGORITHMS) {
    for (const [n, type, message] of badN) {
      test(`${algorithm}: ${message}`, () => {
        assert.throws(() => fib(n, algorithm), exactly(type, message));
      });
    }
  }

  const badAlgorithm = [
    [5, TypeError, "algorithm must be a str, not int"],
    [null, TypeError, "algorithm must be a str, not NoneType"],
    [new TextEncoder().encode("iterative"), TypeError, "algorithm must be a str, not bytes"],
    ...CASES.unknown_algorithms.map(({ algorithm, message }) => [algorithm, RangeError, message]),
  ];
  for (const [algorithm, type, message] of badAlgorithm) {
    test(message, () => {
      assert.throws(() => fib(10, algorithm), exactly(type, message));
    });
  }

  test("n is checked before the algorithm, the algorithm before progress", () => {
    assert.throws(() => fib(-1, "bogus", { progress: 5 }), /^RangeError: n must be non-negative/);
    assert.throws(() => fib(1, "bogus", { progress: 5 }), /^RangeError: unknown algorithm/);
  });

  test("progress must be callable or None", () => {
    assert.throws(() => fib(10, "iterative", { progress: 5 }), {
      name: "TypeError",
      message: "progress must be callable or None, not int",
    });
    assert.throws(() => fib(10, "doubling", { progress: "x" }), {
      name: "TypeError",
      message: "progress must be callable or None, not str",
    });
    assert.equal(fib(10, "iterative", { progress: null }), 55n);
  });
});

group("progress", () => {
  const reports = (n, algorithm) => {
    const seen = [];
    const value = fib(n, algorithm, { progress: (done, total) => seen.push([done, total]) });
    assert.equal(value, fib(n, algorithm));
    return seen;
  };

  for (const algorithm of ALGORITHMS) {
    for (const n of [1, 2, 93, 5000, 40000]) {
      test(`${algorithm}, n = ${n}: monotonic, complete, ending at total`, () => {
        const seen = reports(n, algorithm);
        const total = algorithm === "iterative" ? n : n.toString(2).length;
        assert.ok(seen.length > 0, "never reported");
        assert.ok(seen.every(([, t]) => t === total));
        assert.ok(seen.every(([done], i) => i === 0 || done > seen[i - 1][0]), "not increasing");
        assert.deepEqual(seen.at(-1), [total, total]);
      });
    }

    test(`${algorithm}: no report for n = 0`, () => assert.deepEqual(reports(0, algorithm), []));

    test(`${algorithm}: an exception in progress stops the computation and propagates`, () => {
      class Stop extends Error {}
      const calls = [];
      const started = performance.now();
      assert.throws(
        () =>
          fib(MAX_N, algorithm, {
            progress: (done) => {
              calls.push(done);
              throw new Stop(`stopped at ${done}`);
            },
          }),
        Stop,
      );
      assert.equal(calls.length, 1);
      assert.ok(performance.now() - started < 10_000, "did not stop promptly");
    });
  }

  test("bounded, not per step", () => {
    const iterative = reports(100000, "iterative").length;
    assert.ok(iterative >= 7 && iterative <= 40, `${iterative} reports`); // at most 2^14 additions apart
    assert.equal(reports(100000, "doubling").length, 17); // one per bit of n
  });
});

group("build information", () => {
  test("buildInfo and interpreterName name Node and V8", () => {
    assert.equal(interpreterName(), `Node.js ${process.versions.node} (V8 ${process.versions.v8})`);
    if (VARIANT !== "javascript") return;
    assert.deepEqual(buildInfo(), {
      implementation: "fib-javascript",
      version: VERSION,
      profile: null,
      engine: `V8 ${process.versions.v8}`,
    });
  });

  test("rust-wasm: the module is fib-rust's release build for WASI, with simd128", () => {
    if (VARIANT !== "rust-wasm") return;
    const info = buildInfo();
    assert.equal(info.implementation, "fib-wasm");
    assert.equal(info.version, VERSION);
    assert.equal(info.profile, "release");
    assert.equal(info.target, "wasm32-wasip1");
    assert.equal(info.isa, "simd128");
    assert.deepEqual(Object.keys(info.dependencies).sort(), ["fib-rust", "num-bigint"]);
    assert.ok(info.module.compiled && info.module.load_s > 0);
  });

  test("rust-wasm: a panic in Rust is an error, and the next call works", () => {
    if (VARIANT !== "rust-wasm") return;
    assert.throws(() => _panic(), /fib-wasm stopped with a trap/);
    assert.equal(fib(100, "doubling"), F100);
  });

  test("browserName reads the browser and its version from a user agent", () => {
    const windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)";
    assert.equal(browserName(`${windows} Chrome/156.0.8078.73 Safari/537.36`), "Chrome 156.0.8078.73");
    const edge = `${windows} Chrome/156.0.0.0 Safari/537.36 Edg/156.0.1.2`;
    assert.equal(browserName(edge), "Edge 156.0.1.2");
    const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    assert.equal(browserName(firefox), "Firefox 140.0");
    const mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15";
    assert.equal(browserName(`${mac} Version/18.4 Safari/605.1.15`), "Safari 18.4");
    assert.equal(browserName(undefined), "unknown JavaScript runtime");
  });
});

test("bitLength is exact, whatever lower bound it is given", () => {
  const values = [0n, 1n, 2n, 3n, 15n, 16n, 255n, 256n, 2n ** 64n - 1n, 2n ** 64n];
  values.push(3n ** 1000n, fib(5000));
  for (const value of values) {
    const exact = value === 0n ? 0 : value.toString(2).length;
    for (const atLeast of [0, 1, exact - 3, exact - 1, exact, exact + 5]) {
      assert.equal(bitLength(value, Math.max(atLeast, 0)), exact, `${value} with bound ${atLeast}`);
    }
  }
});
