// One module worker per build (Pyodide for Python and the Rust wheels, plain JavaScript
// for BigInt and rust-wasm): starting them, and one measurement in one of them.

import { raceStep } from "./charts.mjs";
import { selectedVariants } from "./form.mjs";
import { count, ms, phase, warmupCalls } from "./format.mjs";
import { $, FETCH_TIMEOUT_MS, LABELS, READY_TIMEOUT_MS, SILENCE_TIMEOUT_MS, fetchJson, setState, shared } from "./page.mjs";

export const workers = new Map(); // variant -> {worker, ready, card}

// pyodide.asm.wasm, compiled once for every Pyodide worker (null if that fails: each
// worker then compiles it itself).
let pyodideRuntime = null;

/** Pyodide's WebAssembly, compiled once by the page and handed to every Pyodide worker. */
export function compilePyodide() {
  pyodideRuntime = WebAssembly.compileStreaming(fetch(`${shared.config.pyodide}pyodide.asm.wasm`)).catch((error) => {
    console.warn(`pyodide.asm.wasm not compiled by the page (${error.message}): each worker compiles it`);
    return null;
  });
}

export function workerCard(variant) {
  const item = document.createElement("li");
  item.dataset.variant = variant;
  item.innerHTML = `<strong>${LABELS[variant]}</strong>
    <span class="stage">waiting</span>
    <progress max="1" value="0" aria-label="${LABELS[variant]} progress"></progress>
    <span class="startup"></span>`;
  $("#workers").append(item);
  return item;
}

export function showStage(card, text, fraction = null) {
  card.querySelector(".stage").textContent = text;
  const bar = card.querySelector("progress");
  if (fraction === null) bar.removeAttribute("value");
  else bar.value = fraction;
}

