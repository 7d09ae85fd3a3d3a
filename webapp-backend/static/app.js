// The benchmark page: starts one worker per build, all at once (Pyodide for Python and the
// Rust wheels; plain JavaScript for the BigInt build and for fib-rust's WebAssembly module
// with no Pyodide, rust-wasm), runs the measurements one worker at
// a time, fetches the native timings, and shows a table, a chart and the race.
// Worker messages are described in webapp-worker/fib_worker/protocol.py.
//
// `window.pyRustFib` is the page's API for the benchmark CLI (`--runtime chromium`), which
// drives these same workers from headless Chromium.

import { ASK_BEYOND_S, aboutSeconds, runEstimate } from "./estimate.mjs";

const PARAMS = new URLSearchParams(location.search);
// A cold Pyodide start takes seconds; a broken one (say, .wasm served with the wrong type)
// never ends on its own. `?ready_timeout_s=` shortens the bound, for tests.
const READY_TIMEOUT_MS = 1000 * Number(PARAMS.get("ready_timeout_s") ?? 120);
// A run posts a message at least after every call; a call of F(MAX_N) by the iterative
// algorithm in Pyodide's Python takes minutes. This only catches a worker that died.
const SILENCE_TIMEOUT_MS = 1000 * Number(PARAMS.get("silence_timeout_s") ?? 1800);
const FETCH_TIMEOUT_MS = 15_000;
const EXPORT_TIMEOUT_MS = 30_000;
const NATIVE_TIMEOUT_MS = 1_800_000;
const MAX_REPEATS = 50;

const $ = (selector) => document.querySelector(selector);
// Each build's label, from the contract (contract.json, through /api/builds).
const LABELS = {};
/** A build's label; a saved run may name builds this server does not have (rust-wasmtime, gmp). */
const label = (variant) => (Object.hasOwn(LABELS, variant) ? LABELS[variant] : variant);
// Each build's colour in every chart, from the contract too; saved runs may name builds
// this server does not have (grey).
const COLOURS = {};

let config = null; // GET /api/builds
// /runs/<id>: the page shows that saved run instead of starting workers; /runs lists the
// saved runs, /compare?runs=a,b shows runs side by side.
const SAVED_RUN = location.pathname.match(/^\/runs\/([A-Za-z0-9_-]{1,16})$/)?.[1] ?? null;
const VIEW = SAVED_RUN ? "saved" : { "/runs": "runs", "/compare": "compare" }[location.pathname] ?? null;
const workers = new Map(); // variant -> {worker, ready, card}
let generation = 0; // bumped by Cancel: late messages of old workers are ignored
let nativeRun = null; // {token, controller} of the server's native run under way
let lastDocument = null;
let savedDocument = null; // the run last saved: saved once
let linkNotes = []; // what the page's address asked for and the form could not take
let readySeconds = null;
let chart = null;
let race = null;
let raceCase = ""; // "doubling F(1,000)": the case the race shows
const raceFinishes = new Map(); // variant -> its median timed call (ms), once it has one
// pyodide.asm.wasm, compiled once for every Pyodide worker (null if that fails: each
// worker then compiles it itself).
let pyodideRuntime = null;

// ------------------------------------------------------------------ state and status

function setState(state, text) {
  const status = $("#status");
  status.dataset.state = state;
  status.textContent = text;
  const busy = state === "running" || state === "loading";
  $("#run").disabled = busy || state === "error" || !validate(false);
  $("#cancel").disabled = state !== "running";
  // A run is saved whole, once: not while it runs (that saved 1 of 10 measurements).
  $("#save").disabled = busy || !lastDocument || lastDocument === savedDocument;
}

async function fetchJson(url, timeoutMs, options = {}) {
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { ...options, signal });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${said(body.detail) ?? response.statusText}`);
  return body;
}

/** An API error's detail in words: FastAPI's validation errors are a list of
 * {loc, msg}, which read "n: Input should be a valid integer". */
function said(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((item) => `${(item.loc ?? []).slice(1).join(".")}: ${item.msg}`).join("; ");
  if (detail && typeof detail === "object" && typeof detail.message === "string") return [detail.message, ...(detail.problems ?? [])].join(": ");
  return detail === undefined ? undefined : JSON.stringify(detail);
}

/** The chart library, its text and grid lines in the page's colours (style.css: a light or
 * a dark system theme). */
async function loadCharts() {
  await loadScript(config.chartjs);
  const style = getComputedStyle(document.documentElement);
  window.Chart.defaults.color = style.getPropertyValue("--muted").trim();
  window.Chart.defaults.borderColor = style.getPropertyValue("--line").trim();
}

/** Two greys of the page's ink, for "in this browser" and "natively". */
function inkGreys() {
  const style = getComputedStyle(document.documentElement);
  return [style.getPropertyValue("--ink").trim(), style.getPropertyValue("--muted").trim()];
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

// ------------------------------------------------------------------ the form and the URL

function selectedBuilds() {
  return [...document.querySelectorAll('input[name="build"]:checked')].map((box) => box.value);
}

function wholeNumber(text) {
  const clean = text.trim().replaceAll("_", "").replaceAll(",", "");
  return /^-?\d+$/.test(clean) ? Number(clean) : null;
}

/** What is wrong with each field ({field: message}), or {} if the form can be run. */
function problems() {
  const found = {};
  const maxN = config?.max_n ?? 10_000_000;
  const nText = $("#n").value.trim();
  const n = wholeNumber(nText);
  if (nText === "") found.n = "Enter n, a whole number.";
  else if (n === null) found.n = `“${nText}” is not a whole number.`;
  else if (n < 0) found.n = "n must be 0 or more.";
  else if (n > maxN) found.n = `n must be at most ${maxN.toLocaleString("en")}.`;
  const repeatsText = $("#repeats").value.trim();
  const repeats = wholeNumber(repeatsText);
  if (repeats === null || repeats < 1 || repeats > MAX_REPEATS) {
    found.repeats = `Timed calls must be a whole number from 1 to ${MAX_REPEATS}.`;
  }
  if (selectedBuilds().length === 0) found.builds = "Choose at least one build.";
  if ($("#native").checked && config && !found.n && !found.repeats) {
    const limits = config.native;
    if (n > limits.max_n) {
      found.native = `The server times n up to ${limits.max_n.toLocaleString("en")} natively: untick this to run F(${n.toLocaleString("en")}) in the browser only.`;
    } else if (repeats > limits.max_repeats) {
      found.native = `The server times at most ${limits.max_repeats} calls natively: lower “Timed calls” or untick this.`;
    }
  }
  return found;
}

/** The form's values, or null; with `show`, explain what is wrong next to each field. */
function validate(show = true) {
  const found = problems();
  if (show) {
    for (const field of ["n", "repeats", "builds", "native"]) {
      $(`#${field}-error`).textContent = found[field] ?? "";
      $(`#${field}`)?.setAttribute("aria-invalid", found[field] ? "true" : "false");
    }
  }
  if (Object.keys(found).length) return null;
  const algorithm = $("#algorithm").value;
  return {
    ns: [wholeNumber($("#n").value)],
    algorithms: algorithm === "both" ? ["iterative", "doubling"] : [algorithm],
    builds: selectedBuilds(),
    repeats: wholeNumber($("#repeats").value),
    warmup: "auto",
    native: $("#native").checked,
  };
}

