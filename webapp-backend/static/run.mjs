// A run: every build in turn in this browser, then natively on the server; Cancel.

import { raceSettle, raceStart } from "./charts.mjs";
import { aboutSeconds, runEstimate } from "./estimate.mjs";
import { mayStart, selectedVariants, urlFromForm, validate } from "./form.mjs";

import { $, LABELS, NATIVE_TIMEOUT_MS, fetchJson, setState, shared } from "./page.mjs";
import { documentOf, offer, render, showAnswer } from "./results.mjs";
import { measureIn, startWorkers, workers } from "./workers.mjs";

/** Measure `plan` ({ns, algorithms, variants, repeats, warmup, native}) with the workers,
 * one at a time, then natively on the server; resolves with {rows, notes}: the rows of
 * the document the server made of them (statistics, warnings, ratios), shown as they come. */
export async function runPlan(plan, onEvent = null) {
  const mine = shared.generation;
  const measured = []; // as the workers and the server's native runs give them: samples
  const notes = [];
  let made = null;
  const show = async () => {
    made = measured.length ? await documentOf(measured) : null;
    if (mine !== shared.generation) throw new Error("cancelled");
    render(made?.rows ?? [], notes);
    offer(made);
  };
  let id = 0;
  for (const algorithm of plan.algorithms) {
    for (const n of plan.ns) {
      raceStart(algorithm, n, plan.variants);
      for (const variant of plan.variants) {
        setState("running", `Running ${LABELS[variant]}, ${algorithm}, F(${n.toLocaleString("en")})…`);
        const request = { id: ++id, algorithm, n, repeats: plan.repeats, warmup: plan.warmup ?? "auto" };
        measured.push(await measureIn(variant, request, onEvent));
        if (mine !== shared.generation) throw new Error("cancelled");
        await show();
        const row = made.rows.find((r) => r.variant === variant && r.runtime === "browser" && r.algorithm === algorithm && r.n === n);
        raceSettle(variant, row.median_ms);
      }
    }
  }
  if (plan.native) {
    for (const algorithm of plan.algorithms) {
      for (const n of plan.ns) {
        // The server says nothing until it is done: the time so far, against its estimate.
        const what = `Running natively on the server: ${algorithm}, F(${n.toLocaleString("en")})`;
        const expected = aboutSeconds(runEstimate({ ...plan, algorithms: [algorithm], ns: [n] }, shared.config).native);
        const started = performance.now();
        const say = () => setState("running", `${what}: ${Math.round((performance.now() - started) / 1000)} s so far, estimated ${expected}…`);
        say();
        const ticker = setInterval(say, 1000);
        try {
          measured.push(...(await nativeTimings(algorithm, n, plan, notes)));
        } finally {
          clearInterval(ticker);
        }
        if (mine !== shared.generation) throw new Error("cancelled");
      }
    }
  }
  await show();
  return { rows: made?.rows ?? [], notes };
}

export async function nativeTimings(algorithm, n, plan, notes) {
  const token = crypto.randomUUID();
  const query = new URLSearchParams({ n, algorithm, repeats: plan.repeats, run: token });
  plan.variants.forEach((variant) => query.append("variant", variant));
  shared.nativeRun = { token, controller: new AbortController() };
  try {
    return (await fetchJson(`/api/native?${query}`, NATIVE_TIMEOUT_MS, { signal: shared.nativeRun.controller.signal })).rows;
  } catch (error) {
    notes.push(`Native timings unavailable: ${error.message}`);
    return [];
  } finally {
    shared.nativeRun = null;
  }
}

export async function run(event) {
  event?.preventDefault();
  const input = validate(true);
  if (!input) return;
  urlFromForm();
  if (!mayStart(input)) return;
  const mine = shared.generation;
  try {
    await startWorkers(input.variants); // any build ticked since the page started
    $("#shared").textContent = ""; // the last run's permalink stays until a new run starts
    setState("running", "Running…");
    const { rows } = await runPlan(input);
    setState("done", `Done: ${rows.length} measurements.`);
    // The answer first, in view, with the focus (it was lost when the buttons were disabled).
    showAnswer(rows);
  } catch (error) {
    if (mine === shared.generation) setState("error", error.message);
  }
}

export async function cancel() {
  shared.generation += 1;
  for (const { worker } of workers.values()) worker.terminate();
  if (shared.nativeRun) {
    // Stop the server's process too, or it stays busy and refuses the next run.
    const { token, controller } = shared.nativeRun;
    controller.abort();
    fetch(`/api/native/cancel?run=${token}`, { method: "POST" }).catch(() => {});
  }
  workers.clear();
  setState("loading", "Cancelled. Starting fresh workers…");
  try {
    await startWorkers(selectedVariants());
  } catch (error) {
    setState("error", error.message);
  }
}
