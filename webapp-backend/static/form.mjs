// The form: its values from the contract and the address, checked as they are typed,
// kept in the address bar, and the estimate of the run they ask for.

import { ASK_BEYOND_S, aboutSeconds, runEstimate } from "./estimate.mjs";
import { readLink } from "./link.mjs";
import { $, COLOURS, LABELS, MAX_REPEATS, PARAMS, label, setState, shared } from "./page.mjs";

// The status line enables Run only when the form can run (page.mjs cannot import this).
shared.canRun = () => validate(false) !== null;

export function selectedVariants() {
  return [...document.querySelectorAll('input[name="build"]:checked')].map((box) => box.value);
}

export function wholeNumber(text) {
  const clean = text.trim().replaceAll("_", "").replaceAll(",", "");
  return /^-?\d+$/.test(clean) ? Number(clean) : null;
}

/** What is wrong with each field ({field: message}), or {} if the form can be run. */
export function problems() {
  const found = {};
  const maxN = shared.config?.max_n ?? Infinity; // the contract's, once /api/builds answered
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
  if (selectedVariants().length === 0) found.builds = "Choose at least one build.";
  if ($("#native").checked && shared.config && !found.n && !found.repeats) {
    const limits = shared.config.native;
    if (n > limits.max_n) {
      found.native = `The server times n up to ${limits.max_n.toLocaleString("en")} natively: untick this to run F(${n.toLocaleString("en")}) in the browser only.`;
    } else if (repeats > limits.max_repeats) {
      found.native = `The server times at most ${limits.max_repeats} calls natively: lower “Timed calls” or untick this.`;
    }
  }
  return found;
}

/** The form's values, or null; with `show`, explain what is wrong next to each field. */
export function validate(show = true) {
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
    algorithms: algorithm === "both" ? shared.config.algorithms : [algorithm],
    variants: selectedVariants(),
    repeats: wholeNumber($("#repeats").value),
    warmup: "auto",
    native: $("#native").checked,
  };
}

/** The parts of the form that the contract defines: n's bound, the algorithms, the builds
 * (all of them ticked). Before the URL's values are applied to them. */
export function formFromContract() {
  $("#max-n").textContent = shared.config.max_n.toLocaleString("en");
  for (const algorithm of shared.config.algorithms) {
    $("#algorithm").append(Object.assign(document.createElement("option"), { value: algorithm, textContent: algorithm }));
  }
  $("#build-boxes").replaceChildren(
    ...shared.config.builds.map((build) => {
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

/** Fill the form from the URL (?n=&algorithm=&variants=&repeats=&native=); a value that
 * does not fit is kept in its field, where validation shows what is wrong with it. */
export function formFromUrl() {
  const algorithms = [...$("#algorithm").options].map((option) => option.value);
  const variants = [...document.querySelectorAll('input[name="build"]')].map((box) => box.value);
  const { values, notes } = readLink(PARAMS, { algorithms, variants });
  if (values.n !== undefined) $("#n").value = values.n;
  if (values.repeats !== undefined) $("#repeats").value = values.repeats;
  if (values.algorithm !== undefined) $("#algorithm").value = values.algorithm;
  if (values.variants !== undefined) {
    for (const box of document.querySelectorAll('input[name="build"]')) box.checked = values.variants.includes(box.value);
  }
  if (values.native !== undefined) $("#native").checked = values.native;
  $("#link-error").textContent = notes.length ? `Not taken from the link: ${notes.join("; ")}.` : "";
  shared.linkNotes = notes;
}

/** Keep the address bar in step with the form, so that the page can be linked as it is. */
export function urlFromForm() {
  const query = new URLSearchParams({
    n: $("#n").value.trim(),
    algorithm: $("#algorithm").value,
    variants: selectedVariants().join(","),
    repeats: $("#repeats").value.trim(),
    native: $("#native").checked ? "1" : "0",
  });
  for (const keep of ["ready_timeout_s", "silence_timeout_s"]) if (PARAMS.has(keep)) query.set(keep, PARAMS.get(keep));
  history.replaceState(null, "", `?${query}`);
  // The form as it is, ready to run: whoever opens a link does not start a benchmark by
  // opening it (add run=1 to a link for that).
  $("#permalink").href = `${location.pathname}?${query}`;
}

/** Any change to the form: explain what is wrong, follow it in the address bar, say how
 * long the run would take. */
export function onFormInput() {
  const state = $("#status").dataset.state;
  const input = validate(true);
  urlFromForm();
  showEstimate(input);
  if (state === "ready" || state === "done" || (state === "error" && shared.config)) $("#run").disabled = input === null;
}

/** The form's run, estimated in #estimate; returns the estimate (null if none). */
export function showEstimate(input) {
  if (!input || !shared.config) {
    $("#estimate").textContent = "";
    return null;
  }
  const estimate = runEstimate(input, shared.config);
  const slowest = estimate.byBuild.size > 1 ? `, ${label(estimate.slowest)} the longest` : "";
  $("#estimate").textContent = `Estimated: ${aboutSeconds(estimate.seconds)}${slowest}.`;
  return estimate;
}

let asked = null; // the settings of the long run the visitor was last asked about

/** Whether `input` may start now: a run estimated over a minute starts only on a second
 * press of Run with the same settings, the first saying why. */
export function mayStart(input) {
  const estimate = showEstimate(input);
  const key = JSON.stringify(input);
  if (!estimate || estimate.seconds <= ASK_BEYOND_S) return true;
  if (asked === key) {
    asked = null; // asked, and answered by pressing Run again
    return true;
  }
  asked = key;
  const longest = estimate.byBuild.get(estimate.slowest);
  const slowest = estimate.byBuild.size > 1 ? ` (${label(estimate.slowest)} alone ${aboutSeconds(longest)})` : "";
  $("#estimate").textContent =
    `This run would take ${aboutSeconds(estimate.seconds)}${slowest}. Press Run again to start it, or make it shorter: a smaller n, fewer timed calls or fewer builds.`;
  setState("ready", "Not started: this run is long. Press Run again to start it.");
  return false;
}