/** The parts of the form that the contract defines: n's bound, the algorithms, the builds
 * (all of them ticked). Before the URL's values are applied to them. */
function formFromContract() {
  $("#max-n").textContent = config.max_n.toLocaleString("en");
  for (const algorithm of config.algorithms) {
    $("#algorithm").append(Object.assign(document.createElement("option"), { value: algorithm, textContent: algorithm }));
  }
  $("#build-boxes").replaceChildren(
    ...config.builds.map((build) => {
      LABELS[build.variant] = build.label;
      COLOURS[build.variant] = build.colour;
      const box = Object.assign(document.createElement("input"), { type: "checkbox", name: "build", value: build.variant, checked: true });
      box.addEventListener("input", onFormInput);
      const item = document.createElement("label");
      item.append(box, ` ${build.label}`);
      return item;
    }),
  );
}

/** Fill the form from the URL (?n=&algorithm=&builds=&repeats=&native=); a value that
 * does not fit is kept in its field, where validation shows what is wrong with it. */
function formFromUrl() {
  if (PARAMS.has("n")) $("#n").value = PARAMS.get("n");
  if (PARAMS.has("repeats")) $("#repeats").value = PARAMS.get("repeats");
  const notes = [];
  if (PARAMS.has("algorithm")) {
    const algorithm = PARAMS.get("algorithm");
    if ([...$("#algorithm").options].some((option) => option.value === algorithm)) $("#algorithm").value = algorithm;
    else notes.push(`the link's algorithm “${algorithm}” is unknown`);
  }
  if (PARAMS.has("builds")) {
    const wanted = PARAMS.get("builds").split(",").map((name) => name.trim()).filter(Boolean);
    const known = [...document.querySelectorAll('input[name="build"]')].map((box) => box.value);
    for (const box of document.querySelectorAll('input[name="build"]')) box.checked = wanted.includes(box.value);
    const unknown = wanted.filter((name) => !known.includes(name));
    if (unknown.length) notes.push(`the link's builds ${unknown.map((name) => `“${name}”`).join(", ")} are unknown`);
  }
  if (PARAMS.has("native")) {
    const native = PARAMS.get("native").toLowerCase();
    if (["1", "true", "yes", "on"].includes(native)) $("#native").checked = true;
    else if (["0", "false", "no", "off"].includes(native)) $("#native").checked = false;
    else notes.push(`the link's native “${PARAMS.get("native")}” is neither on (1) nor off (0)`);
  }
  $("#link-error").textContent = notes.length ? `Not taken from the link: ${notes.join("; ")}.` : "";
  linkNotes = notes;
}

/** Keep the address bar in step with the form, so that the page can be linked as it is. */
function urlFromForm() {
  const query = new URLSearchParams({
    n: $("#n").value.trim(),
    algorithm: $("#algorithm").value,
    builds: selectedBuilds().join(","),
    repeats: $("#repeats").value.trim(),
    native: $("#native").checked ? "1" : "0",
  });
  for (const keep of ["ready_timeout_s", "silence_timeout_s"]) if (PARAMS.has(keep)) query.set(keep, PARAMS.get(keep));
  history.replaceState(null, "", `?${query}`);
  // The form as it is, ready to run: whoever opens a link does not start a benchmark by
  // opening it (add run=1 to a link for that).
  $("#permalink").href = `${location.pathname}?${query}`;
}

// ------------------------------------------------------------------ workers

function workerCard(variant) {
  const item = document.createElement("li");
  item.dataset.variant = variant;
  item.innerHTML = `<strong>${LABELS[variant]}</strong>
    <span class="stage">waiting</span>
    <progress max="1" value="0" aria-label="${LABELS[variant]} progress"></progress>
    <span class="startup"></span>`;
  $("#workers").append(item);
  return item;
}

function showStage(card, text, fraction = null) {
  card.querySelector(".stage").textContent = text;
  const bar = card.querySelector("progress");
  if (fraction === null) bar.removeAttribute("value");
  else bar.value = fraction;
}

const STAGES = {
  "loading-runtime": "loading Pyodide…",
  installing: "installing wheels…",
  importing: "importing…",
  "first-calls": "compiling (first calls)…",
};

/** Start the worker of one build; resolves when it is ready, rejects within a bound. */
async function startWorker(build, card) {
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
    worker.onmessage = ({ data }) => {
      if (data.type === "status") showStage(card, STAGES[data.stage] ?? data.stage);
      else if (data.type === "ready") done(resolve, { worker, ready: data });
      else if (data.type === "error") done(reject, new Error(`${LABELS[build.variant]} (${data.stage}): ${data.message}`));
    };
    worker.postMessage({
      type: "init",
      variant: build.variant,
      module: build.module,
      pyodide: config.pyodide,
      snapshot: config.pyodide_snapshot,
      wasmModule,
      wheels: build.wheel ? [build.wheel, ...config.support_wheels] : [],
    });
  });
}

/** Start the workers of `variants` at once: each waits on downloads while the others
 * compute. Builds ticked later get their worker when a run needs it. */
async function startWorkers(variants) {
  const mine = generation;
  const started = performance.now();
  const builds = config.builds.filter((build) => variants.includes(build.variant) && !workers.has(build.variant));
  setState("loading", `Starting ${builds.map((build) => LABELS[build.variant]).join(", ")}…`);
  const starting = builds.map(async (build) => {
    document.querySelector(`#workers li[data-variant="${build.variant}"]`)?.remove();
    const card = workerCard(build.variant);
    const { worker, ready } = await startWorker(build, card);
    if (mine !== generation) return worker.terminate();
    const seconds = (performance.now() - started) / 1000;
    const phases = Object.entries(ready.startup)
      .filter(([, value]) => typeof value === "number")
      .map(([phase, s]) => `${phase} ${s.toFixed(2)} s`)
      .join(", ");
    const from = ready.startup.snapshot ? ", Pyodide from its snapshot" : "";
    card.querySelector(".startup").textContent = `ready after ${seconds.toFixed(2)} s (${phases}${from})`;
    ready.ready_after_s = seconds;
    showStage(card, "ready", 0);
    workers.set(build.variant, { worker, ready, card });
  });
  const outcomes = await Promise.allSettled(starting);
  if (mine !== generation) return;
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
  readySeconds = performance.now() / 1000; // since the page was opened
  setState("ready", `Ready: ${count(workers.size, "build")}, ${readySeconds.toFixed(1)} s after the page opened.`);
}

