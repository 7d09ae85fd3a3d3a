// The benchmark page: starts one Pyodide worker per build, runs the measurements one
// worker at a time, fetches the native timings, and shows a table and a chart.
// Worker messages are described in webapp-worker/fib_worker/protocol.py.

// A cold Pyodide start takes seconds; a broken one (say, .wasm served with the wrong type)
// never ends on its own. `?ready_timeout_s=` shortens the bound, for tests.
const READY_TIMEOUT_MS = 1000 * Number(new URLSearchParams(location.search).get("ready_timeout_s") ?? 120);
const SILENCE_TIMEOUT_MS = 120_000; // a run posts progress at least between calls
const FETCH_TIMEOUT_MS = 15_000;
const NATIVE_TIMEOUT_MS = 600_000;

const $ = (selector) => document.querySelector(selector);
const LABELS = { python: "Python", "rust-release": "Rust release", "rust-debug": "Rust debug" };

let config = null; // GET /api/builds
const workers = new Map(); // variant -> {worker, ready, card}
let generation = 0; // bumped by Cancel: late messages of old workers are ignored
let lastDocument = null;
let chart = null;

// ------------------------------------------------------------------ state and status

function setState(state, text) {
  const status = $("#status");
  status.dataset.state = state;
  status.textContent = text;
  const busy = state === "running" || state === "loading";
  $("#run").disabled = busy || state === "error" || !validate(false);
  $("#cancel").disabled = state !== "running";
}

function fail(message) {
  setState("error", message);
}

async function fetchJson(url, timeoutMs) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    throw new Error(`${response.status}: ${detail ?? response.statusText}`);
  }
  return body;
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

// ------------------------------------------------------------------ input

function selectedBuilds() {
  return [...document.querySelectorAll('input[name="build"]:checked')].map((box) => box.value);
}

/** The form's values, or null; with `show`, explain what is wrong next to the field. */
function validate(show = true) {
  const field = $("#n");
  const text = field.value.trim().replaceAll("_", "").replaceAll(",", "");
  const maxN = config?.max_n ?? 10_000_000;
  let problem = "";
  if (text === "") problem = "Enter n, a whole number.";
  else if (!/^-?\d+$/.test(text)) problem = `“${field.value.trim()}” is not a whole number.`;
  else if (text.startsWith("-")) problem = "n must be 0 or more.";
  else if (Number(text) > maxN) problem = `n must be at most ${maxN.toLocaleString("en")}.`;
  else if (selectedBuilds().length === 0) problem = "Choose at least one build.";
  if (show) {
    $("#n-error").textContent = problem;
    field.setAttribute("aria-invalid", problem ? "true" : "false");
  }
  if (problem) return null;
  const algorithm = $("#algorithm").value;
  return {
    n: Number(text),
    algorithms: algorithm === "both" ? ["iterative", "doubling"] : [algorithm],
    builds: selectedBuilds(),
    repeats: Math.min(20, Math.max(1, Number($("#repeats").value) || 3)),
    native: $("#native").checked,
  };
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
};

/** Start the worker of one build; resolves when it is ready, rejects within a bound. */
function startWorker(build, card) {
  return new Promise((resolve, reject) => {
    const worker = new Worker("/worker.mjs", { type: "module" });
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
      micropip: config.micropip,
      wheels: [build.wheel, ...config.support_wheels],
    });
  });
}

async function startWorkers() {
  const mine = generation;
  $("#workers").replaceChildren();
  workers.clear();
  // One after another: each cold start is timed alone, not against the others.
  for (const build of config.builds) {
    const card = workerCard(build.variant);
    setState("loading", `Starting ${LABELS[build.variant]}…`);
    const { worker, ready } = await startWorker(build, card);
    if (mine !== generation) return worker.terminate();
    const seconds = Object.values(ready.startup).reduce((a, b) => a + b, 0);
    card.querySelector(".startup").textContent = `cold start ${seconds.toFixed(2)} s`;
    showStage(card, "ready", 0);
    workers.set(build.variant, { worker, ready, card });
  }
  setState("ready", `Ready: ${workers.size} builds loaded in ${workers.values().next().value.ready.runtime}.`);
}

