// The benchmark web worker of the builds with no Pyodide: JavaScript's BigInt (fib.mjs) and
// fib-rust's WebAssembly module (fib_wasm.mjs), both in fib-javascript/, timed by
// fib_benchmarks' measure.mjs. The same page protocol as the Pyodide worker (worker.mjs
// beside this file, and fib_worker/protocol.py). Started by the page as
// `new Worker("/webapp-worker/javascript_worker.mjs?variant=rust-wasm", {type: "module"})`
// (no variant: the JavaScript build). The site serves these modules at their paths in the
// repository, so the relative imports below hold in the browser and under Node alike.
//
// Page -> worker: the requests of fib_worker/protocol.py:
//   {type: "init", variant}                           -> ready
//   {type: "run", id, algorithm, n, repeats, warmup}  -> trace*, warm, progress*, result
// Worker -> page: the events of fib_benchmarks/events.py, measure.mjs's as they are, each
// with the id of its request; a failed request is an error event, and the worker stays
// usable.

// fib.mjs reads contract.json before it is ready (a top-level await): imported statically,
// it would hold this module's evaluation, and the page's first message would arrive
// before `self.onmessage` exists and be lost. So the handler is set at once and the
// modules are awaited inside it.
const VARIANT = new URL(import.meta.url).searchParams.get("variant") ?? "javascript";
const loaded = import("../fib-javascript/variants.mjs").then(({ IMPLEMENTATIONS }) => {
  if (!Object.hasOwn(IMPLEMENTATIONS, VARIANT)) throw new RangeError(`unknown variant '${VARIANT}'`);
  return Promise.all([import(IMPLEMENTATIONS[VARIANT]), import("../benchmarks/measuring/fib_measuring/measure.mjs")]);
});

// At most this often, progress inside a call is posted to the page (and always its end).
const TRACE_INTERVAL_MS = 50;
// At most this often, a timed sample's progress is posted (and always the last): each
// message wakes the page, which redraws, and in Chromium on two cores that work took CPU
// from the timed calls: a sample every few milliseconds, each told, left the samples'
// interquartile range at 22 % of the median on average, against 15 % told every 100 ms
// (rust-wasm and BigInt, F(12 000) to F(10^5), three runs each, docs/performance.md).
const PROGRESS_INTERVAL_MS = 100;

const post = (message) => self.postMessage(message);

// Cases run once when the build is loaded, as a run runs them but with nothing posted:
// V8 compiles JavaScript functions and WebAssembly ones on their first call, so a run's
// first traced call paid for compiling measure.mjs, the build's progress path and, for
// rust-wasm, each range of fib-rust's code (the squarings, the NTT, the iterative
// additions). The same cases as the Pyodide worker's (fib_worker.runner.FIRST_CALLS).
const FIRST_CALLS = [["doubling", 10_000], ["doubling", 200_000], ["iterative", 1_000]];

async function ready(fibModule, measureModule, { variant = VARIANT }) {
  // A worker's clock starts when the worker is created, so this is the whole start-up:
  // fetching, compiling and running these modules (and fib-wasm's .wasm). The JavaScript
  // runtime itself is the browser's, already there.
  const loadedAt = performance.now();
  for (const [algorithm, n] of FIRST_CALLS) {
    await run(fibModule, measureModule, { id: null, algorithm, n, repeats: 1, warmup: 1 }, () => {});
  }
  const startup = { "loading-modules": loadedAt / 1000, "first-calls": (performance.now() - loadedAt) / 1000 };
  const { buildInfo, interpreterName } = fibModule;
  post({ event: "ready", variant, build_info: buildInfo(), interpreter: interpreterName(), startup });
}

async function run({ fib }, { measureCase, AUTO }, { id, algorithm, n, repeats = 3, warmup = AUTO }, send = post) {
  // The first warm-up call starts as soon as the loop below asks for the first event, so
  // its elapsed time is counted from here.
  const started = performance.now();
  // A message posted from inside the call is part of its time: the traced call posts one
  // only every TRACE_INTERVAL_MS, none in its first, and keeps the last step's (the
  // finish) until the call has returned (docs/performance.md: with both posted inside,
  // Rust release's first call at F(3·10^4) in Chromium was 6-10 times its later ones).
  let posted = started;
  let pending = null;
  const trace = (done, total) => {
    const now = performance.now();
    pending = { event: "trace", id, algorithm, n, done, total, elapsed_ns: Math.round((now - started) * 1e6) };
    if (now - posted >= TRACE_INTERVAL_MS && done < total) {
      posted = now;
      send(pending);
      pending = null;
    }
  };
  // The measuring core's own events, as they are, with the request they answer.
  let told = -Infinity;
  for await (const event of measureCase(fib, algorithm, n, repeats, warmup, trace)) {
    if (pending) send(pending); // the traced call's finish, now that it has returned
    pending = null;
    const soon = performance.now() - told < PROGRESS_INTERVAL_MS;
    if (event.event === "progress" && event.done < event.total && soon) continue;
    told = performance.now();
    send({ ...event, id });
  }
}

async function handle(request) {
  let errorMessage = String;
  try {
    const [fibModule, measureModule] = await loaded;
    errorMessage = measureModule.errorMessage;
    if (request.type === "init") await ready(fibModule, measureModule, request);
    else if (request.type === "run") await run(fibModule, measureModule, request);
    else throw new RangeError(`unknown request type '${request.type}'`);
  } catch (error) {
    const stage = request.type === "init" ? "loading-modules" : "run";
    post({ event: "error", id: request.id ?? null, stage, message: errorMessage(error) });
  }
}

// One request at a time, in order: a run must not start while another's result is being
// described, or the two would time each other.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};
