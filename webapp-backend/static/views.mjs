// The views with no form: a saved run (/runs/<id>), the saved runs (/runs), runs compared
// (/compare).

import { drawLoadChart, loadCharts } from "./charts.mjs";
import { listed, ms, multiple, ratio, when } from "./format.mjs";
import { $, FETCH_TIMEOUT_MS, PARAMS, fetchJson, label, labelCells, setState, shared, tableRow, textElement } from "./page.mjs";
import { offer, render, showAnswer } from "./results.mjs";

/** The query of an http(s) address on this site (`?n=...`, or ""), else null. */
export function sameSiteQuery(url) {
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
export async function showSaved(id) {
  document.body.classList.add("saved-view");
  const saved = await fetchJson(`/api/runs/${encodeURIComponent(id)}`, FETCH_TIMEOUT_MS);
  await loadCharts();
  render(saved.rows, []);
  if (saved.rows.length) showAnswer(saved.rows);
  shared.savedDocument = saved; // it is saved already
  offer(saved);
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
export function showLoad(saved) {
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

export async function deleteSaved(id, token) {
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
export async function showRuns() {
  document.body.classList.add("runs-view");
  const filter = $("#runs-filter");
  for (const algorithm of shared.config.algorithms) filter.algorithm.append(textElement("option", algorithm));
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
    const builds = run.variants.map(label).join(", ") + (run.runtimes.includes("server") ? " (under load)" : "");
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
export const VIEW_FAILURES = {
  saved: (why) => (why.startsWith("404") ? "No saved run has this address: it was deleted, or the link is mistyped." : `This saved run cannot be shown: ${why}`),
  runs: (why) => `The saved runs cannot be listed: ${why}`,
  compare: (why) => `These runs cannot be compared: ${why}`,
};

export async function showComparison() {
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
      // The ratio's 95 % interval (a bootstrap over both rows' samples, fib_benchmarks.results.compare).
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