/** One measurement in one worker: resolves with its row, rejects on error or silence. */
function measureIn(variant, request) {
  const { worker, ready, card } = workers.get(variant);
  return new Promise((resolve, reject) => {
    let timer;
    const watchdog = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new Error(`${LABELS[variant]} went silent`)), SILENCE_TIMEOUT_MS);
    };
    watchdog();
    worker.onmessage = ({ data }) => {
      watchdog();
      if (data.type === "progress") {
        const inside = data.total ? data.done / data.total : 0;
        const fraction = (data.call + inside) / data.calls;
        showStage(card, `running ${request.algorithm}: call ${Math.min(data.call + 1, data.calls)} of ${data.calls}`, fraction);
      } else if (data.type === "result") {
        clearTimeout(timer);
        showStage(card, "done", 1);
        resolve({ variant, runtime_kind: "browser", runtime: ready.runtime, build: ready.build, ...data.row });
      } else if (data.type === "error") {
        clearTimeout(timer);
        showStage(card, "error", 0);
        reject(new Error(`${LABELS[variant]}: ${data.message}`));
      }
    };
    showStage(card, `running ${request.algorithm}…`, 0);
    worker.postMessage({ type: "run", ...request });
  });
}

// ------------------------------------------------------------------ runs

async function run(event) {
  event?.preventDefault();
  const input = validate(true);
  if (!input) return;
  const mine = generation;
  setState("running", "Running…");
  const rows = [];
  const notes = [];
  try {
    let id = 0;
    for (const algorithm of input.algorithms) {
      for (const variant of input.builds) {
        setState("running", `Running ${LABELS[variant]}, ${algorithm}, F(${input.n.toLocaleString("en")})…`);
        const request = { id: ++id, algorithm, n: input.n, repeats: input.repeats, warmup: 1 };
        rows.push(await measureIn(variant, request));
        if (mine !== generation) return;
        render(rows, notes);
      }
    }
    if (input.native) {
      if (input.n > config.native.max_n) {
        notes.push(`Native timings skipped: the server measures n up to ${config.native.max_n.toLocaleString("en")}.`);
      } else {
        for (const algorithm of input.algorithms) {
          setState("running", `Running natively on the server: ${algorithm}…`);
          const query = new URLSearchParams({ n: input.n, algorithm, repeats: Math.min(input.repeats, config.native.max_repeats) });
          input.builds.forEach((variant) => query.append("variant", variant));
          try {
            const native = await fetchJson(`/api/native?${query}`, NATIVE_TIMEOUT_MS);
            rows.push(...native.rows);
          } catch (error) {
            notes.push(`Native timings unavailable: ${error.message}`);
          }
          if (mine !== generation) return;
        }
      }
    }
    render(rows, notes);
    setState("done", `Done: ${rows.length} measurements.`);
  } catch (error) {
    if (mine === generation) {
      render(rows, notes);
      fail(error.message);
    }
  }
}

async function cancel() {
  generation += 1;
  for (const { worker } of workers.values()) worker.terminate();
  setState("loading", "Cancelled. Starting fresh workers…");
  try {
    await startWorkers();
  } catch (error) {
    fail(error.message);
  }
}

// ------------------------------------------------------------------ results

function addRatios(rows) {
  const median = new Map(rows.map((r) => [`${r.variant}|${r.runtime_kind}|${r.algorithm}|${r.n}`, r.median_ms]));
  for (const row of rows) {
    const python = median.get(`python|${row.runtime_kind}|${row.algorithm}|${row.n}`);
    const native = median.get(`${row.variant}|native|${row.algorithm}|${row.n}`);
    row.speedup_vs_python = python ? python / row.median_ms : null;
    row.slowdown_vs_native = row.runtime_kind !== "native" && native ? row.median_ms / native : null;
  }
}

const ms = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;
const ratio = (value) => (value == null ? "—" : `${value.toFixed(2)}×`);