/** `make dev`: ask /api/builds again every DEV_POLL_MS, and restart the worker of a build
 * whose wheel was rebuilt (its URL is its hash), once the page is not busy. */
const DEV_POLL_MS = 2000;
function watchRebuilds() {
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
      const before = config.builds.find((old) => old.variant === build.variant);
      return before && before.wheel !== build.wheel;
    });
    config = fresh;
    if (rebuilt.length === 0) return;
    for (const build of rebuilt) {
      workers.get(build.variant)?.worker.terminate();
      workers.delete(build.variant);
    }
    const names = rebuilt.map((build) => LABELS[build.variant]).join(", ");
    try {
      await startWorkers(selectedBuilds());
      setState("ready", `Rebuilt: ${names} restarted on the new wheel.`);
    } catch (error) {
      setState("error", `Rebuilt, but ${names} could not start: ${error.message}`);
    }
  }, DEV_POLL_MS);
}

/** Progress during long timed calls, which carry no hook: the bar moves with the time
 * the previous call took, ticking 4 times a second on the page's own thread, and only
 * for calls of a second or more (a short call is over before it would move). */
function callEstimate(card) {
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
function measureIn(variant, request, onEvent) {
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
    worker.onmessage = ({ data }) => {
      watchdog();
      onEvent?.(variant, request, data);
      if (data.type === "trace") {
        showStage(card, `${what}: first call, ${Math.round((100 * data.done) / data.total)} %`, data.done / data.total);
        raceStep(variant, request, data);
      } else if (data.type === "warm") {
        showStage(card, `${what}: warmed up (${data.warmup} calls), timing…`, 0);
        estimate.next(0, request.repeats, data.last_ms);
      } else if (data.type === "progress") {
        showStage(card, `${what}: call ${data.call} of ${data.calls} (${ms(data.last_ms)})`, data.call / data.calls);
        estimate.next(data.call, data.calls, data.last_ms);
      } else if (data.type === "result") {
        clearTimeout(timer);
        estimate.stop();
        showStage(card, "done", 1);
        resolve({ variant, runtime_kind: "browser", runtime: ready.runtime, build: ready.build, ...data.row });
      } else if (data.type === "error") {
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

// ------------------------------------------------------------------ runs

/** Measure `plan` ({ns, algorithms, builds, repeats, warmup, native}) with the workers,
 * one at a time, then natively on the server; resolves with {rows, notes}. */
async function runPlan(plan, onEvent = null) {
  const mine = generation;
  const rows = [];
  const notes = [];
  let id = 0;
  for (const algorithm of plan.algorithms) {
    for (const n of plan.ns) {
      raceStart(algorithm, n, plan.builds);
      for (const variant of plan.builds) {
        setState("running", `Running ${LABELS[variant]}, ${algorithm}, F(${n.toLocaleString("en")})…`);
        const request = { id: ++id, algorithm, n, repeats: plan.repeats, warmup: plan.warmup ?? "auto" };
        const row = await measureIn(variant, request, onEvent);
        rows.push(row);
        raceSettle(variant, row.median_ms);
        if (mine !== generation) throw new Error("cancelled");
        render(rows, notes);
      }
    }
  }
  if (plan.native) {
    for (const algorithm of plan.algorithms) {
      for (const n of plan.ns) {
        // The server says nothing until it is done: the time so far, against its estimate.
        const what = `Running natively on the server: ${algorithm}, F(${n.toLocaleString("en")})`;
        const expected = aboutSeconds(runEstimate({ ...plan, algorithms: [algorithm], ns: [n] }, config).native);
        const started = performance.now();
        const say = () => setState("running", `${what}: ${Math.round((performance.now() - started) / 1000)} s so far, estimated ${expected}…`);
        say();
        const ticker = setInterval(say, 1000);
        try {
          rows.push(...(await nativeTimings(algorithm, n, plan, notes)));
        } finally {
          clearInterval(ticker);
        }
        if (mine !== generation) throw new Error("cancelled");
      }
    }
  }
  render(rows, notes);
  return { rows, notes };
}

async function nativeTimings(algorithm, n, plan, notes) {
  const token = crypto.randomUUID();
  const query = new URLSearchParams({ n, algorithm, repeats: plan.repeats, run: token });
  plan.builds.forEach((variant) => query.append("variant", variant));
  nativeRun = { token, controller: new AbortController() };
  try {
    return (await fetchJson(`/api/native?${query}`, NATIVE_TIMEOUT_MS, { signal: nativeRun.controller.signal })).rows;
  } catch (error) {
    notes.push(`Native timings unavailable: ${error.message}`);
    return [];
  } finally {
    nativeRun = null;
  }
}

async function run(event) {
  event?.preventDefault();
  const input = validate(true);
  if (!input) return;
  urlFromForm();
  if (!mayStart(input)) return;
  asked = null;
  const mine = generation;
  try {
    await startWorkers(input.builds); // any build ticked since the page started
    $("#shared").textContent = ""; // the last run's permalink stays until a new run starts
    setState("running", "Running…");
    const { rows } = await runPlan(input);
    setState("done", `Done: ${rows.length} measurements.`);
    // The answer first, in view, with the focus (it was lost when the buttons were disabled).
    showAnswer(rows);
  } catch (error) {
    if (mine === generation) setState("error", error.message);
  }
}

async function cancel() {
  generation += 1;
  for (const { worker } of workers.values()) worker.terminate();
  if (nativeRun) {
    // Stop the server's process too, or it stays busy and refuses the next run.
    const { token, controller } = nativeRun;
    controller.abort();
    fetch(`/api/native/cancel?run=${token}`, { method: "POST" }).catch(() => {});
  }
  workers.clear();
  setState("loading", "Cancelled. Starting fresh workers…");
  try {
    await startWorkers(selectedBuilds());
  } catch (error) {
    setState("error", error.message);
  }
}

// ------------------------------------------------------------------ the race

/** A new race: every build's first call of this case, drawn as it goes; then, as each
 * build's timed calls end, redrawn at the pace of its median (raceSettle). */
function raceStart(algorithm, n, builds) {
  if (!window.Chart) return;
  $("#race-title").textContent = `The race: ${algorithm} F(${n.toLocaleString("en")}), each build's progress through one call`;
  raceCase = `${algorithm} F(${n.toLocaleString("en")})`;
  raceFinishes.clear();
  $("#race").ariaLabel = `The race of ${raceCase}: under way.`;
  const datasets = builds.map((variant) => ({
    label: LABELS[variant],
    data: [{ x: 0, y: 0 }],
    borderColor: COLOURS[variant] ?? "#777",
    backgroundColor: COLOURS[variant] ?? "#777",
    pointRadius: 0,
    borderWidth: 2,
    showLine: true,
  }));
  if (race) {
    race.data.datasets = datasets;
    race.update("none");
    return;
  }
  race = new window.Chart($("#race"), {
    type: "scatter",
    data: { datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", min: 0, title: { display: true, text: "time since the call started (ms)" } },
        y: { min: 0, max: 100, title: { display: true, text: "% of F(n) done" } },
      },
    },
  });
}

function raceStep(variant, request, { done, total, elapsed_ms }) {
  const line = race?.data.datasets.find((dataset) => dataset.label === LABELS[variant]);
  if (!line) return;
  line.data.push({ x: elapsed_ms, y: (100 * done) / total });
  race.update("none"); // called at most every 50 ms, during an untimed call only
}

/** A build's timed calls are done: its line keeps the first call's shape (how its progress
 * went) but ends at its median timed call, so that the race finishes in the table's order.
 * The first call was cold and traced (issue 20: Rust release finished last at F(10^4), ~30
 * ms against a median of 50 µs). */
function raceSettle(variant, medianMs) {
  const line = race?.data.datasets.find((dataset) => dataset.label === LABELS[variant]);
  if (!line) return;
  const end = line.data.at(-1).x;
  line.data = end > 0 ? line.data.map(({ x, y }) => ({ x: (x * medianMs) / end, y })) : [{ x: 0, y: 0 }, { x: medianMs, y: 100 }];
  race.update("none");
  // The chart's text alternative: who finished, in order, and when.
  raceFinishes.set(variant, medianMs);
  const order = [...raceFinishes].sort((a, b) => a[1] - b[1]);
  const said = order.map(([name, ms]) => `${label(name)} in ${ms < 1 ? ms.toPrecision(2) : ms.toFixed(1)} ms`);
  $("#race").ariaLabel = `The race of ${raceCase}, at the pace of each build's median timed call: ${said.join(", then ")}.`;
}

// ------------------------------------------------------------------ results

function addRatios(rows) {
  const median = new Map(rows.map((r) => [`${r.variant}|${r.runtime_kind}|${r.algorithm}|${r.n}`, r.median_ms]));
  for (const row of rows) {
    const python = median.get(`python|${row.runtime_kind}|${row.algorithm}|${row.n}`);
    const native = median.get(`${row.variant}|native|${row.algorithm}|${row.n}`);
    // A call quicker than the clock's tick measures 0: no ratio rather than an infinite one.
    row.speedup_vs_python = python && row.median_ms ? python / row.median_ms : null;
    row.slowdown_vs_native = row.runtime_kind !== "native" && native ? row.median_ms / native : null;
    const release = median.get(`rust-release|${row.runtime_kind}|${row.algorithm}|${row.n}`);
    row.debug_vs_release = row.variant === "rust-debug" && release ? row.median_ms / release : null;
    row.vs_gmp = null; // GMP is a reference of the CLI only
  }
}

const ms = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;
const ratio = (value) => (value == null ? "—" : `${value.toFixed(2)}×`);
/** A speed-up in words: 5.8 reads "5.8× faster", 0.10 "10× slower" (was "0.10×"). */
const speed = (value) => {
  if (value == null || !Number.isFinite(value) || value <= 0) return "—";
  const shown = multiple(value >= 1 ? value : 1 / value);
  return shown === "1.0" ? "the same" : `${shown}× ${value >= 1 ? "faster" : "slower"}`;
};
/** A multiple as it reads: one decimal below 10 ("4.6"), whole above ("24"). */
const multiple = (value) => (value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en"));

const COLUMNS = ["Build", "Where", "Median", "± IQR/2", "Min – max", "Warm-up", "vs Python", "Browser / native", "F(n)"];

function cell(label, content, className = "") {
  const td = document.createElement("td");
  td.dataset.label = label;
  if (className) td.className = className;
  td.append(...[content].flat());
  return td;
}

function resultRow(row, footnotes) {
  const tr = document.createElement("tr");
  tr.className = "result";
  Object.assign(tr.dataset, {
    variant: row.variant,
    runtime: row.runtime_kind,
    algorithm: row.algorithm,
    n: row.n,
    medianMs: row.median_ms,
    iqrMs: row.iqr_ms,
    warmup: row.warmup,
    outliers: row.outliers,
    digits: row.digits,
    digest: row.digest,
  });
  const median = [ms(row.median_ms)];
  if (row.warnings?.length) {
    footnotes.push(`${label(row.variant)} (${row.runtime_kind}), ${row.algorithm} F(${row.n.toLocaleString("en")}): ${row.warnings.join("; ")}.`);
    // A link to its note (the notes are numbered in the list under the table).
    const mark = Object.assign(document.createElement("sup"), { className: "warn" });
    mark.append(Object.assign(document.createElement("a"), {
      href: `#warning-${footnotes.length}`, textContent: ` ⚠${footnotes.length}`, title: row.warnings.join("; "),
      ariaLabel: `warning ${footnotes.length}`,
    }));
    median.push(mark);
  }
  const edges = row.digits > 24 ? `${row.leading}…${row.trailing}` : row.leading;
  const value = Object.assign(document.createElement("span"), { className: "edges", textContent: edges, title: `${row.digits.toLocaleString("en")} digits, ${row.digest}` });
  const digest = Object.assign(document.createElement("code"), { className: "digest", textContent: row.digest.slice(7, 15) });
  const settled = row.warmup_settled === false ? "*" : "";
  tr.replaceChildren(
    cell(COLUMNS[0], label(row.variant)),
    cell(COLUMNS[1], row.runtime_kind), // native, browser; a saved CLI run: pyodide, chromium, wasi
    cell(COLUMNS[2], median),
    cell(COLUMNS[3], `± ${ms(row.iqr_ms / 2)}`),
    cell(COLUMNS[4], `${ms(row.min_ms)} – ${ms(row.max_ms)}`),
    cell(COLUMNS[5], `${row.warmup}${settled}`),
    cell(COLUMNS[6], row.variant === "python" ? "—" : speed(row.speedup_vs_python)),
    cell(COLUMNS[7], ratio(row.slowdown_vs_native)),
    cell(COLUMNS[8], [value, " ", digest], "value"),
  );
  return tr;
}

function render(rows, notes) {
  addRatios(rows);
  const footnotes = [];
  const body = $("#results tbody");
  const lines = [];
  let previous = null;
  // One group per case, the browser's rows and then the server's: sort is stable.
  const cases = [...new Set(rows.map((row) => `${row.algorithm}|${row.n}`))];
  const grouped = [...rows].sort((a, b) => cases.indexOf(`${a.algorithm}|${a.n}`) - cases.indexOf(`${b.algorithm}|${b.n}`));
  for (const row of grouped) {
    const key = `${row.algorithm}|${row.n}`;
    if (key !== previous) {
      const header = document.createElement("tr");
      header.className = "case";
      const th = Object.assign(document.createElement("th"), { colSpan: COLUMNS.length, scope: "rowgroup" });
      th.textContent = `${row.algorithm} · F(${row.n.toLocaleString("en")}), ${count(row.digits, "digit")}`;
      header.append(th);
      lines.push(header);
      previous = key;
    }
    lines.push(resultRow(row, footnotes));
  }
  body.replaceChildren(...lines);
  $("#warnings").replaceChildren(...footnotes.map((text, i) => Object.assign(document.createElement("li"), { textContent: text, id: `warning-${i + 1}` })));
  const digests = new Map();
  for (const row of rows) {
    if (!digests.has(row.n)) digests.set(row.n, new Set());
    digests.get(row.n).add(row.digest);
  }
  const agree = [...digests.values()].every((set) => set.size === 1);
  const agreement = $("#agreement");
  agreement.dataset.agree = String(agree);
  agreement.textContent = rows.length === 0 ? "" : agree
    ? `${rows.length === 1 ? "One result, nothing to compare it with." : `All ${rows.length} results agree.`}${notes.length ? " " + notes.join(" ") : ""}`
    : `The builds DISAGREE on F(n): compare the digests. ${notes.join(" ")}`;
  drawChart(rows);
  lastDocument = rows.length ? resultDocument(rows) : null;
  for (const id of ["#download", "#download-csv", "#download-markdown"]) $(id).disabled = !lastDocument;
  $("#save").disabled = !lastDocument || $("#status").dataset.state === "running";
}

function drawChart(rows) {
  if (!window.Chart) return;
  const name = (r) => `${r.algorithm} F(${r.n.toLocaleString("en")}) · ${label(r.variant)}`;
  const labels = [...new Set(rows.map(name))];
  const series = (native) => labels.map((label) => rows.find((r) => name(r) === label && (r.runtime_kind === "native") === native)?.median_ms ?? null);
  const data = {
    labels,
    // Not the builds' colours (blue is Python in the other charts): two greys of one ink.
    datasets: [
      { label: "in this browser", data: series(false), backgroundColor: inkGreys()[0] },
      { label: "natively on the server", data: series(true), backgroundColor: inkGreys()[1] },
    ],
  };
  if (chart) {
    chart.data = data;
    chart.update();
    return;
  }
  chart = new window.Chart($("#chart"), {
    type: "bar",
    data,
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        y: {
          type: "logarithmic",
          title: { display: true, text: "median time" },
          // Powers of ten only, each in its own unit ("100 µs", "1.0 ms", "10 s"): the
          // labels in between collided ("100,000" over "70,000").
          ticks: { callback: (value) => (Number.isInteger(Math.log10(value)) ? ms(value) : "") },
        },
      },
    },
  });
}

/** After a run (or on a saved one): the answer in words and a headline chart, first in
 * view. The case is the run's largest n by doubling (else by iterative), where the
 * difference is largest; the ratios are those of the table (this run only). */
function showAnswer(rows) {
  const algorithm = rows.some((row) => row.algorithm === "doubling") ? "doubling" : rows[0]?.algorithm;
  const ofCase = rows.filter((row) => row.algorithm === algorithm);
  if (!ofCase.length) return;
  const n = Math.max(...ofCase.map((row) => row.n));
  const at = ofCase.filter((row) => row.n === n);
  const median = (variant, native) => at.find((row) => row.variant === variant && (row.runtime_kind === "native") === native)?.median_ms;
  const versusPython = (variant, native) => {
    const python = median("python", native);
    const own = median(variant, native);
    return python && own ? python / own : null;
  };
  // "5.8× faster than Python in this browser", or "as fast as Python natively".
  const versus = (ratio, where) => (speed(ratio) === "the same" ? `as fast as Python ${where}` : `${speed(ratio)} than Python ${where}`);
  const parts = [];
  const release = [[versusPython("rust-release", false), "in this browser"], [versusPython("rust-release", true), "natively"]].filter(([ratio]) => ratio);
  if (release.length) parts.push(`Rust release is ${release.map(([ratio, where]) => versus(ratio, where)).join(", and ")}`);
  const bigint = versusPython("javascript", false);
  if (bigint) parts.push(`JavaScript's BigInt is ${versus(bigint, "in this browser")}`);
  const debug = versusPython("rust-debug", false) ?? versusPython("rust-debug", true);
  if (debug && debug < 1) parts.push(`Rust debug is ${speed(debug)} than Python: an unoptimised build, for finding bugs, not for speed`);
  $("#answer-text").textContent = parts.length
    ? `At F(${n.toLocaleString("en")}) by ${algorithm}: ${parts.join("; ")}.`
    : `At F(${n.toLocaleString("en")}) by ${algorithm}: tick Python and a Rust build to see what Rust buys.`;
  const answer = $("#answer");
  answer.hidden = false;
  drawAnswerChart(at, versusPython);
  answer.scrollIntoView({ block: "start" });
  answer.focus({ preventScroll: true });
}

function drawAnswerChart(at, versusPython) {
  if (!window.Chart) return;
  const bars = [];
  for (const variant of [...new Set(at.map((row) => row.variant))].filter((v) => v !== "python")) {
    for (const native of [false, true]) {
      const value = versusPython(variant, native);
      // Two lines (the build, then where), so that the labels fit a phone's width.
      if (value) bars.push({ label: [label(variant), native ? "natively" : "in this browser"], value, colour: COLOURS[variant] ?? "#777" });
    }
  }
  // A bar every 2.2 rem, each labelled (Chart.js would skip every other label).
  $(".answer-box").style.height = `${2.2 * bars.length + 3}rem`;
  const data = { labels: bars.map((bar) => bar.label), datasets: [{ label: "times faster than Python", data: bars.map((bar) => bar.value), backgroundColor: bars.map((bar) => bar.colour) }] };
  // The chart's text alternative: its bars, in words.
  const said = bars.map((bar) => `${bar.label.join(" ")}: ${speed(bar.value)}`);
  $("#answer-chart").ariaLabel = said.length ? `Against Python: ${said.join("; ")}.` : "No Rust build to set against Python.";
  const existing = window.Chart.getChart($("#answer-chart"));
  if (existing) existing.destroy();
  new window.Chart($("#answer-chart"), {
    type: "bar",
    data,
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        // From 1 (as fast as Python), labelled 1, 2, 5, 10, 20... or, on a phone, at the
        // powers of ten only: Chart.js labelled 1,000 1,010 1,020 1,030 into one another.
        x: {
          type: "logarithmic",
          suggestedMin: 1,
          title: { display: true, text: "times faster than Python" },
          ticks: {
            autoSkip: false,
            callback(value) {
              const leading = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
              const shown = this.chart.width < 600 ? [1] : [1, 2, 5];
              return shown.some((digit) => Math.abs(leading - digit) < 1e-6) ? multiple(value) : "";
            },
          },
        },
        y: { ticks: { autoSkip: false } },
      },
    },
  });
}