/** Start the worker of one build; resolves when it is ready, rejects within a bound. */
export async function startWorker(build, card) {
  const wasmModule = build.wheel ? await pyodideRuntime : null;
  return new Promise((resolve, reject) => {
    const worker = new Worker(build.worker, { type: "module" });
    const timer = setTimeout(
      () => reject(new Error(`${LABELS[build.variant]} did not start within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    const done = (outcome, value) => {
      clearTimeout(timer);
      worker.onmessage = null;
      outcome(value);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      done(reject, new Error(`${LABELS[build.variant]}: ${event.message || "the worker could not start"}`));
    };
    // The events of fib_benchmarks/events.py.
    worker.onmessage = ({ data }) => {
      if (data.event === "startup") showStage(card, `${phase(data.stage)}…`);
      else if (data.event === "ready") done(resolve, { worker, ready: data });
      else if (data.event === "error") done(reject, new Error(`${LABELS[build.variant]} (${phase(data.stage)}): ${data.message}`));
    };
    worker.postMessage({
      type: "init",
      variant: build.variant,
      module: build.module,
      pyodide: shared.config.pyodide,
      snapshot: shared.config.pyodide_snapshot,
      wasmModule,
      wheels: build.wheel ? [build.wheel, ...shared.config.support_wheels] : [],
    });
  });
}

/** Start the workers of `variants` at once: each waits on downloads while the others
 * compute. Builds ticked later get their worker when a run needs it. */
export async function startWorkers(variants) {
  const mine = shared.generation;
  const started = performance.now();
  const builds = shared.config.builds.filter((build) => variants.includes(build.variant) && !workers.has(build.variant));
  setState("loading", `Starting ${builds.map((build) => LABELS[build.variant]).join(", ")}…`);
  const starting = builds.map(async (build) => {
    document.querySelector(`#workers li[data-variant="${build.variant}"]`)?.remove();
    const card = workerCard(build.variant);
    const { worker, ready } = await startWorker(build, card);
    if (mine !== shared.generation) return worker.terminate();
    const seconds = (performance.now() - started) / 1000;
    const phases = Object.entries(ready.startup)
      .filter(([, value]) => typeof value === "number")
      .map(([key, s]) => `${phase(key)} ${s.toFixed(2)} s`)
      .join(", ");
    const from = ready.startup.snapshot ? ", Pyodide from its snapshot" : "";
    card.querySelector(".startup").textContent = `ready after ${seconds.toFixed(2)} s (${phases}${from})`;
    ready.ready_after_s = seconds;
    showStage(card, "ready", 0);
    workers.set(build.variant, { worker, ready, card });
  });
  const outcomes = await Promise.allSettled(starting);
  if (mine !== shared.generation) return;
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
  shared.readySeconds = performance.now() / 1000; // since the page was opened
  setState("ready", `Ready: ${count(workers.size, "build")}, ${shared.readySeconds.toFixed(1)} s after the page opened.`);
}

/** `make dev`: ask /api/builds again every DEV_POLL_MS, and restart the worker of a build
 * whose wheel was rebuilt (its URL is its hash), once the page is not busy. */
export const DEV_POLL_MS = 2000;

export function watchRebuilds() {
  setInterval(async () => {
    const state = $("#status").dataset.state;
    if (state === "running" || state === "loading") return;
    let fresh;
    try {
      fresh = await fetchJson("/api/builds", FETCH_TIMEOUT_MS);
    } catch {
      return; // the server is restarting on the new wheels: ask again later
    }
    const rebuilt = fresh.builds.filter((build) => {
      const before = shared.config.builds.find((old) => old.variant === build.variant);
      return before && before.wheel !== build.wheel;
    });
    shared.config = fresh;
    if (rebuilt.length === 0) return;
    for (const build of rebuilt) {
      workers.get(build.variant)?.worker.terminate();
      workers.delete(build.variant);
    }
    const names = rebuilt.map((build) => LABELS[build.variant]).join(", ");
    try {
      await startWorkers(selectedVariants());
      setState("ready", `Rebuilt: ${names} restarted on the new wheel.`);
    } catch (error) {
      setState("error", `Rebuilt, but ${names} could not start: ${error.message}`);
    }
  }, DEV_POLL_MS);
}

/** Progress during long timed calls, which carry no hook: the bar moves with the time
 * the previous call took, ticking 4 times a second on the page's own thread, and only
 * for calls of a second or more (a short call is over before it would move). */
export function callEstimate(card) {
  let ticker = null;
  const stop = () => clearInterval(ticker);
  return {
    stop,
    next(done, calls, expectedMs) {
      stop();
      if (done >= calls || !(expectedMs >= 1000)) return;
      const started = performance.now();
      ticker = setInterval(() => {
        const inside = Math.min((performance.now() - started) / expectedMs, 0.99);
        card.querySelector("progress").value = (done + inside) / calls;
      }, 250);
    },
  };
}

/** One measurement in one worker: resolves with its row, rejects on error or silence. */
export function measureIn(variant, request, onEvent) {
  const { worker, ready, card } = workers.get(variant);
  return new Promise((resolve, reject) => {
    let timer;
    const watchdog = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new Error(`${LABELS[variant]} went silent`)), SILENCE_TIMEOUT_MS);
    };
    watchdog();
    const what = `${request.algorithm} F(${request.n.toLocaleString("en")})`;
    const estimate = callEstimate(card);
    // The events of fib_benchmarks/events.py, as the measuring core made them.
    worker.onmessage = ({ data }) => {
      watchdog();
      onEvent?.(variant, data);
      if (data.event === "trace") {
        showStage(card, `${what}: first call, ${Math.round((100 * data.done) / data.total)} %`, data.done / data.total);
        raceStep(variant, data);
      } else if (data.event === "warm") {
        const calls = warmupCalls(data);
        const lastMs = data.warmup_times_ns.length ? data.warmup_times_ns.at(-1) / 1e6 : null;
        showStage(card, `${what}: warmed up (${count(calls, "call")}), timing…`, 0);
        estimate.next(0, request.repeats, lastMs);
      } else if (data.event === "progress") {
        const lastMs = data.last_ns / 1e6;
        showStage(card, `${what}: timed sample ${data.done} of ${data.total} (${ms(lastMs)} a call)`, data.done / data.total);
        estimate.next(data.done, data.total, lastMs);
      } else if (data.event === "result") {
        clearTimeout(timer);
        estimate.stop();
        showStage(card, "done", 1);
        const row = { ...data };
        delete row.event; // a result event is a row, less what made it an event
        delete row.id;
        resolve({ variant, runtime: "browser", interpreter: ready.interpreter, build_info: ready.build_info, ...row });
      } else if (data.event === "error") {
        clearTimeout(timer);
        estimate.stop();
        showStage(card, "error", 0);
        reject(new Error(`${LABELS[variant]}: ${data.message}`));
      }
    };
    showStage(card, `${what}: first call…`, null);
    worker.postMessage({ type: "run", ...request });
  });
}