function render(rows, notes) {
  addRatios(rows);
  const body = $("#results tbody");
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      tr.className = "result";
      Object.assign(tr.dataset, {
        variant: row.variant,
        runtime: row.runtime_kind,
        algorithm: row.algorithm,
        n: row.n,
        medianMs: row.median_ms,
        digits: row.digits,
        digest: row.digest,
      });
      const cells = [
        row.algorithm, row.n.toLocaleString("en"), LABELS[row.variant],
        row.runtime_kind === "native" ? "native" : "browser",
        ms(row.median_ms), ms(row.min_ms), ms(row.max_ms),
        ratio(row.speedup_vs_python), ratio(row.slowdown_vs_native),
        row.digits.toLocaleString("en"),
        row.digits > 24 ? `${row.leading}…${row.trailing}` : row.leading,
        row.digest.slice(7, 19),
      ];
      tr.replaceChildren(...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
      return tr;
    }),
  );
  const digests = new Map();
  for (const row of rows) {
    if (!digests.has(row.n)) digests.set(row.n, new Set());
    digests.get(row.n).add(row.digest);
  }
  const agree = [...digests.values()].every((set) => set.size === 1);
  const agreement = $("#agreement");
  agreement.dataset.agree = String(agree);
  agreement.textContent = rows.length === 0 ? "" : agree
    ? `All ${rows.length} results agree.${notes.length ? " " + notes.join(" ") : ""}`
    : `The builds DISAGREE on F(n): compare the digests. ${notes.join(" ")}`;
  drawChart(rows);
  lastDocument = rows.length ? resultDocument(rows) : null;
  $("#download").disabled = !lastDocument;
}

function drawChart(rows) {
  if (!window.Chart) return;
  const labels = [...new Set(rows.map((r) => `${r.algorithm} · ${LABELS[r.variant]}`))];
  const series = (kind) =>
    labels.map((label) => rows.find((r) => `${r.algorithm} · ${LABELS[r.variant]}` === label && (r.runtime_kind === "native") === (kind === "native"))?.median_ms ?? null);
  const data = {
    labels,
    datasets: [
      { label: "browser (Pyodide)", data: series("browser"), backgroundColor: "#2f6fb3" },
      { label: "native (server)", data: series("native"), backgroundColor: "#d9822b" },
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
      responsive: true,
      scales: { y: { type: "logarithmic", title: { display: true, text: "median time (ms)" } } },
    },
  });
}

function resultDocument(rows) {
  // The CLI's JSON schema (fib_benchmarks/schema.py), version 1.
  return {
    schema: "py-rust-fib/benchmark",
    version: 1,
    created: new Date().toISOString(),
    host: { user_agent: navigator.userAgent, cpus: navigator.hardwareConcurrency },
    settings: { source: "web page" },
    startups: [...workers.values()].map(({ ready }) => ({
      variant: ready.variant, runtime_kind: "browser", runtime: ready.runtime, build: ready.build,
      seconds: Object.values(ready.startup).reduce((a, b) => a + b, 0), phases: ready.startup,
    })),
    rows,
  };
}

function download() {
  const blob = new Blob([JSON.stringify(lastDocument, null, 1)], { type: "application/json" });
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: "py-rust-fib.json" });
  link.click();
  URL.revokeObjectURL(link.href);
}

// ------------------------------------------------------------------ start

async function boot() {
  $("#form").addEventListener("submit", run);
  $("#cancel").addEventListener("click", cancel);
  $("#download").addEventListener("click", download);
  for (const element of document.querySelectorAll("#form input, #form select")) {
    element.addEventListener("input", () => {
      const state = $("#status").dataset.state;
      const valid = validate(true) !== null;
      if (state === "ready" || state === "done") $("#run").disabled = !valid;
    });
  }
  try {
    config = await fetchJson("/api/builds", FETCH_TIMEOUT_MS);
    $("#max-n").textContent = config.max_n.toLocaleString("en");
    await loadScript(config.chartjs);
    await startWorkers();
  } catch (error) {
    fail(`Could not start: ${error.message}`);
  }
}

boot();