/** The run as the CLI's document (fib_benchmarks/document.py, benchmark.schema.json). */
function resultDocument(rows) {
  const distinct = (pick) => [...new Set(rows.map(pick))];
  // A browser's own runtime string names it ("Chrome 156.0.8078.73"); Pyodide's does not.
  const browser = rows.find((row) => row.runtime_kind === "browser" && !row.runtime.startsWith("Pyodide"))?.runtime ?? null;
  const builds = rows.map((row) => row.build ?? {});
  return {
    schema: "py-rust-fib/benchmark",
    version: 3,
    created: new Date().toISOString(),
    code: config.code,
    host: {
      user_agent: navigator.userAgent,
      browser,
      cpus: navigator.hardwareConcurrency,
      cross_origin_isolated: self.crossOriginIsolated,
      ready_after_s: readySeconds,
    },
    versions: {
      runtimes: distinct((row) => row.runtime).sort(),
      rustc: [...new Set(builds.map((build) => build.rustc).filter(Boolean))].sort(),
      wasmtime: [...new Set(builds.map((build) => build.dependencies?.wasmtime).filter(Boolean))].sort(),
    },
    settings: {
      source: "web page",
      url: location.href,
      ns: distinct((row) => row.n),
      algorithms: distinct((row) => row.algorithm),
      variants: distinct((row) => row.variant),
      runtimes: distinct((row) => row.runtime_kind),
      repeats: Math.max(...rows.map((row) => row.repeats)),
      warmup: "auto",
      rounds: 1,
    },
    startups: [...workers.values()].map(({ ready }) => ({
      variant: ready.variant, runtime_kind: "browser", runtime: ready.runtime, build: ready.build,
      seconds: Object.values(ready.startup).filter((value) => typeof value === "number").reduce((a, b) => a + b, 0),
      phases: ready.startup,
      ready_after_s: ready.ready_after_s,
    })),
    rows,
  };
}

