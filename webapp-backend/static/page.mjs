// What every part of the page shares: its address and bounds, the builds' labels and
// colours, the state of the page (`shared`), the status line, and small DOM helpers.

export const $ = (selector) => document.querySelector(selector);

/** The page's state, which its parts share. */
export const shared = {
  config: null, // GET /api/builds
  generation: 0, // bumped by Cancel: late messages of old workers are ignored
  nativeRun: null, // {token, controller} of the server's native run under way
  lastDocument: null,
  savedDocument: null, // the run last saved: saved once
  linkNotes: [], // what the page's address asked for and the form could not take
  readySeconds: null,
  canRun: () => false, // whether the form's values can run (form.mjs says)
};

export const PARAMS = new URLSearchParams(location.search);

// A cold Pyodide start takes seconds; a broken one (say, .wasm served with the wrong type)
// never ends on its own. `?ready_timeout_s=` shortens the bound, for tests.
export const READY_TIMEOUT_MS = 1000 * Number(PARAMS.get("ready_timeout_s") ?? 120);

// A run posts a message at least after every call; a call of F(MAX_N) by the iterative
// algorithm in Pyodide's Python takes minutes. This only catches a worker that died.
export const SILENCE_TIMEOUT_MS = 1000 * Number(PARAMS.get("silence_timeout_s") ?? 1800);

export const FETCH_TIMEOUT_MS = 15_000;

export const EXPORT_TIMEOUT_MS = 30_000;

export const NATIVE_TIMEOUT_MS = 1_800_000;

export const MAX_REPEATS = 50;

// Each build's label, from the contract (contract.json, through /api/builds).
export const LABELS = {};

/** A build's label; a saved run may name builds this server does not have (rust-wasmtime, gmp). */
export const label = (variant) => (Object.hasOwn(LABELS, variant) ? LABELS[variant] : variant);

// Each build's colour in every chart, from the contract too; saved runs may name builds
// this server does not have (grey).
export const COLOURS = {};

// /runs/<id>: the page shows that saved run instead of starting workers; /runs lists the
// saved runs, /compare?runs=a,b shows runs side by side.
// The server serves the page at /runs/<id> only for an id of a saved run's form (its
// pattern is fib_benchmarks.results.store.RUN_ID's alone).
export const SAVED_RUN = location.pathname.match(/^\/runs\/([^/]+)$/)?.[1] ?? null;

export const VIEW = SAVED_RUN ? "saved" : { "/runs": "runs", "/compare": "compare" }[location.pathname] ?? null;

export function setState(state, text) {
  const status = $("#status");
  status.dataset.state = state;
  status.textContent = text;
  const busy = state === "running" || state === "loading";
  $("#run").disabled = busy || state === "error" || !shared.canRun();
  $("#cancel").disabled = state !== "running";
  // A run is saved whole, once: not while it runs (that saved 1 of 10 measurements).
  $("#save").disabled = busy || !shared.lastDocument || shared.lastDocument === shared.savedDocument;
}

export async function fetchJson(url, timeoutMs, options = {}) {
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { ...options, signal });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${said(body.detail) ?? response.statusText}`);
  return body;
}

/** An API error's detail in words: FastAPI's validation errors are a list of
 * {loc, msg}, which read "n: Input should be a valid integer". */
export function said(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((item) => `${(item.loc ?? []).slice(1).join(".")}: ${item.msg}`).join("; ");
  if (detail && typeof detail === "object" && typeof detail.message === "string") return [detail.message, ...(detail.problems ?? [])].join(": ");
  return detail === undefined ? undefined : JSON.stringify(detail);
}

export function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/** An element with text (never HTML: saved runs are untrusted), and a table row of cells. */
export const textElement = (tag, content, attributes = {}) => Object.assign(document.createElement(tag), { textContent: content, ...attributes });

export const tableRow = (...cells) => {
  const tr = document.createElement("tr");
  tr.append(...cells.map((cell) => (cell instanceof Node ? cell : textElement("td", String(cell)))));
  return tr;
};

/** On a phone a table's rows become cards (style.css): each cell names its column. */
export function labelCells(table) {
  const headings = [...table.tHead.rows[0].cells].map((heading) => heading.textContent);
  for (const row of table.tBodies[0].rows) [...row.cells].forEach((cell, i) => (cell.dataset.label = headings[i] ?? ""));
}
