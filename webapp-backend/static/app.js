// The benchmark page, wired: one worker per build started at once (Pyodide for Python and
// the Rust wheels; plain JavaScript for the BigInt build and for fib-rust's WebAssembly
// module with no Pyodide, rust-wasm), the measurements one worker at a time, then the
// native timings, shown as an answer, a table and charts. Its parts, each a module:
//
//   page.mjs     the address, the bounds, the shared state, the status line, DOM helpers
//   format.mjs   numbers in words and units (pure)     estimate.mjs  a run's duration (pure)
//   form.mjs     the form, the address bar, the estimate shown and the question before a
//                long run
//   workers.mjs  starting the workers, one measurement in one of them
//   run.mjs      a run, in the browser then natively; Cancel
//   charts.mjs   the race, the times, the answer, the load (Chart.js)
//   results.mjs  the table, the answer, the document (the server makes it of the samples:
//                /api/document), downloads, Save and share
//   views.mjs    a saved run, the saved runs, runs compared
//
// Worker messages are described in webapp-worker/fib_worker/protocol.py.
// `window.pyRustFib` is the page's API for the benchmark CLI (`--runtime browser`), which
// drives these same workers from headless Chromium.

import { loadCharts } from "./charts.mjs";
import { formFromContract, formFromUrl, onFormInput, selectedVariants, showEstimate, urlFromForm, validate } from "./form.mjs";
import { $, FETCH_TIMEOUT_MS, PARAMS, SAVED_RUN, VIEW, fetchJson, setState, shared } from "./page.mjs";
import { download, exportAs, resultDocument, saveAndShare } from "./results.mjs";
import { cancel, run, runPlan } from "./run.mjs";
import { VIEW_FAILURES, showComparison, showRuns, showSaved } from "./views.mjs";
import { compilePyodide, startWorkers, watchRebuilds } from "./workers.mjs";

let resolveReady;
const ready = new Promise((resolve) => (resolveReady = resolve));

/** For the benchmark CLI: the same workers, driven from outside. */
window.pyRustFib = {
  ready, // resolves with {ok, seconds, message} once every worker is ready or one failed
  // Progress goes to `window.pyRustFibProgress(message)` if the caller defined it.
  runPlan: async (plan) => {
    await startWorkers(plan.variants);
    setState("running", "Running…");
    const result = await runPlan(plan, (variant, event) => {
      if (event.event === "progress" || event.event === "warm") window.pyRustFibProgress?.({ variant, ...event });
    });
    setState("done", `Done: ${result.rows.length} measurements.`);
    return { ...result, document: shared.lastDocument };
  },
  startups: () => resultDocument([]).startups,
  lastDocument: () => shared.lastDocument,
};

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
    shared.config = await fetchJson("/api/builds", FETCH_TIMEOUT_MS);
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
    compilePyodide();
    formFromUrl();
    urlFromForm();
    showEstimate(validate(true));
    // The chart library loads while the workers start; the page waits for neither alone.
    await Promise.all([loadCharts(), startWorkers(selectedVariants())]);
    resolveReady({ ok: true, seconds: shared.readySeconds });
    if (shared.config.dev) watchRebuilds();
  } catch (error) {
    setState("error", `Could not start: ${error.message}`);
    resolveReady({ ok: false, message: error.message });
    return;
  }
  if (PARAMS.get("run") === "1") {
    // A link that was not understood whole runs nothing: what would run is not what it says.
    if (validate(true) && !shared.linkNotes.length) await run();
    else setState("ready", "The link asked to run, but parts of it are wrong: see the messages above.");
  }
}

boot();