function save(blob, extension) {
  const stamp = lastDocument.created.replaceAll(":", "-").slice(0, 19);
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `py-rust-fib-${stamp}.${extension}` });
  link.click();
  URL.revokeObjectURL(link.href);
}

function download() {
  save(new Blob([JSON.stringify(lastDocument, null, 1)], { type: "application/json" }), "json");
}

/** Save the run on this server: its permalink, shown; its delete token, kept by this browser. */
async function saveAndShare() {
  $("#save").disabled = true;
  try {
    const saved = await fetchJson("/api/runs", EXPORT_TIMEOUT_MS, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(lastDocument),
    });
    localStorage.setItem(`py-rust-fib:delete-token:${saved.id}`, saved.delete_token);
    savedDocument = lastDocument;
    const link = Object.assign(document.createElement("a"), { href: saved.url, textContent: new URL(saved.url, location.href).href });
    $("#shared").replaceChildren("Saved: ", link, " (this browser keeps the token that can delete it)");
  } catch (error) {
    $("#shared").textContent = `Not saved: ${error.message}`;
    $("#save").disabled = false;
  }
}

/** The query of an http(s) address on this site (`?n=...`, or ""), else null. */
function sameSiteQuery(url) {
  if (typeof url !== "string") return null;
  let parsed;
  try {
    parsed = new URL(url, location.origin);
  } catch {
    return null;
  }
  const web = parsed.protocol === "http:" || parsed.protocol === "https:";
  return web && parsed.host === location.host ? parsed.search : null;
}

