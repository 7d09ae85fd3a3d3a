// What a run shows and gives: the table, the answer, the result document and its
// downloads, Save and share. The document (every row's statistics and warnings, the
// ratios with their intervals) is made by the server from the measurements' samples
// (/api/document: the CLI's own Python); the page shows what it returns.

import { drawAnswerChart, drawChart } from "./charts.mjs";
import { compact, count, ms, ratio, speed, speedSure, warmupCalls, whereRan } from "./format.mjs";
import { $, EXPORT_TIMEOUT_MS, fetchJson, label, setState, shared } from "./page.mjs";
import { workers } from "./workers.mjs";

export const COLUMNS = ["Build", "Where", "Median", "± IQR/2", "Min – max", "Warm-up", "vs Python", "Browser / native", "F(n)"];

export function cell(label, content, className = "") {
  const td = document.createElement("td");
  td.dataset.label = label;
  if (className) td.className = className;
  td.append(...[content].flat());
  return td;
}

export function resultRow(row, footnotes) {
  const tr = document.createElement("tr");
  tr.className = "result";
  Object.assign(tr.dataset, {
    variant: row.variant,
    runtime: row.runtime,
    algorithm: row.algorithm,
    n: row.n,
    medianMs: row.median_ms,
    iqrMs: row.iqr_ms,
    warmup: warmupCalls(row),
    outliers: row.outliers,
    digits: row.digits,
    digest: row.digest,
  });
  const median = [ms(row.median_ms)];
  if (row.warnings?.length) {
    footnotes.push(`${label(row.variant)} (${whereRan(row)}), ${row.algorithm} F(${row.n.toLocaleString("en")}): ${row.warnings.join("; ")}.`);
    // A link to its note (the notes are numbered in the list under the table).
    const mark = Object.assign(document.createElement("sup"), { className: "warn" });
    mark.append(Object.assign(document.createElement("a"), {
      href: `#warning-${footnotes.length}`, textContent: ` ⚠${footnotes.length}`, title: row.warnings.join("; "),
      ariaLabel: `warning ${footnotes.length}`,
    }));
    median.push(mark);
  }
  const value = Object.assign(document.createElement("span"), { className: "edges", title: `${row.digits.toLocaleString("en")} digits, ${row.digest}` });
  // The first and last digits; a line may break after the ellipsis only (a wide table
  // then fits 1 280 px).
  if (row.digits > 24) value.append(`${row.leading}…`, document.createElement("wbr"), row.trailing);
  else value.append(row.leading);
  const digest = Object.assign(document.createElement("code"), { className: "digest", textContent: row.digest.slice(7, 15) });
  const settled = row.warmup_settled === false ? "*" : "";
  tr.replaceChildren(
    cell(COLUMNS[0], label(row.variant)),
    cell(COLUMNS[1], whereRan(row)),
    cell(COLUMNS[2], median),
    cell(COLUMNS[3], `± ${ms(row.iqr_ms / 2)}`),
    cell(COLUMNS[4], `${ms(row.min_ms)} – ${ms(row.max_ms)}`),
    cell(COLUMNS[5], `${compact(warmupCalls(row))}${settled}`),
    cell(COLUMNS[6], row.variant === "python" ? "—" : withInterval(speedSure(row.speedup_vs_python, row.speedup_vs_python_interval))),
    cell(COLUMNS[7], ratio(row.slowdown_vs_native)),
    cell(COLUMNS[8], [value, " ", digest], "value"),
  );
  return tr;
}

/** "38× faster (32–43)" with its interval in a span of its own: under the ratio in a wide
 * table (which then fits 1 280 px), beside it on a phone's card (style.css). */
function withInterval(text) {
  const cut = text.indexOf(" (");
  if (cut < 0) return text;
  return [text.slice(0, cut), Object.assign(document.createElement("span"), { className: "interval", textContent: text.slice(cut) })];
}

/** The run so far as a result document, made by the server from its rows' samples. */
export async function documentOf(rows) {
  return fetchJson("/api/document", EXPORT_TIMEOUT_MS, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(resultDocument(rows)),
  });
}

/** The document that Download, Export and Save give. */
export function offer(made) {
  shared.lastDocument = made;
  for (const id of ["#download", "#download-csv", "#download-markdown"]) $(id).disabled = !made;
  $("#save").disabled = !made || made === shared.savedDocument || $("#status").dataset.state === "running";
}

