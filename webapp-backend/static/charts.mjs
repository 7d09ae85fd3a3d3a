// The charts (Chart.js, served by this site): the race, the times, the answer, the load.

import { ELSEWHERE, ms, multiple, speed } from "./format.mjs";
import { $, COLOURS, LABELS, label, loadScript, shared } from "./page.mjs";

// The charts drawn, kept to be updated, and what the race shows.
let chart = null;
let race = null;
let raceCase = ""; // "doubling F(1,000)"
const raceFinishes = new Map(); // variant -> its median timed call (ms), once it has one

/** The chart library, its text and grid lines in the page's colours (style.css: a light or
 * a dark system theme). */
export async function loadCharts() {
  await loadScript(shared.config.chartjs);
  const style = getComputedStyle(document.documentElement);
  window.Chart.defaults.color = style.getPropertyValue("--muted").trim();
  window.Chart.defaults.borderColor = style.getPropertyValue("--line").trim();
}

/** The runtimes a row can have, in the times chart's order, and their legend (the table's
 * words for where a row ran). */
const RUNTIME_ORDER = ["browser", "pyodide", "wasi", "component", "native"];
const legend = (kind) => (kind === "native" ? "natively on the server" : `in ${ELSEWHERE[kind]}`);

/** A colour between two (#rrggbb), `at` of the way from the first. */
function mix(from, to, at) {
  const channels = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const [a, b] = [channels(from), channels(to)];
  return `#${a.map((value, i) => Math.round(value + (b[i] - value) * at).toString(16).padStart(2, "0")).join("")}`;
}

/** Two greys of the page's ink, for "in this browser" and "natively". */
export function inkGreys() {
  const style = getComputedStyle(document.documentElement);
  return [style.getPropertyValue("--ink").trim(), style.getPropertyValue("--muted").trim()];
}

/** A new race: every build's first call of this case, drawn as it goes; then, as each
 * build's timed calls end, redrawn at the pace of its median (raceSettle). */
export function raceStart(algorithm, n, builds) {
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

/** A trace event (fib_benchmarks/events.py) of `variant`'s first call: one more point. */
export function raceStep(variant, { done, total, elapsed_ns }) {
  const line = race?.data.datasets.find((dataset) => dataset.label === LABELS[variant]);
  if (!line) return;
  line.data.push({ x: elapsed_ns / 1e6, y: (100 * done) / total });
  race.update("none"); // called at most every 50 ms, during an untimed call only
}

/** A build's timed calls are done: its line keeps the first call's shape (how its progress
 * went) but ends at its median timed call, so that the race finishes in the table's order.
 * The first call was cold and traced (issue 20: Rust release finished last at F(10^4), ~30
 * ms against a median of 50 µs). */
export function raceSettle(variant, medianMs) {
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

export function drawChart(rows) {
  if (!window.Chart) return;
  const name = (r) => `${r.algorithm} F(${r.n.toLocaleString("en")}) · ${label(r.variant)}`;
  const labels = [...new Set(rows.map(name))];
  const series = (kind) => labels.map((label) => rows.find((r) => name(r) === label && r.runtime === kind)?.median_ms ?? null);
  // One series per runtime the rows have (a CLI run saved natively showed an empty "in this
  // browser"; its Pyodide rows were called "in this browser"), in greys of the page's ink:
  // not the builds' colours (blue is Python in the other charts).
  const kinds = RUNTIME_ORDER.filter((kind) => rows.some((row) => row.runtime === kind));
  const greys = inkGreys();
  const data = {
    labels,
    datasets: kinds.map((kind, i) => ({
      label: legend(kind),
      data: series(kind),
      // From the ink to a lighter grey, evenly.
      backgroundColor: kinds.length > 1 ? mix(greys[0], greys[1], i / (kinds.length - 1)) : greys[0],
    })),
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

export function drawAnswerChart(at, versusPython) {
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

export function drawLoadChart(rows, most) {
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