/** /runs/<id>: a saved run shown as a fresh one is, with nothing started. */
async function showSaved(id) {
  document.body.classList.add("saved-view");
  const saved = await fetchJson(`/api/runs/${encodeURIComponent(id)}`, FETCH_TIMEOUT_MS);
  await loadCharts();
  render(saved.rows, []);
  if (saved.rows.length) showAnswer(saved.rows);
  lastDocument = saved;
  for (const button of ["#download", "#download-csv", "#download-markdown"]) $(button).disabled = false;
  const { host, code, settings, created } = saved;
  const where = host.browser ?? host.cpu_model ?? host.machine ?? "an unknown machine";
  const commit = code.commit ? `commit ${code.commit.slice(0, 12)}${code.dirty ? " with local changes" : ""}` : "an unknown commit";
  const measured = new Date(created).toLocaleString("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
  $("#saved-summary").textContent = `Measured ${measured} UTC on ${where} (${host.cpus ?? "?"} CPUs) by ${settings.source}, ${commit}.`;
  // The run's address comes from a stored document: only its query, on this site, becomes
  // a link (never a `javascript:` or another site's address, whatever was stored).
  const again = sameSiteQuery(settings.url);
  if (again !== null) $("#saved-again").href = `/${again}`;
  else $("#saved-again-item").hidden = true;
  // Only the browser that saved the run holds its delete token.
  const token = localStorage.getItem(`py-rust-fib:delete-token:${id}`);
  if (token) {
    $("#delete-saved").hidden = false;
    $("#delete-saved").addEventListener("click", () => deleteSaved(id, token));
  }
  const load = saved.load ?? [];
  if (load.length) showLoad(saved);
  setState("done", `Saved run ${id}: ${saved.rows.length + load.length} measurements.`);
}

/** A saved run of `benchmark load`: the answer in words, requests a second drawn, every row. */
function showLoad(saved) {
  const { load: rows, settings } = saved;
  document.body.classList.add("load-run");
  if (!saved.rows.length) document.body.classList.add("load-only");
  // The answer: at the largest n and the most connections, Rust's handler against Python's
  // on each server, and the most any server served.
  const largestN = Math.max(...rows.map((row) => row.n));
  const most = Math.max(...rows.map((row) => row.concurrency));
  const at = rows.filter((row) => row.n === largestN && row.concurrency === most);
  const rate = (server, variant) => at.find((row) => row.server === server && row.variant === variant)?.requests_per_s;
  const servers = [...new Set(rows.map((row) => row.server))];
  const gains = servers
    .map((server) => [server, rate(server, "rust-release"), rate(server, "python")])
    .filter(([, rust, python]) => rust && python)
    .map(([server, rust, python]) => `${multiple(rust / python)}x on ${server}`);
  const best = at.reduce((top, row) => (row.requests_per_s > (top?.requests_per_s ?? -1) ? row : top), null);
  $("#load-answer").textContent = [
    gains.length ? `At F(${largestN.toLocaleString("en")}) with ${most} connections, requests a second with Rust in the handler against Python: ${gains.join(", ")}.` : "",
    best ? `The most: ${Math.round(best.requests_per_s).toLocaleString("en")} requests a second, ${label(best.variant)} on ${best.server}.` : "",
  ].join(" ");
  const load = settings.load ?? {};
  $("#load-caption").textContent = `GET /api/fib (${settings.algorithms.join(", ")}) under ${load.generator ?? "a load generator"} on 127.0.0.1, ${load.duration_s ?? "?"} s per row; latencies are percentiles of every request; CPU in cores (CPU seconds a second).`;
  const latency = (value) => (value === null ? "—" : value < 1 ? `${Math.round(value * 1000)} µs` : `${value.toLocaleString("en", { maximumFractionDigits: 1 })} ms`);
  $("#load-table tbody").replaceChildren(...rows.map((row) => tableRow(
    row.server, label(row.variant), row.n.toLocaleString("en"), row.concurrency,
    Math.round(row.requests_per_s).toLocaleString("en"),
    latency(row.latency_p50_ms), latency(row.latency_p90_ms), latency(row.latency_p99_ms),
    row.errors, `${row.server_cpu_cores.toFixed(2)}`, `${row.wrk_cpu_cores.toFixed(2)}`,
  )));
  drawLoadChart(rows, most);
}


function drawLoadChart(rows, most) {
  if (!window.Chart) return;
  const measured = rows.filter((row) => row.concurrency === most && row.n > 0);
  const name = (row) => `${row.server} · F(${row.n.toLocaleString("en")})`;
  const labels = [...new Set(measured.map(name))];
  const variants = [...new Set(measured.map((row) => row.variant))];
  $("#load-chart-caption").textContent = `Requests a second with ${most} connections, per server and n (log scale): higher is better.`;
  new window.Chart($("#load-chart"), {
    type: "bar",
    data: {
      labels,
      datasets: variants.map((variant) => ({
        label: label(variant),
        backgroundColor: COLOURS[variant] ?? "#777",
        data: labels.map((text) => measured.find((row) => name(row) === text && row.variant === variant)?.requests_per_s ?? null),
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { type: "logarithmic", title: { display: true, text: "requests a second" } } },
    },
  });
}

/** "1 digit", "209 digits": a count and its noun. */
const count = (value, noun) => `${value.toLocaleString("en")} ${noun}${value === 1 ? "" : "s"}`;

/** An element with text (never HTML: saved runs are untrusted), and a table row of cells. */
const textElement = (tag, content, attributes = {}) => Object.assign(document.createElement(tag), { textContent: content, ...attributes });
const tableRow = (...cells) => {
  const tr = document.createElement("tr");
  tr.append(...cells.map((cell) => (cell instanceof Node ? cell : textElement("td", String(cell)))));
  return tr;
};
const when = (iso) => iso.slice(0, 16).replace("T", " ");
/** A list for a table cell: its first values, and how many more ("1,000, 10,000 and 3 more"). */
const listed = (values, shown = 4) =>
  values.length <= shown ? values.join(", ") : `${values.slice(0, shown).join(", ")} and ${values.length - shown} more`;
/** On a phone a table's rows become cards (style.css): each cell names its column. */
function labelCells(table) {
  const headings = [...table.tHead.rows[0].cells].map((heading) => heading.textContent);
  for (const row of table.tBodies[0].rows) [...row.cells].forEach((cell, i) => (cell.dataset.label = headings[i] ?? ""));
}

async function deleteSaved(id, token) {
  $("#delete-saved").disabled = true;
  try {
    const response = await fetch(`/api/runs/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`, {
      method: "DELETE",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok && response.status !== 404) throw new Error(`the server answered ${response.status}`);
    localStorage.removeItem(`py-rust-fib:delete-token:${id}`);
    $("#deleted").textContent = "Deleted: this link now leads nowhere.";
  } catch (error) {
    $("#deleted").textContent = `Not deleted: ${error.message}`;
    $("#delete-saved").disabled = false;
  }
}

/** /runs: the latest saved runs, filtered as the form (and the URL) say. */
async function showRuns() {
  document.body.classList.add("runs-view");
  const filter = $("#runs-filter");
  for (const algorithm of config.algorithms) filter.algorithm.append(textElement("option", algorithm));
  for (const name of ["n", "algorithm", "runtime", "browser"]) filter[name].value = PARAMS.get(name) ?? "";
  const query = new URLSearchParams([...PARAMS].filter(([name, value]) => ["n", "algorithm", "runtime", "browser"].includes(name) && value));
  const runs = await fetchJson(`/api/runs?${query}`, FETCH_TIMEOUT_MS);
  const selected = new Set();
  $("#runs-table tbody").replaceChildren(...runs.map((run) => {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: run.id, ariaLabel: `compare ${run.id}` });
    box.addEventListener("change", () => {
      box.checked ? selected.add(run.id) : selected.delete(run.id);
      $("#compare-selected").disabled = selected.size < 2 || selected.size > 8;
    });
    const cell = document.createElement("td");
    cell.append(box);
    const link = document.createElement("td");
    link.append(textElement("a", run.id, { href: `/runs/${run.id}` }));
    const commit = run.commit ? run.commit.slice(0, 12) + (run.dirty ? " (changed)" : "") : "—";
    const builds = run.builds.map(label).join(", ") + (run.runtimes.includes("server") ? " (under load)" : "");
    return tableRow(cell, link, when(run.created), listed(run.ns.map((n) => n.toLocaleString("en"))), run.algorithms.join(", "), builds, run.machine ?? "—", commit);
  }));
  labelCells($("#runs-table"));
  $("#compare-selected").addEventListener("click", () => {
    location.href = `/compare?runs=${[...selected].join(",")}`;
  });
  $("#runs-message").textContent = runs.length ? "" : "No saved run matches.";
  setState("done", `${runs.length} saved runs.`);
}

/** /compare?runs=a,b: the server's comparison (the CLI's), as a table. */
/** What a view says when it cannot show what its address asks for. */
const VIEW_FAILURES = {
  saved: (why) => (why.startsWith("404") ? "No saved run has this address: it was deleted, or the link is mistyped." : `This saved run cannot be shown: ${why}`),
  runs: (why) => `The saved runs cannot be listed: ${why}`,
  compare: (why) => `These runs cannot be compared: ${why}`,
};

async function showComparison() {
  document.body.classList.add("compare-view");
  const ids = PARAMS.get("runs") ?? "";
  const count = ids.split(",").filter(Boolean).length;
  if (count < 2 || count > 8) throw new Error(`a comparison takes two to eight saved runs (?runs=a,b); this link names ${count}`);
  const { runs, lines, in_common: inCommon, not_in_first: notInFirst } = await fetchJson(`/api/compare?runs=${encodeURIComponent(ids)}`, FETCH_TIMEOUT_MS);
  $("#compared-runs").replaceChildren(...runs.map((run) => {
    const item = document.createElement("li");
    const where = run.machine ?? "?";
    item.append(textElement("a", run.id, { href: `/runs/${run.id}` }), `: ${when(run.created)}, ${where}, commit ${(run.code.commit ?? "?").slice(0, 12)}`);
    return item;
  }));
  const headings = ["Case", "Build", "Where", "First", ...runs.slice(1).map((_, i) => `Run ${i + 2}`)];
  $("#comparison-table thead tr").replaceChildren(...headings.map((heading) => textElement("th", heading, { scope: "col" })));
  const words = { slower: "slower", faster: "faster", same: "within noise", missing: "not measured" };
  $("#comparison-table tbody").replaceChildren(...lines.map((line) => {
    const [variant, runtime, algorithm, n] = line.key;
    const others = line.medians.slice(1).map((median, i) => {
      const verdict = line.verdicts[i];
      // The ratio's 95 % interval (a bootstrap over both rows' samples, fib_benchmarks.compare).
      const interval = line.intervals?.[i];
      const sure = interval ? `; 95 %: ${interval[0].toFixed(2)}–${interval[1].toFixed(2)}` : "";
      const shown = median == null ? "—" : `${ms(median)} (${ratio(line.ratios[i])}, ${words[verdict]}${sure})`;
      return textElement("td", shown, { className: `verdict-${verdict}` });
    });
    return tableRow(`${algorithm} F(${n.toLocaleString("en")})`, label(variant), runtime, ms(line.medians[0]), ...others);
  }));
  labelCells($("#comparison-table"));
  // What the table cannot show: the first run's cases are its lines.
  const notes = inCommon ? [] : ["These runs have no measurement in common (the same build, runtime, algorithm and n): there is nothing to compare."];
  notInFirst.forEach((extra, i) => extra && notes.push(`Run ${i + 2} has ${count(extra, "measurement")} the first has not: not compared.`));
  $("#comparison-note").textContent = notes.join(" ");
  const differ = lines.filter((line) => line.digests_differ).length;
  setState(differ ? "error" : "done", differ ? `These runs computed different F(n) in ${differ} cases.` : `${runs.length} runs compared.`);
}

/** CSV or Markdown: made by the server from this document, with the CLI's own code. */
async function exportAs(format, extension) {
  try {
    const response = await fetch(`/api/export?format=${format}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(lastDocument),
      signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`the server refused the export (${response.status}): ${(await response.text()).slice(0, 300)}`);
    save(await response.blob(), extension);
  } catch (error) {
    setState("error", `Export failed: ${error.message}`);
  }
}

// ------------------------------------------------------------------ start

let resolveReady;
const ready = new Promise((resolve) => (resolveReady = resolve));

/** For the benchmark CLI: the same workers, driven from outside. */
window.pyRustFib = {
  ready, // resolves with {ok, seconds, message} once every worker is ready or one failed
  // Progress goes to `window.pyRustFibProgress(message)` if the caller defined it.
  runPlan: async (plan) => {
    await startWorkers(plan.builds);
    setState("running", "Running…");
    const result = await runPlan(plan, (variant, request, data) => {
      if (data.type === "progress" || data.type === "warm") {
        window.pyRustFibProgress?.({ variant, algorithm: request.algorithm, n: request.n, ...data });
      }
    });
    setState("done", `Done: ${result.rows.length} measurements.`);
    return { ...result, document: lastDocument };
  },
  startups: () => resultDocument([]).startups,
  lastDocument: () => lastDocument,
};

/** Any change to the form: explain what is wrong, follow it in the address bar, say how
 * long the run would take. */
function onFormInput() {
  const state = $("#status").dataset.state;
  const input = validate(true);
  urlFromForm();
  showEstimate(input);
  if (state === "ready" || state === "done" || (state === "error" && config)) $("#run").disabled = input === null;
}

/** The form's run, estimated in #estimate; returns the estimate (null if none). */
function showEstimate(input) {
  if (!input || !config) {
    $("#estimate").textContent = "";
    return null;
  }
  const estimate = runEstimate(input, config);
  const slowest = estimate.byBuild.size > 1 ? `, ${label(estimate.slowest)} the longest` : "";
  $("#estimate").textContent = `Estimated: ${aboutSeconds(estimate.seconds)}${slowest}.`;
  return estimate;
}

/** Whether `input` may start now: a run estimated over a minute starts only on a second
 * press of Run with the same settings, the first saying why. */
let asked = null; // the settings of the long run the visitor was last asked about
function mayStart(input) {
  const estimate = showEstimate(input);
  const key = JSON.stringify(input);
  if (!estimate || estimate.seconds <= ASK_BEYOND_S || asked === key) return true;
  asked = key;
  const longest = estimate.byBuild.get(estimate.slowest);
  const slowest = estimate.byBuild.size > 1 ? ` (${label(estimate.slowest)} alone ${aboutSeconds(longest)})` : "";
  $("#estimate").textContent =
    `This run would take ${aboutSeconds(estimate.seconds)}${slowest}. Press Run again to start it, or make it shorter: a smaller n, fewer timed calls or fewer builds.`;
  setState("ready", "Not started: this run is long. Press Run again to start it.");
  return false;
}

async function boot() {
  $("#form").addEventListener("submit", run);
  $("#cancel").addEventListener("click", cancel);
  $("#download").addEventListener("click", download);
  $("#download-csv").addEventListener("click", () => exportAs("csv", "csv"));
  $("#download-markdown").addEventListener("click", () => exportAs("markdown", "md"));
  $("#save").addEventListener("click", saveAndShare);
  for (const element of document.querySelectorAll("#form input, #form select")) {
    element.addEventListener("input", onFormInput);
  }
  try {
    config = await fetchJson("/api/builds", FETCH_TIMEOUT_MS);
    formFromContract();
    if (VIEW) {
      try {
        await { saved: () => showSaved(SAVED_RUN), runs: showRuns, compare: showComparison }[VIEW]();
      } catch (error) {
        // The form (and its status line) is not shown in these views: say it here.
        const shown = $("#view-error");
        shown.textContent = VIEW_FAILURES[VIEW](error.message);
        shown.hidden = false;
        throw error;
      }
      resolveReady({ ok: true, seconds: 0 });
      return;
    }
    pyodideRuntime = WebAssembly.compileStreaming(fetch(`${config.pyodide}pyodide.asm.wasm`)).catch((error) => {
      console.warn(`pyodide.asm.wasm not compiled by the page (${error.message}): each worker compiles it`);
      return null;
    });
    formFromUrl();
    urlFromForm();
    showEstimate(validate(true));
    // The chart library loads while the workers start; the page waits for neither alone.
    await Promise.all([loadCharts(), startWorkers(selectedBuilds())]);
    resolveReady({ ok: true, seconds: readySeconds });
    if (config.dev) watchRebuilds();
  } catch (error) {
    setState("error", `Could not start: ${error.message}`);
    resolveReady({ ok: false, message: error.message });
    return;
  }
  if (PARAMS.get("run") === "1") {
    // A link that was not understood whole runs nothing: what would run is not what it says.
    if (validate(true) && !linkNotes.length) await run();
    else setState("ready", "The link asked to run, but parts of it are wrong: see the messages above.");
  }
}

boot();