/** The table of a document's rows (with their statistics and ratios), its warnings, its
 * agreement line and the times chart. */
export function render(rows, notes) {
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
}

/** After a run (or on a saved one): the answer in words and a headline chart, first in
 * view. The case is the run's largest n by doubling (else by iterative), where the
 * difference is largest; the ratios are those of the table (this run only). */
export function showAnswer(rows) {
  const algorithm = rows.some((row) => row.algorithm === "doubling") ? "doubling" : rows[0]?.algorithm;
  const ofCase = rows.filter((row) => row.algorithm === algorithm);
  if (!ofCase.length) return;
  const n = Math.max(...ofCase.map((row) => row.n));
  const at = ofCase.filter((row) => row.n === n);
  // The document's own ratios (the server's, from this run only).
  const versusPython = (variant, native) =>
    at.find((row) => row.variant === variant && (row.runtime === "native") === native)?.speedup_vs_python ?? null;
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

/** The run as the CLI's document (fib_benchmarks/results/document.py, benchmark.schema.json). */
export function resultDocument(rows) {
  const distinct = (pick) => [...new Set(rows.map(pick))];
  // A browser's own interpreter string names it ("Chrome 156.0.8078.73"); Pyodide's does not.
  const browser = rows.find((row) => row.runtime === "browser" && !row.interpreter.startsWith("Pyodide"))?.interpreter ?? null;
  return {
    schema: "py-rust-fib/benchmark",
    version: 6, // fib_benchmarks.results.document.VERSION: runtime, interpreter, build_info
    created: new Date().toISOString(),
    code: shared.config.code,
    host: {
      user_agent: navigator.userAgent,
      browser,
      cpus: navigator.hardwareConcurrency,
      cross_origin_isolated: self.crossOriginIsolated,
      ready_after_s: shared.readySeconds,
    },
    versions: {}, // the server gathers them from the rows (schema.summarized, as for the CLI)
    settings: {
      source: "web page",
      url: location.href,
      ns: distinct((row) => row.n),
      algorithms: distinct((row) => row.algorithm),
      variants: distinct((row) => row.variant),
      runtimes: distinct((row) => row.runtime),
      repeats: Math.max(...rows.map((row) => row.repeats)),
      warmup: "auto",
      rounds: 1,
    },
    startups: [...workers.values()].map(({ ready }) => ({
      variant: ready.variant, runtime: "browser", interpreter: ready.interpreter, build_info: ready.build_info,
      seconds: Object.values(ready.startup).filter((value) => typeof value === "number").reduce((a, b) => a + b, 0),
      phases: ready.startup,
      ready_after_s: ready.ready_after_s,
    })),
    rows,
  };
}

export function save(blob, extension) {
  const stamp = shared.lastDocument.created.replaceAll(":", "-").slice(0, 19);
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `py-rust-fib-${stamp}.${extension}` });
  link.click();
  URL.revokeObjectURL(link.href);
}

export function download() {
  save(new Blob([JSON.stringify(shared.lastDocument, null, 1)], { type: "application/json" }), "json");
}

/** Save the run on this server: its permalink, shown; its delete token, kept by this browser. */
export async function saveAndShare() {
  $("#save").disabled = true;
  try {
    const saved = await fetchJson("/api/runs", EXPORT_TIMEOUT_MS, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(shared.lastDocument),
    });
    localStorage.setItem(`py-rust-fib:delete-token:${saved.id}`, saved.delete_token);
    shared.savedDocument = shared.lastDocument;
    const link = Object.assign(document.createElement("a"), { href: saved.url, textContent: new URL(saved.url, location.href).href });
    $("#shared").replaceChildren("Saved: ", link, " (this browser keeps the token that can delete it)");
  } catch (error) {
    $("#shared").textContent = `Not saved: ${error.message}`;
    $("#save").disabled = false;
  }
}

/** CSV or Markdown: made by the server from this document, with the CLI's own code. */
export async function exportAs(format, extension) {
  try {
    const response = await fetch(`/api/export?format=${format}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(shared.lastDocument),
      signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`the server refused the export (${response.status}): ${(await response.text()).slice(0, 300)}`);
    save(await response.blob(), extension);
  } catch (error) {
    setState("error", `Export failed: ${error.message}`);
  }
}
